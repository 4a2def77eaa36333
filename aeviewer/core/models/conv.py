"""Convolutional autoencoder: conv + pooling down to a flat code, upsampling + conv back."""

from __future__ import annotations

from typing import Any

import keras

from aeviewer.core.models.autoencoder import initializer_for
from aeviewer.core.models.dense import coding_regularizer, input_layers
from aeviewer.core.models.options import ModelOptions, OptionsError
from aeviewer.core.models.shapes import ConvPlan, conv_plan, describe_shape


def image_geometry(input_shape: tuple[int, ...], preset: str) -> tuple[int, int, int]:
    """``(H, W, C)`` of an ``(H, W)`` grey or ``(H, W, C)`` image input; one
    :class:`OptionsError` line for anything else (vectors)."""
    if len(input_shape) == 2:
        return input_shape[0], input_shape[1], 1
    if len(input_shape) == 3:
        return input_shape[0], input_shape[1], input_shape[2]
    raise OptionsError(
        f"the {preset} model needs images; this data set holds {describe_shape(input_shape)}"
    )


def _conv(filters: int, name: str, options: ModelOptions, activation: str | None = None) -> Any:
    return keras.layers.Conv2D(
        filters,
        3,
        padding="same",
        activation=activation or options.activation,
        kernel_initializer=initializer_for(options.activation),
        name=name,
    )


def conv_features(
    input_shape: tuple[int, ...], options: ModelOptions, preset: str = "conv"
) -> tuple[keras.KerasTensor, keras.KerasTensor, ConvPlan]:
    """The encoder's input and its flattened conv features, with the plan they follow.

    The input is flattened (for the denoising noise) and reshaped to ``(H, W, C)``: a grey
    image gets its channel axis here.
    """
    h, w, c = image_geometry(input_shape, preset)
    plan = conv_plan(h, w, options.filters)
    inputs, x = input_layers(input_shape, options)
    x = keras.layers.Reshape((h, w, c), name="to_channels")(x)
    for i, f in enumerate(plan.filters, start=1):
        x = _conv(f, f"encoder_conv_{i}", options)(x)
        if i <= plan.levels:
            x = keras.layers.MaxPooling2D(2, name=f"encoder_pool_{i}")(x)
    return inputs, keras.layers.Flatten(name="encoder_flatten")(x), plan


def conv_decoder(input_shape: tuple[int, ...], options: ModelOptions, plan: ConvPlan) -> Any:
    """The mirror of :func:`conv_features`: a dense layer to the code grid, then upsampling
    and convolutions back to the input's shape.

    Upsampling followed by a 3x3 convolution (rather than a transposed convolution) avoids
    checkerboard artefacts, and keeps the GUI's numpy forward pass simple.
    """
    h, w, c = image_geometry(input_shape, "conv")
    gh, gw = plan.grid(h, w)
    top = plan.filters[-1]
    z_in = keras.Input(shape=(options.latent_dim,), name="z")
    y = keras.layers.Dense(
        gh * gw * top,
        activation=options.activation,
        kernel_initializer=initializer_for(options.activation),
        name="decoder_dense_1",
    )(z_in)
    y = keras.layers.Reshape((gh, gw, top), name="to_grid")(y)
    for i, f in enumerate(reversed(plan.filters), start=1):
        if i > len(plan.filters) - plan.levels:
            y = keras.layers.UpSampling2D(2, name=f"decoder_up_{i}")(y)
        y = _conv(f, f"decoder_conv_{i}", options)(y)
    y = _conv(c, "reconstruction", options, activation=options.output_activation)(y)
    if len(input_shape) == 2:
        y = keras.layers.Reshape((h, w), name="to_image")(y)
    return keras.Model(z_in, y, name="decoder")


def build_conv(
    input_shape: tuple[int, ...], options: ModelOptions
) -> tuple[keras.Model, keras.Model]:
    """Encoder and decoder for ``(H, W)`` grey or ``(H, W, C)`` images of any size; the pooling
    levels follow from the size (:func:`~aeviewer.core.models.shapes.conv_plan`)."""
    inputs, x, plan = conv_features(input_shape, options)
    codes = keras.layers.Dense(
        options.latent_dim,
        activation=options.coding_activation,
        kernel_initializer=initializer_for(options.coding_activation),
        activity_regularizer=coding_regularizer(options),
        name="coding",
    )(x)
    encoder = keras.Model(inputs, codes, name="encoder")
    return encoder, conv_decoder(input_shape, options, plan)
