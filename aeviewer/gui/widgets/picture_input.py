"""The picture input that takes the drawing canvas's place for colour data: open or drop a
picture, which the model then reconstructs and denoises like a drawing."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRect, QRectF, QSize, Signal
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDropEvent,
    QImage,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from aeviewer.core.pictures import PictureError, read_picture
from aeviewer.gui import palette
from aeviewer.gui.widgets.drawing_canvas import paint_hint
from aeviewer.gui.widgets.image_tile import to_qimage

__all__ = ["PICTURE_FILTER", "PictureInput", "PicturePanel"]

PICTURE_FILTER = "Pictures (*.png *.jpg *.jpeg *.bmp *.gif *.tif *.tiff *.webp);;All files (*)"
_FRAME = 2


def _local_file(event: QDragEnterEvent | QDropEvent) -> str:
    """The one local file a drag carries, or ""."""
    urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
    return urls[0].toLocalFile() if len(urls) == 1 and urls[0].isLocalFile() else ""


class PictureInput(QWidget):
    """Shows a picture, whole and in proportion; a dropped picture file replaces it.

    Signals
    -------
    picture_changed
        A picture was set or cleared.
    dropped : str
        A file was dropped; the panel reads it (so that reading fails in one place).
    """

    picture_changed = Signal()
    dropped = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._picture: np.ndarray | None = None
        self._serial = 0  # counts the pictures set, so users can tell a new one
        self._qimage: QImage | None = None
        self._placeholder = "Open or drop a picture"
        self._colors: dict[str, QColor] = {}
        self.setAcceptDrops(True)
        self.setMinimumSize(180, 180)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setSizePolicy(policy)
        self.apply_theme()

    def set_picture(self, picture: np.ndarray | None) -> None:
        """Show ``picture`` (``(h, w, 3)`` or ``(h, w)`` floats in [0, 1]); None clears."""
        if picture is None:
            self._picture, self._qimage = None, None
        else:
            self._picture = np.array(picture, dtype=np.float32, copy=True)
            self._picture.flags.writeable = False
            self._qimage = to_qimage(self._picture)
        self._serial += 1
        self.update()
        self.picture_changed.emit()

    def picture(self) -> np.ndarray | None:
        """The picture at its own size (a copy), or None."""
        return None if self._picture is None else self._picture.copy()

    def picture_view(self) -> np.ndarray:
        """The picture itself, read-only (no copy of a photo's megapixels); raises if empty."""
        if self._picture is None:
            raise ValueError("no picture is open")
        return self._picture

    def serial(self) -> int:
        """Changes whenever the picture is set or cleared."""
        return self._serial

    def is_empty(self) -> bool:
        return self._picture is None

    def set_placeholder(self, text: str) -> None:
        self._placeholder = text
        self.update()

    def placeholder(self) -> str:
        return self._placeholder

    def apply_theme(self) -> None:
        t = palette.theme()
        self._colors = {"background": QColor(t.background), "frame": QColor(t.muted)}
        self.update()

    def picture_rect(self) -> QRect:
        """Where the picture is drawn: the largest rectangle of its proportions that fits."""
        room = self.rect().adjusted(_FRAME, _FRAME, -_FRAME, -_FRAME)
        if self._qimage is None:
            side = max(1, min(room.width(), room.height()))
            return QRect(room.center().x() - side // 2, room.center().y() - side // 2, side, side)
        iw, ih = self._qimage.width(), self._qimage.height()
        scale = min(room.width() / iw, room.height() / ih)
        w, h = max(1, int(iw * scale)), max(1, int(ih * scale))
        return QRect(room.x() + (room.width() - w) // 2, room.y() + (room.height() - h) // 2, w, h)

    def sizeHint(self) -> QSize:
        return QSize(320, 320)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if _local_file(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        path = _local_file(event)
        if path:
            event.acceptProposedAction()
            self.dropped.emit(path)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), self._colors["background"])
        r = self.picture_rect()
        if self._qimage is not None:
            small = self._qimage.width() * 2 <= r.width()
            # A data-set-sized picture shows its pixels (as the tiles do); a photo is smoothed.
            p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, not small)
            p.drawImage(QRectF(r), self._qimage, QRectF(self._qimage.rect()))
        p.setPen(QPen(self._colors["frame"], _FRAME))
        p.drawRect(QRectF(r).adjusted(-_FRAME / 2, -_FRAME / 2, _FRAME / 2, _FRAME / 2))
        if self._qimage is None and self._placeholder:
            paint_hint(p, self, r, self._placeholder, self._colors["frame"])
        p.end()


class PicturePanel(QWidget):
    """The picture input with its buttons: Open picture… and Clear.

    Signals
    -------
    picture_changed
        The picture was opened, dropped or cleared.
    failed : str
        One line saying why a picture could not be opened.
    """

    picture_changed = Signal()
    failed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.input = PictureInput(self)
        self.open_button = QPushButton("Open picture…", self)
        self.clear_button = QPushButton("Clear", self)
        for b in (self.open_button, self.clear_button):
            b.setFont(palette.font(palette.BASE_POINT_SIZE))
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button, 2)
        buttons.addWidget(self.clear_button, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.input, 1)
        layout.addLayout(buttons)
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.clear_button.clicked.connect(self._on_clear_button_clicked)
        self.input.dropped.connect(self.open_file)
        self.input.picture_changed.connect(self.picture_changed)

    def apply_theme(self) -> None:
        self.input.apply_theme()

    def open_file(self, path: str) -> bool:
        """Read and show the picture at ``path``; on failure emit ``failed`` and keep the old."""
        try:
            picture = read_picture(path)
        except PictureError as exc:
            self.failed.emit(str(exc))
            return False
        self.input.set_picture(picture)
        return True

    def ask_path(self) -> str:
        """The picture the user picks; "" when cancelled. Tests replace it (no modal dialog)."""
        path, _ = QFileDialog.getOpenFileName(self, "Open picture", "", PICTURE_FILTER)
        return path

    def _on_open_button_clicked(self) -> None:
        path = self.ask_path()
        if path:
            self.open_file(path)

    def _on_clear_button_clicked(self) -> None:
        self.input.set_picture(None)
