"""Every lesson's panel with every kind of data set the Controls can give it: images, 3-D and
2-D points, a single class. Each shows what applies or says in one line why it cannot; none
raises. The epoch-end refresh runs on the real window with untrained snapshots of the lesson's
own models (no training: the whole grid takes seconds); two tests train for real the case a
random-action run found (a lesson open, the data set switched to points, an epoch ends)."""

from __future__ import annotations

import functools
import time
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication
from windows import TIMEOUT

from aeviewer.core.datasets import Dataset, load_dataset
from aeviewer.core.images import to_uint8
from aeviewer.core.inference import ModelSnapshot
from aeviewer.core.latent import fit_pca
from aeviewer.core.lessons import LESSONS, get_lesson
from aeviewer.core.models import get_preset
from aeviewer.core.pretraining import PretrainingResult
from aeviewer.gui.main_window import MainWindow
from aeviewer.gui.widgets import lesson_panels as panels
from aeviewer.gui.widgets.image_tile import ImageTile

IMAGES_NEEDED = "need an image data set"


def _blobs() -> Dataset:
    """Three labelled 2-D blobs in [0, 1]: vectors with classes (unlike the 3-D cloud)."""
    rng = np.random.default_rng(0)
    centres = np.array([[0.2, 0.2], [0.8, 0.3], [0.5, 0.8]])
    y = np.repeat(np.arange(3), 40)
    x = np.clip(centres[y] + 0.05 * rng.standard_normal((len(y), 2)), 0, 1).astype(np.float32)
    val = np.arange(len(y)) % 4 == 0
    return Dataset("blobs", x[~val], y[~val], x[val], y[val], ("a", "b", "c"), "test blobs")


@functools.cache
def _colour() -> Dataset:
    """Three classes of 16x16 colour images: a red, a green and a blue square on grey."""
    rng = np.random.default_rng(1)
    y = np.arange(84) % 3
    x = np.full((len(y), 16, 16, 3), 0.3, np.float32) + 0.1 * rng.random((len(y), 16, 16, 3))
    for k, label in enumerate(y):
        x[k, 4:12, 4:12] = 0.0
        x[k, 4:12, 4:12, label] = 1.0
    x = x.astype(np.float32)
    val = np.arange(len(y)) % 4 == 0
    return Dataset("squares", x[~val], y[~val], x[val], y[val], ("r", "g", "b"), "test squares")


LOADERS = {
    "images": lambda: load_dataset("digits", max_train=120, max_val=40),
    "cloud": lambda: load_dataset("synthetic3d", max_train=120, max_val=40),
    "blobs": _blobs,
    "one-class": lambda: load_dataset("digits", classes=(3,), max_train=60, max_val=20),
}

# (lesson, data set) -> the line the panel shows in place of its content; every pair not
# named here shows content.
REASONS = {
    **{
        (lesson, data): f"{subject} {IMAGES_NEEDED}: {name} holds {d}-D points"
        for lesson, subject in (
            ("generation", "The generated digits"),
            ("interpolation", "The interpolation strips"),
            ("vae", "The interpolation strips"),
            ("stacked-vs-tied", "The side-by-side reconstructions"),
        )
        for data, name, d in (("cloud", "synthetic3d", 3), ("blobs", "blobs", 2))
    },
    ("manifold", "cloud"): "The manifold needs an image data set: synthetic3d holds 3-D points",
    ("manifold", "blobs"): "The manifold needs an image data set: blobs holds 2-D points",
    ("pretraining", "cloud"): (
        "The classifiers need labels of two classes or more: synthetic3d has no labels"
    ),
    ("pretraining", "one-class"): (
        "The classifiers need labels of two classes or more: digits holds class 3 only"
    ),
}
# Parts of a panel that say why they cannot show the data while the rest shows it.
CLOUD_REASONS = {
    "images": "The 3-D view needs 3-D points: digits holds 28×28 images",
    "one-class": "The 3-D view needs 3-D points: digits holds 28×28 images",
    "blobs": "The 3-D view needs 3-D points: blobs holds 2-D points",
}
EXAMPLE_REASONS = {
    "cloud": "The worst reconstructions need an image data set: synthetic3d holds 3-D points",
    "blobs": "The worst reconstructions need an image data set: blobs holds 2-D points",
}


