"""Translate a Keras model into numpy :class:`~aeviewer.core.numpy_layers.Op`\\ s.

One small builder per Keras layer class, found by the class's name, and only for classes
and activation functions that Keras (or aeviewer) defines: a user's own class or function
is refused even where it borrows a Keras name, as its code may differ. A functional model is
followed from its first output back to its input, and must be a chain there: a VAE encoder's
``[z_mean, z_log_var, z]`` gives ``z_mean``'s layers only, whatever the heads are called.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np

from aeviewer.core.numpy_layers import ACTIVATIONS, NO_CAP, Op


class UnsupportedModelError(ValueError):
    """The model holds a layer (or a graph) the numpy forward pass does not know."""


#: Layers that do nothing at inference (noise and dropout are active in training only).
IDENTITY = frozenset(
    {
        "InputLayer",
        "Dropout",
        "GaussianNoise",
        "GaussianDropout",
        "AlphaDropout",
        "SpatialDropout1D",
        "SpatialDropout2D",
        "SpatialDropout3D",
        "ActivityRegularization",
    }
)

_TRUSTED = ("keras.", "aeviewer.")

#: Activation functions with arguments that the numpy pass knows under another name.
_PARTIAL_ACTIVATIONS: dict[tuple[str, tuple[tuple[str, Any], ...]], str] = {
    ("gelu", (("approximate", True),)): "gelu_approximate",
    ("gelu", (("approximate", False),)): "gelu",
}


def _copy(v: Any) -> np.ndarray:
    return np.array(v.numpy() if hasattr(v, "numpy") else v, dtype=np.float32, copy=True)


def _settings(*values: float) -> np.ndarray:
    return np.array(values, np.float32)


def _ours(obj: Any) -> bool:
    """Whether ``obj`` (a class or a function) comes from Keras or aeviewer."""
    return str(getattr(obj, "__module__", None) or "").startswith(_TRUSTED)


def _fail(layer: Any, why: str) -> UnsupportedModelError:
    return UnsupportedModelError(f"layer {layer.name!r} ({type(layer).__name__}): {why}")


def _activation_name(act: Any, layer: Any) -> str:
    if act is None:
        return "linear"
    name = getattr(act, "__name__", None)
    if isinstance(act, functools.partial) and not act.args and _ours(act.func):
        key = (str(getattr(act.func, "__name__", "")), tuple(sorted(act.keywords.items())))
        name = _PARTIAL_ACTIVATIONS.get(key)
    elif not _ours(act):
        name = None
    if name not in ACTIVATIONS:
        raise _fail(layer, f"activation {name or act!r} has no numpy forward pass")
    return str(name)


def _activated(op: Op, layer: Any) -> list[Op]:
    """``op`` followed by ``layer``'s activation, which may be a function or a layer."""
    act = getattr(layer, "activation", None)
    if type(act).__name__ in _BUILDERS and _ours(type(act)):  # Dense(activation=LeakyReLU())
        return [op, *layer_ops(act)]
    return [replace(op, activation=_activation_name(act, layer))]


def _bias(layer: Any, size: int) -> np.ndarray:
    return _copy(layer.bias) if layer.use_bias else np.zeros(size, np.float32)


def _pair(layer: Any, attr: str) -> tuple[int, int]:
    a, b = getattr(layer, attr)
    return int(a), int(b)


def _channels_last(layer: Any) -> None:
    if getattr(layer, "data_format", "channels_last") != "channels_last":
        raise _fail(layer, "only the channels-last layout (N, H, W, C) is supported")


def _same(layer: Any) -> int:
    """1 for "same" padding, 0 for "valid", of an image layer in channels-last layout."""
    _channels_last(layer)
    padding = {"valid": 0, "same": 1}.get(str(getattr(layer, "padding", "valid")))
    if padding is None:
        raise _fail(layer, f"padding {layer.padding!r} is not supported")
    return padding


def _last_axis(layer: Any, axis: Any) -> None:
    axes = list(axis) if isinstance(axis, (list, tuple)) else [axis]
    try:
        rank = len(layer.input.shape)
    except (AttributeError, ValueError):  # not connected, or called more than once
        rank = 0
    if axes not in ([-1], [rank - 1]):
        raise _fail(layer, f"only the last axis is supported, not axis={axis}")


