"""Graphics items of the latent view: a scatter that moves its points cheaply, and the markers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, QRectF, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QGraphicsItem

from aeviewer.gui import palette
from aeviewer.gui.throttle import Throttle

if TYPE_CHECKING:
    from aeviewer.gui.input_gate import InputGate

# The drawn digit's star follows the pen at most this often: moving it repaints the scatter,
# which must not delay each stroke's reconstruction. With an input gate (set_input_gate) it
# moves when the pen lifts (or each second of a long stroke), so no move waits for that repaint.
DRAWN_POINT_MS = 40


class QuietScatter(pg.ScatterPlotItem):
    """A scatter that ignores clicks and can move its points without a per-point rebuild."""

    data: np.ndarray  # pyqtgraph's record array: x, y, size, symbol, pen, brush, ..., sourceRect
    _rect: tuple[Any, Any, float, QRectF] | None = None
    _styles: tuple[Any, ...] = ()  # the (brush, symbol) of each run of the last set_runs
    _counts: tuple[int, ...] = ()

    def boundingRect(self) -> QRectF:
        """pyqtgraph's rectangle, cached until the data bounds or the view change.

        pyqtgraph computes it in Python from the view's pixel size, and the scene asks every
        item for it about seven times per click and per paint: uncached, most of a click's time
        (docs/performance.md). pyqtgraph makes new bounds objects whenever the data, the spot
        sizes or the view transform change, so identity is the cache key.
        """
        xb, yb = self.dataBounds(ax=0), self.dataBounds(ax=1)
        c = self._rect
        if c is not None and c[0] is xb and c[1] is yb and c[2] == self._maxSpotPxWidth:
            return QRectF(c[3])
        rect = super().boundingRect()
        self._rect = (xb, yb, self._maxSpotPxWidth, QRectF(rect))
        return rect

    def viewTransformChanged(self) -> None:
        self._rect = None
        super().viewTransformChanged()

    def mouseClickEvent(self, ev: Any) -> None:
        # The default builds a SpotItem per point to find the clicked ones (~90 ms at 70k).
        ev.ignore()

    def set_runs(
        self,
        x: np.ndarray,
        y: np.ndarray,
        counts: Sequence[int],
        brushes: Sequence[Any],
        symbols: Sequence[str],
    ) -> None:
        """Show points at ``x``, ``y`` in runs: the first ``counts[0]`` with ``brushes[0]`` and
        ``symbols[0]``, and so on, later runs drawn on top. ``setData`` looks up every point's
        symbol in the atlas (~1.5 µs a point); here one record per run is styled and copied to
        the run's points."""
        n = int(x.shape[0])
        if n == 0:
            self.clear()
            return
        styles = tuple(zip(brushes, symbols, strict=True))
        if self._styles != styles or len(self.data) != n or self._counts != tuple(counts):
            k = len(styles)
            self.setData(x=np.zeros(k), y=np.zeros(k), brush=list(brushes), symbol=list(symbols))
            data = np.repeat(self.data, counts)
            data["item"] = None
            self.data = data
            self._styles, self._counts = styles, tuple(counts)
        self._move(x, y)

    def move_point(self, x: float, y: float) -> None:
        """Move a one-point item (a marker) to (x, y): ``setData`` takes ~1 ms to restyle it."""
        if len(self.data) != 1:
            self.setData(x=[x], y=[y])
        else:
            self._move(x, y)

    def _move(self, x: Any, y: Any) -> None:
        self.data["x"] = x
        self.data["y"] = y
        self.bounds = [None, None]
        self.prepareGeometryChange()
        self.informViewBoundsChanged()
        self.invalidate()
        self.sigPlotChanged.emit(self)

    def clear(self) -> None:
        self._styles, self._counts = (), ()
        super().clear()


class Markers:
    """What is drawn over the points: a path, the highlight ring, the click crosshair and the
    drawn digit's star, which follows the pen at most every :data:`DRAWN_POINT_MS` ms.

    The owner adds :meth:`items` to its plot; ``parent`` owns the star's throttle.
    """

    def __init__(self, parent: QObject) -> None:
        self.path = pg.PlotCurveItem()
        self.highlight = QuietScatter(symbol="o", size=26, pxMode=True)
        self.click = QuietScatter(symbol="crosshair", size=34, pxMode=True)
        self.drawn = QuietScatter(symbol="star", size=34, pxMode=True)
        self._drawn_to: tuple[float, float] | None = None  # where the star goes at the next tick
        self._drawn_move = Throttle(self._move_drawn, DRAWN_POINT_MS, parent)

    def items(self) -> tuple[QGraphicsItem, ...]:
        """The marker items, bottom first."""
        return (self.path, self.highlight, self.click, self.drawn)

    def set_gate(self, gate: InputGate | None) -> None:
        """Let ``gate`` hold the star's moves while a stroke or a click is being answered."""
        self._drawn_move.set_gate(gate)

    def place(self, item: QuietScatter, x: float | None, y: float | None) -> None:
        """Show marker ``item`` at (x, y); ``None`` or a non-finite coordinate hides it."""
        if x is None or y is None or not (np.isfinite(x) and np.isfinite(y)):
            item.hide()
            return
        item.move_point(float(x), float(y))
        item.show()

    def set_drawn(self, x: float | None, y: float | None) -> None:
        """Put the star at (x, y) (``None`` hides it): at once when it appears or hides,
        else at the next throttled move."""
        if x is None or y is None or not self.drawn.isVisible():
            self._drawn_move.cancel()
            self._drawn_to = None
            self.place(self.drawn, x, y)
            return
        self._drawn_to = (float(x), float(y))
        self._drawn_move.request()

    def _move_drawn(self) -> None:
        if self._drawn_to is not None:
            self.place(self.drawn, *self._drawn_to)
            self._drawn_to = None

    def set_path(self, xy: np.ndarray | None) -> None:
        """Draw a polyline through ``xy`` (M, 2); ``None`` or no points hides it."""
        if xy is None or len(xy) == 0:
            self.path.hide()
            return
        pts = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
        self.path.setData(pts[:, 0], pts[:, 1])
        self.path.show()

    def position(self, which: str) -> tuple[float, float] | None:
        """Where marker ``"click"``, ``"drawn"`` or ``"highlight"`` is, or ``None`` if hidden."""
        items = {"click": self.click, "drawn": self.drawn}
        if which == "drawn" and self._drawn_move.pending():
            self._drawn_move.flush()  # where it is going: there, now
        item = items.get(which, self.highlight)
        if not item.isVisible() or len(item.data) == 0:
            return None
        return float(item.data["x"][0]), float(item.data["y"][0])

    def apply_theme(self) -> None:
        """Restyle the markers from :func:`palette.theme`."""
        t = palette.theme()
        accent = palette.pen(t.accent, 3.0)
        self.path.setPen(accent)
        self.click.setPen(accent)
        self.click.setBrush(QBrush(Qt.BrushStyle.NoBrush))
        self.highlight.setPen(palette.pen(t.marker, 3.0))
        self.highlight.setBrush(QBrush(Qt.BrushStyle.NoBrush))
        self.drawn.setPen(palette.pen(t.marker, 2.0))
        self.drawn.setBrush(QBrush(QColor(t.accent)))
