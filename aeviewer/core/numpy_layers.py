"""The numpy kernels of the GUI's forward pass: one small function per kind of :class:`Op`.

Images are NHWC (channels last, Keras' default). Settings that are whole numbers (strides,
pool sizes, padding) travel in ``Op.shape``; settings that are real numbers (an epsilon, a
slope) travel as a small float32 array among ``Op.weights``, so that sessions and spilled
snapshots store them exactly as they store weights.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Op:
    """One step of a forward pass: ``kind`` with its numpy ``weights`` and settings."""

    kind: str
    weights: tuple[np.ndarray, ...] = ()
    activation: str = "linear"
    shape: tuple[int, ...] = ()


#: ``Op("relu")``'s cap when it has none: finite, because saved weights must be finite numbers.
NO_CAP = float(np.finfo(np.float32).max)


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


def _gelu_tanh(x: np.ndarray) -> np.ndarray:
    inner = math.sqrt(2.0 / math.pi) * (x + 0.044715 * x**3)
    return np.asarray(0.5 * x * (1.0 + np.tanh(inner)), x.dtype)


def _softplus(x: np.ndarray) -> np.ndarray:
    return np.logaddexp(0, x).astype(x.dtype, copy=False)


def _hard_sigmoid(x: np.ndarray) -> np.ndarray:
    return np.asarray(np.clip(x + 3.0, 0.0, 6.0) / 6.0, x.dtype)  # Keras 3: relu6(x + 3) / 6


def _softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    out: np.ndarray = e / e.sum(axis=-1, keepdims=True)
    return out


#: Keras activations by the ``__name__`` Keras gives them (``swish`` is ``silu`` there).
ACTIVATIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "linear": lambda x: x,
    "relu": lambda x: np.maximum(x, 0),
    "relu6": lambda x: np.clip(x, 0, 6),
    "leaky_relu": lambda x: np.where(x > 0, x, 0.2 * x),  # Keras 3's default slope
    "elu": _elu,
    "celu": _elu,  # alpha 1, the only one an activation name gives
    "selu": _selu,
    "gelu": _gelu,
    "gelu_approximate": _gelu_tanh,
    "tanh": np.tanh,
    "hard_tanh": lambda x: np.clip(x, -1, 1),
    "tanh_shrink": lambda x: x - np.tanh(x),
    "sigmoid": _sigmoid,
    "hard_sigmoid": _hard_sigmoid,
    "log_sigmoid": lambda x: -_softplus(-x),
    "softplus": _softplus,
    "softsign": lambda x: x / (1 + np.abs(x)),
    "silu": lambda x: x * _sigmoid(x),
    "swish": lambda x: x * _sigmoid(x),
    "hard_silu": lambda x: x * _hard_sigmoid(x),
    "hard_swish": lambda x: x * _hard_sigmoid(x),
    "mish": lambda x: x * np.tanh(_softplus(x)),
    "exponential": np.exp,
    "squareplus": lambda x: (x + np.sqrt(x * x + 4)) / 2,
    "softmax": _softmax,
}

#: Up to this many rows, a dense layer multiplies row by row: OpenBLAS copies (packs) the whole
#: weight matrix for a matrix product, and a matrix-vector product does not, so a stroke's two
#: rows (the drawing and its noisy copy) run about twice as fast (docs/performance.md).
ROWWISE_MAX = 4


def _dense(op: Op, x: np.ndarray) -> np.ndarray:
    w, b = op.weights
    if x.ndim == 2 and 1 < len(x) <= ROWWISE_MAX:
        return np.stack([row @ w for row in x]) + b
    out: np.ndarray = x @ w + b  # on the last axis, as Keras does for inputs of any rank
    return out


def _same_pad(size: int, window: int, stride: int) -> tuple[int, int]:
    """Keras' (TensorFlow's) "same" padding: an odd extra pixel goes after (bottom, right)."""
    total = max((-(-size // stride) - 1) * stride + window - size, 0)
    return total // 2, total - total // 2


def _pad_same(
    x: np.ndarray, window: tuple[int, int], strides: tuple[int, int], value: float = 0.0
) -> np.ndarray:
    (top, bottom), (left, right) = (
        _same_pad(x.shape[1], window[0], strides[0]),
        _same_pad(x.shape[2], window[1], strides[1]),
    )
    if top or bottom or left or right:
        x = np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)), constant_values=value)
    return x


def _windows(
    x: np.ndarray, window: tuple[int, int], strides: tuple[int, int], dilation: tuple[int, int]
) -> np.ndarray:
    """A view ``(N, OH, OW, C, kh, kw)`` of every window a "valid" filter reads."""
    win = np.lib.stride_tricks.sliding_window_view(x, window, axis=(1, 2))
    if strides == (1, 1) and dilation == (1, 1):
        return win
    return win[:, :: strides[0], :: strides[1], :, :: dilation[0], :: dilation[1]]


def _conv2d(op: Op, x: np.ndarray) -> np.ndarray:
    """Convolution as one im2col matmul; ``shape`` is ``(sh, sw, same, dh, dw)``, or empty
    for the stride-1 "same" convolution of sessions saved before it had settings."""
    kernel, bias = op.weights
    sh, sw, same, dh, dw = op.shape or (1, 1, 1, 1, 1)
    kh, kw, cin, cout = kernel.shape
    reach = ((kh - 1) * dh + 1, (kw - 1) * dw + 1)
    if same:
        x = _pad_same(x, reach, (sh, sw))
    win = _windows(x, reach, (sh, sw), (dh, dw))
    n, oh, ow = win.shape[:3]
    cols = win.transpose(0, 1, 2, 4, 5, 3).reshape(n * oh * ow, kh * kw * cin)
    out = cols @ kernel.reshape(kh * kw * cin, cout) + bias
    return out.reshape(n, oh, ow, cout)


def _transposed_size(size: int, window: int, stride: int, same: int) -> int:
    return size * stride if same else size * stride + max(window - stride, 0)


def _conv2d_transpose(op: Op, x: np.ndarray) -> np.ndarray:
    """Transposed convolution: each input pixel scatters ``kernel x pixel`` into the output
    (one matmul, then one strided add per kernel tap); ``shape`` is ``(sh, sw, same)``."""
    kernel, bias = op.weights
    sh, sw, same = op.shape
    kh, kw, cout, cin = kernel.shape
    n, h, w, _ = x.shape
    taps = (x.reshape(n * h * w, cin) @ kernel.reshape(kh * kw * cout, cin).T).reshape(
        n, h, w, kh, kw, cout
    )
    full_h, full_w = (h - 1) * sh + kh, (w - 1) * sw + kw
    oh, ow = _transposed_size(h, kh, sh, same), _transposed_size(w, kw, sw, same)
    out = np.zeros((n, max(full_h, oh), max(full_w, ow), cout), np.float32)
    for a in range(kh):
        for b in range(kw):
            out[:, a : a + (h - 1) * sh + 1 : sh, b : b + (w - 1) * sw + 1 : sw] += taps[
                :, :, :, a, b
            ]
    top, left = max(full_h - oh, 0) // 2, max(full_w - ow, 0) // 2
    return out[:, top : top + oh, left : left + ow] + bias


def _pool_geometry(shape: tuple[int, ...]) -> tuple[int, int, int, int, int]:
    """``(ph, pw, sh, sw, same)``; sessions saved before pools had settings hold ``(p,)``."""
    if len(shape) == 1:
        return shape[0], shape[0], shape[0], shape[0], 0
    ph, pw, sh, sw, same = shape
    return ph, pw, sh, sw, same


def _tiles(x: np.ndarray, ph: int, pw: int, sh: int, sw: int, same: int) -> np.ndarray | None:
    """Non-overlapping pools as a reshape ``(N, H/ph, ph, W/pw, pw, C)``, where they are."""
    n, h, w, c = x.shape
    if (ph, pw) != (sh, sw) or (same and (h % ph or w % pw)):
        return None
    return x[:, : h - h % ph, : w - w % pw].reshape(n, h // ph, ph, w // pw, pw, c)


def _maxpool(op: Op, x: np.ndarray) -> np.ndarray:
    ph, pw, sh, sw, same = _pool_geometry(op.shape)
    tiles = _tiles(x, ph, pw, sh, sw, same)
    if tiles is not None:
        out: np.ndarray = tiles.max(axis=(2, 4))
        return out
    if same:
        x = _pad_same(x, (ph, pw), (sh, sw), -np.inf)
    return _windows(x, (ph, pw), (sh, sw), (1, 1)).max(axis=(4, 5))


def _avgpool(op: Op, x: np.ndarray) -> np.ndarray:
    ph, pw, sh, sw, same = _pool_geometry(op.shape)
    tiles = _tiles(x, ph, pw, sh, sw, same)
    if tiles is not None:
        out: np.ndarray = tiles.mean(axis=(2, 4))
        return out
    if not same:
        return _windows(x, (ph, pw), (sh, sw), (1, 1)).mean(axis=(4, 5))
    # "same" averages only the pixels inside the image (TensorFlow leaves the padding out).
    total = _windows(_pad_same(x, (ph, pw), (sh, sw)), (ph, pw), (sh, sw), (1, 1))
    ones = _pad_same(np.ones((1, *x.shape[1:3], 1), x.dtype), (ph, pw), (sh, sw))
    count = _windows(ones, (ph, pw), (sh, sw), (1, 1)).sum(axis=(4, 5))
    return np.asarray(total.sum(axis=(4, 5)) / count, x.dtype)


def _upsample(op: Op, x: np.ndarray) -> np.ndarray:
    """Nearest-neighbour upsampling; ``shape`` is ``(sh, sw)``, or ``(p,)`` in older sessions."""
    sh, sw = op.shape if len(op.shape) == 2 else (op.shape[0], op.shape[0])
    return np.repeat(np.repeat(x, sh, axis=1), sw, axis=2)


def _pad2d(op: Op, x: np.ndarray) -> np.ndarray:
    top, bottom, left, right = op.shape
    return np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)))


def _crop2d(op: Op, x: np.ndarray) -> np.ndarray:
    top, bottom, left, right = op.shape
    return x[:, top : x.shape[1] - bottom, left : x.shape[2] - right]


def _layernorm(op: Op, x: np.ndarray) -> np.ndarray:
    gamma, beta, eps = op.weights
    mean = x.mean(axis=-1, keepdims=True)
    inv = gamma / np.sqrt(x.var(axis=-1, keepdims=True) + eps[0])
    out: np.ndarray = x * inv + (beta - mean * inv)
    return out


def _relu(op: Op, x: np.ndarray) -> np.ndarray:
    """Keras' ``relu(x, negative_slope, max_value, threshold)``, settings in ``weights[0]``."""
    slope, cap, threshold = (float(v) for v in op.weights[0])
    y = np.where(x > threshold, x, 0).astype(x.dtype, copy=False)
    if cap < NO_CAP:
        y = np.clip(y, 0, cap)
    if slope:
        y = y - slope * np.maximum(threshold - x, 0)
    return y


