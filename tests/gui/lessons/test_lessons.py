"""Lessons, the time machine, sessions and exports, on the real window with tiny data."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMenu
from windows import TIMEOUT

from aeviewer.core.analysis import subspace_angle_degrees
from aeviewer.core.datasets import Dataset, load_dataset, parse_classes
from aeviewer.core.lessons import COURSE_POINT, LADDER_LEVELS, LESSONS, get_lesson
from aeviewer.core.models import get_preset
from aeviewer.gui.main_window import MainWindow
from aeviewer.gui.widgets import lesson_panels as panels
from aeviewer.gui.widgets.lesson_panels.beta import BETA_STEPS

PANEL_TYPES = {
    "interpolation": panels.InterpolationPanel,
    "manifold": panels.ManifoldPanel,
    "histogram-sparse": panels.HistogramPanel,
    "histogram-anomaly": panels.HistogramPanel,
    "pca-compare": panels.ComparePanel,
    "pca-codes": panels.ComparePanel,
    "ladder": panels.LadderPanel,
    "side-by-side": panels.SideBySidePanel,
    "pretraining": panels.AccuracyPanel,
    "generation": panels.GenerationPanel,
    "stages": panels.StagesPanel,
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
    qtbot.waitUntil(lambda: w.run.tf_ready, timeout=TIMEOUT)
    yield w
    w.close()
    assert not w.training_thread().isRunning()


def lesson_action(w: MainWindow, name: str) -> QAction:
    """The Lessons menu's entry for lesson ``name``, as a lecturer would click it."""
    menu = next(m for m in w.findChildren(QMenu) if m.title() == "&Lessons")
    number = [lesson.name for lesson in LESSONS].index(name) + 1
    return next(a for a in menu.actions() if a.text().startswith(f"{number}. "))


def use_tiny_data(w: MainWindow, name: str) -> Dataset:
    data = tiny_for(name)
    w.data.load_selected = lambda s: data  # type: ignore[method-assign]
    return data


def run_lesson(w: MainWindow, qtbot, name: str, epochs: int, menu: bool = False) -> None:
    if menu:
        lesson_action(w, name).trigger()
        assert w.lessons.lesson is get_lesson(name)
    else:
        assert w.lessons.open(name)
    use_tiny_data(w, name)
    w.controls.epochs_spin.setValue(epochs)
    w.run.start()
    qtbot.waitUntil(lambda: w.run.state == "finished", timeout=TIMEOUT)


def train_digits(w: MainWindow, qtbot, preset: str, epochs: int) -> None:
    """Train ``preset`` on 240 digits, and wait until the window shows the end."""
    w.data.load_selected = lambda s: load_dataset(  # type: ignore[method-assign]
        "digits", max_train=240, max_val=100
    )
    w.controls.set_preset(preset)
    w.controls.epochs_spin.setValue(epochs)
    w.run.start()
    qtbot.waitUntil(lambda: w.run.state == "finished", timeout=TIMEOUT)


def dense_params(sizes: list[int], tied: bool) -> int:
    """Weights of a dense autoencoder with layer ``sizes`` (input ... code), mirrored: each
    layer a kernel and a bias; tied decoders reuse the encoder's kernels (biases only)."""
    encoder = sum(a * b + b for a, b in itertools.pairwise(sizes))
    back = sizes[::-1]
    decoder = sum(b if tied else a * b + b for a, b in itertools.pairwise(back))
    return encoder + decoder


