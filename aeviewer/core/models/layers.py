"""Custom layers of the course's models, written with ``keras.ops`` (Keras 3, any backend)."""

from __future__ import annotations

from typing import Any

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="aeviewer")
class Sampling(keras.layers.Layer):
    """Draw ``z = mean + exp(log_var / 2) * eps``, ``eps ~ N(0, I)`` (reparameterisation)."""

    def __init__(self, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs: Any) -> Any:
        mean, log_var = inputs
        eps = keras.random.normal(ops.shape(mean), seed=self.seed_generator)
        return mean + ops.exp(0.5 * log_var) * eps

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape[0]

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "seed": self.seed}


@keras.saving.register_keras_serializable(package="aeviewer")
class DenseTranspose(keras.layers.Layer):
    """A dense layer that reuses another Dense layer's kernel, transposed, with its own bias.

    This is how the course ties a decoder's weights to its encoder's: half the parameters,
    and the decoder can only undo what the encoder does. Biases are never tied.
    """

    def __init__(self, dense: keras.layers.Dense, activation: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.dense = dense
        self.activation = keras.activations.get(activation)

    def build(self, input_shape: Any) -> None:
        units = int(self.dense.kernel.shape[0])
        self.bias = self.add_weight(name="bias", shape=(units,), initializer="zeros")

    def call(self, inputs: Any) -> Any:
        return self.activation(ops.matmul(inputs, ops.transpose(self.dense.kernel)) + self.bias)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return (*input_shape[:-1], int(self.dense.kernel.shape[0]))

    def get_config(self) -> dict[str, Any]:
        # The tie itself cannot live in a config: aeviewer files rebuild the model from its
        # preset and load only the weights (see aeviewer.core.persistence).
        return {
            **super().get_config(),
            "dense": keras.saving.serialize_keras_object(self.dense),
            "activation": keras.activations.serialize(self.activation),
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> DenseTranspose:
        config = dict(config)
        config["dense"] = keras.saving.deserialize_keras_object(config["dense"])
        return cls(**config)


@keras.saving.register_keras_serializable(package="aeviewer")
class KLSparsity(keras.regularizers.Regularizer):
    """Sparsity penalty on a sigmoid coding layer: ``weight * KL(target || mean activation)``.

    The mean activation of each coding unit over the batch is pushed toward ``target``
    (e.g. 0.1: each unit fires for about one input in ten). Used as an activity regulariser,
    Keras divides it by the batch size, exactly as tf.keras did in the course's notebooks.
    """

    def __init__(self, weight: float = 0.05, target: float = 0.1) -> None:
        self.weight = float(weight)
        self.target = float(target)

    def __call__(self, x: Any) -> Any:
        eps = 1e-7
        mean = ops.clip(ops.mean(x, axis=0), eps, 1.0 - eps)
        t = self.target
        kl = t * ops.log(t / mean) + (1.0 - t) * ops.log((1.0 - t) / (1.0 - mean))
        return self.weight * ops.sum(kl)

    def get_config(self) -> dict[str, Any]:
        return {"weight": self.weight, "target": self.target}
