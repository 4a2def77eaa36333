"""Building a preset of the catalog into Keras models."""

from __future__ import annotations

from collections.abc import Callable

import keras

from aeviewer.core.models.autoencoder import Autoencoder, make_optimizer
from aeviewer.core.models.catalog import get_preset
from aeviewer.core.models.conv import build_conv
from aeviewer.core.models.conv_vae import build_conv_vae
from aeviewer.core.models.dense import build_dense
from aeviewer.core.models.options import ModelOptions
from aeviewer.core.models.vae import VAE, build_vae_parts

Builder = Callable[[tuple[int, ...], ModelOptions], tuple[keras.Model, keras.Model]]

#: How each kind of :data:`~aeviewer.core.models.catalog.KINDS` builds its encoder and decoder.
BUILDERS: dict[str, Builder] = {
    "dense": build_dense,
    "conv": build_conv,
    "vae": build_vae_parts,
    "conv-vae": build_conv_vae,
}


def build_autoencoder(
    preset: str, input_shape: tuple[int, ...], options: ModelOptions | None = None
) -> Autoencoder:
    """Build and compile a preset for inputs of ``input_shape``.

    Parameters
    ----------
    preset
        A key of :data:`PRESETS`.
    input_shape
        ``(H, W)`` for grey images, ``(H, W, 3)`` for colour ones, ``(D,)`` for vectors.
    options
        Hyperparameters; the preset's defaults when ``None``.
    """
    spec = get_preset(preset)
    opts = (options or spec.defaults).validate()
    input_shape = tuple(int(s) for s in input_shape)
    encoder, decoder = BUILDERS[spec.kind](input_shape, opts)
    if spec.variational:
        model: keras.Model = VAE(encoder, decoder, beta=opts.beta, loss=opts.loss, name="vae")
        model.build((None, *input_shape))
        model.compile(optimizer=make_optimizer(opts))
        metrics: tuple[str, ...] = ("loss", "reconstruction_loss", "kl_loss")
    else:
        inputs = keras.Input(shape=input_shape, name="x")
        model = keras.Model(inputs, decoder(encoder(inputs)), name="autoencoder")
        model.compile(
            optimizer=make_optimizer(opts),
            loss="binary_crossentropy" if opts.loss == "bce" else "mse",
        )
        metrics = (
            ("loss", "reconstruction_loss", "sparsity_loss")
            if opts.sparsity != "none"
            else ("loss",)
        )
    return Autoencoder(
        preset=preset,
        options=opts,
        input_shape=input_shape,
        encoder=encoder,
        decoder=decoder,
        model=model,
        variational=spec.variational,
        metric_names=metrics,
    )