@pytest.mark.parametrize("lesson", [lesson.name for lesson in LESSONS])
def test_each_lesson_from_the_menu_sets_up_and_fills_its_view(
    window: MainWindow, qtbot, lesson: str
) -> None:
    spec = get_lesson(lesson)
    lesson_action(window, lesson).trigger()
    c = window.controls
    assert window.lessons.lesson is spec
    assert c.preset() == spec.preset and c.epochs_spin.value() == spec.epochs
    assert c.settings().dataset == spec.dataset and c.classes_edit.text() == spec.classes
    if "beta" in spec.options:
        assert c.settings().extra == ("beta", spec.options["beta"])
    if "learning_rate" in spec.options:
        assert c.lr_spin.value() == pytest.approx(spec.options["learning_rate"])
    assert window.caption.isVisibleTo(window) and spec.title in window.caption.text()
    if spec.panel:
        assert isinstance(window.lessons.panel, PANEL_TYPES[spec.panel])
        assert not window.lesson_dock.isHidden()
    else:
        assert window.lessons.panel is None and window.lesson_dock.isHidden()
    data = use_tiny_data(window, lesson)
    window.controls.epochs_spin.setValue(2 if spec.greedy else 1)
    window.run.start()
    qtbot.waitUntil(lambda: window.run.state == "finished", timeout=TIMEOUT)
    assert window.latent_view.point_count() > 0
    panel = window.lessons.panel
    snap = window.time_machine.view_snapshot()
    assert snap is not None
    check = LESSON_CHECKS.get(lesson)
    if check is not None:
        check(window, qtbot, panel, snap, data)


def _check_linear_pca(w, qtbot, panel, snap, data) -> None:
    assert min(panel.point_counts()) > 0 and "Angle between the two planes" in panel.note()
    assert w.lessons.behaviour.cloud.point_count() == data.n_train  # the 3-D data themselves
    assert w.lessons.behaviour.cloud.plane_names() == ["autoencoder", "PCA"]


def _check_latent_2d(w, qtbot, panel, snap, data) -> None:
    # The course decodes [-1, 5]: marked, and decoded into the preview.
    assert w.latent_view.marker_position("click") == COURSE_POINT
    np.testing.assert_allclose(
        w.preview.image(), snap.decoder(np.array(COURSE_POINT, np.float32)), atol=1e-6
    )


def _check_generation(w, qtbot, panel, snap, data) -> None:
    assert panel.image_count() == 16 and panel.mode() == "ae" and "training codes" in panel.hint()
    codes = w.lessons.overlay().cross_positions()  # 2-D codes: the scatter shows them as they are
    assert codes is not None and len(codes) == 16
    for tile, image in zip(panel.tiles(), snap.decoder(codes.astype(np.float32)), strict=True):
        np.testing.assert_allclose(tile.image(), image, atol=1e-5)


def _check_interpolation(w, qtbot, panel, snap, data) -> None:
    assert panel.strip_count() == 9 and panel.strip_tiles("decoded")[0].image() is not None
    i, j = w.lessons.behaviour.pair
    assert data.y_val[i] != data.y_val[j]  # two different digits by default
    assert panel.alpha() == 0.5


def _check_manifold(w, qtbot, panel, snap, data) -> None:
    assert panel.mosaic() is not None and panel.mosaic().shape[0] >= 5 * 28
    (x0, x1), (y0, y1) = w.latent_view.plot_widget.getPlotItem().vb.viewRange()
    rect = w.lessons.overlay().image_rect()
    assert rect is not None and rect[0] <= x0 and rect[0] + rect[2] >= x1  # under the scatter
    assert rect[1] <= y0 and rect[1] + rect[3] >= y1


def _check_stacked_vs_tied(w, qtbot, panel, snap, data) -> None:
    qtbot.waitUntil(lambda: panel.row_count() == 3, timeout=TIMEOUT)
    sizes = [int(np.prod(data.input_shape)), 100, 30]
    stacked, tied = dense_params(sizes, tied=False), dense_params(sizes, tied=True)
    titles = panel.row_titles()
    assert f"{stacked:,} parameters" in titles[1] and f"{tied:,} parameters" in titles[2]
    models = w.lessons.behaviour.compare["models"]
    assert w.run.model_info["params"] == stacked and models[0]["params"] == tied


def _check_greedy(w, qtbot, panel, snap, data) -> None:
    assert "stage1:loss" in w.run.trainer.history
    assert panel.stage_names() == ["stage1", "stage2", "train"]
    assert panel.stage_title("stage2").startswith("Stage 2")
    for name in panel.stage_names():
        assert len(panel.stage_data(name)[0]) > 0
    # Each stage on its own scale: stage 2's hidden-layer MSE is not on stage 1's axis.
    _, y1 = panel.stage_data("stage1")
    top = panel.stage_plot("stage1").getPlotItem().vb.viewRange()[1][1]
    assert top < 1.5 * float(np.max(y1))


