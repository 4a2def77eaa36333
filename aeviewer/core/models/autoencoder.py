"""The value every builder returns: named encoder, decoder and autoencoder, and their losses."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import keras
import numpy as np
from keras import ops

from aeviewer.core.models.options import ModelOptions


def initializer_for(activation: str) -> str:
    """The weight initialisation that suits ``activation`` (He for ReLU-like, LeCun for SELU)."""
    return {
        "selu": "lecun_normal",
        "relu": "he_normal",
        "elu": "he_normal",
        "gelu": "he_normal",
    }.get(activation, "glorot_uniform")


def make_optimizer(options: ModelOptions) -> keras.optimizers.Optimizer:
    """A fresh optimizer of the kind and learning rate in ``options``."""
    kinds: dict[str, Any] = {
        "adam": keras.optimizers.Adam,
        "sgd": keras.optimizers.SGD,
        "rmsprop": keras.optimizers.RMSprop,
        "nadam": keras.optimizers.Nadam,
    }
    return kinds[options.optimizer](learning_rate=options.learning_rate)


def flat(x: Any) -> Any:
    """Reshape a batch to (N, D) inside a graph."""
    return ops.reshape(x, (ops.shape(x)[0], -1))


def reconstruction_loss(x: Any, y: Any, kind: str) -> Any:
    """Mean per-pixel reconstruction loss: binary cross-entropy or squared error."""
    x, y = flat(x), flat(y)
    if kind == "bce":
        eps = 1e-7
        y = ops.clip(y, eps, 1.0 - eps)
        return -ops.mean(x * ops.log(y) + (1.0 - x) * ops.log(1.0 - y))
    return ops.mean(ops.square(x - y))


@dataclass
class Autoencoder:
    """An autoencoder as the app uses it.

    Attributes
    ----------
    encoder, decoder
        Functional Keras models named ``"encoder"`` and ``"decoder"``. A VAE's encoder returns
        ``[z_mean, z_log_var, z]``; everywhere else in the app its code is ``z_mean``.
    model
        The full autoencoder (``encoder`` then ``decoder``), compiled, so plain ``fit()`` works.
    """

    preset: str
    options: ModelOptions
    input_shape: tuple[int, ...]
    encoder: keras.Model
    decoder: keras.Model
    model: keras.Model
    variational: bool = False
    metric_names: tuple[str, ...] = field(default=("loss",))

    # -- losses used by the trainer's own loop ------------------------------------------
    def loss_terms(self, x: Any, training: bool) -> dict[str, Any]:
        """Loss parts for a batch; ``"loss"`` is what is minimised."""
        if self.variational:
            return self.model.loss_terms(x, training=training)
        y = self.model(x, training=training)
        rec = reconstruction_loss(x, y, self.options.loss)
        reg = self.model.losses
        if reg:
            penalty = ops.sum(ops.stack([ops.sum(r) for r in reg]))
            return {"loss": rec + penalty, "reconstruction_loss": rec, "sparsity_loss": penalty}
        return {"loss": rec}

    # -- numpy conveniences (batched __call__, never predict() on single points) ---------
    def encode(self, x: np.ndarray, batch_size: int = 1024) -> np.ndarray:
        """Latent codes (``z_mean`` for a VAE) of ``x`` as float32 numpy."""
        return self._batched(self._encode_batch, x, batch_size)

    def decode(self, z: np.ndarray, batch_size: int = 1024) -> np.ndarray:
        """Decoded images of latent codes ``z``."""
        return self._batched(lambda b: self.decoder(b, training=False), z, batch_size)

    def reconstruct(self, x: np.ndarray, batch_size: int = 1024) -> np.ndarray:
        """Deterministic reconstructions (a VAE decodes its mean code)."""
        return self.decode(self.encode(x, batch_size), batch_size)

    def count_params(self) -> int:
        """Number of distinct weights (tied weights counted once)."""
        return int(sum(math.prod(v.shape) for v in self.model.weights))

    def _encode_batch(self, batch: np.ndarray) -> Any:
        out = self.encoder(batch, training=False)
        return out[0] if self.variational else out

    @staticmethod
    def _batched(fn: Any, x: np.ndarray, batch_size: int) -> np.ndarray:
        x = np.asarray(x, dtype=np.float32)
        parts = [
            ops.convert_to_numpy(fn(x[i : i + batch_size])) for i in range(0, len(x), batch_size)
        ]
        if not parts:
            return np.zeros((0,), dtype=np.float32)
        return np.concatenate(parts).astype(np.float32, copy=False)


def evaluate_reconstruction(ae: Autoencoder, x: np.ndarray) -> dict[str, float]:
    """Validation BCE and MSE of ``ae`` on images ``x``, whatever loss it trained with.

    The BCE clips outputs to ``[1e-7, 1 - 1e-7]`` (its logarithms need that); the MSE uses the
    outputs as they are, so a linear output that overshoots [0, 1] is charged for it.
    """
    x = np.asarray(x, dtype=np.float32)
    y = ae.reconstruct(x).reshape(len(x), -1).astype(np.float64)
    t = x.reshape(len(x), -1).astype(np.float64)
    p = np.clip(y, 1e-7, 1 - 1e-7)
    bce = float(-np.mean(t * np.log(p) + (1 - t) * np.log(1 - p)))
    mse = float(np.mean((t - y) ** 2))
    return {"bce": bce, "mse": mse}
