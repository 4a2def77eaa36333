"""Lessons, the time machine, sessions and exports, on the real window with tiny data."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from aeviewer.core.datasets import Dataset, load_dataset, parse_classes
from aeviewer.core.lessons import LESSONS, get_lesson
from aeviewer.gui.main_window import MainWindow
from aeviewer.gui.widgets import lesson_panels as panels

TIMEOUT = 120_000
PANEL_TYPES = {
    "interpolation": panels.InterpolationPanel,
    "manifold": panels.ManifoldPanel,
    "histogram-sparse": panels.HistogramPanel,
    "histogram-anomaly": panels.HistogramPanel,
    "pca-compare": panels.ComparePanel,
    "pca-codes": panels.ComparePanel,
    "ladder": panels.LadderPanel,
    "side-by-side": panels.SideBySidePanel,
    "pretraining": panels.SideBySidePanel,
}


def tiny_for(name: str) -> Dataset:
    lesson = get_lesson(name)
    classes = parse_classes(lesson.classes) if lesson.classes else None
    return load_dataset(lesson.dataset, classes=classes, max_train=240, max_val=100)


@pytest.fixture
def window(qtbot) -> Iterator[MainWindow]:
    w = MainWindow(restore=False)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.tf_ready, timeout=TIMEOUT)
    yield w
    w.close()
    assert not w.training_thread().isRunning()


def run_lesson(w: MainWindow, qtbot, name: str, epochs: int) -> None:
    assert w.open_lesson(name)
    data = tiny_for(name)
    w.load_selected_dataset = lambda s: data  # type: ignore[method-assign]
    w.controls.epochs_spin.setValue(epochs)
    w.start()
    qtbot.waitUntil(lambda: w.state == "finished", timeout=TIMEOUT)


def train_digits(w: MainWindow, qtbot, preset: str, epochs: int) -> None:
    """Train ``preset`` on 240 digits, and wait until the window shows the end."""
    w.load_selected_dataset = lambda s: load_dataset(  # type: ignore[method-assign]
        "digits", max_train=240, max_val=100
    )
    w.controls.set_preset(preset)
    w.controls.epochs_spin.setValue(epochs)
    w.start()
    qtbot.waitUntil(lambda: w.state == "finished", timeout=TIMEOUT)


@pytest.mark.parametrize("lesson", [lesson.name for lesson in LESSONS])
def test_each_lesson_sets_up_and_fills_its_view(window: MainWindow, qtbot, lesson: str) -> None:
    spec = get_lesson(lesson)
    assert window.open_lesson(lesson)
    c = window.controls
    assert c.preset() == spec.preset and c.epochs_spin.value() == spec.epochs
    assert c.settings().dataset == spec.dataset and c.classes_edit.text() == spec.classes
    assert window.caption.isVisibleTo(window) and spec.title in window.caption.text()
    if spec.panel:
        assert isinstance(window.lesson_panel, PANEL_TYPES[spec.panel])
        assert not window.lesson_dock.isHidden()
    else:
        assert window.lesson_panel is None and window.lesson_dock.isHidden()
    run_lesson(window, qtbot, lesson, epochs=2 if spec.greedy else 1)
    assert window.latent_view.point_count() > 0
    panel = window.lesson_panel
    if spec.panel == "interpolation":
        assert panel.strip_count() == 9 and panel.strip_tiles("decoded")[0].image() is not None
    elif spec.panel == "manifold":
        assert panel.mosaic() is not None and panel.mosaic().shape[0] >= 5 * 28
    elif spec.panel == "histogram-sparse":
        assert panel.plot_count() == 2
    elif spec.panel == "histogram-anomaly":
        assert panel.plot_count() == 1 and panel.example_count() == 8
        assert "above the threshold" in panel.note()
    elif spec.panel in ("pca-compare", "pca-codes"):
        assert min(panel.point_counts()) > 0
    elif spec.panel in ("side-by-side", "ladder", "pretraining"):
        # The comparison (a second model, or the classifiers) runs after the main one.
        if spec.panel == "ladder":
            qtbot.waitUntil(lambda: len(panel.series_names()) == 3, timeout=TIMEOUT)
        elif spec.panel == "side-by-side":
            qtbot.waitUntil(lambda: panel.row_count() == 3, timeout=TIMEOUT)
        else:
            qtbot.waitUntil(lambda: "accurate" in panel.note(), timeout=TIMEOUT)
    if spec.greedy:
        assert "stage1:loss" in window.trainer.history  # type: ignore[union-attr]


def test_linear_autoencoder_finds_the_pca_plane(window: MainWindow, qtbot) -> None:
    assert window.open_lesson("linear-pca")
    window.load_selected_dataset = lambda s: load_dataset("synthetic3d")  # type: ignore[method-assign]
    window.start()
    qtbot.waitUntil(lambda: window.state == "finished", timeout=TIMEOUT)
    assert window.subspace_angle < 10.0
    assert "Angle between the two planes" in window.lesson_panel.note()


def test_interpolation_endpoints_are_the_decoded_codes(window: MainWindow, qtbot) -> None:
    run_lesson(window, qtbot, "interpolation", epochs=1)
    window.gallery.sample_clicked.emit(2)
    window.gallery.sample_clicked.emit(5)
    assert window.pair == [2, 5]
    snap = window.view_snapshot()
    assert snap is not None and window.dataset is not None
    x = np.asarray(window.dataset.x_val[[2, 5]])
    tiles = window.lesson_panel.strip_tiles("decoded")
    np.testing.assert_allclose(tiles[0].image(), snap.decoder(snap.encoder(x[0])), atol=1e-6)
    np.testing.assert_allclose(tiles[-1].image(), snap.decoder(snap.encoder(x[1])), atol=1e-6)
    cross = window.lesson_panel.strip_tiles("crossfade")
    np.testing.assert_allclose(cross[0].image(), x[0], atol=1e-6)
    assert window.latent_view.path_visible()


def test_time_machine_shows_the_codes_of_the_scrubbed_epoch(window: MainWindow, qtbot) -> None:
    train_digits(window, qtbot, "vanilla", epochs=3)
    h = window.history
    assert len(h) == 3 and window.timeline.epochs() == 3
    assert all(r.codes is not None and r.snapshot is not None for r in h.records)
    window.timeline.select(1)
    assert window.view_epoch == 1
    np.testing.assert_array_equal(window.latent_codes, h.record(1).codes)  # type: ignore[union-attr]
    assert window.latent_view.point_count() == 100
    # Decoding follows the scrubbed epoch's weights.
    image = window.decode_point(0.0, 0.0)
    np.testing.assert_allclose(image, h.record(1).snapshot.decoder(np.zeros(2, np.float32)))  # type: ignore[union-attr]
    window.set_trails(True)
    assert window.trails.count() > 0
    window.timeline.select(3)
    assert window.timeline.is_live() and window.view_epoch == 0


def test_session_round_trip(window: MainWindow, qtbot, tmp_path: Path) -> None:
    train_digits(window, qtbot, "stacked", epochs=2)
    path = tmp_path / "lecture.aevsession"
    window.save_session(path)
    qtbot.waitUntil(lambda: path.exists(), timeout=TIMEOUT)
    other = MainWindow(restore=False)
    qtbot.addWidget(other)
    try:
        assert other.open_session(path)
        a, b = window.history, other.history
        assert len(a) == len(b) == 2
        np.testing.assert_array_equal(a.batches()[1], b.batches()[1])
        for ra, rb in zip(a.records, b.records, strict=True):
            assert ra.logs == rb.logs and ra.x == rb.x
            np.testing.assert_array_equal(ra.codes, rb.codes)
            z = np.ones((1, 30), np.float32)
            np.testing.assert_array_equal(ra.snapshot.decoder(z), rb.snapshot.decoder(z))  # type: ignore[union-attr]
        assert other.session_model is not None  # the trained model came along
        assert other.timeline.epochs() == 2 and other.latent_view.point_count() == 100
    finally:
        other.close()


def test_bad_session_files_get_a_message(window: MainWindow, tmp_path: Path) -> None:
    bad = tmp_path / "bad.aevsession"
    bad.write_text("not a zip")
    assert not window.open_session(bad)
    assert "bad.aevsession" in window.controls.hint.text()


def test_exports_write_valid_files(window: MainWindow, qtbot, tmp_path: Path) -> None:
    train_digits(window, qtbot, "vanilla", epochs=3)
    assert window.export_plot("loss", tmp_path / "loss.png")
    assert window.export_plot("latent", tmp_path / "latent.svg")
    assert window.export_widget(window.gallery, tmp_path / "gallery.png")
    assert window.export_gif(tmp_path / "run.gif")
    for name in ("loss.png", "gallery.png"):
        with Image.open(tmp_path / name) as img:
            assert img.format == "PNG" and img.width > 200
    with Image.open(tmp_path / "run.gif") as gif:
        assert gif.n_frames == 3
    assert "<svg" in (tmp_path / "latent.svg").read_text()[:2000]
    model = tmp_path / "m.keras"
    window.save_model(model)
    qtbot.waitUntil(lambda: model.exists(), timeout=TIMEOUT)
    from aeviewer.core.persistence import load_model

    assert load_model(model).ae.preset == "vanilla"


def test_presenter_mode_and_help(window: MainWindow, qtbot) -> None:
    window.toggle_presenter()
    assert window.presenting and window.controls_dock.isHidden()
    assert not window.presenter_bar.isHidden()  # the essential controls stay at hand
    window.help_overlay.toggle()
    assert window.help_overlay.isVisible()
    window._on_escape()
    assert not window.help_overlay.isVisible() and window.presenting
    window._on_escape()
    assert not window.presenting


def test_lessons_command_lists_names_then_titles() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "aeviewer", "lessons"], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0
    lines = out.stdout.strip().splitlines()
    assert [line.split()[0] for line in lines] == [lesson.name for lesson in LESSONS]
    assert all(line.split(None, 1)[1] for line in lines)
    bad = subprocess.run(
        [sys.executable, "-m", "aeviewer", "--lesson", "nope"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2 and "unknown lesson" in bad.stderr
