"""The real main window, driven offscreen: training, controls, clicks, drawing, noise, gallery."""

from __future__ import annotations

import time
from collections.abc import Iterator

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from aeviewer.core.datasets import Dataset, load_dataset
from aeviewer.core.denoise import corrupt_batch
from aeviewer.core.images import mnist_style
from aeviewer.gui.main_window import MainWindow

TIMEOUT = 90_000


@pytest.fixture(scope="module")
def tiny() -> Dataset:
    return load_dataset("digits", max_train=256, max_val=120)


@pytest.fixture
def window(qtbot, tiny: Dataset) -> Iterator[MainWindow]:
    w = MainWindow(tiny, restore=False)
    w.load_selected_dataset = lambda s: tiny  # type: ignore[method-assign]
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    qtbot.waitUntil(lambda: w.tf_ready, timeout=TIMEOUT)
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
    qtbot.waitUntil(lambda: w.state == "finished", timeout=TIMEOUT)


def test_training_runs_and_every_view_fills(window: MainWindow, qtbot) -> None:
    with qtbot.waitSignal(window.epoch_shown, timeout=TIMEOUT):  # emitted by the window
        start(window, qtbot, epochs=2)
    assert window.state in ("running", "finished")
    qtbot.waitUntil(lambda: window.state == "finished", timeout=TIMEOUT)
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
        lambda: window.trainer is not None and window.trainer.steps == 1, timeout=TIMEOUT
    )
    trainer = window.trainer
    assert trainer is not None
    time.sleep(0.3)
    assert trainer.steps == 1 and window.state == "paused"
    qtbot.mouseClick(c.step_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: trainer.steps == 2, timeout=10_000)
    qtbot.mouseClick(c.pause_button, Qt.MouseButton.LeftButton)  # Resume
    assert window.state == "running"
    qtbot.waitUntil(lambda: trainer.steps > 10, timeout=TIMEOUT)
    qtbot.mouseClick(c.pause_button, Qt.MouseButton.LeftButton)  # Pause
    assert window.state == "paused"
    time.sleep(0.2)
    held = trainer.steps
    time.sleep(0.3)
    assert trainer.steps == held
    qtbot.mouseClick(c.stop_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.state == "finished", timeout=10_000)
    assert trainer.steps <= held + 1
    assert c.start_button.isEnabled()


def test_space_and_r_shortcuts(window: MainWindow, qtbot) -> None:
    window.controls.epochs_spin.setValue(50)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.state == "running"
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.state == "paused"
    qtbot.keyClick(window, Qt.Key.Key_R)
    qtbot.waitUntil(lambda: window.state == "idle", timeout=TIMEOUT)
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
    xy = window.projection.transform(window.latent_codes)  # type: ignore[union-attr]
    target = xy.mean(axis=0) + 0.1 * xy.std(axis=0)
    with qtbot.waitSignal(window.latent_view.latent_clicked, timeout=5000) as blocker:
        _click_view_at(window, qtbot, float(target[0]), float(target[1]))
    cx, cy = blocker.args
    shown = window.preview.image()
    assert shown is not None and shown.shape == (28, 28)
    # The Keras decoder of the training thread, at the clicked code (the run has finished).
    assert window.trainer is not None and window.trainer.ae is not None
    code = window.projection.inverse(np.array([cx, cy], np.float32))  # type: ignore[union-attr]
    expected = window.trainer.ae.decode(code[None])[0]
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
    snap = window.snapshot
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


def test_gallery_click_highlights_the_sample(window: MainWindow, qtbot) -> None:
    train_to_end(window, qtbot, preset="stacked", epochs=1)
    with qtbot.waitSignal(window.gallery.sample_clicked, timeout=5000):
        window.gallery.sample_clicked.emit(3)
    assert window.selected_index == 3
    np.testing.assert_array_equal(
        window.noise_panel.tiles()[0].image(), np.asarray(window.dataset.x_val[3])
    )  # type: ignore[union-attr]


def test_closing_during_training_stops_the_thread(qtbot, tiny: Dataset) -> None:
    w = MainWindow(tiny, restore=False)
    w.load_selected_dataset = lambda s: tiny  # type: ignore[method-assign]
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.tf_ready, timeout=TIMEOUT)
    w.controls.epochs_spin.setValue(500)
    w.start()
    qtbot.waitUntil(lambda: w.trainer is not None and w.trainer.steps > 3, timeout=TIMEOUT)
    t0 = time.perf_counter()
    w.close()
    assert time.perf_counter() - t0 < 2.0
    assert not w.training_thread().isRunning()


def test_bad_settings_are_refused_with_a_message(window: MainWindow, qtbot) -> None:
    window.load_selected_dataset = MainWindow.load_selected_dataset.__get__(window)  # type: ignore[method-assign]
    window.controls.classes_edit.setText("42")
    window.start()
    assert window.state == "idle"
    assert "42" in window.controls.hint.text()


def test_tsne_on_demand_for_30_d_codes(window: MainWindow, qtbot) -> None:
    train_to_end(window, qtbot, preset="stacked", epochs=1)
    assert window.projection is not None and window.projection.kind == "pca"
    assert "PCA" in window.latent_view.plot_widget.getPlotItem().titleLabel.text
    window.set_projection_kind("tsne")
    qtbot.waitUntil(lambda: window.projection.kind == "tsne", timeout=60_000)  # type: ignore[union-attr]
    assert "t-SNE" in window.latent_view.plot_widget.getPlotItem().titleLabel.text
    # A click decodes the nearest sample's code.
    xy = window.tsne_xy
    assert xy is not None
    image = window.decode_point(float(xy[5, 0]), float(xy[5, 1]))
    assert window.snapshot is not None and window.latent_codes is not None
    np.testing.assert_allclose(image, window.snapshot.decoder(window.latent_codes[5]), atol=1e-6)
    window.set_projection_kind("pca")
    assert window.projection.kind == "pca"
