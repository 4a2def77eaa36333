"""The course's recipes (TF1 / old Keras in the notes), written in Keras 3, trained with ``fit``.

They are the yardstick of the ``quality_*`` figures, so they follow the notes, not the app:

- stacked: 784-100-30 SELU, sigmoid output reshaped, binary cross-entropy, ``SGD(1.5)``;
- denoising: the same with ``GaussianNoise(0.2)`` after ``Flatten``, ``SGD(1.0)``;
- vae: 150-100 SELU to 10-D ``z_mean`` / ``z_log_var`` heads and a sampling layer, decoder
  100-150-784 sigmoid, loss = BCE (mean over pixels) + KL / 784 through ``add_loss``,
  ``rmsprop``;
- vanilla: 784-500-300 tanh, a linear 2-D coding, tanh 300-500 and a LINEAR 784 output,
  squared error, ``Adam(1e-4)``, batch 50, weights and biases drawn from N(0, 0.1²) as the
  notes initialise them.

The notes' own batch size is used where they state one (the VAE 128, vanilla 50); the
stacked and denoising notebooks call ``fit`` without one, so those use Keras' default, 32.
:data:`ALTERNATIVE_BATCH` names a second batch size the quality run also trains a recipe with,
for the note: the VAE at 32, four times the notes' steps, a stronger yardstick.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import keras
from keras import layers, ops

#: A second batch size per recipe, reported beside the notes' own (not the figure itself).
ALTERNATIVE_BATCH: dict[str, int] = {"vae": 32}


@dataclass(frozen=True)
class Recipe:
    name: str
    model: keras.Model
    batch_size: int
    summary: str
    #: What is scored: the model itself, or for the VAE the same weights decoding ``z_mean``
    #: (as the app's reconstructions do: a sampled code would handicap the recipe).
    scored: keras.Model | None = None


class Sampling(layers.Layer):
    """``z = mean + exp(log_var / 2) * eps``, as the notes' ``Sampling`` layer."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.seed = keras.random.SeedGenerator(42)

    def call(self, inputs: Any) -> Any:
        mean, log_var = inputs
        eps = keras.random.normal(ops.shape(log_var), seed=self.seed)
        return mean + ops.exp(log_var / 2) * eps


class LatentLoss(layers.Layer):
    """Adds the notes' latent loss, ``mean(KL) / 784``, and passes its inputs through."""

    def call(self, inputs: Any) -> Any:
        mean, log_var = inputs
        kl = -0.5 * ops.sum(1 + log_var - ops.exp(log_var) - ops.square(mean), axis=-1)
        self.add_loss(ops.mean(kl) / 784.0)
        return mean, log_var


def stacked(input_shape: tuple[int, ...], noise: float = 0.0, lr: float = 1.5) -> keras.Model:
    pixels = math.prod(input_shape)
    encoder = keras.Sequential(
        [keras.Input(input_shape), layers.Flatten()]
        + ([layers.GaussianNoise(noise)] if noise else [])
        + [layers.Dense(100, activation="selu"), layers.Dense(30, activation="selu")]
    )
    decoder = keras.Sequential(
        [
            keras.Input((30,)),
            layers.Dense(100, activation="selu"),
            layers.Dense(pixels, activation="sigmoid"),
            layers.Reshape(input_shape),
        ]
    )
    model = keras.Sequential([encoder, decoder])
    model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.SGD(learning_rate=lr))
    return model


def vae(input_shape: tuple[int, ...], codings: int = 10) -> tuple[keras.Model, keras.Model]:
    """The notes' VAE, and a model of the same layers that decodes ``z_mean`` (no sampling)."""
    pixels = math.prod(input_shape)
    inputs = keras.Input(input_shape)
    z = layers.Flatten()(inputs)
    z = layers.Dense(150, activation="selu")(z)
    z = layers.Dense(100, activation="selu")(z)
    mean = layers.Dense(codings)(z)
    log_var = layers.Dense(codings)(z)
    mean, log_var = LatentLoss()([mean, log_var])
    sampled = Sampling()([mean, log_var])
    encoder = keras.Model(inputs, [mean, log_var, sampled])
    d_in = keras.Input((codings,))
    x = layers.Dense(100, activation="selu")(d_in)
    x = layers.Dense(150, activation="selu")(x)
    x = layers.Dense(pixels, activation="sigmoid")(x)
    decoder = keras.Model(d_in, layers.Reshape(input_shape)(x))
    mean_codes, _, codes = encoder(inputs)
    model = keras.Model(inputs, decoder(codes))
    model.compile(loss="binary_crossentropy", optimizer="rmsprop")
    return model, keras.Model(inputs, decoder(mean_codes))


def vanilla(input_shape: tuple[int, ...]) -> keras.Model:
    pixels = math.prod(input_shape)
    init = keras.initializers.RandomNormal(stddev=0.1)

    def dense(units: int, activation: str | None = None) -> layers.Dense:
        return layers.Dense(
            units, activation=activation, kernel_initializer=init, bias_initializer=init
        )

    model = keras.Sequential(
        [
            keras.Input(input_shape),
            layers.Flatten(),
            dense(500, "tanh"),
            dense(300, "tanh"),
            dense(2),
            dense(300, "tanh"),
            dense(500, "tanh"),
            dense(pixels),
            layers.Reshape(input_shape),
        ]
    )
    model.compile(loss="mse", optimizer=keras.optimizers.Adam(learning_rate=1e-4))
    return model


def build(name: str, input_shape: tuple[int, ...], batch_size: int | None = None) -> Recipe:
    """The recipe for preset ``name`` (stacked, denoising, vae or vanilla), with the notes'
    batch size unless ``batch_size`` is given."""
    keras.utils.set_random_seed(42)  # the notes' seed
    r = _build(name, input_shape)
    if batch_size is None or batch_size == r.batch_size:
        return r
    summary = r.summary.replace(f"batch {r.batch_size}", f"batch {batch_size}")
    return Recipe(r.name, r.model, batch_size, summary, r.scored)


def _build(name: str, input_shape: tuple[int, ...]) -> Recipe:
    if name == "stacked":
        return Recipe(name, stacked(input_shape), 32, "SGD(1.5), batch 32")
    if name == "denoising":
        return Recipe(name, stacked(input_shape, 0.2, 1.0), 32, "noise 0.2, SGD(1.0), batch 32")
    if name == "vae":
        model, deterministic = vae(input_shape)
        return Recipe(name, model, 128, "rmsprop, batch 128", scored=deterministic)
    if name == "vanilla":
        return Recipe(name, vanilla(input_shape), 50, "Adam(1e-4), MSE, linear out, batch 50")
    raise KeyError(f"no course recipe for {name!r}")
