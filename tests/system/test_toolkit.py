"""The lecture toolkit on the real window: presenter mode and its keys, the help overlay,
sessions that restore everything, exports of every plot, and the time machine's Play."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyqtgraph as pg
import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel
from windows import TIMEOUT

from aeviewer.core.datasets import Dataset, load_dataset, parse_classes
from aeviewer.core.lessons import get_lesson
from aeviewer.core.session import load_session
from aeviewer.core.stages import stage_label
from aeviewer.gui import palette
from aeviewer.gui.main_window import MainWindow
from aeviewer.gui.widgets.overlays import shortcut_keys


def tiny_for(lesson: str | None = None) -> Dataset:
    spec = get_lesson(lesson) if lesson else None
    classes = parse_classes(spec.classes) if spec and spec.classes else None
    name = spec.dataset if spec else "digits"
    return load_dataset(name, classes=classes, max_train=240, max_val=100)


def make_window(qtbot, data: Dataset | None = None) -> MainWindow:
    w = MainWindow(data, restore=False)
    if data is not None:
        w.data.load_selected = lambda s: data  # type: ignore[method-assign]
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    qtbot.waitUntil(lambda: w.run.tf_ready, timeout=TIMEOUT)
    return w


def close_window(w: MainWindow) -> None:
    if w.presenter.on:
        w.presenter.toggle()
    w.close()
    assert not w.training_thread().isRunning()


@pytest.fixture(autouse=True)
def plain_palette() -> Iterator[None]:
    """The palette is global: a failing presenter test must not leave it scaled for others."""
    yield
    palette.set_font_scale(1.0)
    palette.set_theme("dark")


@pytest.fixture
def window(qtbot) -> Iterator[MainWindow]:
    w = make_window(qtbot, tiny_for())
    yield w
    close_window(w)


def train(w: MainWindow, qtbot, preset: str | None = "vanilla", epochs: int = 3) -> None:
    if preset is not None:
        w.controls.set_preset(preset)
        w.controls.batch_spin.setValue(32)
    w.controls.epochs_spin.setValue(epochs)
    w.run.start()
    qtbot.waitUntil(lambda: w.run.state == "finished", timeout=TIMEOUT)


def tick_pt(plot) -> int:
    font = plot.getPlotItem().getAxis("bottom").style["tickFont"]
    return int(font.pointSize())


def polished_pt(label: QLabel) -> float:
    label.ensurePolished()
    return label.font().pointSizeF()


# -- presenter mode ---------------------------------------------------------------------
def test_f11_presents_full_screen_large_and_high_contrast_and_esc_leaves(
    window: MainWindow, qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A 1080-line projector (the offscreen screen is 800 lines: its type would not grow).
    monkeypatch.setattr(palette, "presenter_scale", lambda lines: palette.PRESENTER_SCALE)
    assert window.lessons.open("sparse")  # a lesson panel: its labels and plot must grow too
    panel = window.lessons.panel
    panel_label = panel.findChildren(QLabel)[0]
    panel_plot = panel.plot_widget(0)
    before = {
        "loss ticks": tick_pt(window.loss_plot.plot_widget),
        "latent ticks": tick_pt(window.latent_view.plot_widget),
        "panel ticks": tick_pt(panel_plot),
        "timeline label": polished_pt(window.timeline.label),
        "panel label": polished_pt(panel_label),
    }
    normal_bg = window.loss_plot.plot_widget.backgroundBrush().color().name()

    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert window.presenter.on
    qtbot.waitUntil(window.isFullScreen, timeout=5000)
    assert window.menuBar().isHidden() and window.controls_dock.isHidden()
    assert not window.menus.presenter_bar.isHidden()  # the essential controls stay at hand
    assert window.loss_dock.isVisible() and window.preview_dock.isVisible()
    after = {
        "loss ticks": tick_pt(window.loss_plot.plot_widget),
        "latent ticks": tick_pt(window.latent_view.plot_widget),
        "panel ticks": tick_pt(panel_plot),
        "timeline label": polished_pt(window.timeline.label),
        "panel label": polished_pt(panel_label),
    }
    for what, size in before.items():
        assert after[what] >= 1.3 * size, what
    t = palette.theme()
    assert t.name == "dark-contrast"
    assert palette.contrast_ratio(t.foreground, t.background) >= 15
    assert palette.contrast_ratio(t.muted, t.background) >= 7  # even the grey text
    assert window.loss_plot.plot_widget.backgroundBrush().color().name() == t.background
    assert t.background in QApplication.instance().styleSheet()  # type: ignore[union-attr]

    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert not window.presenter.on
    qtbot.waitUntil(lambda: not window.isFullScreen(), timeout=5000)
    assert not window.menuBar().isHidden() and not window.controls_dock.isHidden()
    assert window.menus.presenter_bar.isHidden()
    assert tick_pt(window.loss_plot.plot_widget) == before["loss ticks"]
    assert polished_pt(panel_label) == before["panel label"]
    assert palette.theme().name == "dark"
    assert window.loss_plot.plot_widget.backgroundBrush().color().name() == normal_bg


def test_presenter_keys_start_step_reset_and_scrub(window: MainWindow, qtbot) -> None:
    window.controls.batch_spin.setValue(32)
    window.controls.epochs_spin.setValue(3)
    window.presenter.toggle()
    qtbot.keyClick(window, Qt.Key.Key_S)  # from idle: a paused run that takes one batch
    qtbot.waitUntil(
        lambda: window.run.trainer is not None and window.run.trainer.steps == 1, timeout=TIMEOUT
    )
    assert window.run.state == "paused"
    trainer = window.run.trainer
    assert trainer is not None
    qtbot.keyClick(window, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: trainer.steps == 2, timeout=TIMEOUT)
    assert window.run.state == "paused"
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.run.state == "running"
    qtbot.waitUntil(lambda: window.run.state == "finished", timeout=TIMEOUT)
    assert window.timeline.epochs() == 3 and window.timeline.is_live()

    qtbot.keyClick(window, Qt.Key.Key_Left)
    assert window.timeline.current() == 2 and window.time_machine.view_epoch == 2
    qtbot.keyClick(window, Qt.Key.Key_Left)
    assert window.time_machine.view_epoch == 1
    np.testing.assert_array_equal(
        window.latent.state.codes, window.time_machine.history.record(1).codes
    )  # type: ignore[union-attr]
    qtbot.keyClick(window, Qt.Key.Key_Right)
    assert window.time_machine.view_epoch == 2

    qtbot.keyClick(window, Qt.Key.Key_R)
    qtbot.waitUntil(lambda: window.run.state == "idle", timeout=TIMEOUT)
    assert window.run.trainer is None and window.loss_plot.batch_count() == 0


def test_a_focused_slider_keeps_its_arrow_keys(window: MainWindow, qtbot) -> None:
    train(window, qtbot, epochs=3)
    window.activateWindow()
    slider = window.noise_panel.gaussian_slider
    slider.setFocus()
    qtbot.waitUntil(slider.hasFocus, timeout=5000)
    qtbot.keyClick(slider, Qt.Key.Key_Right)
    qtbot.keyClick(slider, Qt.Key.Key_Right)
    assert slider.value() == 2 and window.timeline.is_live()  # the slider moved, not time
    qtbot.keyClick(slider, Qt.Key.Key_Left)
    assert slider.value() == 1 and window.timeline.is_live()

    # Focus elsewhere: the arrows scrub the time machine again.
    window.latent_view.plot_widget.setFocus()
    qtbot.waitUntil(window.menus.slider_keys.shortcuts_active, timeout=5000)
    qtbot.keyClick(window.latent_view.plot_widget, Qt.Key.Key_Left)
    assert window.time_machine.view_epoch == 2

    # The interpolation lesson's "a" slider too.
    assert window.lessons.open("interpolation")
    a = window.lessons.panel.slider()
    a.setFocus()
    qtbot.waitUntil(a.hasFocus, timeout=5000)
    start = a.value()
    qtbot.keyClick(a, Qt.Key.Key_Left if start else Qt.Key.Key_Right)
    assert a.value() != start


def test_help_overlay_lists_every_shortcut_closes_on_any_key_and_follows_the_window(
    window: MainWindow, qtbot
) -> None:
    overlay = window.help_overlay
    listed = shortcut_keys()
    for action in window.actions():
        for sequence in action.shortcuts():
            key = sequence.toString()
            assert key in listed, f"{action.text()!r} ({key}) is missing from the help"

    qtbot.keyClick(window, Qt.Key.Key_F1)
    assert overlay.isVisible() and overlay.geometry() == window.rect()
    qtbot.keyClick(QApplication.focusWidget() or overlay, Qt.Key.Key_Space)
    assert not overlay.isVisible()
    assert window.run.state == "idle"  # the key closed the help and started nothing

    window.latent_view.plot_widget.setFocus()  # not a text field: there "?" is typed
    qtbot.keyClick(window, "?")
    assert overlay.isVisible()
    qtbot.keyClick(overlay, Qt.Key.Key_Shift)  # Shift alone (as in typing "?") keeps it open
    assert overlay.isVisible()
    qtbot.keyClick(overlay, Qt.Key.Key_Escape)
    assert not overlay.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_Question, Qt.KeyboardModifier.ShiftModifier)
    assert overlay.isVisible()  # "?" as most keyboards type it
    small = overlay.content_rect()
    window.resize(1900, 1200)
    qtbot.waitUntil(lambda: overlay.geometry() == window.rect(), timeout=5000)
    large = overlay.content_rect()
    assert overlay.rect().contains(large) and large.height() > small.height()
    window.resize(1024, 600)
    qtbot.waitUntil(lambda: overlay.geometry() == window.rect(), timeout=5000)
    assert overlay.rect().contains(overlay.content_rect())  # the whole list still fits
    qtbot.keyClick(QApplication.focusWidget() or overlay, Qt.Key.Key_X)
    assert not overlay.isVisible()

    overlay.toggle()
    qtbot.mouseClick(overlay, Qt.MouseButton.LeftButton)
    assert not overlay.isVisible()


# -- sessions -----------------------------------------------------------------------------
def stage_lines(w: MainWindow) -> list[tuple[float, str]]:
    return [
        (float(line.value()), str(line.label.format))
        for line in w.loss_plot._stages  # no public accessor for the markers' positions
    ]


def test_session_restores_settings_stages_noise_timeline_and_its_model(
    qtbot, tmp_path: Path
) -> None:
    data = tiny_for("greedy")
    window = make_window(qtbot, data)
    other = third = None
    try:
        assert window.lessons.open("greedy")
        c = window.controls
        c.latent_spin.setValue(12)
        c.batch_spin.setValue(40)
        c.lr_spin.setValue(0.004)
        train(window, qtbot, preset=None, epochs=2)
        assert len(stage_lines(window)) == 3  # stage 1, stage 2, fine-tuning
        window.noise_panel.set_noise(0.2, 0.1, 0.05)
        window.timeline.select(1)
        path = tmp_path / "lecture.aevsession"
        window.sessions.save(path)
        qtbot.waitUntil(path.exists, timeout=TIMEOUT)

        other = make_window(qtbot)
        assert other.sessions.open(path)
        assert other.controls.settings() == window.controls.settings()
        assert other.controls.latent_spin.value() == 12 and other.controls.batch_spin.value() == 40
        assert other.lessons.lesson is not None and other.lessons.lesson.name == "greedy"
        assert other.caption.isVisibleTo(other)
        assert other.noise_panel.noise() == pytest.approx((0.2, 0.1, 0.05))
        assert other.timeline.current() == 1 and other.time_machine.view_epoch == 1
        assert stage_lines(other) == stage_lines(window)
        # the session keeps the stages' titles; the markers show their short labels
        stages = other.time_machine.history.stages
        assert [(x, stage_label(t)) for x, t in stages] == stage_lines(window)
        for name in ("train (smoothed)", "train (epoch)"):
            for a, b in zip(
                window.loss_plot.curve_data(name), other.loss_plot.curve_data(name), strict=True
            ):
                np.testing.assert_allclose(a, b, rtol=1e-6)

        x = np.asarray(data.x_val[:20], np.float32)
        a_first = window.time_machine.history.first_snapshot
        b_first = other.time_machine.history.first_snapshot
        assert a_first is not None and b_first is not None
        np.testing.assert_array_equal(a_first.encoder(x), b_first.encoder(x))
        np.testing.assert_array_equal(
            window.time_machine.history.records[-1].snapshot.encoder(x),  # type: ignore[union-attr]
            other.time_machine.history.records[-1].snapshot.encoder(x),  # type: ignore[union-attr]
        )
        shown = other.time_machine.view_snapshot()  # the scrubbed epoch's weights
        assert shown is not None
        np.testing.assert_array_equal(
            shown.encoder(x),
            window.time_machine.history.record(1).snapshot.encoder(x),  # type: ignore[union-attr]
        )
        np.testing.assert_array_equal(
            other.latent.state.codes, window.time_machine.history.record(1).codes
        )  # type: ignore[union-attr]

        # Saving the opened session again keeps its model (the training thread has none).
        model = other.sessions.session_model
        assert model is not None
        again = tmp_path / "again.aevsession"
        other.sessions.save(again)
        assert again.exists() and "history only" not in other.controls.hint.text()
        history, model_again = load_session(again)
        assert model_again == model and len(history) == len(window.time_machine.history)
        third = make_window(qtbot)
        assert third.sessions.open(again)
        assert third.controls.settings() == window.controls.settings()
        assert third.timeline.current() == 1 and stage_lines(third) == stage_lines(other)

        other.time_machine.new_history({})  # a new run: the opened model belongs to the old one
        assert other.sessions.opened_model() is None
    finally:
        for w in (window, other, third):
            if w is not None:
                close_window(w)


def test_vae_session_restores_beta_and_the_lesson_panel(qtbot, tmp_path: Path) -> None:
    window = make_window(qtbot, tiny_for("interpolation"))
    other = None
    try:
        assert window.lessons.open("interpolation")
        window.controls.extra_spin.setValue(2.5)  # β
        window.controls.latent_spin.setValue(3)
        train(window, qtbot, preset=None, epochs=1)
        path = tmp_path / "vae.aevsession"
        window.sessions.save(path)
        qtbot.waitUntil(path.exists, timeout=TIMEOUT)
        other = make_window(qtbot)
        assert other.sessions.open(path)
        assert other.controls.extra_spin.value() == pytest.approx(2.5)
        assert other.controls.settings() == window.controls.settings()
        panel = other.lessons.panel
        assert panel is not None and type(panel).__name__ == "InterpolationPanel"
        assert panel.strip_tiles("decoded")[0].image() is not None  # filled from the session
    finally:
        for w in (window, other):
            if w is not None:
                close_window(w)


def test_saving_an_opened_sessions_model_to_an_unwritable_folder_says_so(
    window: MainWindow, qtbot, tmp_path: Path
) -> None:
    train(window, qtbot, epochs=1)
    path = tmp_path / "run.aevsession"
    window.sessions.save(path)
    qtbot.waitUntil(path.exists, timeout=TIMEOUT)
    window.run.reset()
    assert window.sessions.open(path)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    window.sessions.save_model(blocker / "model.keras")  # must not raise out of the slot
    hint = window.controls.hint.text()
    assert "could not save the model" in hint and "\n" not in hint
    good = tmp_path / "ok.keras"
    window.sessions.save_model(good)
    assert good.read_bytes() == window.sessions.session_model


# -- exports ------------------------------------------------------------------------------
def drawn_elements(svg: Path) -> int:
    root = ET.parse(svg).getroot()  # well-formed XML, or this raises
    assert root.tag.endswith("svg")
    drawn = ("path", "polyline", "polygon", "rect", "line", "image", "text", "circle")
    return sum(1 for e in root.iter() if e.tag.rsplit("}", 1)[-1] in drawn)


def not_blank(png: Path) -> tuple[int, int]:
    with Image.open(png) as img:
        assert img.format == "PNG"
        arr = np.asarray(img.convert("RGB"), np.float32)
        size = img.size
    assert arr.std() > 10  # not one flat colour
    assert len(np.unique(arr.reshape(-1, 3), axis=0)) > 20
    return size


def test_every_plot_on_screen_exports_as_png_and_svg(qtbot, tmp_path: Path, monkeypatch) -> None:
    window = make_window(qtbot, tiny_for("linear-pca"))
    try:
        assert window.lessons.open("linear-pca")
        train(window, qtbot, preset=None, epochs=2)
        plots = window.exports.plots_on_screen()
        names = [name for name, _ in plots]
        assert names[:2] == ["Loss curves", "Latent space"]
        on_screen = [p for p in window.lessons.panel.findChildren(pg.PlotWidget) if p.isVisible()]
        assert len(on_screen) >= 2  # the compare scatters (autoencoder codes, PCA codes) ...
        assert [p for _, p in plots[2:]] == on_screen  # ... and every other lesson plot shown
        assert any("PCA" in name for name in names[2:])

        window.menus.plot_export_menu.aboutToShow.emit()  # File → Export → Plot lists them all
        entries = [a.text() for a in window.menus.plot_export_menu.actions()]
        assert entries == [f"{name}…" for name in names]

        for k, (name, plot) in enumerate(plots):
            png, svg = tmp_path / f"plot{k}.png", tmp_path / f"plot{k}.svg"
            assert window.exports.export_plot(name, png), name
            assert window.exports.export_plot(plot, svg), name
            assert not_blank(png)[0] >= 1600
            assert drawn_elements(svg) > 20, name  # axes, ticks, labels and data
        # The scatter's points are drawn, each one (an empty plot draws about six elements).
        assert drawn_elements(tmp_path / "plot1.svg") >= window.latent_view.point_count() > 0

        # Through the menu, as a lecturer does it.
        target = tmp_path / "from-menu.png"
        monkeypatch.setattr(window, "ask_save_name", lambda *a: str(target))
        window.menus.plot_export_menu.actions()[3].trigger()
        assert not_blank(target)[0] >= 1600
    finally:
        close_window(window)


def test_interpolation_strips_export_as_png(qtbot, tmp_path: Path, monkeypatch) -> None:
    window = make_window(qtbot, tiny_for("interpolation"))
    try:
        assert window.lessons.open("interpolation")
        train(window, qtbot, preset=None, epochs=1)
        panel = window.lessons.panel
        assert panel.strip_tiles("decoded")[-1].image() is not None
        target = tmp_path / "strips.png"
        monkeypatch.setattr(window, "ask_save_name", lambda *a: str(target))
        window.exports.export_interpolation_dialog()
        ratio = panel.devicePixelRatioF()
        w, h = not_blank(target)
        assert (w, h) == (round(panel.width() * ratio), round(panel.height() * ratio))
    finally:
        close_window(window)


# -- the time machine ---------------------------------------------------------------------
def test_play_replays_the_epochs_in_order_and_stops_at_the_end(window: MainWindow, qtbot) -> None:
    train(window, qtbot, epochs=3)
    seen: list[tuple[int, bool]] = []

    def on_selected(epoch: int) -> None:  # runs after the window's own slot
        rec = window.time_machine.history.record(epoch or 3)
        assert rec is not None
        shown = np.array_equal(window.latent.state.codes, rec.codes)
        seen.append((window.timeline.slider.value(), shown))

    window.timeline.epoch_selected.connect(on_selected)
    window.timeline.set_interval(20)
    window.timeline.play(True)
    assert window.timeline.playing()
    qtbot.waitUntil(lambda: not window.timeline.playing(), timeout=10_000)
    assert seen == [(1, True), (2, True), (3, True)]  # every epoch, in order, its own codes
    assert window.timeline.is_live() and window.time_machine.view_epoch == 0
    assert "latest" in window.timeline.label.text()

    window.timeline.select(2)
    seen.clear()
    window.timeline.play(True)  # from an epoch in the middle: on from there
    qtbot.waitUntil(lambda: not window.timeline.playing(), timeout=10_000)
    assert seen == [(3, True)]
