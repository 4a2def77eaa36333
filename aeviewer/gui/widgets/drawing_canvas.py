"""A canvas to draw a digit with the mouse or a pen tablet: white ink on black, like MNIST.

The ink lives in a square ``Format_Grayscale8`` buffer (280x280 by default, ten times MNIST), so
what the model receives does not depend on the window size: the widget only shows the buffer
scaled to a centred square and maps pointer positions back into buffer coordinates.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPointingDevice,
    QTabletEvent,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from aeviewer.gui import palette

__all__ = ["BRUSH_MAX", "BRUSH_MIN", "CanvasPanel", "DrawingCanvas"]

BRUSH_MIN = 6
BRUSH_MAX = 48
_FRAME = 2  # frame width around the drawing square, in logical pixels


class DrawingCanvas(QWidget):
    """A square drawing surface; ink is 1 (white), background 0 (black).

    Parameters
    ----------
    parent : QWidget, optional
        Parent widget.
    buffer_size : int
        Side of the square ink buffer in pixels (the resolution of :meth:`image`).
    """

    drawing_changed = Signal()
    stroke_finished = Signal()

    def __init__(self, parent: QWidget | None = None, buffer_size: int = 280) -> None:
        super().__init__(parent)
        self._buffer = QImage(buffer_size, buffer_size, QImage.Format.Format_Grayscale8)
        self._buffer.fill(0)
        self._brush_width = 22
        self._eraser = False
        self._placeholder = ""
        self._last: QPointF | None = None  # buffer position of the stroke's last point
        self._stroke_eraser = False  # this stroke erases (eraser mode or the pen's eraser end)
        self._hint_visible = False
        self._colors: dict[str, QColor] = {}
        self.setMinimumSize(280, 280)
        # Any shape: the drawing square is centred in it (canvas_rect). As tall as it is wide
        # (height-for-width), it pushed the brush row out of a 1080p window's bottom row.
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setSizePolicy(policy)
        self.setCursor(Qt.CursorShape.CrossCursor)
        # It paints every pixel itself (the margin around the square in the window colour), so
        # a stroke repaints the canvas alone, not the dock and panel behind it.
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self.apply_theme()

    # ----------------------------------------------------------------- public API
    def image(self) -> np.ndarray:
        """The drawing as float32 ``(H, W)`` in [0, 1] (ink = 1), a copy of the buffer."""
        return self._pixels().astype(np.float32) / np.float32(255.0)

    def set_image(self, img: np.ndarray, smooth: bool = False) -> None:
        """Load a 2-D [0, 1] array into the buffer (e.g. to show a dataset sample).

        Parameters
        ----------
        img : np.ndarray
            2-D array (a trailing channel of size 1 is accepted); values are clipped to [0, 1].
        smooth : bool
            Resize with smooth (bilinear) instead of nearest-neighbour scaling. Nearest keeps
            the sample's pixels visible and a 28x28 image round-trips exactly (10x blocks).

        Emits ``drawing_changed`` (like :meth:`clear`): the canvas content changed. Do not
        call it from a slot connected to ``drawing_changed``.
        """
        a = np.asarray(img, dtype=np.float32)
        if a.ndim == 3 and a.shape[-1] == 1:
            a = a[..., 0]
        if a.ndim != 2:
            raise ValueError(f"DrawingCanvas expects a 2-D image, got shape {a.shape}")
        a = np.nan_to_num(a, nan=0.0, posinf=1.0, neginf=0.0)
        u8 = np.ascontiguousarray(np.rint(np.clip(a, 0.0, 1.0) * 255.0).astype(np.uint8))
        h, w = u8.shape
        src = QImage(u8.data, w, h, w, QImage.Format.Format_Grayscale8)
        mode = (
            Qt.TransformationMode.SmoothTransformation
            if smooth
            else Qt.TransformationMode.FastTransformation
        )
        side = self._buffer.width()
        # scaled() returns a new image that owns its pixels, so `u8` may be freed afterwards.
        scaled = src.scaled(side, side, Qt.AspectRatioMode.IgnoreAspectRatio, mode)
        self._buffer = scaled.convertToFormat(QImage.Format.Format_Grayscale8)
        self._last = None
        self.update()
        self.drawing_changed.emit()

    def clear(self) -> None:
        """Erase everything (black) and emit ``drawing_changed``."""
        self._buffer.fill(0)
        self._last = None
        self.update()
        self.drawing_changed.emit()

    def is_empty(self) -> bool:
        """Whether the buffer holds no ink at all."""
        return not bool(self._pixels().any())

    def set_brush_width(self, px: int) -> None:
        """Set the stroke width in buffer pixels (clamped to 6..48)."""
        self._brush_width = int(min(BRUSH_MAX, max(BRUSH_MIN, int(px))))

    def brush_width(self) -> int:
        """The stroke width in buffer pixels."""
        return self._brush_width

    def set_eraser(self, on: bool) -> None:
        """Paint black instead of white while ``on``."""
        self._eraser = bool(on)

    def eraser(self) -> bool:
        """Whether eraser mode is on."""
        return self._eraser

    def set_placeholder(self, text: str) -> None:
        """Set the grey hint drawn over an empty canvas, e.g. ``"Draw a digit here"``."""
        self._placeholder = text
        self.update()

    def placeholder(self) -> str:
        """The hint text shown over an empty canvas."""
        return self._placeholder

    def apply_theme(self) -> None:
        """Re-read the theme for the frame and hint (the ink stays white on black)."""
        t = palette.theme()
        self._colors = {
            "background": QColor(t.background),
            "frame": QColor(t.muted),
            "hint": QColor(t.muted),
        }
        self.update()

    def canvas_rect(self) -> QRect:
        """The centred square, in widget coordinates, that shows the buffer."""
        side = max(1, min(self.width(), self.height()) - 2 * _FRAME)
        return QRect((self.width() - side) // 2, (self.height() - side) // 2, side, side)

    def map_to_buffer(self, pos: QPointF) -> QPointF:
        """Map a widget position to buffer coordinates (may lie outside the buffer)."""
        r = self.canvas_rect()
        scale = self._buffer.width() / r.width()
        return QPointF((pos.x() - r.x()) * scale, (pos.y() - r.y()) * scale)

    # ----------------------------------------------------------------- drawing
    def _pixels(self) -> np.ndarray:
        """A copy of the buffer as uint8 ``(H, W)`` (rows may be padded in the QImage)."""
        b = self._buffer
        raw = np.frombuffer(b.constBits(), dtype=np.uint8, count=b.sizeInBytes())
        return raw.reshape(b.height(), b.bytesPerLine())[:, : b.width()].copy()

    def _begin_stroke(self, pos: QPointF, erase: bool, pressure: float = 1.0) -> None:
        self._stroke_eraser = erase or self._eraser
        point = self.map_to_buffer(pos)
        self._draw(point, point, pressure)
        self._last = point

    def _continue_stroke(self, pos: QPointF, pressure: float = 1.0) -> None:
        if self._last is None:
            return
        point = self.map_to_buffer(pos)
        if point == self._last:
            return
        self._draw(self._last, point, pressure)
        self._last = point

    def _end_stroke(self) -> None:
        if self._last is None:
            return
        self._last = None
        if self._placeholder:
            self.update()  # the eraser may have emptied the canvas: show the hint again
        self.stroke_finished.emit()

    def _draw(self, a: QPointF, b: QPointF, pressure: float) -> None:
        """Draw one segment (a dot when ``a == b``) and emit ``drawing_changed``."""
        # Pressure thins the line a little (0.7x at a light touch, 1x at full pressure and
        # for the mouse) so a light touch still inks like a pen.
        width = self._brush_width * (0.7 + 0.3 * min(1.0, max(0.0, pressure)))
        color = QColor(0, 0, 0) if self._stroke_eraser else QColor(255, 255, 255)
        pen = QPen(color, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        p = QPainter(self._buffer)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setPen(pen)
        if a == b:
            p.drawPoint(a)
        else:
            p.drawLine(a, b)
        p.end()
        if self._hint_visible:
            self.update()  # the whole hint must go, not only the first dot's box
        r = self.canvas_rect()
        scale = r.width() / self._buffer.width()
        pad = width / 2 + 2
        box = QRectF(a, b).normalized().adjusted(-pad, -pad, pad, pad)
        self.update(
            QRectF(
                r.x() + box.x() * scale,
                r.y() + box.y() * scale,
                box.width() * scale,
                box.height() * scale,
            ).toAlignedRect()
        )
        self.drawing_changed.emit()

    # ----------------------------------------------------------------- events
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            event.accept()
            self._begin_stroke(event.position(), erase=False)
        else:
            super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._last is not None and event.buttons() & Qt.MouseButton.LeftButton:
            event.accept()
            self._continue_stroke(event.position())
        else:
            super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            event.accept()
            self._end_stroke()
        else:
            super().mouseReleaseEvent(event)

    def tabletEvent(self, event: QTabletEvent) -> None:
        # Accepting the event stops Qt from also synthesising mouse events for the same stroke.
        kind = event.type()
        if kind == QTabletEvent.Type.TabletPress:
            erase = event.pointerType() == QPointingDevice.PointerType.Eraser  # pen flipped
            self._begin_stroke(event.position(), erase=erase, pressure=event.pressure())
        elif kind == QTabletEvent.Type.TabletMove:
            self._continue_stroke(event.position(), pressure=event.pressure())
        elif kind == QTabletEvent.Type.TabletRelease:
            self._end_stroke()
        event.accept()

    def sizeHint(self) -> QSize:
        return QSize(320, 320)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        r = self.canvas_rect()
        if not r.contains(event.rect()):  # the margin, and the frame drawn over it below
            p.fillRect(event.rect(), self._colors["background"])
        # Smooth when shown at a non-integer scale: the buffer is 10x MNIST, not pixel art.
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        p.drawImage(QRectF(r), self._buffer, QRectF(self._buffer.rect()))
        frame = QPen(self._colors["frame"], _FRAME)
        frame.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        p.setPen(frame)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(QRectF(r).adjusted(-_FRAME / 2, -_FRAME / 2, _FRAME / 2, _FRAME / 2))
        self._hint_visible = bool(self._placeholder) and self._last is None and self.is_empty()
        if self._hint_visible:
            paint_hint(p, self, r, self._placeholder, self._colors["hint"])
        p.end()


def paint_hint(p: QPainter, widget: QWidget, r: QRect, text: str, color: QColor) -> None:
    """An input's hint ("Draw a digit here"), large and wrapped inside its square."""
    f = widget.font()
    f.setPointSize(max(palette.BASE_POINT_SIZE + 4, f.pointSize()))
    p.setFont(f)
    p.setPen(color)
    flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
    p.drawText(r.adjusted(12, 12, -12, -12), int(flags), text)