@functools.cache
def dataset(kind: str) -> Dataset:
    return LOADERS[kind]()


@functools.cache
def snapshot(preset: str, options: tuple, input_shape: tuple[int, ...]) -> ModelSnapshot:
    """An untrained snapshot of ``preset``: the shapes of a real run's, no training."""
    from aeviewer.core.models.registry import build_autoencoder

    opts = get_preset(preset).defaults.updated(**dict(options))
    ae = build_autoencoder(preset, input_shape, opts)
    return ModelSnapshot.capture(ae.encoder, ae.decoder, epoch=1, step=1)


def wait_for(condition: Any, timeout_s: float = 120.0) -> None:
    """Process events until ``condition()`` (the module's window has no qtbot of its own)."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        QApplication.processEvents()
        time.sleep(0.01)


@pytest.fixture(scope="module")
def shared_window(qapp) -> Iterator[MainWindow]:
    """One window for the whole grid: a window takes seconds to start."""
    w = MainWindow(restore=False)
    w.show()
    wait_for(lambda: w.run.tf_ready)
    yield w
    w.close()
    assert not w.training_thread().isRunning()


@pytest.fixture
def window(shared_window: MainWindow) -> MainWindow:
    w = shared_window
    if w.run.state != "idle":
        w.run.reset()
        wait_for(lambda: w.run.state == "idle")
    return w


def epoch_end(w: MainWindow, ds: Dataset, preset: str, options: dict[str, Any]) -> None:
    """Leave the window as a run's epoch end leaves it, then refresh the lesson as it does."""
    snap = snapshot(preset, tuple(sorted(options.items())), ds.input_shape)
    w.data.dataset = ds
    w.live.snapshot = snap
    w.run.variational = get_preset(preset).kind == "vae"
    rows = np.arange(ds.n_val)
    codes = snap.encoder(np.asarray(ds.x_val, np.float32))
    w.latent.state.codes, w.latent.state.indices = codes, rows
    w.latent.state.projection = fit_pca(codes, None)
    w.lessons.codes_shown(codes)  # the latent report's part of it
    w.lessons.refresh()


def follow_up(w: MainWindow, ds: Dataset, name: str) -> None:
    """What the window does with the results trained after the run: comparison models, or the
    pretraining classifiers; then the panel refreshes again."""
    spec = get_lesson(name)
    if spec.compare:
        w.lessons.behaviour.compare = {
            "models": [
                {
                    "title": c.title or get_preset(c.preset).title,
                    "params": 1234,
                    "val_loss": 0.1,
                    "snapshot": snapshot(
                        c.preset, tuple(sorted(c.options.items())), ds.input_shape
                    ),
                }
                for c in spec.compare
            ]
        }
    elif spec.panel == "pretraining" and ds.is_labelled:
        w.lessons.behaviour.compare = {
            "pretraining": PretrainingResult(30, 0.8, 0.5, classes=3, per_class=10)
        }
    else:
        return
    w.lessons.refresh()


def feed_stages(w: MainWindow, monkeypatch) -> None:
    """The greedy lesson's panel is filled by the training thread's stage reports."""
    monkeypatch.setattr(w.run, "trainer", object())  # the reports of a run under way
    w.lessons.on_stage_changed("stage1", "Stage 1 of 3: a shallow autoencoder 784 → 100 → 784")
    w.lessons.on_epoch_ended(1.0, SimpleNamespace(stage="stage1", logs={"val_loss": 0.2}))