def _check_denoising(w, qtbot, panel, snap, data) -> None:
    qtbot.waitUntil(lambda: len(panel.series_names()) == 4, timeout=TIMEOUT)
    assert panel.series_names()[2:] == ["Denoising (dropout)", "Plain autoencoder"]
    gaussian = panel.series_data(panel.series_names()[1])
    qtbot.mouseClick(panel.kind_button("mask"), Qt.MouseButton.LeftButton)
    x, y = panel.series_data(panel.series_names()[1])
    assert list(x) == list(LADDER_LEVELS["mask"]) and not np.allclose(y, gaussian[1])
    axis = panel.plot_widget().getPlotItem().getAxis("bottom").labelText
    assert "switched off" in axis


def _check_sparse(w, qtbot, panel, snap, data) -> None:
    assert panel.plot_count() == 2
    codes = w.latent.state.codes
    _, all_counts = panel.histogram(0)
    _, unit_counts = panel.histogram(1)
    assert all_counts.sum() == codes.size  # every activation, once
    assert unit_counts.sum() == codes.shape[1]  # one mean per unit
    means = codes.mean(axis=0)
    assert unit_counts[0] == np.sum(means < 1 / len(unit_counts))


def _check_vae(w, qtbot, panel, snap, data) -> None:
    beta = panel.beta_control()
    assert beta.isVisible() and beta.beta() == 5.0
    names = w.loss_plot.curve_names()
    assert any("KL" in n for n in names) and any("reconstruction" in n for n in names)
    assert panel.strip_tiles("decoded")[0].image() is not None


def _check_tsne_pca(w, qtbot, panel, snap, data) -> None:
    def shown() -> bool:
        return w.latent.state.shows_tsne

    qtbot.waitUntil(shown, timeout=TIMEOUT)
    assert w.latent_view.point_count() > 0
    title = get_lesson("tsne-pca").compare[0].title
    qtbot.waitUntil(lambda: panel.plot_titles()[1] == title, timeout=TIMEOUT)
    model = w.lessons.behaviour.compare["models"][0]
    codes = model["snapshot"].encoder(data.x_val[w.latent.state.indices])
    right = np.concatenate([s.getData()[0] for s in panel.scatter_items(1).values()])
    assert len(right) == len(codes)  # the 2-D autoencoder's own codes of the same samples
    assert panel.plot_titles()[0] == "PCA of the pixels"
    assert panel.legend_entries() == [data.class_names[c] for c in np.unique(data.y_val)]


def _check_anomaly(w, qtbot, panel, snap, data) -> None:
    assert panel.plot_count() == 1 and panel.example_count() == 6
    assert "above the threshold" in panel.note()
    _, counts = panel.histogram(0)
    assert counts.sum() == data.n_val


def _check_pretraining(w, qtbot, panel, snap, data) -> None:
    qtbot.waitUntil(lambda: len(panel.accuracies()) == 2, timeout=TIMEOUT)
    r = w.lessons.behaviour.compare["pretraining"]
    assert panel.accuracies() == [r.pretrained_accuracy, r.scratch_accuracy]
    assert panel.number_texts() == [
        f"{100 * r.pretrained_accuracy:.0f}%",
        f"{100 * r.scratch_accuracy:.0f}%",
    ]
    assert "wins" in panel.note() or "no difference" in panel.note()


LESSON_CHECKS = {
    "linear-pca": _check_linear_pca,
    "latent-2d": _check_latent_2d,
    "generation": _check_generation,
    "interpolation": _check_interpolation,
    "manifold": _check_manifold,
    "stacked-vs-tied": _check_stacked_vs_tied,
    "greedy": _check_greedy,
    "denoising": _check_denoising,
    "sparse": _check_sparse,
    "vae": _check_vae,
    "tsne-pca": _check_tsne_pca,
    "anomaly": _check_anomaly,
    "pretraining": _check_pretraining,
}


