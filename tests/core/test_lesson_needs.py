"""What each lesson panel needs of a data set, and the line it shows instead (no Qt)."""

from __future__ import annotations

import numpy as np
import pytest

from aeviewer.core.datasets import Dataset, load_dataset
from aeviewer.core.lesson_needs import (
    CLOUD_3D,
    PANEL_NEEDS,
    WORST_RECONSTRUCTIONS,
    holds,
    panel_reason,
    sample_parts,
)
from aeviewer.core.lessons import LESSONS


def _points(d: int, labels: bool) -> Dataset:
    x = np.linspace(0, 1, 10 * d, dtype=np.float32).reshape(10, d)
    y = np.arange(10) % 2 if labels else None
    return Dataset(
        f"{d}d",
        x[:8],
        y[:8] if labels else None,
        x[8:],
        y[8:] if labels else None,
        ("even", "odd") if labels else (),
        "test",
    )


@pytest.fixture(scope="module")
def digits() -> Dataset:
    return load_dataset("digits", max_train=100, max_val=30)


def test_every_need_names_a_panel_of_a_lesson() -> None:
    assert set(PANEL_NEEDS) <= {lesson.panel for lesson in LESSONS}


def test_what_a_data_set_holds(digits: Dataset) -> None:
    assert holds(digits) == "28×28 images" and sample_parts(digits) == "pixels"
    cloud = load_dataset("synthetic3d")
    assert holds(cloud) == "3-D points" and sample_parts(cloud) == "coordinates"
    x = np.zeros((10, 32, 24, 3), np.float32)
    colour = Dataset("photos", x[:8], None, x[8:], None, (), "test")
    assert holds(colour) == "32×24 colour images" and sample_parts(colour) == "pixels"


def test_image_panels_say_why_points_do_not_fit(digits: Dataset) -> None:
    cloud = load_dataset("synthetic3d")
    assert panel_reason("generation", digits) == ""
    assert (
        panel_reason("generation", cloud)
        == "The generated digits need an image data set: synthetic3d holds 3-D points"
    )
    assert panel_reason("manifold", _points(2, True)) == (
        "The manifold needs an image data set: 2d holds 2-D points"
    )
    for panel in ("histogram-sparse", "histogram-anomaly", "ladder", "stages", "pca-codes", None):
        assert panel_reason(panel, cloud) == ""  # they show any data set
    assert WORST_RECONSTRUCTIONS.reason(cloud).startswith("The worst reconstructions need")


def test_the_classifiers_need_two_classes(digits: Dataset) -> None:
    assert panel_reason("pretraining", digits) == ""
    assert panel_reason("pretraining", _points(2, labels=True)) == ""
    one = load_dataset("digits", classes=(3,), max_train=40, max_val=10)
    assert panel_reason("pretraining", one) == (
        "The classifiers need labels of two classes or more: digits holds class 3 only"
    )
    assert panel_reason("pretraining", load_dataset("synthetic3d")).endswith(
        ": synthetic3d has no labels"
    )


def test_the_pca_lesson_needs_a_plane_and_its_cloud_3d_points(digits: Dataset) -> None:
    assert panel_reason("pca-compare", digits) == ""  # the pixels have a PCA plane too
    assert panel_reason("pca-compare", _points(1, False)) == (
        "The comparison with PCA's plane needs samples of two dimensions or more: "
        "1d holds 1-D points"
    )
    assert CLOUD_3D.reason(load_dataset("synthetic3d")) == ""
    assert CLOUD_3D.reason(digits) == "The 3-D view needs 3-D points: digits holds 28×28 images"
