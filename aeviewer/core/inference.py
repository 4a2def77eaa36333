"""GUI-side copies of a model: a numpy forward pass over a snapshot of its weights.

Keras models are not promised to be thread-safe (keras-team/keras#13116,
tensorflow/tensorflow#61298), and ``predict()`` costs 40-90 ms per click
(../shared/design/PITFALLS.md). The training thread therefore publishes a
:class:`NumpyModel`: plain numpy copies of the weights and a list of operations, which the
GUI thread runs in about 0.1 ms per point without touching TensorFlow. The kernels live in
:mod:`aeviewer.core.numpy_layers`, the translation from Keras in
:mod:`aeviewer.core.keras_to_numpy`; :func:`numpy_supported` says whether a model fits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from aeviewer.core.keras_to_numpy import UnsupportedModelError, model_ops
from aeviewer.core.numpy_layers import ACTIVATIONS, OP_KINDS, ROWWISE_MAX, Op, run_op


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
            x = run_op(op, x)
        x = x.astype(np.float32, copy=False)
        return x[0] if squeeze else x

    @property
    def n_params(self) -> int:
        """Numbers the copy holds (folded batch norms and layer settings count as they are)."""
        return sum(int(w.size) for op in self.ops for w in op.weights)

    @classmethod
    def from_keras(cls, model: Any) -> NumpyModel:
        """Copy ``model``'s weights into a numpy forward pass (call on the owning thread).

        A functional model is followed from its first output back to its input: a VAE
        encoder returning ``[z_mean, z_log_var, z]`` gives ``z_mean``, the deterministic code.

        Raises
        ------
        UnsupportedModelError
            A layer without a numpy forward pass, a graph that is not a chain, or an input
            of unknown size; the message names what.
        """
        ops = model_ops(model)
        in_shape, out_shape = _known(model, model.input_shape), _known(model, model.output_shape)
        return cls(tuple(ops), in_shape, out_shape, name=model.name)


def _known(model: Any, shape: Any) -> tuple[int, ...]:
    shape = shape[0] if isinstance(shape, list) else shape
    if any(s is None for s in shape[1:]):
        raise UnsupportedModelError(
            f"model {model.name!r} has a shape of unknown size {tuple(shape[1:])}"
        )
    return tuple(int(s) for s in shape[1:])


def numpy_supported(model: Any) -> str:
    """``""`` when :meth:`NumpyModel.from_keras` reproduces ``model``, else why not, in one line.

    The copy also runs one zero sample, so a shape it cannot follow shows here, not in a view.
    Where this is not ``""``, decode with a compiled Keras call instead.
    """
    try:
        copy = NumpyModel.from_keras(model)
        out = copy(np.zeros((1, *copy.input_shape), np.float32))
    except ValueError as exc:  # UnsupportedModelError, or numpy refusing a shape
        return str(exc)
    if out.shape[1:] != copy.output_shape:
        return (
            f"the numpy forward pass of {model.name!r} gives shape {out.shape[1:]}, "
            f"not {copy.output_shape}"
        )
    return ""


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


__all__ = [
    "ACTIVATIONS",
    "OP_KINDS",
    "ROWWISE_MAX",
    "ModelSnapshot",
    "NumpyModel",
    "Op",
    "UnsupportedModelError",
    "numpy_supported",
]