@pytest.mark.parametrize("data", list(LOADERS))
@pytest.mark.parametrize("name", [lesson.name for lesson in LESSONS])
def test_each_lesson_panel_copes_with_each_data_set(
    window: MainWindow, monkeypatch, name: str, data: str
) -> None:
    spec = get_lesson(name)
    assert window.lessons.open(name)
    ds = dataset(data)
    epoch_end(window, ds, spec.preset, spec.options)
    follow_up(window, ds, name)
    panel = window.lessons.panel
    if spec.panel is None:
        assert panel is None
        return
    if spec.panel == "stages":
        feed_stages(window, monkeypatch)
    reason = REASONS.get((name, data), "")
    assert panel.unavailable() == reason
    if reason:
        assert panel.shown_message() == reason
        assert not panel.content().isVisibleTo(panel)
    else:
        assert panel.shows_content(), panel.shown_message()
    if spec.panel == "pca-compare":
        cloud = panel.findChild(panels.CloudView)
        assert cloud.unavailable() == CLOUD_REASONS.get(data, "")
        assert cloud.point_count() == (ds.n_train if data == "cloud" else 0)
        assert cloud.plot_widget().isVisibleTo(panel) == (data == "cloud")
    if spec.panel == "histogram-anomaly":
        assert panel.plot_count() == 1  # the errors' histogram shows for every data set
        assert panel.examples_unavailable() == EXAMPLE_REASONS.get(data, "")
        assert panel.example_count() == (0 if data in EXAMPLE_REASONS else 6)
    if spec.panel == "pca-codes":
        parts = "pixels" if ds.is_image else "coordinates"
        assert panel.plot_titles()[0] == f"PCA of the {parts}"
        shown = [] if ds.y_val is None else [ds.class_names[c] for c in np.unique(ds.y_val)]
        assert panel.legend_entries() == shown  # one class: one entry, no labels: none
        assert (data != "one-class" or shown == ["3"]) and (data != "cloud" or shown == [])


def test_a_lesson_on_points_clears_its_reason_back_on_images(window: MainWindow) -> None:
    """The reason is about the data set of the epoch on screen: back on images, images."""
    assert window.lessons.open("generation")
    epoch_end(window, dataset("cloud"), "vanilla", {})
    assert window.lessons.panel.shown_message().startswith("The generated digits need")
    epoch_end(window, dataset("images"), "vanilla", {})
    panel = window.lessons.panel
    assert panel.unavailable() == "" and panel.shows_content()
    assert panel.image_count() == 16 and panel.tiles()[0].image().shape == (28, 28)


def test_a_scrubbed_epoch_of_a_run_on_other_data_is_not_drawn(window: MainWindow) -> None:
    """After the data set changed, an old run's snapshot (another input size) is left alone:
    the panel keeps what it showed rather than encoding points with a digits model."""
    assert window.lessons.open("anomaly")
    epoch_end(window, dataset("images"), "stacked", {})
    panel = window.lessons.panel
    before = panel.histogram(0)[1]
    window.data.dataset = dataset("cloud")  # the Controls switched data; the snapshot is digits'
    window.lessons.refresh()
    np.testing.assert_array_equal(panel.histogram(0)[1], before)


def _generation_says_why(panel: Any) -> bool:
    return panel.shown_message() == REASONS[("generation", "cloud")]


def _anomaly_shows_errors_not_examples(panel: Any) -> bool:
    return (
        panel.shows_content()
        and panel.plot_count() == 1
        and panel.example_count() == 0
        and panel.examples_unavailable() == EXAMPLE_REASONS["cloud"]
    )


# The two lessons whose panels raised in the random-action run.
SWITCHED = {"generation": _generation_says_why, "anomaly": _anomaly_shows_errors_not_examples}


