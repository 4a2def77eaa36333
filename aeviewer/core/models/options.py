"""Every knob a lecturer turns, as one plain value object (no Keras import here)."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

ACTIVATIONS = ("selu", "relu", "elu", "tanh", "sigmoid", "gelu", "linear")
OUTPUT_ACTIVATIONS = ("sigmoid", "linear")
LOSSES = ("bce", "mse")
OPTIMIZERS = ("adam", "sgd", "rmsprop", "nadam")
NOISES = ("none", "gaussian", "dropout")
SPARSITIES = ("none", "kl", "l1")


class OptionsError(ValueError):
    """A hyperparameter that cannot work; the message says which and why."""


@dataclass(frozen=True)
class ModelOptions:
    """Hyperparameters of one autoencoder.

    Presets (:mod:`aeviewer.core.models.registry`) hold a default ``ModelOptions``; users
    override single fields with :func:`dataclasses.replace` or :meth:`updated`.
    """

    latent_dim: int = 30
    hidden: tuple[int, ...] = (100,)
    activation: str = "selu"
    coding_activation: str = "linear"
    output_activation: str = "sigmoid"
    loss: str = "bce"
    optimizer: str = "adam"
    learning_rate: float = 1e-3
    batch_size: int = 32
    noise: str = "none"
    noise_std: float = 0.2
    dropout_rate: float = 0.5
    sparsity: str = "none"
    sparsity_target: float = 0.1
    sparsity_weight: float = 0.05
    beta: float = 1.0
    filters: tuple[int, ...] = field(default=(16, 32))
    tied: bool = False

    def updated(self, **changes: Any) -> ModelOptions:
        """Return a copy with ``changes`` applied (unknown or ``None`` values are skipped)."""
        known = {f.name for f in dataclasses.fields(self)}
        unknown = set(changes) - known
        if unknown:
            raise OptionsError(f"unknown model option(s): {', '.join(sorted(unknown))}")
        clean = {k: v for k, v in changes.items() if v is not None}
        if "hidden" in clean:
            clean["hidden"] = tuple(int(h) for h in clean["hidden"])
        if "filters" in clean:
            clean["filters"] = tuple(int(h) for h in clean["filters"])
        return dataclasses.replace(self, **clean)

    def validate(self) -> ModelOptions:
        """Raise :class:`OptionsError` with the reason when a value cannot train."""
        _check_int("latent dim", self.latent_dim, 1, 4096)
        _check_int("batch size", self.batch_size, 1, 65536)
        for h in self.hidden:
            _check_int("hidden layer size", h, 1, 16384)
        if not 1 <= len(self.filters) <= 8:  # the conv preset needs a level; 2**8 px is plenty
            raise OptionsError(f"conv filters: give 1 to 8 levels, not {len(self.filters)}")
        for f in self.filters:
            _check_int("conv filters", f, 1, 1024)
        if not (isinstance(self.learning_rate, (int, float)) and math.isfinite(self.learning_rate)):
            raise OptionsError(f"learning rate must be a finite number, not {self.learning_rate!r}")
        if not 0 < self.learning_rate <= 10:
            raise OptionsError(f"learning rate must be in (0, 10], not {self.learning_rate:g}")
        _check_choice("activation", self.activation, ACTIVATIONS)
        _check_choice("coding activation", self.coding_activation, ACTIVATIONS)
        _check_choice("output activation", self.output_activation, OUTPUT_ACTIVATIONS)
        _check_choice("loss", self.loss, LOSSES)
        if self.loss == "bce" and self.output_activation != "sigmoid":
            raise OptionsError("binary cross-entropy needs a sigmoid output; use loss mse")
        _check_choice("optimizer", self.optimizer, OPTIMIZERS)
        _check_choice("noise", self.noise, NOISES)
        _check_choice("sparsity", self.sparsity, SPARSITIES)
        _check_float("noise std", self.noise_std, 0.0, 10.0)
        if not 0.0 <= self.dropout_rate < 1.0:
            raise OptionsError(f"dropout rate must be in [0, 1), not {self.dropout_rate:g}")
        if not 0.0 < self.sparsity_target < 1.0:
            raise OptionsError(f"sparsity target must be in (0, 1), not {self.sparsity_target:g}")
        _check_float("sparsity weight", self.sparsity_weight, 0.0, 1e3)
        _check_float("beta (KL weight)", self.beta, 0.0, 1e3)
        return self

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (tuples become lists)."""
        return {
            k: list(v) if isinstance(v, tuple) else v for k, v in dataclasses.asdict(self).items()
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelOptions:
        """Inverse of :meth:`to_dict`; ignores keys this version does not know."""
        known = {f.name for f in dataclasses.fields(cls)}
        return cls().updated(**{k: v for k, v in data.items() if k in known})


def _check_int(what: str, value: object, lo: int, hi: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise OptionsError(f"{what} must be a whole number, not {value!r}")
    if not lo <= value <= hi:
        raise OptionsError(f"{what} must be between {lo} and {hi}, not {value}")


def _check_float(what: str, value: float, lo: float, hi: float) -> None:
    if not (isinstance(value, (int, float)) and math.isfinite(value) and lo <= value <= hi):
        raise OptionsError(f"{what} must be between {lo:g} and {hi:g}, not {value!r}")


def _check_choice(what: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise OptionsError(f"{what} must be one of {', '.join(choices)}; not {value!r}")