def test_linear_autoencoder_finds_the_pca_plane(window: MainWindow, qtbot) -> None:
    assert window.lessons.open("linear-pca")
    window.data.load_selected = lambda s: load_dataset("synthetic3d")  # type: ignore[method-assign]
    window.run.start()
    qtbot.waitUntil(lambda: window.run.state == "finished", timeout=TIMEOUT)
    # PCA is fitted on the training points the autoencoder learned from, with scikit-learn.
    from sklearn.decomposition import PCA

    ds = window.data.dataset
    reference = PCA(n_components=2).fit(ds.x_train).components_
    kernel = window.time_machine.view_snapshot().decoder.ops[0].weights[0]
    assert window.lessons.behaviour.subspace_angle == pytest.approx(
        subspace_angle_degrees(kernel, reference), abs=1e-3
    )
    assert window.lessons.behaviour.subspace_angle < 3.0
    assert "Angle between the two planes" in window.lessons.panel.note()


def test_interpolation_endpoints_are_the_decoded_codes(window: MainWindow, qtbot) -> None:
    run_lesson(window, qtbot, "interpolation", epochs=1)
    window.gallery.sample_clicked.emit(2)
    window.lessons.refresh()  # an epoch ending between the two clicks keeps the first pick
    window.gallery.sample_clicked.emit(5)
    assert window.lessons.behaviour.pair == [2, 5]
    snap = window.time_machine.view_snapshot()
    assert snap is not None and window.data.dataset is not None
    x = np.asarray(window.data.dataset.x_val[[2, 5]])
    tiles = window.lessons.panel.strip_tiles("decoded")
    np.testing.assert_allclose(tiles[0].image(), snap.decoder(snap.encoder(x[0])), atol=1e-6)
    np.testing.assert_allclose(tiles[-1].image(), snap.decoder(snap.encoder(x[1])), atol=1e-6)
    cross = window.lessons.panel.strip_tiles("crossfade")
    np.testing.assert_allclose(cross[0].image(), x[0], atol=1e-6)
    assert window.latent_view.path_visible()
    # The dot on the drawn path sits at the current a.
    a = window.lessons.panel.alpha()
    za, zb = snap.encoder(x)
    expected = window.latent.state.projection.transform(((1 - a) * za + a * zb)[None])[0]
    np.testing.assert_allclose(window.lessons.overlay().dot_position(), expected, atol=1e-5)


def test_interpolation_picks_from_the_scatter(window: MainWindow, qtbot) -> None:
    run_lesson(window, qtbot, "interpolation", epochs=1)
    lv = window.latent_view
    xy = window.latent.state.projection.transform(window.latent.state.codes)
    item = lv.plot_widget.getPlotItem()
    vb, legend = item.vb, item.legend
    rows: list[int] = []
    for row in range(len(xy)):  # two plotted points clear of the legend (its own clicks)
        scene = vb.mapViewToScene(QPointF(float(xy[row, 0]), float(xy[row, 1])))
        if vb.sceneBoundingRect().contains(scene) and not (
            legend is not None and legend.sceneBoundingRect().contains(scene)
        ):
            rows.append(row)
        if len(rows) == 2:
            break
    for row in rows:  # real clicks on them
        scene = vb.mapViewToScene(QPointF(float(xy[row, 0]), float(xy[row, 1])))
        pos = lv.plot_widget.mapFromScene(scene)
        qtbot.mouseClick(lv.plot_widget.viewport(), Qt.MouseButton.LeftButton, pos=pos)
        # Two quick clicks are a double click, which the latent view leaves alone.
        qtbot.wait(QApplication.doubleClickInterval() + 50)
    shown = window.latent.state.shown_indices
    assert window.lessons.behaviour.pair == [int(shown[rows[0]]), int(shown[rows[1]])]


def test_path_and_marks_go_with_a_reset_and_with_the_lesson(window: MainWindow, qtbot) -> None:
    run_lesson(window, qtbot, "interpolation", epochs=1)
    assert window.latent_view.path_visible() and window.lessons.overlay().dot_position()
    window.run.reset()
    qtbot.waitUntil(lambda: window.run.state == "idle", timeout=TIMEOUT)
    assert not window.latent_view.path_visible()
    assert window.lessons.overlay().dot_position() is None
    window.run.start()
    qtbot.waitUntil(lambda: window.run.state == "finished", timeout=TIMEOUT)
    assert window.latent_view.path_visible()
    window.lessons.close()
    assert not window.latent_view.path_visible()
    assert window.lessons.overlay().dot_position() is None


