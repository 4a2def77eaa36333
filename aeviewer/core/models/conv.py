"""Convolutional autoencoder: conv + pooling down to a flat code, upsampling + conv back."""

from __future__ import annotations

import keras

from aeviewer.core.models.autoencoder import initializer_for
from aeviewer.core.models.dense import coding_regularizer, input_layers
from aeviewer.core.models.options import ModelOptions, OptionsError


def build_conv(
    input_shape: tuple[int, ...], options: ModelOptions
) -> tuple[keras.Model, keras.Model]:
    """Encoder and decoder for (H, W) images whose sides divide by 2 ** len(filters).

    Upsampling followed by a 3x3 convolution (rather than a transposed convolution) avoids
    checkerboard artefacts, and keeps the GUI's numpy forward pass simple.
    """
    if len(input_shape) != 2:
        raise OptionsError("the conv preset needs images; this dataset holds vectors")
    h, w = input_shape
    scale = 2 ** len(options.filters)
    if h % scale or w % scale:
        raise OptionsError(f"conv: image sides {h}x{w} must divide by {scale}")
    act, init = options.activation, initializer_for(options.activation)

    def conv(filters: int, name: str, activation: str = act) -> keras.layers.Conv2D:
        return keras.layers.Conv2D(
            filters, 3, padding="same", activation=activation, kernel_initializer=init, name=name
        )

    inputs, x = input_layers(input_shape, options)
    x = keras.layers.Reshape((h, w, 1), name="to_channels")(x)
    for i, f in enumerate(options.filters, start=1):
        x = conv(f, f"encoder_conv_{i}")(x)
        x = keras.layers.MaxPooling2D(2, name=f"encoder_pool_{i}")(x)
    x = keras.layers.Flatten(name="encoder_flatten")(x)
    codes = keras.layers.Dense(
        options.latent_dim,
        activation=options.coding_activation,
        kernel_initializer=initializer_for(options.coding_activation),
        activity_regularizer=coding_regularizer(options),
        name="coding",
    )(x)
    encoder = keras.Model(inputs, codes, name="encoder")

    z_in = keras.Input(shape=(options.latent_dim,), name="z")
    top = options.filters[-1]
    gh, gw = h // scale, w // scale
    y = keras.layers.Dense(
        gh * gw * top, activation=act, kernel_initializer=init, name="decoder_dense_1"
    )(z_in)
    y = keras.layers.Reshape((gh, gw, top), name="to_grid")(y)
    for i, f in enumerate(reversed(options.filters), start=1):
        y = keras.layers.UpSampling2D(2, name=f"decoder_up_{i}")(y)
        y = conv(f, f"decoder_conv_{i}")(y)
    y = conv(1, "reconstruction", activation=options.output_activation)(y)
    y = keras.layers.Reshape((h, w), name="to_image")(y)
    decoder = keras.Model(z_in, y, name="decoder")
    return encoder, decoder
