"""The course's model zoo.

The catalog and options load without Keras; the Keras-backed names (``build_autoencoder``,
``Autoencoder``, ``evaluate_reconstruction``) import TensorFlow on first use, because that
takes seconds and the window must appear first.
"""

from typing import TYPE_CHECKING, Any

from aeviewer.core.models.catalog import KINDS, PRESETS, Knob, ModelKind, Preset, get_preset
from aeviewer.core.models.options import ModelOptions, OptionsError
from aeviewer.core.models.shapes import check_fits, conv_plan, describe_shape

if TYPE_CHECKING:
    from aeviewer.core.models.autoencoder import Autoencoder, evaluate_reconstruction
    from aeviewer.core.models.registry import build_autoencoder

__all__ = [
    "KINDS",
    "PRESETS",
    "Autoencoder",
    "Knob",
    "ModelKind",
    "ModelOptions",
    "OptionsError",
    "Preset",
    "build_autoencoder",
    "check_fits",
    "conv_plan",
    "describe_shape",
    "evaluate_reconstruction",
    "get_preset",
]


def __getattr__(name: str) -> Any:
    if name in ("Autoencoder", "evaluate_reconstruction"):
        from aeviewer.core.models import autoencoder

        return getattr(autoencoder, name)
    if name == "build_autoencoder":
        from aeviewer.core.models.registry import build_autoencoder

        return build_autoencoder
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