def test_results_of_an_old_run_or_lesson_are_dropped(window: MainWindow, qtbot) -> None:
    gate = threading.Event()
    got: list[Any] = []

    def job() -> str:  # on the training thread: waits until the test lets it finish
        gate.wait(30)
        return "result"

    def finish() -> None:
        gate.set()
        qtbot.waitUntil(lambda: not window.run.busy(), timeout=TIMEOUT)
        gate.clear()

    run_lesson(window, qtbot, "stacked-vs-tied", epochs=1)  # its tied comparison follows
    window.lessons.job("t", job, got.append, None)
    finish()
    assert got == ["result"]  # nothing changed: the result is applied
    window.lessons.job("t", job, got.append, None)
    window.lessons.open("stacked-vs-tied")  # the same lesson, opened again
    finish()
    assert got == ["result"]
    window.run.start()
    qtbot.waitUntil(lambda: window.run.state == "finished", timeout=TIMEOUT)
    window.lessons.job("t", job, got.append, None)
    window.run.reset()
    finish()
    assert got == ["result"]
    # The real thing: a lesson's comparison still training when another lesson opens.
    window.run.start()
    qtbot.waitUntil(lambda: window.run.state == "finished", timeout=TIMEOUT)
    assert window.run.busy()  # the tied model is training
    window.lessons.open("anomaly")
    qtbot.waitUntil(lambda: not window.run.busy(), timeout=TIMEOUT)
    assert window.lessons.behaviour.compare is None and isinstance(
        window.lessons.panel, panels.HistogramPanel
    )


def test_lesson_defaults_apply_when_the_preset_is_already_selected(window: MainWindow) -> None:
    c = window.controls
    assert window.lessons.open("linear-pca")
    window.lessons.behaviour.subspace_angle = 4.0  # a result of the lesson open before
    c.set_preset("stacked")
    c.latent_spin.setValue(7)
    c.batch_spin.setValue(100)
    c.lr_spin.setValue(0.05)
    assert window.lessons.open("anomaly")  # also the stacked preset
    defaults = get_preset("stacked").defaults
    assert c.latent_spin.value() == defaults.latent_dim
    assert c.batch_spin.value() == defaults.batch_size
    assert c.lr_spin.value() == pytest.approx(defaults.learning_rate)
    assert getattr(window.lessons.behaviour, "subspace_angle", None) is None
    c.set_preset("vae")
    c.extra_spin.setValue(0.1)
    assert window.lessons.open("vae")
    assert c.settings().extra == ("beta", get_lesson("vae").options["beta"])