class CanvasPanel(QWidget):
    """The drawing canvas with a row of controls: brush width, eraser and clear.

    Attributes
    ----------
    canvas : DrawingCanvas
    brush_slider : QSlider
    brush_label : QLabel
    eraser_button : QPushButton
    clear_button : QPushButton
    """

    def __init__(
        self, parent: QWidget | None = None, placeholder: str = "Draw a digit here"
    ) -> None:
        super().__init__(parent)
        self.canvas = DrawingCanvas(self)
        self.canvas.set_placeholder(placeholder)

        brush_name = QLabel("Brush", self)
        self.brush_slider = QSlider(Qt.Orientation.Horizontal, self)
        self.brush_slider.setRange(BRUSH_MIN, BRUSH_MAX)
        self.brush_slider.setValue(self.canvas.brush_width())
        self.brush_slider.setPageStep(4)
        self.brush_slider.setMinimumWidth(80)  # the row fits under a 300 px canvas
        self.brush_label = QLabel(self)
        self.brush_label.setObjectName("caption")
        # No fixed width: the app's stylesheet enlarges the font after construction.
        self.eraser_button = QPushButton("Eraser", self)
        self.eraser_button.setCheckable(True)
        self.clear_button = QPushButton("Clear", self)
        for w in (brush_name, self.brush_label, self.eraser_button, self.clear_button):
            w.setFont(palette.font(palette.BASE_POINT_SIZE))

        # Two short rows rather than one long one: the panel is then as narrow as the canvas,
        # and the denoising strip beside it gets the width (1080p).
        brush = QHBoxLayout()
        brush.addWidget(brush_name)
        brush.addWidget(self.brush_slider, 1)
        brush.addWidget(self.brush_label)
        buttons = QHBoxLayout()
        buttons.addWidget(self.eraser_button, 1)
        buttons.addWidget(self.clear_button, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.canvas, 1)
        layout.addLayout(brush)
        layout.addLayout(buttons)

        self.brush_slider.valueChanged.connect(self._on_brush_slider_value_changed)
        self.eraser_button.toggled.connect(self._on_eraser_button_toggled)
        self.clear_button.clicked.connect(self._on_clear_button_clicked)
        self._on_brush_slider_value_changed(self.brush_slider.value())

    def apply_theme(self) -> None:
        """Re-read the theme (the canvas frame and hint)."""
        self.canvas.apply_theme()

    def _on_brush_slider_value_changed(self, value: int) -> None:
        self.canvas.set_brush_width(value)
        self.brush_label.setText(f"{value} px")

    def _on_eraser_button_toggled(self, checked: bool) -> None:
        self.canvas.set_eraser(checked)

    def _on_clear_button_clicked(self) -> None:
        self.canvas.clear()
