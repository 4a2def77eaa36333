"""The real main window, driven offscreen: training, controls, clicks, drawing, noise, gallery."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import numpy as np
import pytest
from PySide6.QtCore import QObject, QPoint, QPointF, Qt, Slot
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from aeviewer.core.datasets import Dataset, load_dataset
from aeviewer.core.denoise import corrupt_batch
from aeviewer.core.images import mnist_style
from aeviewer.core.latent import plane_xy, strip_offsets
from aeviewer.gui import training_worker
from aeviewer.gui.controllers import run as run_controller
from aeviewer.gui.controllers.data import DataController
from aeviewer.gui.main_window import MainWindow

TIMEOUT = 90_000


@pytest.fixture(scope="module")
def tiny() -> Dataset:
    return load_dataset("digits", max_train=256, max_val=120)


@pytest.fixture
def window(qtbot, tiny: Dataset) -> Iterator[MainWindow]:
    w = MainWindow(tiny, restore=False)
    w.data.load_selected = lambda s: tiny  # type: ignore[method-assign]
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    qtbot.waitUntil(lambda: w.run.tf_ready, timeout=TIMEOUT)
    yield w
    w.close()
    assert not w.training_thread().isRunning()


def start(w: MainWindow, qtbot, preset: str = "vanilla", epochs: int = 3) -> None:
    w.controls.set_preset(preset)
    w.controls.epochs_spin.setValue(epochs)
    w.controls.batch_spin.setValue(32)
    qtbot.mouseClick(w.controls.start_button, Qt.MouseButton.LeftButton)


def train_to_end(w: MainWindow, qtbot, preset: str = "vanilla", epochs: int = 1) -> None:
    """Train and wait until the window (not just the worker) has shown the end.

    qtbot.waitSignal on a worker signal returns in the training thread's emit, before the
    window's queued slots ran: wait on the window's own state instead.
    """
    start(w, qtbot, preset, epochs)
    qtbot.waitUntil(lambda: w.run.state == "finished", timeout=TIMEOUT)


def test_training_runs_and_every_view_fills(window: MainWindow, qtbot) -> None:
    with qtbot.waitSignal(window.live.epoch_shown, timeout=TIMEOUT):  # emitted by the window
        start(window, qtbot, epochs=2)
    assert window.run.state in ("running", "finished")
    qtbot.waitUntil(lambda: window.run.state == "finished", timeout=TIMEOUT)
    assert window.loss_plot.batch_count() > 0
    assert window.loss_plot.epoch_count() == 2
    assert window.latent_view.point_count() == 120
    assert window.gallery.pair_count() == 10
    assert window.gallery.generated_count() == 10
    assert "epoch" in window.status_label.text()


def test_pause_resume_step_stop(window: MainWindow, qtbot) -> None:
    c = window.controls
    qtbot.mouseClick(c.step_button, Qt.MouseButton.LeftButton)  # from idle: one batch
    qtbot.waitUntil(
        lambda: window.run.trainer is not None and window.run.trainer.steps == 1, timeout=TIMEOUT
    )
    trainer = window.run.trainer
    assert trainer is not None
    time.sleep(0.3)
    assert trainer.steps == 1 and window.run.state == "paused"
    qtbot.mouseClick(c.step_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: trainer.steps == 2, timeout=10_000)
    qtbot.mouseClick(c.pause_button, Qt.MouseButton.LeftButton)  # Resume
    assert window.run.state == "running"
    qtbot.waitUntil(lambda: trainer.steps > 10, timeout=TIMEOUT)
    qtbot.mouseClick(c.pause_button, Qt.MouseButton.LeftButton)  # Pause
    assert window.run.state == "paused"
    time.sleep(0.2)
    held = trainer.steps
    time.sleep(0.3)
    assert trainer.steps == held
    qtbot.mouseClick(c.stop_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.run.state == "finished", timeout=10_000)
    assert trainer.steps <= held + 1
    assert c.start_button.isEnabled()


def test_space_and_r_shortcuts(window: MainWindow, qtbot) -> None:
    window.controls.epochs_spin.setValue(50)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.run.state == "running"
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.run.state == "paused"
    qtbot.keyClick(window, Qt.Key.Key_R)
    qtbot.waitUntil(lambda: window.run.state == "idle", timeout=TIMEOUT)
    assert window.loss_plot.batch_count() == 0


def _click_view_at(window: MainWindow, qtbot, x: float, y: float) -> None:
    view = window.latent_view
    plot = view.plot_widget if hasattr(view, "plot_widget") else view
    vb = plot.getPlotItem().vb
    scene = vb.mapViewToScene(QPointF(x, y))
    pos = plot.mapFromScene(scene)
    qtbot.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def test_click_decodes_exactly_what_the_decoder_gives(window: MainWindow, qtbot) -> None:
    train_to_end(window, qtbot, preset="vanilla", epochs=1)
    qtbot.waitUntil(lambda: window.latent_view.point_count() > 0, timeout=TIMEOUT)
    xy = window.latent.state.projection.transform(window.latent.state.codes)  # type: ignore[union-attr]
    item = window.latent_view.plot_widget.getPlotItem()
    # Near the middle of the codes, clear of the legend (a click there toggles a class).
    for step in (0.1, -0.1, -0.3, 0.3):
        target = xy.mean(axis=0) + step * xy.std(axis=0)
        scene = item.vb.mapViewToScene(QPointF(float(target[0]), float(target[1])))
        if not item.legend.sceneBoundingRect().contains(scene):
            break
    with qtbot.waitSignal(window.latent_view.latent_clicked, timeout=5000) as blocker:
        _click_view_at(window, qtbot, float(target[0]), float(target[1]))
    cx, cy = blocker.args
    shown = window.preview.image()
    assert shown is not None and shown.shape == (28, 28)
    # The Keras decoder of the training thread, at the clicked code (the run has finished).
    assert window.run.trainer is not None and window.run.trainer.ae is not None
    code = window.latent.state.projection.inverse(np.array([cx, cy], np.float32))  # type: ignore[union-attr]
    expected = window.run.trainer.ae.decode(code[None])[0]
    np.testing.assert_allclose(shown, expected, atol=1e-4)
    assert abs(cx - target[0]) < 0.05 * (np.ptp(xy[:, 0]) + 1e-6)


def _drag(widget, qtbot, points: list[tuple[int, int]]) -> None:
    qtbot.mousePress(widget, Qt.MouseButton.LeftButton, pos=QPoint(*points[0]))
    for x, y in points[1:]:
        ev = QMouseEvent(
            QMouseEvent.Type.MouseMove,
            QPointF(x, y),
            QPointF(x, y),
            Qt.MouseButton.NoButton,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
        QApplication.sendEvent(widget, ev)
    qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton, pos=QPoint(*points[-1]))


def test_drawing_changes_input_reconstruction_and_marker(window: MainWindow, qtbot) -> None:
    train_to_end(window, qtbot, preset="stacked", epochs=1)
    clean_tile, _, recon_tile = window.noise_panel.tiles()
    before_in, before_out = clean_tile.image().copy(), recon_tile.image().copy()
    canvas = window.canvas_panel.canvas
    w, h = canvas.width(), canvas.height()
    _drag(canvas, qtbot, [(w // 2, h // 5), (w // 2 + 5, h // 2), (w // 2, 4 * h // 5)])
    after_in, after_out = clean_tile.image(), recon_tile.image()
    assert not np.allclose(after_in, before_in)
    np.testing.assert_allclose(after_in, mnist_style(canvas.image()), atol=1e-6)
    assert not np.allclose(after_out, before_out)
    snap = window.live.snapshot
    assert snap is not None
    np.testing.assert_allclose(after_out, snap.reconstruct(after_in), atol=1e-5)


def test_noise_slider_corrupts_by_the_expected_amount(window: MainWindow, qtbot) -> None:
    clean_tile, noisy_tile, _ = window.noise_panel.tiles()
    window.noise_panel.gaussian_slider.setValue(30)  # σ = 0.30
    clean, noisy = clean_tile.image(), noisy_tile.image()
    np.testing.assert_array_equal(noisy, corrupt_batch(clean, 0.30, 0.0, 0.0, seed=1))
    window.noise_panel.gaussian_slider.setValue(0)
    window.noise_panel.mask_slider.setValue(50)  # half the pixels dropped
    noisy = noisy_tile.image()
    ink = clean > 0.1
    dropped = np.mean(noisy[ink] == 0)
    assert 0.35 < dropped < 0.65
    from aeviewer.core.noise import psnr

    assert noisy_tile.caption() == f"PSNR {psnr(clean, noisy):.1f} dB"


def test_gallery_click_rings_the_samples_point(
    window: MainWindow, qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A data set larger than the epoch-end scatter: it plots a random subset of 50 of 120.
    monkeypatch.setattr(training_worker, "EPOCH_END_LATENT_MAX", 50)
    train_to_end(window, qtbot, preset="stacked", epochs=1)
    plotted = window.latent.state.indices
    assert plotted is not None and len(plotted) == 50
    assert not np.array_equal(plotted, np.arange(50))  # a subset, not the first rows
    shown = window.gallery.indices()
    assert len(shown) == 10 and set(shown) <= set(plotted.tolist())  # all on the scatter
    tile = window.gallery.original_tiles()[3]
    with qtbot.waitSignal(window.gallery.sample_clicked, timeout=5000) as blocker:
        qtbot.mouseClick(tile, Qt.MouseButton.LeftButton, pos=tile.rect().center())
    index = shown[3]
    assert blocker.args == [index] and window.samples.selected_index == index
    assert tile.is_highlighted()
    row = int(np.flatnonzero(window.latent.state.shown_indices == index)[0])
    where = window.latent_view.marker_position("highlight")
    assert where is not None
    assert where == pytest.approx(window.latent_view.point(row))
    xy = plane_xy(window.latent.state.projection, window.latent.state.codes, plotted)  # type: ignore[arg-type]
    assert where == pytest.approx(tuple(xy[row]), abs=1e-5)
    np.testing.assert_array_equal(
        window.noise_panel.tiles()[0].image(),
        np.asarray(window.data.dataset.x_val[index]),  # type: ignore[union-attr]
    )


def test_hovering_shows_the_nearest_sample(
    window: MainWindow, qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(training_worker, "EPOCH_END_LATENT_MAX", 50)  # rows are not samples
    train_to_end(window, qtbot, preset="vanilla", epochs=1)
    view = window.latent_view
    assert window.latent.state.shown_indices is not None and window.data.dataset is not None
    port = view.plot_widget.viewport()
    vb = view.plot_widget.getPlotItem().vb
    # The point farthest from the others on screen: the mouse is unambiguously over it.
    xy = np.array([view.point(r) for r in range(view.point_count())])
    d = (((xy[:, None] - xy[None]) / np.array(vb.viewPixelSize())) ** 2).sum(-1)
    np.fill_diagonal(d, np.inf)
    row = int(np.argmax(d.min(axis=1)))
    assert d[row].min() > 4  # more than 2 px from any other point
    sample = int(window.latent.state.shown_indices[row])
    assert sample != row  # the label must name the sample, not the row
    pos = view.plot_widget.mapFromScene(vb.mapViewToScene(QPointF(*view.point(row))))
    with qtbot.waitSignal(view.sample_hovered, timeout=5000):
        qtbot.mouseMove(port, pos)
    assert f"sample #{sample}" in view.hover_text()
    label = int(np.asarray(window.data.dataset.y_val)[sample])
    assert window.data.dataset.class_names[label] in view.hover_text()
    np.testing.assert_array_equal(view.hover_image(), np.asarray(window.data.dataset.x_val[sample]))
    qtbot.wait(20)  # pyqtgraph drops moves closer than its rate limit (10 ms)
    with qtbot.waitSignal(view.sample_hovered, timeout=5000):
        qtbot.mouseMove(port, QPoint(3, port.height() - 3))
    assert view.hover_image() is None


def test_closing_during_training_stops_the_thread(qtbot, tiny: Dataset) -> None:
    w = MainWindow(tiny, restore=False)
    w.data.load_selected = lambda s: tiny  # type: ignore[method-assign]
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.run.tf_ready, timeout=TIMEOUT)
    w.controls.epochs_spin.setValue(500)
    w.run.start()
    qtbot.waitUntil(lambda: w.run.trainer is not None and w.run.trainer.steps > 3, timeout=TIMEOUT)
    t0 = time.perf_counter()
    w.close()
    assert time.perf_counter() - t0 < 2.0
    assert not w.training_thread().isRunning()


def test_bad_settings_are_refused_with_a_message(window: MainWindow, qtbot) -> None:
    window.data.load_selected = DataController.load_selected.__get__(window.data)  # type: ignore[method-assign]
    window.controls.classes_edit.setText("42")
    window.run.start()
    assert window.run.state == "idle"
    assert "42" in window.controls.hint.text()


def test_tsne_on_demand_for_30_d_codes(window: MainWindow, qtbot) -> None:
    train_to_end(window, qtbot, preset="stacked", epochs=1)
    assert (
        window.latent.state.projection is not None and window.latent.state.projection.kind == "pca"
    )
    assert "PCA" in window.latent_view.plot_widget.getPlotItem().titleLabel.text
    window.latent.set_kind("tsne")
    qtbot.waitUntil(lambda: window.latent.state.projection.kind == "tsne", timeout=60_000)  # type: ignore[union-attr]
    assert "t-SNE" in window.latent_view.plot_widget.getPlotItem().titleLabel.text
    # A click decodes the nearest sample's code.
    xy = window.latent.state.tsne_xy
    assert xy is not None
    image = window.latent.decode_point(float(xy[5, 0]), float(xy[5, 1]))
    assert window.live.snapshot is not None and window.latent.state.codes is not None
    np.testing.assert_allclose(
        image, window.live.snapshot.decoder(window.latent.state.codes[5]), atol=1e-6
    )
    window.latent.set_kind("pca")
    assert window.latent.state.projection.kind == "pca"


def test_drawn_star_marks_the_clean_drawings_code(window: MainWindow, qtbot) -> None:
    train_to_end(window, qtbot, preset="stacked", epochs=1)
    window.noise_panel.gaussian_slider.setValue(60)  # a noisy copy lands elsewhere
    canvas = window.canvas_panel.canvas
    w, h = canvas.width(), canvas.height()
    _drag(canvas, qtbot, [(w // 3, h // 4), (2 * w // 3, h // 4), (w // 2, 4 * h // 5)])
    snap, proj = window.live.snapshot, window.latent.state.projection
    assert snap is not None and proj is not None
    clean = mnist_style(canvas.image())
    want = proj.transform(snap.encoder(clean[None]))[0]
    star = window.latent_view.marker_position("drawn")
    assert star == pytest.approx((float(want[0]), float(want[1])), abs=1e-4)
    noisy = window.noise_panel.tiles()[1].image()
    off = proj.transform(snap.encoder(noisy[None]))[0]
    assert star != pytest.approx((float(off[0]), float(off[1])), abs=1e-4)


def test_pca_inverse_click_on_30_d_codes(window: MainWindow, qtbot) -> None:
    train_to_end(window, qtbot, preset="stacked", epochs=1)
    proj = window.latent.state.projection
    assert proj is not None and proj.kind == "pca" and proj.latent_dim == 30
    assert "PCA inverse" in window.latent_view.plot_widget.getPlotItem().titleLabel.text
    xy = proj.transform(window.latent.state.codes)  # type: ignore[arg-type]
    target = xy.mean(axis=0) + 0.5 * xy.std(axis=0)
    with qtbot.waitSignal(window.latent_view.latent_clicked, timeout=5000) as blocker:
        _click_view_at(window, qtbot, float(target[0]), float(target[1]))
    cx, cy = blocker.args
    code = proj.inverse(np.array([cx, cy], np.float32))
    assert code.shape == (30,)
    assert window.live.snapshot is not None
    np.testing.assert_allclose(
        window.preview.image(), window.live.snapshot.decoder(code), atol=1e-6
    )
    assert window.preview.caption().endswith(", …)")  # the code's first values, not all 30


def test_click_before_the_first_codes_is_refused_with_a_hint(window: MainWindow, qtbot) -> None:
    window.controls.set_preset("stacked")  # 30-D codes: a click needs their PCA plane
    window.controls.batch_spin.setValue(32)
    window.run.start(paused=True)
    qtbot.waitUntil(lambda: window.live.snapshot is not None, timeout=TIMEOUT)
    assert window.latent.state.codes is None and window.latent.state.projection is None
    _click_view_at(window, qtbot, 0.4, 0.6)  # an exception in the slot fails the test
    assert window.preview.image() is None
    assert window.latent.clicked_point is None  # not decoded again at every snapshot
    assert window.latent_view.marker_position("click") is None
    assert "codes" in window.controls.hint.text()
    window.run.step()  # one batch: the first live codes, and a PCA plane to click through
    qtbot.waitUntil(lambda: window.latent.state.projection is not None, timeout=TIMEOUT)
    xy = window.latent_view.point(0)
    with qtbot.waitSignal(window.latent_view.latent_clicked, timeout=5000) as blocker:
        _click_view_at(window, qtbot, *xy)
    code = window.latent.state.projection.inverse(np.array(blocker.args, np.float32))  # type: ignore[union-attr]
    np.testing.assert_allclose(
        window.preview.image(),
        window.live.snapshot.decoder(code),  # type: ignore[union-attr]
        atol=1e-6,
    )
    window.run.stop()
    qtbot.waitUntil(lambda: window.run.state == "finished", timeout=TIMEOUT)


def test_one_d_codes_show_as_a_strip_and_decode(window: MainWindow, qtbot) -> None:
    window.controls.latent_spin.setValue(1)
    train_to_end(window, qtbot, preset="vanilla", epochs=1)
    view, proj = window.latent_view, window.latent.state.projection
    assert proj is not None and proj.strip
    assert view.point_count() == 120
    rows = np.arange(120)
    assert window.latent.state.codes is not None and window.latent.state.shown_indices is not None
    heights = strip_offsets(window.latent.state.shown_indices)
    np.testing.assert_allclose([view.point(r)[1] for r in rows], heights)
    np.testing.assert_allclose([view.point(r)[0] for r in rows], window.latent.state.codes[:, 0])
    image = window.latent.decode_point(0.25, 0.8)
    assert window.live.snapshot is not None
    np.testing.assert_allclose(image, window.live.snapshot.decoder(np.array([0.25], np.float32)))


class _Recorder(QObject):
    """Reports from the training thread, in the order the GUI thread receives them."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple[str, object]] = []

    @Slot(object)  # a declared slot: see PYSIDE-3124 in main_window.py
    def on_latent(self, report: object) -> None:
        self.events.append(("latent", report))

    @Slot(float, object)
    def on_epoch(self, x: float, report: object) -> None:
        self.events.append(("epoch", report))


