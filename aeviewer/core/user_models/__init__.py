"""A user's own Keras autoencoder: opened safely, cut into encoder and decoder, made to fit.

``open_user_model(paths, split_at=None)`` gives a :class:`UserModel`: what was found
(``layout``, ``split_at``, ``code_shape``, ``variational``), how it trains (``options``,
``training_note``), which data fit it (``fits``, ``check``, ``data_hint``), and the app's
:class:`~aeviewer.core.models.Autoencoder` (``ae``, ``autoencoder_for(shape)``).

Modules: ``files`` (reading ``.keras`` / ``.h5``), ``safety`` (no code from a file),
``splitting`` (finding the code), ``assemble`` (reshapes to the data), ``compiled`` (loss and
optimizer), ``shapes`` (which data fit). Keras loads on first use of ``open_user_model``.
"""

from typing import TYPE_CHECKING, Any

from aeviewer.core.user_models.shapes import data_hint, fits
from aeviewer.core.user_models.user_model import UserModel

if TYPE_CHECKING:
    from aeviewer.core.user_models.opening import open_for_training, open_user_model

__all__ = ["UserModel", "data_hint", "fits", "open_for_training", "open_user_model"]


def __getattr__(name: str) -> Any:
    if name in ("open_user_model", "open_for_training"):
        from aeviewer.core.user_models import opening

        return getattr(opening, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
