"""Convolutional VAE: the conv encoder with Gaussian heads, and the conv decoder."""

from __future__ import annotations

import keras

from aeviewer.core.models.conv import conv_decoder, conv_features
from aeviewer.core.models.options import ModelOptions
from aeviewer.core.models.vae import gaussian_encoder


def build_conv_vae(
    input_shape: tuple[int, ...], options: ModelOptions
) -> tuple[keras.Model, keras.Model]:
    """Encoder returning ``[z_mean, z_log_var, z]`` from conv features, and the conv decoder;
    :class:`~aeviewer.core.models.vae.VAE` trains them."""
    inputs, x, plan = conv_features(input_shape, options, preset="conv-vae")
    encoder = gaussian_encoder(inputs, x, options.latent_dim)
    return encoder, conv_decoder(input_shape, options, plan)
