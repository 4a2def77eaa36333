"""A plot title that fits its plot: as it is, else broken after its colon, else shortened.

pyqtgraph centres a title over the view box and cuts it at the widget's edges when it is
wider ("Reconstruction error (M" in a narrow lesson panel); a fitted title is set again
whenever the plot is resized.
"""

from __future__ import annotations

import html

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFont, QFontMetrics


def fit_title(text: str, metrics: QFontMetrics, width: int) -> tuple[str, ...]:
    """``text`` in lines no wider than ``width``: as it is, else broken after its colon
    (a title and what a click does), each line shortened with "…" only if it still overflows."""
    if metrics.horizontalAdvance(text) <= width:
        return (text,)
    head, sep, tail = text.partition(": ")
    lines = [head + sep.rstrip(), tail] if tail else [text]
    mode = Qt.TextElideMode.ElideRight
    return tuple(metrics.elidedText(line, mode, width) for line in lines)


class FittedTitle(QObject):
    """The title of ``plot``, fitted to the width over its view box at every resize."""

    def __init__(self, plot: pg.PlotWidget) -> None:
        super().__init__(plot)
        self._plot = plot
        self._text = ""
        self._font = QFont()
        self._color = ""
        self._shown: tuple[tuple[str, ...], int, str] | None = None  # lines, size, colour
        plot.installEventFilter(self)

    def set(self, text: str, font: QFont, color: str) -> None:
        """Show ``text`` in ``font`` and ``color`` (``""`` hides the title)."""
        self._text, self._font, self._color = text, QFont(font), color
        self.refit()

    def text(self) -> str:
        return self._text

    def lines(self) -> tuple[str, ...]:
        """The lines shown now."""
        return self._shown[0] if self._shown else ()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # A panel being torn down can deliver a resize to a wrapper whose attributes are
        # already gone (PySide6): nothing to fit then.
        plot = self.__dict__.get("_plot")
        if plot is not None and watched is plot and event.type() == QEvent.Type.Resize:
            self.refit()
        return False

    def refit(self) -> None:
        item = self._plot.getPlotItem()
        if not self._text:
            self._shown = None
            item.setTitle(None)
            return
        metrics = QFontMetrics(self._font)
        # The title sits over the view box's column: the widget less the axes beside it.
        axes = sum(
            item.getAxis(n).width() for n in ("left", "right") if item.getAxis(n).isVisible()
        )
        room = max(80, int(self._plot.width() - axes - 16))
        lines = fit_title(self._text, metrics, room)
        shown = (lines, self._font.pointSize(), self._color)
        if shown == self._shown:
            return  # a resize that changes nothing: no relayout of the plot
        self._shown = shown
        size = f"{self._font.pointSize()}pt"
        item.setTitle("<br>".join(html.escape(t) for t in lines), color=self._color, size=size)
        # pyqtgraph gives the title one 30 px row: a wrapped title needs a row per line.
        height = max(30, metrics.lineSpacing() * len(lines) + 8)
        item.titleLabel.setMaximumHeight(height)
        item.layout.setRowFixedHeight(0, height)


def fitted_title(plot: pg.PlotWidget) -> FittedTitle:
    """``plot``'s fitted title, made on first use."""
    found = plot.findChild(FittedTitle)
    return found if found is not None else FittedTitle(plot)
