"""Variational autoencoder, as keras-io writes it: a Sampling layer and its own ``train_step``."""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

from aeviewer.core.models.autoencoder import reconstruction_loss
from aeviewer.core.models.dense import hidden_stack, input_layers, output_layers
from aeviewer.core.models.layers import Sampling
from aeviewer.core.models.options import ModelOptions


def build_vae_parts(
    input_shape: tuple[int, ...], options: ModelOptions
) -> tuple[keras.Model, keras.Model]:
    """Encoder returning ``[z_mean, z_log_var, z]`` and a dense decoder."""
    inputs, x = input_layers(input_shape, options)
    x, _ = hidden_stack(x, options.hidden, options, "encoder")
    encoder = gaussian_encoder(inputs, x, options.latent_dim)

    z_in = keras.Input(shape=(options.latent_dim,), name="z")
    y, _ = hidden_stack(z_in, tuple(reversed(options.hidden)), options, "decoder")
    y = output_layers(y, input_shape, options)
    decoder = keras.Model(z_in, y, name="decoder")
    return encoder, decoder


def gaussian_encoder(
    inputs: keras.KerasTensor, features: keras.KerasTensor, latent_dim: int
) -> keras.Model:
    """The encoder ``inputs -> [z_mean, z_log_var, z]`` with Gaussian heads on ``features``.

    ``z_log_var`` starts at zero (unit variance), so early samples are not blown up by a
    random log-variance.
    """
    z_mean = keras.layers.Dense(latent_dim, name="z_mean")(features)
    z_log_var = keras.layers.Dense(latent_dim, kernel_initializer="zeros", name="z_log_var")(
        features
    )
    z = Sampling(name="z")([z_mean, z_log_var])
    return keras.Model(inputs, [z_mean, z_log_var, z], name="encoder")


@keras.saving.register_keras_serializable(package="aeviewer")
class VAE(keras.Model):
    """Variational autoencoder with reconstruction and KL losses tracked separately.

    The KL term is divided by the number of values in a sample (pixels times channels), as the
    course does, so that it is on the scale of the per-value reconstruction loss; ``beta``
    weighs it (beta-VAE).
    """

    def __init__(
        self,
        encoder: keras.Model,
        decoder: keras.Model,
        beta: float = 1.0,
        loss: str = "bce",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder
        self.beta = float(beta)
        self.loss_kind = loss
        self.total_tracker = keras.metrics.Mean(name="loss")
        self.reconstruction_tracker = keras.metrics.Mean(name="reconstruction_loss")
        self.kl_tracker = keras.metrics.Mean(name="kl_loss")

    @property
    def metrics(self) -> list[keras.metrics.Metric]:
        return [self.total_tracker, self.reconstruction_tracker, self.kl_tracker]

    def call(self, inputs: Any, training: bool = False) -> Any:
        z_mean, _, z = self.encoder(inputs, training=training)
        return self.decoder(z if training else z_mean, training=training)

    def loss_terms(self, x: Any, training: bool = True) -> dict[str, Any]:
        """``loss``, ``reconstruction_loss`` and ``kl_loss`` (beta included) for a batch."""
        z_mean, z_log_var, z = self.encoder(x, training=training)
        y = self.decoder(z, training=training)
        rec = reconstruction_loss(x, y, self.loss_kind)
        kl = -0.5 * ops.sum(1.0 + z_log_var - ops.exp(z_log_var) - ops.square(z_mean), axis=-1)
        n_pixels = ops.cast(ops.shape(ops.reshape(y, (ops.shape(y)[0], -1)))[1], kl.dtype)
        kl = self.beta * ops.mean(kl) / n_pixels
        return {"loss": rec + kl, "reconstruction_loss": rec, "kl_loss": kl}

    def _track(self, terms: dict[str, Any]) -> dict[str, Any]:
        self.total_tracker.update_state(terms["loss"])
        self.reconstruction_tracker.update_state(terms["reconstruction_loss"])
        self.kl_tracker.update_state(terms["kl_loss"])
        return {m.name: m.result() for m in self.metrics}

    def train_step(self, data: Any) -> dict[str, Any]:
        import tensorflow as tf  # fit() on the TensorFlow backend

        x = data[0] if isinstance(data, tuple) else data
        with tf.GradientTape() as tape:
            terms = self.loss_terms(x, training=True)
        grads = tape.gradient(terms["loss"], self.trainable_weights)
        self.optimizer.apply(grads, self.trainable_weights)
        return self._track(terms)

    def test_step(self, data: Any) -> dict[str, Any]:
        x = data[0] if isinstance(data, tuple) else data
        return self._track(self.loss_terms(x, training=False))

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "encoder": keras.saving.serialize_keras_object(self.encoder),
            "decoder": keras.saving.serialize_keras_object(self.decoder),
            "beta": self.beta,
            "loss": self.loss_kind,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> VAE:
        config = dict(config)
        config["encoder"] = keras.saving.deserialize_keras_object(config["encoder"])
        config["decoder"] = keras.saving.deserialize_keras_object(config["decoder"])
        return cls(**config)
