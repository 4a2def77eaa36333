"""One grey or colour image, scaled up with crisp pixels and fixed levels, with a title and
caption.

The tile never rescales intensities: values are clipped to [0, 1] and mapped to 0..255, so a
faint reconstruction looks faint (auto-contrast would hide exactly what the lecture shows).
Pixels are scaled with nearest-neighbour sampling so students see the pixel grid the model sees.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from aeviewer.core.images import is_colour, to_uint8
from aeviewer.gui import palette

__all__ = ["ImageTile", "to_qimage"]

_MARGIN = 4  # room for the 3 px highlight frame outside the image, so it never covers pixels
_TEXT_GAP = 4  # > the 3 px frame, so the frame never touches the text


def to_qimage(image: np.ndarray) -> QImage:
    """Convert a float image to a detached QImage: ``Format_Grayscale8`` for a grey ``(H, W)``
    image, ``Format_RGB888`` for a colour ``(H, W, 3)`` one.

    Parameters
    ----------
    image : np.ndarray
        ``(H, W)`` or ``(H, W, 3)`` (RGB, channels last); values are clipped to [0, 1] (NaN
        shows as 0) and mapped to 0..255.

    Returns
    -------
    QImage
        A deep copy that owns its pixels (no reference to the numpy buffer is kept).
    """
    u8 = to_uint8(image)
    h, w = u8.shape[:2]
    fmt = QImage.Format.Format_RGB888 if is_colour(u8) else QImage.Format.Format_Grayscale8
    # QImage wraps the buffer without copying; .copy() detaches it before `u8` is freed.
    return QImage(u8.data, w, h, u8.strides[0], fmt).copy()


class ImageTile(QWidget):
    """A grey or colour image shown large with nearest-neighbour scaling and fixed levels 0..1.

    Parameters
    ----------
    title : str
        Optional bold line above the image.
    parent : QWidget, optional
        Parent widget.
    min_size : int
        Minimum side of the image area in logical pixels; the size hint is about 5/3 of it.
    reserve_caption : bool
        Keep room for a caption line even while the caption is empty, so the image does not
        jump when a caption appears.
    opaque : bool
        The tile fills its own background with the theme's window colour, so a new image
        repaints the tile alone and not the dock, scroll area and panels behind it (Qt paints
        those under a see-through widget: about 0.6 ms of each stroke on the canvas, which
        changes three tiles). Only for a tile that sits on that colour.
    """

    clicked = Signal()

    def __init__(
        self,
        title: str = "",
        parent: QWidget | None = None,
        min_size: int = 96,
        reserve_caption: bool = False,
        opaque: bool = False,
    ) -> None:
        super().__init__(parent)
        self._opaque = opaque
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, opaque)
        self._title = title
        self._caption = ""
        self._placeholder = ""
        self._min_size = int(min_size)
        self._fit = False
        self._hint_width: int | None = None  # set_hint_width
        self._reserve_caption = reserve_caption
        self._image: np.ndarray | None = None
        self._qimage: QImage | None = None
        self._highlighted = False
        self._colors: dict[str, QColor] = {}
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.apply_theme()

    # ----------------------------------------------------------------- public API
    def set_image(self, image: np.ndarray | None) -> None:
        """Show ``image`` (floats in [0, 1]); ``None`` shows the empty placeholder.

        Parameters
        ----------
        image : np.ndarray or None
            Grey ``(H, W)`` (a trailing channel of size 1, ``(H, W, 1)``, is accepted) or
            colour ``(H, W, 3)`` (RGB). A float32 copy is stored; values outside [0, 1] are
            clipped when painted.
        """
        if image is None:
            self._image = None
            self._qimage = None
        else:
            a = np.asarray(image, dtype=np.float32)
            if a.ndim == 3 and a.shape[-1] == 1:
                a = a[..., 0]
            if a.ndim != 2 and not (a.ndim == 3 and is_colour(a)):
                raise ValueError(
                    f"ImageTile expects an (H, W) or (H, W, 3) image, got shape {a.shape}"
                )
            old_shape = None if self._image is None else self._image.shape
            self._image = a.copy()
            self._qimage = to_qimage(self._image)
            if old_shape != a.shape:
                self.updateGeometry()  # the aspect ratio may have changed
        self.update()

    def image(self) -> np.ndarray | None:
        """The stored float32 image (a copy), or ``None`` when empty."""
        return None if self._image is None else self._image.copy()

    def set_caption(self, text: str) -> None:
        """Set the line under the image (elided to the width; full text in the tooltip)."""
        if text == self._caption:
            return
        had_line = self._has_caption_line()
        self._caption = text
        self.setToolTip(text)
        if had_line != self._has_caption_line():
            self.updateGeometry()
        self.update()

    def caption(self) -> str:
        """The caption text."""
        return self._caption

    def set_title(self, text: str) -> None:
        """Set the bold line above the image (empty hides it)."""
        if text == self._title:
            return
        self._title = text
        self.updateGeometry()  # its height, and its width (never narrower than the title)
        self.update()

    def title(self) -> str:
        """The title text."""
        return self._title

    def set_highlighted(self, on: bool) -> None:
        """Draw (or remove) an accent-coloured 3 px frame around the image."""
        if bool(on) != self._highlighted:
            self._highlighted = bool(on)
            self.update()

    def is_highlighted(self) -> bool:
        """Whether the highlight frame is shown."""
        return self._highlighted

    def set_placeholder(self, text: str) -> None:
        """Set the text drawn inside the empty frame while there is no image."""
        self._placeholder = text
        self.update()

    def apply_theme(self) -> None:
        """Re-read :func:`aeviewer.gui.palette.theme` and repaint."""
        t = palette.theme()
        self._colors = {
            name: QColor(getattr(t, name))
            for name in ("background", "panel", "foreground", "muted", "accent")
        }
        self.update()

    def image_rect(self) -> QRect:
        """The widget-coordinate rectangle the image is drawn into (aspect kept, centred)."""
        area = self._image_area()
        h, w = (1, 1) if self._image is None else self._image.shape[:2]
        scale = min(area.width() / w, area.height() / h)
        dw, dh = max(1, int(w * scale)), max(1, int(h * scale))
        x = area.x() + (area.width() - dw) // 2
        y = area.y() + (area.height() - dh) // 2
        return QRect(x, y, dw, dh)

    # ----------------------------------------------------------------- geometry
    def _text_font(self, bold: bool = False) -> QFont:
        f = QFont(self.font())  # follows the app stylesheet (presenter mode scales it)
        if f.pointSizeF() < palette.BASE_POINT_SIZE:
            f.setPointSize(palette.BASE_POINT_SIZE)
        f.setBold(bold)
        return f

    def _has_caption_line(self) -> bool:
        return self._reserve_caption or bool(self._caption)

    def _title_height(self) -> int:
        return QFontMetrics(self._text_font(True)).height() + _TEXT_GAP if self._title else 0

    def _caption_height(self) -> int:
        if not self._has_caption_line():
            return 0
        return QFontMetrics(self._text_font()).height() + _TEXT_GAP

    def _image_area(self) -> QRect:
        top = _MARGIN + self._title_height()
        bottom = _MARGIN + self._caption_height()
        return QRect(
            _MARGIN,
            top,
            max(1, self.width() - 2 * _MARGIN),
            max(1, self.height() - top - bottom),
        )

    def _aspect(self) -> float:
        return 1.0 if self._image is None else self._image.shape[0] / self._image.shape[1]

    def hasHeightForWidth(self) -> bool:
        return not self._fit

    def set_fit(self, on: bool) -> None:
        """Fit the image inside whatever room the layout gives (no height-for-width): for big
        single images (the decoded point, a mosaic) that must never push their panel taller."""
        self._fit = bool(on)
        self.updateGeometry()

    def heightForWidth(self, width: int) -> int:
        side = max(1, width - 2 * _MARGIN)
        return (
            int(side * self._aspect()) + 2 * _MARGIN + self._title_height() + self._caption_height()
        )

    def _title_width(self) -> int:
        if not self._title:
            return 0
        return QFontMetrics(self._text_font(True)).horizontalAdvance(self._title) + 4

    def set_hint_width(self, width: int | None) -> None:
        """Prefer this width (``None``: about 5/3 of the minimum size): a gallery sizes its
        tiles to the room it has."""
        if width != self._hint_width:
            self._hint_width = width
            self.updateGeometry()

    def sizeHint(self) -> QSize:
        if self._hint_width is not None:
            w = max(self._hint_width, self._min_size + 2 * _MARGIN)
        else:
            w = max(round(self._min_size * 5 / 3) + 2 * _MARGIN, self._title_width())
        return QSize(w, self.heightForWidth(w))

    def minimumSizeHint(self) -> QSize:
        # Never narrower than the title: "Reconstruction" was cut to "Reconstru…" at 1080p.
        # A fitted image may be narrower than its tile: the height is the image's minimum.
        side = self._min_size + 2 * _MARGIN
        w = max(side, self._title_width())
        return QSize(w, self.heightForWidth(side if self._fit else w))

    # ----------------------------------------------------------------- events
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            event.accept()
            self.clicked.emit()
        else:
            super().mousePressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        if self._opaque:
            p.fillRect(event.rect(), self._colors["background"])
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)  # crisp pixels
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        target = self.image_rect()
        if self._title:
            p.setFont(self._text_font(True))
            p.setPen(self._colors["foreground"])
            # Right above the image (not at the widget's top) so the title stays attached to it.
            title_h = self._title_height()
            rect = QRect(0, target.top() - _MARGIN - title_h + _TEXT_GAP, self.width(), title_h)
            text = p.fontMetrics().elidedText(
                self._title, Qt.TextElideMode.ElideRight, self.width()
            )
            p.drawText(rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, text)
        if self._qimage is None:
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(self._colors["panel"])
            p.drawRect(target)
            if self._placeholder:
                p.setFont(self._text_font())
                p.setPen(self._colors["muted"])
                flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
                p.drawText(target.adjusted(4, 4, -4, -4), int(flags), self._placeholder)
        else:
            p.drawImage(QRectF(target), self._qimage, QRectF(self._qimage.rect()))
        if self._highlighted:
            # Four bars just outside the image: the frame never covers a pixel of the image.
            accent = self._colors["accent"]
            x, y, w, h = target.x(), target.y(), target.width(), target.height()
            p.fillRect(QRect(x - 3, y - 3, w + 6, 3), accent)
            p.fillRect(QRect(x - 3, y + h, w + 6, 3), accent)
            p.fillRect(QRect(x - 3, y, 3, h), accent)
            p.fillRect(QRect(x + w, y, 3, h), accent)
        if self._caption:
            p.setFont(self._text_font())
            p.setPen(self._colors["muted"])
            top = target.bottom() + 1 + _MARGIN
            rect = QRect(0, top, self.width(), self._caption_height())
            text = p.fontMetrics().elidedText(
                self._caption, Qt.TextElideMode.ElideRight, self.width()
            )
            p.drawText(rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, text)
        p.end()
