"""Extra layers over the latent view (trails), and the shortcuts help overlay."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

from aeviewer.gui import palette


class TrailsOverlay:
    """Lines showing how chosen samples' codes moved over the epochs, on a PlotWidget."""

    def __init__(self, plot: pg.PlotWidget) -> None:
        self._plot = plot
        self._items: list[pg.PlotDataItem] = []

    def set_trails(self, trails: Sequence[np.ndarray], labels: Sequence[int] = ()) -> None:
        """One polyline per (E, 2) array; coloured by class label when given; ends dotted."""
        while len(self._items) < len(trails):
            item = pg.PlotDataItem(symbol="o", symbolSize=7, symbolPen=None)
            item.setZValue(5)
            self._plot.addItem(item)
            self._items.append(item)
        for i, item in enumerate(self._items):
            if i >= len(trails) or len(trails[i]) == 0:
                item.hide()
                continue
            xy = np.asarray(trails[i], np.float64)
            color = (
                palette.class_color(labels[i])
                if i < len(labels)
                else QColor(palette.theme().accent)
            )
            item.setData(
                xy[:, 0], xy[:, 1], pen=pg.mkPen(color, width=3), symbolBrush=pg.mkBrush(color)
            )
            item.show()

    def count(self) -> int:
        return sum(1 for it in self._items if it.isVisible())

    def clear(self) -> None:
        self.set_trails([])


SHORTCUTS = (
    ("Space", "start / pause"),
    ("S", "one batch (step)"),
    ("R", "reset"),
    ("Esc", "stop (or leave presenter mode)"),
    ("← →", "scrub the time machine"),
    ("P", "replay the run"),
    ("L", "log-scale loss"),
    ("T", "latent trails on / off"),
    ("F11", "presenter mode"),
    ("F1 or ?", "this help"),
    ("Ctrl+O / Ctrl+S", "open data / save session"),
)


class HelpOverlay(QWidget):
    """A translucent sheet over the window listing the keyboard shortcuts; any key closes it."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, False)
        self.hide()

    def toggle(self) -> None:
        if self.isVisible():
            self.hide()
        else:
            parent = self.parentWidget()
            if parent is not None:
                self.setGeometry(parent.rect())
            self.raise_()
            self.show()

    def mousePressEvent(self, event: object) -> None:
        self.hide()

    def paintEvent(self, event: QPaintEvent) -> None:
        t = palette.theme()
        p = QPainter(self)
        bg = QColor(t.background)
        bg.setAlpha(235)
        p.fillRect(self.rect(), bg)
        p.setPen(QColor(t.foreground))
        title = palette.font(28, bold=True)
        p.setFont(title)
        top = self.height() // 2 - 40 * len(SHORTCUTS) // 2 - 60
        p.drawText(0, top, self.width(), 60, Qt.AlignmentFlag.AlignCenter, "Keyboard shortcuts")
        p.setFont(palette.font(20))
        cx = self.width() // 2
        for i, (key, what) in enumerate(SHORTCUTS):
            y = top + 80 + 40 * i
            p.setPen(QColor(t.accent))
            p.drawText(
                cx - 420,
                y,
                400,
                40,
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                key,
            )
            p.setPen(QColor(t.foreground))
            p.drawText(
                cx + 20,
                y,
                500,
                40,
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                what,
            )
        p.setPen(QColor(t.muted))
        p.setFont(palette.font(14))
        p.drawText(
            0,
            top + 100 + 40 * len(SHORTCUTS),
            self.width(),
            40,
            Qt.AlignmentFlag.AlignCenter,
            "click or press any key to close",
        )
        p.end()
