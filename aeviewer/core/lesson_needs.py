"""What a lesson panel needs of the data set, and the one line that says why it cannot show
another.

The Controls can switch any lesson to any data set (images, 3-D points, a single class): a
panel that cannot show it says so in a line such as "The generated digits need an image data
set: synthetic3d holds 3-D points" instead of drawing nothing or failing. Plain data, no Qt.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from aeviewer.core.datasets import Dataset

__all__ = [
    "CLOUD_3D",
    "IMAGES",
    "PANEL_NEEDS",
    "PLANE",
    "POINTS_3D",
    "TWO_CLASSES",
    "WORST_RECONSTRUCTIONS",
    "Need",
    "Requirement",
    "holds",
    "panel_reason",
    "sample_parts",
]


def holds(ds: Dataset) -> str:
    """What one sample of ``ds`` is, in a few words: ``"28×28 images"``, ``"32×32 colour
    images"`` or ``"3-D points"``."""
    shape = ds.input_shape
    if ds.is_image:
        colour = " colour" if len(shape) == 3 else ""
        return f"{shape[0]}×{shape[1]}{colour} images"
    return f"{int(np.prod(shape))}-D points"


def sample_parts(ds: Dataset) -> str:
    """What a sample is made of: ``"pixels"`` for images, ``"coordinates"`` for points."""
    return "pixels" if ds.is_image else "coordinates"


def _classes_held(ds: Dataset) -> str:
    """What a data set with fewer than two classes holds instead."""
    if ds.y_train is None or ds.y_val is None:
        return f"{ds.name} has no labels"
    c = int(np.unique(ds.y_train)[0])
    name = ds.class_names[c] if 0 <= c < len(ds.class_names) else str(c)
    return f"{ds.name} holds class {name} only"


def _class_count(ds: Dataset) -> int:
    return 0 if ds.y_train is None or ds.y_val is None else len(np.unique(ds.y_train))


@dataclass(frozen=True)
class Need:
    """A property of a data set that a view depends on.

    Parameters
    ----------
    what : str
        What is needed, after "need": ``"an image data set"``.
    met : callable
        Whether a data set has it.
    instead : callable
        What a data set without it holds: ``"synthetic3d holds 3-D points"``.
    """

    what: str
    met: Callable[[Dataset], bool]
    instead: Callable[[Dataset], str]


IMAGES = Need(
    "an image data set", lambda ds: ds.is_image, lambda ds: f"{ds.name} holds {holds(ds)}"
)
POINTS_3D = Need(
    "3-D points", lambda ds: ds.input_shape == (3,), lambda ds: f"{ds.name} holds {holds(ds)}"
)
PLANE = Need(
    "samples of two dimensions or more",
    lambda ds: int(np.prod(ds.input_shape)) >= 2,
    lambda ds: f"{ds.name} holds {holds(ds)}",
)
TWO_CLASSES = Need("labels of two classes or more", lambda ds: _class_count(ds) >= 2, _classes_held)


@dataclass(frozen=True)
class Requirement:
    """A view (``subject``, with its verb: "The manifold needs") and what it needs."""

    subject: str
    need: Need

    def reason(self, ds: Dataset) -> str:
        """``""`` when ``ds`` meets the need, else the one line that says why not."""
        if self.need.met(ds):
            return ""
        return f"{self.subject} {self.need.what}: {self.need.instead(ds)}"


#: A lesson's panel (``Lesson.panel``) -> what the whole panel needs. Panels not named here
#: show any data set (loss curves, code histograms, scatters of codes).
PANEL_NEEDS: dict[str, Requirement] = {
    "generation": Requirement("The generated digits need", IMAGES),
    "interpolation": Requirement("The interpolation strips need", IMAGES),
    "manifold": Requirement("The manifold needs", IMAGES),
    "side-by-side": Requirement("The side-by-side reconstructions need", IMAGES),
    "pretraining": Requirement("The classifiers need", TWO_CLASSES),
    "pca-compare": Requirement("The comparison with PCA's plane needs", PLANE),
}
#: Parts of panels that need more than the rest of their panel.
WORST_RECONSTRUCTIONS = Requirement("The worst reconstructions need", IMAGES)
CLOUD_3D = Requirement("The 3-D view needs", POINTS_3D)


def panel_reason(panel: str | None, ds: Dataset) -> str:
    """Why the lesson panel ``panel`` cannot show ``ds`` (``""`` when it can).

    Parameters
    ----------
    panel : str or None
        A lesson's ``panel`` (see :mod:`aeviewer.core.lessons`).
    ds : Dataset
        The data set the run trains on.
    """
    requirement = PANEL_NEEDS.get(panel or "")
    return "" if requirement is None else requirement.reason(ds)