def test_live_subsample_during_the_epoch_then_the_whole_set(
    window: MainWindow, qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(run_controller, "LIVE_LATENT", 40)  # the live subsample of 120
    recorder = _Recorder()
    window.worker.latent_updated.connect(recorder.on_latent)
    window.worker.epoch_ended.connect(recorder.on_epoch)
    train_to_end(window, qtbot, preset="vanilla", epochs=1)
    kinds = [k for k, _ in recorder.events]
    first_epoch = kinds.index("epoch")
    live = [r for k, r in recorder.events[:first_epoch] if k == "latent"]
    assert live and all(r.partial for r in live)  # type: ignore[attr-defined]
    assert all(len(r.indices) == 40 for r in live)  # type: ignore[attr-defined]
    end = [r for k, r in recorder.events[first_epoch:] if k == "latent"]
    assert len(end) == 1 and not end[0].partial  # type: ignore[attr-defined]
    np.testing.assert_array_equal(end[0].indices, np.arange(120))  # type: ignore[attr-defined]
    assert window.latent_view.point_count() == 120
    rec = window.time_machine.history.record(1)
    assert rec is not None and rec.codes is not None and len(rec.codes) == 120


def test_tsne_is_shown_after_a_run_with_tsne_selected(window: MainWindow, qtbot) -> None:
    window.latent.set_kind("tsne")  # chosen before Start: epochs are shorter than a map
    train_to_end(window, qtbot, preset="stacked", epochs=3)
    title = window.latent_view.plot_widget.getPlotItem().titleLabel

    def final_map_shown() -> bool:
        p = window.latent.state.projection
        return p is not None and p.kind == "tsne" and window.latent.tsne_shown == 3

    qtbot.waitUntil(final_map_shown, timeout=90_000)
    assert window.latent.state.codes_epoch == 3
    assert "t-SNE" in title.text and "updating" not in title.text
    assert window.latent.state.tsne_xy is not None
    assert window.latent_view.point(5) == pytest.approx(tuple(window.latent.state.tsne_xy[5]))
    final = window.latent.state.tsne_xy
    # The time machine shows epoch 1 with a map of epoch 1's own codes.
    window.timeline.select(1)
    qtbot.waitUntil(lambda: window.latent.tsne_shown == 1, timeout=90_000)
    assert (
        window.latent.state.projection is not None and window.latent.state.projection.kind == "tsne"
    )
    rec = window.time_machine.history.record(1)
    assert rec is not None and window.latent.state.codes is rec.codes
    assert not np.allclose(window.latent.state.tsne_xy, final)
    window.timeline.select(3)  # back to the latest: its map is known, shown at once
    assert window.latent.tsne_shown == 3 and window.latent.state.tsne_xy is final


def test_learning_rate_moved_during_a_run_reaches_the_optimizer(window: MainWindow, qtbot) -> None:
    window.controls.epochs_spin.setValue(200)
    start(window, qtbot, preset="vanilla", epochs=200)
    qtbot.waitUntil(
        lambda: window.run.trainer is not None and window.run.trainer.steps > 3, timeout=TIMEOUT
    )
    trainer = window.run.trainer
    assert trainer is not None and trainer.ae is not None
    optimizer = trainer.ae.model.optimizer
    before = float(np.asarray(optimizer.learning_rate))
    spin = window.controls.lr_spin
    spin.setFocus()
    qtbot.keyClick(spin, Qt.Key.Key_Up)  # the arrow doubles it
    assert spin.value() == pytest.approx(2 * before)
    qtbot.waitUntil(
        lambda: float(np.asarray(optimizer.learning_rate)) == pytest.approx(2 * before),
        timeout=10_000,
    )
    window.run.stop()
    qtbot.waitUntil(lambda: window.run.state == "finished", timeout=TIMEOUT)


def test_the_gui_thread_never_calls_a_keras_model(
    window: MainWindow, qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    import keras

    callers: list[str] = []
    for name in ("__call__", "predict", "predict_on_batch"):
        original = getattr(keras.Model, name)

        def record(self, *args, _original=original, **kwargs):  # type: ignore[no-untyped-def]
            callers.append(threading.current_thread().name)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(keras.Model, name, record)
    start(window, qtbot, preset="vanilla", epochs=200)
    qtbot.waitUntil(lambda: window.latent_view.point_count() > 0, timeout=TIMEOUT)
    canvas = window.canvas_panel.canvas
    w, h = canvas.width(), canvas.height()
    for i in range(4):  # clicks and strokes while it trains
        x, y = window.latent_view.point(i)
        _click_view_at(window, qtbot, x, y)
        _drag(canvas, qtbot, [(w // 3 + 9 * i, h // 4), (w // 2, h // 2), (w // 2, 3 * h // 4)])
        qtbot.wait(50)
    assert window.preview.image() is not None  # the clicks were decoded
    window.run.stop()
    qtbot.waitUntil(lambda: window.run.state == "finished", timeout=TIMEOUT)
    assert callers, "the patch saw no model call at all"  # the training thread's
    assert threading.main_thread().name not in callers


def test_window_state_is_remembered_across_windows(
    qtbot, tiny: Dataset, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AEVIEWER_SETTINGS", str(tmp_path / "settings.ini"))
    bottom = Qt.DockWidgetArea.BottomDockWidgetArea
    first = MainWindow(tiny, restore=True)
    qtbot.addWidget(first)
    first.show()
    qtbot.wait(50)  # the first launch lays itself out
    assert first.dockWidgetArea(first.preview_dock) != bottom
    # The lecturer rearranges: draw and gallery in tabs, the preview at the bottom, lower.
    first.resize(first.width(), 650)  # the offscreen screen is 800 x 800: restoring clamps
    first.tabifyDockWidget(first.gallery_dock, first.draw_dock)
    first.addDockWidget(bottom, first.preview_dock)
    first.set_theme("light")
    qtbot.wait(50)
    first.close()
    second = MainWindow(tiny, restore=True)
    qtbot.addWidget(second)
    second.show()
    qtbot.wait(50)  # a default layout, were one applied, would run now
    try:
        assert second.height() == 650
        assert second.dockWidgetArea(second.preview_dock) == bottom
        assert second.draw_dock in second.tabifiedDockWidgets(second.gallery_dock)
        assert second.menus.theme_actions["light"].isChecked()
    finally:
        second.set_theme("dark")
        second.close()


def test_view_menu_entries_do_what_they_say(window: MainWindow) -> None:
    """QAction.triggered passes ``checked``: a ``lambda n=name`` entry got False as its name."""
    from aeviewer.gui import palette

    try:
        window.menus.theme_actions["light"].trigger()
        assert palette.theme().name == "light" and window.menus.theme_actions["light"].isChecked()
        window.menus.theme_actions["dark"].trigger()
        assert palette.theme().name == "dark"
        window.menus.projection_actions["tsne"].trigger()
        assert window.latent.kind == "tsne"
        window.menus.projection_actions["pca"].trigger()
        assert window.latent.kind == "pca"
    finally:
        window.set_theme("dark")


def test_codes_wait_for_the_pen_to_lift_then_the_latest_show(window: MainWindow, qtbot) -> None:
    """A redraw of the scatter during a stroke would delay its reconstruction: the codes that
    arrive meanwhile are recorded at once, drawn after the pen lifts, the epoch-end set first."""
    from aeviewer.core.training import LatentReport
    from aeviewer.gui.input_gate import HOLD_MS

    train_to_end(window, qtbot, preset="stacked", epochs=1)
    shown = window.latent_view.point_count()
    canvas = window.canvas_panel.canvas
    w, h = canvas.width(), canvas.height()
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=QPoint(w // 2, h // 3))
    rng = np.random.default_rng(0)
    full = LatentReport(1, rng.normal(size=(120, 30)).astype(np.float32), np.arange(120))
    live = LatentReport(2, rng.normal(size=(40, 30)).astype(np.float32), np.arange(40), True)
    window.live.on_latent_updated(full)
    window.live.on_latent_updated(live)
    rec = window.time_machine.history.record(1)
    assert rec is not None and rec.codes is full.codes  # recorded at once
    qtbot.wait(HOLD_MS + 50)
    assert window.latent_view.point_count() == shown  # not drawn while the pen is down
    assert window.latent.state.codes is not full.codes
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=QPoint(w // 2, h // 3))
    qtbot.waitUntil(lambda: window.latent_view.point_count() == 40, timeout=5000)
    assert (
        window.latent.state.codes is full.codes and window.latent.state.codes_epoch == 1
    )  # the full set's state
    assert (
        window.latent.state.projection is not None
        and window.latent.state.projection.latent_dim == 30
    )
