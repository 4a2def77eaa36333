"""Built models kept with their compiled steps, for the next run of the same model."""

from __future__ import annotations

import dataclasses
import threading
import weakref
from dataclasses import dataclass
from typing import Any

from aeviewer.core.models import ModelOptions

#: Built models kept, with their compiled steps, for the next run of the same model: TF keeps
#: every XLA executable it compiles (no eviction: tensorflow/tensorflow#64170), so a new model
#: per Start leaks tens of MB (docs/reliability.md). A run of the same preset and options takes
#: the kept model back with fresh initial weights.
WARM_MAX = 8


@dataclass
class WarmModel:
    """A built autoencoder and its compiled main-stage functions, free for the next run."""

    ae: Any
    steps: tuple[Any, Any, list[str]] | None = None  # step_fn, eval_fn, term names
    encode_fn: Any = None


_warm_pool: dict[tuple[Any, ...], WarmModel] = {}
_warm_lock = threading.Lock()


def lend_model(
    owner: object,
    preset: str,
    input_shape: tuple[int, ...],
    options: ModelOptions,
    jit_compile: bool | None,
) -> WarmModel:
    """A new model of ``preset`` for ``owner``'s runs, given back to the pool once ``owner`` is
    gone: a kept model, compiled steps and all, when one matches (with the new model's initial
    weights and optimizer state), else the new one."""
    from aeviewer.core.models.registry import build_autoencoder

    fresh = build_autoencoder(preset, input_shape, options)
    key = warm_key(preset, input_shape, options, jit_compile)
    warm = take_warm(key)
    if warm is None or not copy_state(warm.ae, fresh):
        warm = WarmModel(fresh)
    weakref.finalize(owner, release_warm, key, warm)
    return warm


def warm_key(
    preset: str, input_shape: tuple[int, ...], options: ModelOptions, jit_compile: bool | None
) -> tuple[Any, ...]:
    """What a kept model must match: the preset, the input and the options that shape the
    model (the learning rate is a variable of the optimizer, the batch size an input)."""
    shape = dataclasses.replace(options, learning_rate=0.0, batch_size=0)
    return (preset, tuple(input_shape), shape, jit_compile)


def release_warm(key: tuple[Any, ...], warm: WarmModel) -> None:
    """Give a model back to the pool (its trainer is gone)."""
    with _warm_lock:
        _warm_pool.pop(key, None)
        _warm_pool[key] = warm
        while len(_warm_pool) > WARM_MAX:
            _warm_pool.pop(next(iter(_warm_pool)))


def take_warm(key: tuple[Any, ...]) -> WarmModel | None:
    with _warm_lock:
        return _warm_pool.pop(key, None)


def _same_shapes(a: list[Any], b: list[Any]) -> bool:
    return len(a) == len(b) and all(
        tuple(u.shape) == tuple(v.shape) for u, v in zip(a, b, strict=False)
    )


def copy_state(dst: Any, src: Any) -> bool:
    """Give model ``dst`` the variables of ``src`` (same architecture), optimizer included;
    False, changing nothing, when they do not match."""
    old, new = list(dst.model.variables), list(src.model.variables)
    if getattr(dst.model.optimizer, "built", False):  # slots, iterations, learning rate
        src.model.optimizer.build(src.model.trainable_variables)
        old += dst.model.optimizer.variables
        new += src.model.optimizer.variables
    if not _same_shapes(old, new):
        return False
    for a, b in zip(old, new, strict=True):
        a.assign(b)
    return True
