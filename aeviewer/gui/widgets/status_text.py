"""One line of text for the status bar that never asks the window for a new layout.

A ``QLabel`` asks its layout for new geometry at every ``setText``. The status line changes
20 times a second during training ("epoch 3/20 · batch 120/250 · 9,800 samples/s"), and with a
label each change relaid out and repainted the whole window, which clicks and strokes queued
behind (docs/performance.md). This widget keeps one size (a line of the current font) and only
repaints itself.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QStyle, QStyleOption, QWidget

__all__ = ["StatusText"]


class StatusText(QWidget):
    """A label-like line: :meth:`setText` and :meth:`text`, elided to the width it gets."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._text = text
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)  # the style sheet's

    def setText(self, text: str) -> None:
        """Show ``text`` (repaints this line only)."""
        if text != self._text:
            self._text = text
            self.update()

    def text(self) -> str:
        """The text shown (in full, even when the line elides it)."""
        return self._text

    def sizeHint(self) -> QSize:
        fm = self.fontMetrics()
        return QSize(fm.averageCharWidth() * 40, fm.height() + 4)

    def minimumSizeHint(self) -> QSize:
        return QSize(0, self.fontMetrics().height() + 4)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self.updateGeometry()  # a new font (presenter mode): a new height, once
        super().changeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        opt = QStyleOption()
        opt.initFrom(self)
        self.style().drawPrimitive(QStyle.PrimitiveElement.PE_Widget, opt, p, self)
        text = self.fontMetrics().elidedText(self._text, Qt.TextElideMode.ElideRight, self.width())
        flags = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        role = QPalette.ColorRole.WindowText
        self.style().drawItemText(p, self.rect(), flags, self.palette(), True, text, role)
        p.end()