def _dense(layer: Any) -> list[Op]:
    return _activated(Op("dense", (_copy(layer.kernel), _bias(layer, layer.units))), layer)


def _dense_transpose(layer: Any) -> list[Op]:
    kernel = _copy(layer.dense.kernel).T.copy()
    return _activated(Op("dense", (kernel, _copy(layer.bias))), layer)


def _conv2d(layer: Any) -> list[Op]:
    same = _same(layer)
    if getattr(layer, "groups", 1) != 1:
        raise _fail(layer, "grouped convolutions are not supported")
    strides, dilation = _pair(layer, "strides"), _pair(layer, "dilation_rate")
    op = Op(
        "conv2d",
        (_copy(layer.kernel), _bias(layer, layer.filters)),
        shape=(*strides, same, *dilation),
    )
    return _activated(op, layer)


def _conv2d_transpose(layer: Any) -> list[Op]:
    same = _same(layer)
    if layer.output_padding is not None or _pair(layer, "dilation_rate") != (1, 1):
        raise _fail(layer, "output_padding and dilation are not supported")
    weights = (_copy(layer.kernel), _bias(layer, layer.filters))
    return _activated(
        Op("conv2d_transpose", weights, shape=(*_pair(layer, "strides"), same)), layer
    )


def _pool(kind: str) -> Callable[[Any], list[Op]]:
    def build(layer: Any) -> list[Op]:
        same = _same(layer)
        return [Op(kind, shape=(*_pair(layer, "pool_size"), *_pair(layer, "strides"), same))]

    return build


def _global_pool(kind: str) -> Callable[[Any], list[Op]]:
    def build(layer: Any) -> list[Op]:
        _channels_last(layer)
        return [Op(kind, shape=(int(bool(layer.keepdims)),))]

    return build


def _upsample(layer: Any) -> list[Op]:
    _channels_last(layer)
    if layer.interpolation != "nearest":
        raise _fail(layer, f"interpolation {layer.interpolation!r} is not supported")
    return [Op("upsample", shape=_pair(layer, "size"))]


def _edges(kind: str, attr: str) -> Callable[[Any], list[Op]]:
    def build(layer: Any) -> list[Op]:
        _channels_last(layer)
        (t, b), (left, r) = getattr(layer, attr)
        return [Op(kind, shape=(int(t), int(b), int(left), int(r)))]

    return build


def _batch_norm(layer: Any) -> list[Op]:
    _last_axis(layer, layer.axis)
    mean, var = (_copy(v).astype(np.float64) for v in (layer.moving_mean, layer.moving_variance))
    gamma = _copy(layer.gamma).astype(np.float64) if layer.scale else 1.0
    beta = _copy(layer.beta).astype(np.float64) if layer.center else 0.0
    scale = gamma / np.sqrt(var + layer.epsilon)
    shift = beta - mean * scale
    return [Op("affine", (scale.astype(np.float32), np.asarray(shift, np.float32)))]


def _layer_norm(layer: Any) -> list[Op]:
    _last_axis(layer, layer.axis)
    if getattr(layer, "rms_scaling", False):
        raise _fail(layer, "rms_scaling is not supported")
    size = int(layer.gamma.shape[0] if layer.scale else layer.beta.shape[0])
    gamma = _copy(layer.gamma) if layer.scale else np.ones(size, np.float32)
    beta = _copy(layer.beta) if layer.center else np.zeros(size, np.float32)
    return [Op("layernorm", (gamma, beta, _settings(layer.epsilon)))]


def _relu_layer(layer: Any) -> list[Op]:
    slope, cap, threshold = layer.negative_slope, layer.max_value, layer.threshold
    if not slope and cap is None and not threshold:
        return [Op("activation", activation="relu")]
    cap = NO_CAP if cap is None else float(cap)
    return [Op("relu", (_settings(float(slope), cap, float(threshold)),))]


def _leaky_relu_layer(layer: Any) -> list[Op]:
    return [Op("relu", (_settings(float(layer.negative_slope), NO_CAP, 0.0),))]