def _elu_alpha(op: Op, x: np.ndarray) -> np.ndarray:
    alpha = float(op.weights[0][0])
    return np.asarray(np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0))), x.dtype)


def _prelu(op: Op, x: np.ndarray) -> np.ndarray:
    out: np.ndarray = np.maximum(x, 0) - op.weights[0] * np.maximum(-x, 0)
    return out


def _global_pool(reduce: Callable[..., np.ndarray]) -> Callable[[Op, np.ndarray], np.ndarray]:
    def pool(op: Op, x: np.ndarray) -> np.ndarray:
        return reduce(x, axis=(1, 2), keepdims=bool(op.shape and op.shape[0]))

    return pool


def _affine(op: Op, x: np.ndarray) -> np.ndarray:
    scale, shift = op.weights
    out: np.ndarray = x * scale + shift
    return out


KERNELS: dict[str, Callable[[Op, np.ndarray], np.ndarray]] = {
    "dense": _dense,
    "flatten": lambda op, x: x.reshape(len(x), -1),
    "reshape": lambda op, x: x.reshape((len(x), *op.shape)),
    "permute": lambda op, x: x.transpose((0, *op.shape)),
    "conv2d": _conv2d,
    "conv2d_transpose": _conv2d_transpose,
    "maxpool": _maxpool,
    "avgpool": _avgpool,
    "global_avgpool": _global_pool(np.mean),
    "global_maxpool": _global_pool(np.max),
    "upsample": _upsample,
    "pad2d": _pad2d,
    "crop2d": _crop2d,
    "affine": _affine,  # inference batch normalisation, folded to x * scale + shift
    "layernorm": _layernorm,
    "relu": _relu,
    "elu": _elu_alpha,
    "prelu": _prelu,
    "activation": lambda op, x: x,
}

#: Every kind of operation a :class:`Op` may name (what a saved session may hold).
OP_KINDS = frozenset(KERNELS)


def run_op(op: Op, x: np.ndarray) -> np.ndarray:
    """``x`` through one operation and its activation."""
    return ACTIVATIONS[op.activation](KERNELS[op.kind](op, x))
