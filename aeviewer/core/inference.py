"""GUI-side copies of a model: a numpy forward pass over a snapshot of its weights.

Keras models are not promised to be thread-safe (keras-team/keras#13116,
tensorflow/tensorflow#61298), and ``predict()`` costs 40-90 ms per click
(../shared/design/PITFALLS.md). The training thread therefore publishes a
:class:`NumpyModel`: plain numpy copies of the weights and a list of operations, which the
GUI thread runs in about 0.1 ms per point without touching TensorFlow.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np


class UnsupportedModelError(ValueError):
    """The model holds a layer the numpy forward pass does not know."""


def _sigmoid(x: np.ndarray) -> np.ndarray:
    out: np.ndarray = 0.5 * (1.0 + np.tanh(0.5 * x))  # stable for large |x|
    return out


def _selu(x: np.ndarray) -> np.ndarray:
    alpha, scale = 1.6732632423543772, 1.0507009873554805
    return np.asarray(scale * np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0))), x.dtype)


def _elu(x: np.ndarray) -> np.ndarray:
    return np.asarray(np.where(x > 0, x, np.expm1(np.minimum(x, 0))), x.dtype)


def _gelu(x: np.ndarray) -> np.ndarray:
    from scipy.special import erf

    return np.asarray(0.5 * x * (1.0 + erf(x / math.sqrt(2.0))), x.dtype)


ACTIVATIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "linear": lambda x: x,
    "relu": lambda x: np.maximum(x, 0),
    "tanh": np.tanh,
    "sigmoid": _sigmoid,
    "selu": _selu,
    "elu": _elu,
    "gelu": _gelu,
    "softplus": lambda x: np.logaddexp(0, x).astype(x.dtype),
}


@dataclass(frozen=True)
class Op:
    """One step of a forward pass: ``kind`` with its numpy ``weights`` and settings."""

    kind: str
    weights: tuple[np.ndarray, ...] = ()
    activation: str = "linear"
    shape: tuple[int, ...] = ()


def _conv2d_same(x: np.ndarray, kernel: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """NHWC convolution, stride 1, 'same' padding, as an im2col matmul."""
    kh, kw, cin, cout = kernel.shape
    n, h, w, _ = x.shape
    ph, pw = (kh - 1) // 2, (kw - 1) // 2
    xp = np.pad(x, ((0, 0), (ph, kh - 1 - ph), (pw, kw - 1 - pw), (0, 0)))
    win = np.lib.stride_tricks.sliding_window_view(xp, (kh, kw), axis=(1, 2))  # N,H,W,C,kh,kw
    cols = win.transpose(0, 1, 2, 4, 5, 3).reshape(n * h * w, kh * kw * cin)
    out = cols @ kernel.reshape(kh * kw * cin, cout) + bias
    return out.reshape(n, h, w, cout)


#: Up to this many rows, a dense layer multiplies row by row: OpenBLAS copies (packs) the whole
#: weight matrix for a matrix product, and a matrix-vector product does not, so a stroke's two
#: rows (the drawing and its noisy copy) run about twice as fast (docs/performance.md).
ROWWISE_MAX = 4


def _run(op: Op, x: np.ndarray) -> np.ndarray:
    if op.kind == "dense":
        w, b = op.weights
        if x.ndim == 2 and 1 < len(x) <= ROWWISE_MAX:
            x = np.stack([row @ w for row in x]) + b
        else:
            x = x @ w + b
    elif op.kind == "flatten":
        return x.reshape(len(x), -1)
    elif op.kind == "reshape":
        return x.reshape((len(x), *op.shape))
    elif op.kind == "conv2d":
        x = _conv2d_same(x, op.weights[0], op.weights[1])
    elif op.kind == "maxpool":
        n, h, w, c = x.shape
        p = op.shape[0]
        return x[:, : h - h % p, : w - w % p].reshape(n, h // p, p, w // p, p, c).max(axis=(2, 4))
    elif op.kind == "upsample":
        p = op.shape[0]
        return np.repeat(np.repeat(x, p, axis=1), p, axis=2)
    return ACTIVATIONS[op.activation](x)


@dataclass(frozen=True)
class NumpyModel:
    """A frozen, thread-safe numpy copy of an encoder or decoder.

    Call it on a batch (``model(x)``); a single point is ``model(z[None])[0]``.
    """

    ops: tuple[Op, ...]
    input_shape: tuple[int, ...]
    output_shape: tuple[int, ...]
    name: str = "model"
    meta: dict[str, Any] = field(default_factory=dict, compare=False)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float32)
        squeeze = x.ndim == len(self.input_shape)
        if squeeze:
            x = x[None]
        for op in self.ops:
            x = _run(op, x)
        x = x.astype(np.float32, copy=False)
        return x[0] if squeeze else x

    @property
    def n_params(self) -> int:
        return sum(int(w.size) for op in self.ops for w in op.weights)

    @classmethod
    def from_keras(cls, model: Any) -> NumpyModel:
        """Copy ``model``'s weights into a numpy forward pass (call on the owning thread).

        A VAE encoder's ``z_log_var`` head and its ``Sampling`` layer are skipped: the copy
        returns ``z_mean``, the deterministic code.
        """
        ops: list[Op] = []
        for layer in model.layers:
            ops.extend(_layer_ops(layer))
        out_shape = tuple(int(s) for s in _first(model.output_shape)[1:])
        in_shape = tuple(int(s) for s in _first(model.input_shape)[1:])
        return cls(tuple(ops), in_shape, out_shape, name=model.name)


def _first(shape: Any) -> Any:
    return shape[0] if isinstance(shape, list) else shape


def _act(layer: Any) -> str:
    act = getattr(layer, "activation", None)
    name = getattr(act, "__name__", "linear") if act is not None else "linear"
    if name not in ACTIVATIONS:
        raise UnsupportedModelError(f"layer {layer.name!r}: activation {name!r} is not supported")
    return str(name)


def _copy(v: Any) -> np.ndarray:
    return np.array(v.numpy() if hasattr(v, "numpy") else v, dtype=np.float32, copy=True)


def _layer_ops(layer: Any) -> list[Op]:
    kind = type(layer).__name__
    if kind in (
        "InputLayer",
        "GaussianNoise",
        "Dropout",
        "GaussianDropout",
        "Sampling",
        "ActivityRegularization",
    ):
        return []
    if layer.name == "z_log_var":
        return []
    if kind == "Flatten":
        return [Op("flatten")]
    if kind == "Reshape":
        return [Op("reshape", shape=tuple(int(s) for s in layer.target_shape))]
    if kind == "Dense":
        bias = _copy(layer.bias) if layer.use_bias else np.zeros(layer.units, np.float32)
        return [Op("dense", (_copy(layer.kernel), bias), _act(layer))]
    if kind == "DenseTranspose":
        return [Op("dense", (_copy(layer.dense.kernel).T.copy(), _copy(layer.bias)), _act(layer))]
    if kind == "Conv2D":
        if (
            tuple(layer.strides) != (1, 1)
            or layer.padding != "same"
            or tuple(layer.dilation_rate) != (1, 1)
        ):
            raise UnsupportedModelError(f"layer {layer.name!r}: only stride-1 'same' convolutions")
        bias = _copy(layer.bias) if layer.use_bias else np.zeros(layer.filters, np.float32)
        return [Op("conv2d", (_copy(layer.kernel), bias), _act(layer))]
    if kind == "MaxPooling2D" and tuple(layer.pool_size) == tuple(layer.strides):
        return [Op("maxpool", shape=(int(layer.pool_size[0]),))]
    if kind == "UpSampling2D" and layer.interpolation == "nearest":
        return [Op("upsample", shape=(int(layer.size[0]),))]
    if kind == "Activation":
        return [Op("activation", activation=_act(layer))]
    if hasattr(layer, "layers") and kind in ("Functional", "Sequential", "Model"):
        return [op for sub in layer.layers for op in _layer_ops(sub)]
    raise UnsupportedModelError(f"layer {layer.name!r} ({kind}) has no numpy forward pass")


@dataclass(frozen=True)
class ModelSnapshot:
    """Encoder and decoder copies published together by the training thread."""

    encoder: NumpyModel
    decoder: NumpyModel
    epoch: int
    step: int

    @classmethod
    def capture(cls, encoder: Any, decoder: Any, epoch: int, step: int) -> ModelSnapshot:
        return cls(NumpyModel.from_keras(encoder), NumpyModel.from_keras(decoder), epoch, step)

    def reconstruct(self, x: np.ndarray) -> np.ndarray:
        return self.decoder(self.encoder(x))