def test_generation_switches_to_the_vae_prior(window: MainWindow, qtbot) -> None:
    run_lesson(window, qtbot, "generation", epochs=1, menu=True)
    panel = window.lessons.panel
    first = window.run.trainer
    qtbot.mouseClick(panel.mode_button("vae"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: window.run.trainer is not first and window.run.state == "finished", timeout=TIMEOUT
    )
    assert window.controls.preset() == "vae" and window.run.variational
    assert window.run.trainer.config.options.beta == get_lesson("generation").alt_options["beta"]
    assert panel.mode() == "vae" and "prior" in panel.hint() and panel.image_count() == 16


def test_vae_beta_slider_retrains_with_the_new_beta(window: MainWindow, qtbot) -> None:
    run_lesson(window, qtbot, "vae", epochs=1)
    beta = window.lessons.panel.beta_control()
    beta.slider().setValue(BETA_STEPS.index(2.0))
    assert window.controls.settings().extra == ("beta", 2.0)
    first = window.run.trainer
    qtbot.mouseClick(beta.retrain_button(), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: window.run.trainer is not first and window.run.state == "finished", timeout=TIMEOUT
    )
    assert window.run.trainer.config.options.beta == 2.0


def test_lesson_option_opens_the_lesson_and_screenshots(tmp_path: Path) -> None:
    shot = tmp_path / "latent-2d.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "aeviewer",
            "--no-restore",
            "--lesson",
            "latent-2d",
            "--quit-after-epochs",
            "1",
            "--screenshot",
            str(shot),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    with Image.open(shot) as img:
        assert img.format == "PNG" and img.size == (1920, 1080)
        colours = img.convert("RGB").getcolors(maxcolors=1 << 20)
        assert colours is not None and len(colours) > 200  # a window, not a blank frame


def test_time_machine_shows_the_codes_of_the_scrubbed_epoch(window: MainWindow, qtbot) -> None:
    train_digits(window, qtbot, "vanilla", epochs=3)
    h = window.time_machine.history
    assert len(h) == 3 and window.timeline.epochs() == 3
    assert all(r.codes is not None and r.snapshot is not None for r in h.records)
    window.timeline.select(1)
    assert window.time_machine.view_epoch == 1
    np.testing.assert_array_equal(window.latent.state.codes, h.record(1).codes)  # type: ignore[union-attr]
    assert window.latent_view.point_count() == 100
    # Decoding follows the scrubbed epoch's weights.
    image = window.latent.decode_point(0.0, 0.0)
    np.testing.assert_allclose(image, h.record(1).snapshot.decoder(np.zeros(2, np.float32)))  # type: ignore[union-attr]
    window.time_machine.set_trails(True)
    assert window.trails.count() > 0
    window.timeline.select(3)
    assert window.timeline.is_live() and window.time_machine.view_epoch == 0


def test_session_round_trip(window: MainWindow, qtbot, tmp_path: Path) -> None:
    train_digits(window, qtbot, "stacked", epochs=2)
    path = tmp_path / "lecture.aevsession"
    window.sessions.save(path)
    qtbot.waitUntil(lambda: path.exists(), timeout=TIMEOUT)
    other = MainWindow(restore=False)
    qtbot.addWidget(other)
    try:
        assert other.sessions.open(path)
        a, b = window.time_machine.history, other.time_machine.history
        assert len(a) == len(b) == 2
        np.testing.assert_array_equal(a.batches()[1], b.batches()[1])
        for ra, rb in zip(a.records, b.records, strict=True):
            assert ra.logs == rb.logs and ra.x == rb.x
            np.testing.assert_array_equal(ra.codes, rb.codes)
            z = np.ones((1, 30), np.float32)
            np.testing.assert_array_equal(ra.snapshot.decoder(z), rb.snapshot.decoder(z))  # type: ignore[union-attr]
        assert other.sessions.session_model is not None  # the trained model came along
        assert other.timeline.epochs() == 2 and other.latent_view.point_count() == 100
    finally:
        other.close()


def test_bad_session_files_get_a_message(window: MainWindow, tmp_path: Path) -> None:
    bad = tmp_path / "bad.aevsession"
    bad.write_text("not a zip")
    assert not window.sessions.open(bad)
    assert "bad.aevsession" in window.controls.hint.text()


def test_exports_write_valid_files(window: MainWindow, qtbot, tmp_path: Path) -> None:
    train_digits(window, qtbot, "vanilla", epochs=3)
    assert window.exports.export_plot("loss", tmp_path / "loss.png")
    assert window.exports.export_plot("latent", tmp_path / "latent.svg")
    assert window.exports.export_widget(window.gallery, tmp_path / "gallery.png")
    assert window.exports.export_gif(tmp_path / "run.gif")
    for name in ("loss.png", "gallery.png"):
        with Image.open(tmp_path / name) as img:
            assert img.format == "PNG" and img.width > 200
    with Image.open(tmp_path / "run.gif") as gif:
        assert gif.n_frames == 3
    assert "<svg" in (tmp_path / "latent.svg").read_text()[:2000]
    model = tmp_path / "m.keras"
    window.sessions.save_model(model)
    qtbot.waitUntil(lambda: model.exists(), timeout=TIMEOUT)
    from aeviewer.core.persistence import load_model

    assert load_model(model).ae.preset == "vanilla"


def test_presenter_mode_and_help(window: MainWindow, qtbot) -> None:
    window.presenter.toggle()
    assert window.presenter.on and window.controls_dock.isHidden()
    assert not window.menus.presenter_bar.isHidden()  # the essential controls stay at hand
    window.help_overlay.toggle()
    assert window.help_overlay.isVisible()
    window.presenter.escape()
    assert not window.help_overlay.isVisible() and window.presenter.on
    window.presenter.escape()
    assert not window.presenter.on


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