def _elu_layer(layer: Any) -> list[Op]:
    if float(layer.alpha) == 1.0:
        return [Op("activation", activation="elu")]
    return [Op("elu", (_settings(float(layer.alpha)),))]


def _softmax_layer(layer: Any) -> list[Op]:
    _last_axis(layer, layer.axis)
    return [Op("activation", activation="softmax")]


_BUILDERS: dict[str, Callable[[Any], list[Op]]] = {
    "Dense": _dense,
    "DenseTranspose": _dense_transpose,  # aeviewer's tied layer (core/models/layers.py)
    "Flatten": lambda layer: [Op("flatten")],
    "Reshape": lambda layer: [Op("reshape", shape=tuple(int(s) for s in layer.target_shape))],
    "Permute": lambda layer: [Op("permute", shape=tuple(int(d) for d in layer.dims))],
    "Conv2D": _conv2d,
    "Conv2DTranspose": _conv2d_transpose,
    "MaxPooling2D": _pool("maxpool"),
    "AveragePooling2D": _pool("avgpool"),
    "GlobalAveragePooling2D": _global_pool("global_avgpool"),
    "GlobalMaxPooling2D": _global_pool("global_maxpool"),
    "UpSampling2D": _upsample,
    "ZeroPadding2D": _edges("pad2d", "padding"),
    "Cropping2D": _edges("crop2d", "cropping"),
    "BatchNormalization": _batch_norm,
    "LayerNormalization": _layer_norm,
    "Activation": lambda layer: _activated(Op("activation"), layer),
    "ReLU": _relu_layer,
    "LeakyReLU": _leaky_relu_layer,
    "ELU": _elu_layer,
    "PReLU": lambda layer: [Op("prelu", (_copy(layer.alpha),))],
    "Softmax": _softmax_layer,
}
_MODELS = frozenset({"Sequential", "Functional"})


def layer_ops(layer: Any, output: int = 0) -> list[Op]:
    """The operations of one layer; of a nested model, those of its ``output``-th output."""
    kind = type(layer).__name__
    if not _ours(type(layer)):
        raise _fail(layer, "a custom layer class, with no numpy forward pass")
    if kind in IDENTITY:
        return []
    if kind in _MODELS:
        return model_ops(layer, output)
    builder = _BUILDERS.get(kind)
    if builder is None:
        raise _fail(layer, "no numpy forward pass for this kind of layer")
    return builder(layer)


def _chain(model: Any, output: int) -> list[tuple[Any, int]]:
    """The ``(layer, output index)`` steps from ``model``'s input to its ``output``-th output.

    Raises :class:`UnsupportedModelError` naming the first layer that is not a plain link
    (``Add``, ``Concatenate``, a second input).
    """
    if len(model.inputs) != 1:
        raise UnsupportedModelError(
            f"model {model.name!r} takes {len(model.inputs)} inputs; the numpy forward pass "
            "needs one"
        )
    start, tensor = model.inputs[0], model.outputs[output]
    steps: list[tuple[Any, int]] = []
    while tensor is not start:
        layer, node_index, tensor_index = tensor._keras_history
        inputs = layer._inbound_nodes[node_index].input_tensors
        if len(inputs) != 1:
            raise _fail(
                layer,
                f"it takes {len(inputs)} inputs; the numpy forward pass follows a chain of "
                "one-input layers",
            )
        steps.append((layer, tensor_index))
        tensor = inputs[0]
    return steps[::-1]


def model_ops(model: Any, output: int = 0) -> list[Op]:
    """The operations of a Sequential model, or of a functional model's ``output``-th output.

    Raises
    ------
    UnsupportedModelError
        A layer without a numpy forward pass, or a graph that is not a chain; the message
        names the layer.
    """
    kind = type(model).__name__
    if kind not in _MODELS or not _ours(type(model)):
        raise UnsupportedModelError(
            f"model {model.name!r} ({kind}) is a subclassed model: its call() is code, not a "
            "graph of layers the numpy forward pass can follow"
        )
    if kind == "Sequential":
        return [op for layer in model.layers for op in layer_ops(layer)]
    return [op for layer, index in _chain(model, output) for op in layer_ops(layer, index)]


__all__ = ["IDENTITY", "UnsupportedModelError", "layer_ops", "model_ops"]
