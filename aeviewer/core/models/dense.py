"""Dense autoencoders: vanilla, stacked, tied, denoising, sparse and linear share one builder."""

from __future__ import annotations

import math

import keras

from aeviewer.core.models.autoencoder import initializer_for
from aeviewer.core.models.layers import DenseTranspose, KLSparsity
from aeviewer.core.models.options import ModelOptions


def input_layers(
    input_shape: tuple[int, ...], options: ModelOptions
) -> tuple[keras.KerasTensor, keras.KerasTensor]:
    """The encoder's input, flattened, with the denoising noise (active in training only)."""
    inputs = keras.Input(shape=input_shape, name="x")
    x = keras.layers.Flatten(name="flatten")(inputs) if len(input_shape) > 1 else inputs
    if options.noise == "gaussian" and options.noise_std > 0:
        x = keras.layers.GaussianNoise(options.noise_std, name="noise")(x)
    elif options.noise == "dropout" and options.dropout_rate > 0:
        x = keras.layers.Dropout(options.dropout_rate, name="noise")(x)
    return inputs, x


def hidden_stack(
    x: keras.KerasTensor, sizes: tuple[int, ...], options: ModelOptions, prefix: str
) -> tuple[keras.KerasTensor, list[keras.layers.Dense]]:
    """Dense hidden layers named ``{prefix}_dense_1`` ... in order."""
    layers = []
    for i, units in enumerate(sizes, start=1):
        layer = keras.layers.Dense(
            units,
            activation=options.activation,
            kernel_initializer=initializer_for(options.activation),
            name=f"{prefix}_dense_{i}",
        )
        x = layer(x)
        layers.append(layer)
    return x, layers


def coding_regularizer(options: ModelOptions) -> keras.regularizers.Regularizer | None:
    """The sparse autoencoder's penalty on its coding layer, if any.

    Keras divides an activity penalty by the batch size, so per batch of ``n`` codes ``h``:
    ``l1`` adds ``weight * sum(|h|) / n`` (``weight`` times the mean L1 norm of a code) and
    ``kl`` adds ``weight * sum_j KL(target || mean_i h_ij) / n`` (see :class:`KLSparsity`).
    """
    if options.sparsity == "kl":
        return KLSparsity(options.sparsity_weight, options.sparsity_target)
    if options.sparsity == "l1":
        return keras.regularizers.L1(options.sparsity_weight)
    return None


def output_layers(
    x: keras.KerasTensor,
    input_shape: tuple[int, ...],
    options: ModelOptions,
    dense: keras.layers.Layer | None = None,
) -> keras.KerasTensor:
    """The reconstruction layer (or its tied twin ``dense``), reshaped to the input's shape."""
    size = math.prod(input_shape)
    if dense is None:
        dense = keras.layers.Dense(
            size, activation=options.output_activation, name="reconstruction"
        )
    x = dense(x)
    if len(input_shape) > 1:
        x = keras.layers.Reshape(input_shape, name="to_image")(x)
    return x


def build_dense(
    input_shape: tuple[int, ...], options: ModelOptions
) -> tuple[keras.Model, keras.Model]:
    """Encoder and decoder of a dense autoencoder (tied when ``options.tied``)."""
    inputs, x = input_layers(input_shape, options)
    x, enc_layers = hidden_stack(x, options.hidden, options, "encoder")
    coding = keras.layers.Dense(
        options.latent_dim,
        activation=options.coding_activation,
        kernel_initializer=initializer_for(options.coding_activation),
        activity_regularizer=coding_regularizer(options),
        name="coding",
    )
    codes = coding(x)
    encoder = keras.Model(inputs, codes, name="encoder")

    z_in = keras.Input(shape=(options.latent_dim,), name="z")
    if options.tied:
        # Decoder layer i reuses encoder layer i's kernel, transposed (the course's DenseTranspose).
        chain: list[keras.layers.Dense] = [*enc_layers, coding]
        y = z_in
        for i, dense in enumerate(reversed(chain[1:]), start=1):
            y = DenseTranspose(dense, activation=options.activation, name=f"decoder_dense_{i}")(y)
        out = DenseTranspose(chain[0], activation=options.output_activation, name="reconstruction")
        y = output_layers(y, input_shape, options, dense=out)
    else:
        y, _ = hidden_stack(z_in, tuple(reversed(options.hidden)), options, "decoder")
        y = output_layers(y, input_shape, options)
    decoder = keras.Model(z_in, y, name="decoder")
    return encoder, decoder
