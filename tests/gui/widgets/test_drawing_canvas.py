"""DrawingCanvas and CanvasPanel: real mouse drags, tablet events, eraser, mapping, buffer I/O."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QInputDevice, QPointingDevice, QTabletEvent
from PySide6.QtWidgets import QApplication

from aeviewer.gui.widgets.drawing_canvas import CanvasPanel, DrawingCanvas


def _canvas(qtbot, width: int = 280, height: int = 280) -> DrawingCanvas:
    c = DrawingCanvas()
    qtbot.addWidget(c)
    c.resize(width, height)
    c.show()
    qtbot.waitExposed(c)
    return c


def _widget_point(c: DrawingCanvas, bx: float, by: float) -> QPoint:
    """The widget position that shows buffer position (bx, by)."""
    r = c.canvas_rect()
    scale = r.width() / 280
    return QPoint(round(r.x() + bx * scale), round(r.y() + by * scale))


def _drag(qtbot, c: DrawingCanvas, points: list[QPoint]) -> None:
    """Press, move through ``points`` with the left button held, release.

    QTest.mouseMove (Qt 6) carries the buttons pressed by the last QTest.mousePress; the ink
    in the middle of each segment below proves that the moves arrived with the button down.
    """
    qtbot.mousePress(c, Qt.MouseButton.LeftButton, pos=points[0])
    for p in points[1:]:
        qtbot.mouseMove(c, p)
    qtbot.mouseRelease(c, Qt.MouseButton.LeftButton, pos=points[-1])


def _thickness(img: np.ndarray, col: int) -> int:
    return int((img[:, col] > 0.5).sum())


def test_drag_draws_a_segment_and_signals(qtbot):
    c = _canvas(qtbot)
    assert c.is_empty()
    changes: list[None] = []
    c.drawing_changed.connect(lambda: changes.append(None))
    with qtbot.waitSignal(c.stroke_finished, timeout=1000):
        _drag(qtbot, c, [_widget_point(c, 40, 60), _widget_point(c, 240, 60)])
    img = c.image()
    assert img.dtype == np.float32 and img.shape == (280, 280)
    assert img.min() >= 0.0 and img.max() <= 1.0
    for x in range(40, 241, 20):  # ink all along the segment, not only at the ends
        assert img[60, x] > 0.9, x
    assert img[200, 140] == 0.0 and img[60, 270] == 0.0
    assert len(changes) >= 2  # the press dot, then the segment
    assert not c.is_empty()


def test_mouse_move_without_button_does_not_draw(qtbot):
    c = _canvas(qtbot)
    qtbot.mouseMove(c, _widget_point(c, 50, 50))
    qtbot.mouseMove(c, _widget_point(c, 200, 200))
    assert c.is_empty()


def test_eraser_removes_ink_along_a_drag(qtbot):
    c = _canvas(qtbot)
    _drag(qtbot, c, [_widget_point(c, 40, 140), _widget_point(c, 240, 140)])
    before = c.image()
    c.set_eraser(True)
    assert c.eraser()
    _drag(qtbot, c, [_widget_point(c, 100, 100), _widget_point(c, 100, 180)])  # across it
    after = c.image()
    assert after[140, 100] == 0.0 and before[140, 100] > 0.9
    assert after[140, 200] > 0.9  # the rest of the stroke is untouched
    c.set_eraser(False)
    _drag(qtbot, c, [_widget_point(c, 100, 140), _widget_point(c, 101, 140)])
    assert c.image()[140, 100] > 0.9


def test_clear_empties_and_signals(qtbot):
    c = _canvas(qtbot)
    _drag(qtbot, c, [_widget_point(c, 40, 40), _widget_point(c, 200, 200)])
    assert not c.is_empty()
    with qtbot.waitSignal(c.drawing_changed, timeout=1000):
        c.clear()
    assert c.is_empty() and c.image().max() == 0.0


@pytest.mark.parametrize("width", [8, 22, 40])
def test_brush_width_sets_ink_thickness(qtbot, width):
    c = _canvas(qtbot)
    c.set_brush_width(width)
    assert c.brush_width() == width
    _drag(qtbot, c, [_widget_point(c, 30, 140), _widget_point(c, 250, 140)])
    assert abs(_thickness(c.image(), 140) - width) <= 2


def test_brush_width_is_clamped(qtbot):
    c = _canvas(qtbot)
    c.set_brush_width(1)
    assert c.brush_width() == 6
    c.set_brush_width(100)
    assert c.brush_width() == 48


@pytest.mark.parametrize("size", [(560, 560), (600, 400)])
def test_widget_to_buffer_mapping(qtbot, size):
    c = _canvas(qtbot, *size)
    r = c.canvas_rect()
    assert r.width() == r.height() == min(size) - 4
    assert abs(r.center().x() - size[0] / 2) <= 1 and abs(r.center().y() - size[1] / 2) <= 1
    # Widget positions a quarter and three quarters across the shown square, half-way down.
    a = QPoint(r.x() + r.width() // 4, r.y() + r.height() // 2)
    b = QPoint(r.x() + 3 * r.width() // 4, r.y() + r.height() // 2)
    c.set_brush_width(10)
    _drag(qtbot, c, [a, b])
    img = c.image()
    rows = np.nonzero(img.max(axis=1) > 0.5)[0]
    cols = np.nonzero(img.max(axis=0) > 0.5)[0]
    assert abs(rows.mean() - 140) <= 1.5
    assert abs(cols.min() - (70 - 5)) <= 2 and abs(cols.max() - (210 + 5)) <= 2
    assert _thickness(img, 140) <= 12  # brush width is in buffer pixels, not widget pixels


def test_set_image_round_trip(qtbot):
    c = _canvas(qtbot)
    rng = np.random.default_rng(1)
    small = rng.random((28, 28)).astype(np.float32)
    with qtbot.waitSignal(c.drawing_changed, timeout=1000):
        c.set_image(small)
    big = c.image()
    assert big.shape == (280, 280)
    blocks = big.reshape(28, 10, 28, 10)
    assert np.all(blocks.min(axis=(1, 3)) == blocks.max(axis=(1, 3)))  # nearest: flat blocks
    np.testing.assert_allclose(blocks[:, 0, :, 0], small, atol=0.5 / 255 + 1e-6)
    full = rng.random((280, 280)).astype(np.float32)
    c.set_image(full)
    np.testing.assert_allclose(c.image(), full, atol=0.5 / 255 + 1e-6)
    c.set_image(np.full((28, 28), 3.0))  # clipped
    assert c.image().min() == 1.0
    c.set_image(small, smooth=True)
    assert c.image().shape == (280, 280)
    with pytest.raises(ValueError):
        c.set_image(np.zeros(5))


def _tablet(c: DrawingCanvas, kind, pos: QPoint, device, pressure: float = 1.0) -> QTabletEvent:
    down = kind != QTabletEvent.Type.TabletRelease
    buttons = Qt.MouseButton.LeftButton if down else Qt.MouseButton.NoButton
    button = (
        Qt.MouseButton.NoButton
        if kind == QTabletEvent.Type.TabletMove
        else (Qt.MouseButton.LeftButton)
    )
    ev = QTabletEvent(
        kind, device, QPointF(pos), QPointF(c.mapToGlobal(pos)), pressure,
        0.0, 0.0, 0.0, 0.0, 0.0, Qt.KeyboardModifier.NoModifier, button, buttons,
    )  # fmt: skip
    QApplication.sendEvent(c, ev)
    return ev


def _tablet_device(kind: QPointingDevice.PointerType) -> QPointingDevice:
    return QPointingDevice(
        "test stylus", 4242 + kind.value, QInputDevice.DeviceType.Stylus, kind,
        QInputDevice.Capability.Position | QInputDevice.Capability.Pressure, 1, 2,
    )  # fmt: skip


def test_tablet_pen_draws_and_eraser_end_erases(qtbot):
    c = _canvas(qtbot)
    pen = _tablet_device(QPointingDevice.PointerType.Pen)
    a, b = _widget_point(c, 40, 140), _widget_point(c, 240, 140)
    with qtbot.waitSignal(c.stroke_finished, timeout=1000):
        ev = _tablet(c, QTabletEvent.Type.TabletPress, a, pen)
        assert ev.isAccepted()  # no synthesised mouse events on top
        _tablet(c, QTabletEvent.Type.TabletMove, b, pen)
        _tablet(c, QTabletEvent.Type.TabletRelease, b, pen)
    assert c.image()[140, 140] > 0.9
    full = _thickness(c.image(), 140)
    # A light touch draws a thinner line (but still draws).
    c.clear()
    _tablet(c, QTabletEvent.Type.TabletPress, a, pen, pressure=0.1)
    _tablet(c, QTabletEvent.Type.TabletMove, b, pen, pressure=0.1)
    _tablet(c, QTabletEvent.Type.TabletRelease, b, pen, pressure=0.1)
    assert 0 < _thickness(c.image(), 140) < full
    # The flipped pen (eraser end) erases without switching eraser mode.
    eraser = _tablet_device(QPointingDevice.PointerType.Eraser)
    top, bottom = _widget_point(c, 140, 100), _widget_point(c, 140, 180)
    _tablet(c, QTabletEvent.Type.TabletPress, top, eraser)
    _tablet(c, QTabletEvent.Type.TabletMove, bottom, eraser)
    _tablet(c, QTabletEvent.Type.TabletRelease, bottom, eraser)
    assert c.image()[140, 140] == 0.0 and not c.eraser()


def test_placeholder_text(qtbot):
    c = _canvas(qtbot)
    c.set_placeholder("Draw a digit here")
    assert c.placeholder() == "Draw a digit here"
    c.grab()  # paints the hint
    assert c.is_empty()  # the hint is drawn on screen only, never into the model's input


def test_canvas_panel_controls_are_wired(qtbot):
    panel = CanvasPanel()
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    assert panel.brush_slider.minimum() == 6 and panel.brush_slider.maximum() == 48
    panel.brush_slider.setValue(30)
    assert panel.canvas.brush_width() == 30 and panel.brush_label.text() == "30 px"
    qtbot.mouseClick(panel.eraser_button, Qt.MouseButton.LeftButton)
    assert panel.eraser_button.isChecked() and panel.canvas.eraser()
    qtbot.mouseClick(panel.eraser_button, Qt.MouseButton.LeftButton)
    assert not panel.canvas.eraser()
    c = panel.canvas
    _drag(qtbot, c, [_widget_point(c, 40, 40), _widget_point(c, 200, 200)])
    assert not c.is_empty()
    with qtbot.waitSignal(c.drawing_changed, timeout=1000):
        qtbot.mouseClick(panel.clear_button, Qt.MouseButton.LeftButton)
    assert c.is_empty()
    assert c.width() >= 280 and c.height() >= 280
    panel.apply_theme()


def test_a_stroke_repaints_the_canvas_alone(qtbot):
    """The canvas paints every pixel itself (its margin in the theme's window colour), so a
    stroke does not make Qt repaint the panel and dock behind it at every move."""
    from PySide6.QtGui import QColor
    from PySide6.QtWidgets import QWidget

    from aeviewer.gui import palette

    class Parent(QWidget):
        paints = 0

        def paintEvent(self, event) -> None:
            self.paints += 1

    parent = Parent()
    qtbot.addWidget(parent)
    parent.resize(420, 320)
    c = DrawingCanvas(parent)
    c.setGeometry(10, 10, 400, 300)  # wider than tall: a margin left and right of the square
    parent.show()
    qtbot.waitExposed(parent)
    qtbot.wait(50)
    before = parent.paints
    _drag(
        qtbot, c, [_widget_point(c, 40, 60), _widget_point(c, 140, 90), _widget_point(c, 240, 60)]
    )
    QApplication.processEvents()
    assert parent.paints == before
    assert c.image()[60, 40] > 0.9
    img = c.grab().toImage()
    dpr = c.devicePixelRatioF()
    margin = QColor(img.pixel(int(3 * dpr), int(150 * dpr)))
    assert c.canvas_rect().left() > 10
    assert margin.rgb() == QColor(palette.theme().background).rgb()
