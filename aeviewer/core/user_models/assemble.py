"""A user's encoder and decoder as the app's :class:`Autoencoder`, for data of a given shape.

The app's data are grey ``(H, W)``, colour ``(H, W, 3)`` or vectors ``(D,)``, and its latent
views take flat codes. Reshape layers at the edges make the file's model take and give the
data's shape and a flat code (a feature-map code is flattened, and reshaped back to decode):
the data are never copied to fit, and the file's layers are shared, so training the
autoencoder trains them.
"""

from __future__ import annotations

import math
from typing import Any

import keras
import numpy as np

from aeviewer.core.models.autoencoder import Autoencoder, make_optimizer
from aeviewer.core.models.options import ModelOptions
from aeviewer.core.models.vae import VAE
from aeviewer.core.user_models.splitting import Parts


def shape_of(t: Any) -> tuple[int, ...]:
    """A tensor's shape without the batch axis."""
    return tuple(int(s) for s in t.shape[1:])


def assemble(parts: Parts, data_shape: tuple[int, ...], options: ModelOptions) -> Autoencoder:
    """An :class:`Autoencoder` (preset ``"custom"``) running ``parts`` on data of
    ``data_shape``, compiled with ``options``' loss, optimizer and learning rate."""
    data_shape = tuple(int(s) for s in data_shape)
    encoder = _flat_encoder(parts, data_shape)
    decoder = _flat_decoder(parts, data_shape)
    if parts.variational:
        model: keras.Model = VAE(encoder, decoder, loss=options.loss, name="vae")
        model.build((None, *data_shape))
        model.compile(optimizer=make_optimizer(options))
    else:
        inputs = keras.Input(shape=data_shape)
        model = keras.Model(inputs, decoder(encoder(inputs)), name="autoencoder")
        model.compile(
            optimizer=make_optimizer(options),
            loss="binary_crossentropy" if options.loss == "bce" else "mse",
        )
    ae = Autoencoder("custom", options, data_shape, encoder, decoder, model, parts.variational)
    # Loss parts beyond the reconstruction (a VAE's KL, the file's own penalties) show too.
    ae.metric_names = tuple(ae.loss_terms(np.zeros((1, *data_shape), np.float32), False))
    return ae


def _flat_encoder(parts: Parts, data_shape: tuple[int, ...]) -> Any:
    """The encoder taking ``data_shape`` and giving flat codes (the file's when it does)."""
    model_in = shape_of(parts.encoder.inputs[0])
    code_shape = shape_of(parts.encoder.outputs[0])
    if model_in == data_shape and len(code_shape) == 1:
        return parts.encoder
    x = keras.Input(data_shape)
    h = x if model_in == data_shape else keras.layers.Reshape(model_in, name="to_model_input")(x)
    codes = parts.encoder(h)
    if len(code_shape) > 1 and parts.variational:
        names = ("flat_z_mean", "flat_z_log_var", "flat_z")
        codes = [keras.layers.Flatten(name=n)(c) for n, c in zip(names, codes, strict=True)]
    elif len(code_shape) > 1:
        codes = keras.layers.Flatten(name="flat_code")(codes)
    return keras.Model(x, codes, name="encoder")


def _flat_decoder(parts: Parts, data_shape: tuple[int, ...]) -> Any:
    """The decoder taking flat codes and giving ``data_shape`` (the file's when it does)."""
    code_shape = shape_of(parts.decoder.inputs[0])
    out_shape = shape_of(parts.decoder.outputs[0])
    if out_shape == data_shape and len(code_shape) == 1:
        return parts.decoder
    z = keras.Input((math.prod(code_shape),))
    h = z if len(code_shape) == 1 else keras.layers.Reshape(code_shape, name="from_code")(z)
    y = parts.decoder(h)
    if out_shape != data_shape:
        y = keras.layers.Reshape(data_shape, name="to_data_shape")(y)
    return keras.Model(z, y, name="decoder")


def output_activation(model: Any) -> str:
    """The activation of the last layer of ``model`` that has one (nested models included):
    ``"sigmoid"``, ``"linear"``..."""
    for layer in reversed(model.layers):
        if isinstance(layer, keras.Model):
            return output_activation(layer)
        act = getattr(layer, "activation", None)
        if act is not None:
            return str(getattr(act, "__name__", "linear"))
    return "linear"
