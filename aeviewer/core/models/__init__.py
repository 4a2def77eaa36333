"""The course's model zoo.

The catalog and options load without Keras; the Keras-backed names (``build_autoencoder``,
``Autoencoder``, ``evaluate_reconstruction``) import TensorFlow on first use, because that
takes seconds and the window must appear first.
"""

from typing import TYPE_CHECKING, Any

from aeviewer.core.models.catalog import PRESETS, Knob, Preset, get_preset
from aeviewer.core.models.options import ModelOptions, OptionsError

if TYPE_CHECKING:
    from aeviewer.core.models.autoencoder import Autoencoder, evaluate_reconstruction
    from aeviewer.core.models.registry import build_autoencoder

__all__ = [
    "PRESETS",
    "Autoencoder",
    "Knob",
    "ModelOptions",
    "OptionsError",
    "Preset",
    "build_autoencoder",
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