@pytest.mark.parametrize("name", list(SWITCHED))
def test_switching_an_open_lesson_to_points_then_training(
    window: MainWindow, qtbot, name: str
) -> None:
    """The random-action run's crash: a lesson open, the Controls' data set switched to the 3-D
    cloud, an epoch ends (ImageTile raised "expects a 2-D image" from the refresh)."""
    assert window.lessons.open(name)
    combo = window.controls.dataset_combo
    combo.setCurrentIndex(combo.findData("synthetic3d"))
    qtbot.waitUntil(
        lambda: window.data.dataset is not None and window.data.dataset.name == "synthetic3d"
    )
    window.controls.epochs_spin.setValue(1)
    window.run.start()
    panel, check = window.lessons.panel, SWITCHED[name]
    if name == "generation":  # said as the run starts, not after its first epoch
        assert check(panel)
    qtbot.waitUntil(lambda: window.run.state == "finished", timeout=TIMEOUT)
    assert window.lessons.panel is panel and check(panel)


def _paints_its_pixels(tile: Any) -> bool:
    """Whether the tile paints, at the middle of its image, the colour of the image's pixel
    there (or of a neighbour: a mosaic larger than its tile is shown shrunk)."""
    img = tile.image()
    h, w = img.shape[:2]
    rect = tile.image_rect()
    pixmap = tile.grab()
    dpr = pixmap.devicePixelRatio()
    x, y = rect.center().x(), rect.center().y()
    c = pixmap.toImage().pixelColor(int(x * dpr), int(y * dpr))
    row = int((y - rect.y()) * h / rect.height())
    col = int((x - rect.x()) * w / rect.width())
    near = to_uint8(img[max(row - 1, 0) : row + 2, max(col - 1, 0) : col + 2]).reshape(-1, 3)
    return (c.red(), c.green(), c.blue()) in {tuple(int(v) for v in px) for px in near}


@pytest.mark.parametrize("name", [lesson.name for lesson in LESSONS])
def test_each_lesson_panel_shows_colour_images_in_colour(
    window: MainWindow, monkeypatch, name: str
) -> None:
    """Colour data: every image a panel shows is the decoder's or the data's (H, W, 3), painted
    in its own colours, and the manifold's mosaics (in the panel and under the scatter) too."""
    spec = get_lesson(name)
    assert window.lessons.open(name)
    ds = _colour()
    epoch_end(window, ds, spec.preset, spec.options)
    follow_up(window, ds, name)
    panel = window.lessons.panel
    if panel is None:
        return
    if spec.panel == "stages":
        feed_stages(window, monkeypatch)
    assert panel.unavailable() == "" and panel.shows_content(), panel.shown_message()
    QApplication.processEvents()  # the panel's layout gives its tiles their sizes
    tiles = [
        t for t in panel.findChildren(ImageTile) if t.isVisibleTo(panel) and t.image() is not None
    ]
    for tile in tiles:
        img = tile.image()
        assert img.ndim == 3 and img.shape[-1] == 3, img.shape
        assert _paints_its_pixels(tile), (tile.title(), tile.image_rect())
    shows_images = {"generation", "interpolation", "manifold", "side-by-side", "histogram-anomaly"}
    assert bool(tiles) == (spec.panel in shows_images)
    if spec.panel == "manifold":
        n = panel.grid_size()
        assert panel.mosaic().shape == (16 * n, 16 * n, 3)
        under = window.lessons.marks().image_shown()
        assert under is not None and under.ndim == 3 and under.shape[-1] == 3


def test_the_showcase_puts_a_colour_sample_in_the_picture_input(window: MainWindow) -> None:
    """The scripted screenshots' set-up on colour data: the sample goes where colour input
    goes (the grey drawing canvas refuses it)."""
    ds = _colour()
    epoch_end(window, ds, "vanilla", {})
    window.picture_panel.input.set_picture(None)
    window.exports.prepare_showcase()
    picture = window.picture_panel.input.picture()
    assert picture is not None
    np.testing.assert_array_equal(picture, ds.x_val[7])
