"""A plot legend that lives beside the plot area, never on the data.

pyqtgraph's legend floats over the view box and hides whatever lies under it: on a small loss
plot a VAE's five entries covered nearly all the curves. This one takes a cell of the plot
item's own layout (under the axes, or right of them when that leaves the data more room) and
flows its entries into as many columns as fit there.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import pyqtgraph as pg
from PySide6.QtCore import QRectF, QSizeF, Qt, QTimer

# Cells (row, column, row span, column span) of PlotItem's grid, whose rows are title, top
# axis, view box, bottom axis and columns left axis, view box, right axis: a row under them all,
# or a column right of them all.
BOTTOM = (4, 0, 1, 3)
RIGHT = (0, 3, 4, 1)
_ALIGN = {BOTTOM: Qt.AlignmentFlag.AlignCenter, RIGHT: Qt.AlignmentFlag.AlignVCenter}
_SWITCH_GAIN = 1.15  # change sides only for this much more plot area: no flip-flop on resize
# Smaller legend text, tried in turn while the legend would take over half the plot's room in
# width or height (a VAE's five entries in a 320x180 loss plot). Never below 70%: it must read.
_TEXT_SCALES = (1.0, 0.85, 0.7)
_MOST = 0.5


class _Fit(NamedTuple):
    cell: tuple[int, int, int, int]
    columns: int
    scale: float
    kept: float  # the fraction of the room's squeezed side left to the plot


class OutsideLegend(pg.LegendItem):
    """A legend placed in ``plot``'s layout, outside its view box, and set as ``plot.legend``
    (so ``plot.addItem`` of a named item lists it, as with ``PlotItem.addLegend``).

    Entries are arranged in balanced rows under the plot, or in a column to its right when the
    plot is wide and short enough that this leaves the view box more area; in a very small
    plot its text shrinks a little first. It never moves into the view box, and dragging it
    does nothing.
    """

    def __init__(self, plot: pg.PlotItem, **kwargs: Any) -> None:
        super().__init__(offset=None, **kwargs)
        self.layout.setContentsMargins(4, 2, 4, 2)  # the style's default is a 10 px frame
        self._plot = plot
        self._cell = BOTTOM
        self._scale = 1.0
        self._text_pt = _points(self.opts["labelTextSize"])
        self._fitting = False
        plot.legend = self
        plot.layout.addItem(self, *self._cell, alignment=_ALIGN[self._cell])
        plot.vb.sigResized.connect(self._on_vb_resized)
        self.visibleChanged.connect(self._fit)  # a hidden legend keeps no room

    def side(self) -> str:
        """``"bottom"`` or ``"right"``: where the legend is."""
        return "bottom" if self._cell == BOTTOM else "right"

    def text_scale(self) -> float:
        """The factor applied to the labels' text size to fit a small plot (1 when it fits)."""
        return self._scale

    def setLabelTextSize(self, size: str) -> None:
        """Set the labels' text size (``"12pt"``); a small plot may show them smaller."""
        self._text_pt = _points(size)
        self._set_text_scale(self._scale)

    # pyqtgraph calls updateSize after every change of entries; a floating legend sets its own
    # geometry there, this one asks its plot's layout for room.
    def updateSize(self) -> None:
        if self._fitting:
            self._apply_size()
            return
        self._fit()
        # Entries are placed now, not at the next layout pass: a click right after a change
        # finds them where they are drawn.
        self._plot.layout.activate()

    def addItem(self, item: Any, name: str) -> None:
        self.opts["labelTextSize"] = self._scaled(self._scale)  # new labels at the fitted size
        super().addItem(item, name)

    def hoverEvent(self, ev: Any) -> None:
        pass  # no drag: the layout places it

    def mouseDragEvent(self, ev: Any) -> None:
        ev.ignore()

    def _on_vb_resized(self, *_: object) -> None:
        self._fit()

    def _scaled(self, scale: float) -> str:
        return f"{max(1.0, round(self._text_pt * scale, 1)):g}pt"

    def _size_for(self, columns: int, scale: float) -> QSizeF:
        """The legend's size with its entries in ``columns`` columns, filled row by row (as
        pyqtgraph's LegendItem fills them), with text at ``scale``, without laying them out."""
        hint = Qt.SizeHint.PreferredSize
        grow = scale / self._scale  # labels are measured at the scale they have now
        widths = [0.0] * (2 * columns)
        heights: list[float] = []
        for i, (sample, label) in enumerate(self.items):
            s, lab = sample.effectiveSizeHint(hint), label.effectiveSizeHint(hint)
            col, row = 2 * (i % columns), i // columns
            widths[col] = max(widths[col], s.width())
            widths[col + 1] = max(widths[col + 1], lab.width() * grow)
            if row == len(heights):
                heights.append(0.0)
            heights[row] = max(heights[row], s.height(), lab.height() * grow)
        used = [w for w in widths if w > 0]
        left, top, right, bottom = self.layout.getContentsMargins()
        gap_x, gap_y = self.layout.horizontalSpacing(), self.layout.verticalSpacing()
        return QSizeF(
            sum(used) + gap_x * (len(used) - 1) + left + right,
            sum(heights) + gap_y * (len(heights) - 1) + top + bottom,
        )

    def _best(self, scale: float) -> _Fit:
        """Where the legend leaves the view box the most area, with text at ``scale``."""
        n = len(self.items)
        whole = self._plot.contentsRect()
        # A legend too wide for the widget widens the plot item past it (the item's minimum
        # follows the legend's): measure against what the widget shows, not the item.
        view = self._plot.getViewWidget()
        shown = view.viewport().width() if view is not None else whole.width()
        whole_w = min(whole.width(), shown) if shown > 0 else whole.width()
        width, height = self._room()
        sizes = {c: self._size_for(c, scale) for c in range(1, n + 1)}
        # Under the plot: as few rows as fit its width, the entries spread evenly.
        across = max([c for c in sizes if sizes[c].width() <= whole_w], default=1)
        across = math.ceil(n / math.ceil(n / across))
        left_h = max(height - sizes[across].height(), 0.0)
        # Beside it: as few columns as fit its height.
        down = min([c for c in sizes if sizes[c].height() <= whole.height()], default=n)
        left_w = max(width - sizes[down].width(), 0.0)
        below = _Fit(BOTTOM, across, scale, left_h / height if height else 0.0)
        beside = _Fit(RIGHT, down, scale, left_w / width if width else 0.0)
        gain = (left_w * height) / max(width * left_h, 1e-9)
        if self._cell == BOTTOM:
            return beside if gain > _SWITCH_GAIN else below
        return below if gain * _SWITCH_GAIN <= 1.0 else beside

    def _fit(self) -> None:
        """Choose the side, the number of columns and the text size for the plot's room."""
        if self._fitting:
            return
        self._fitting = True
        try:
            if self.items and self.isVisible():
                fit = self._best(_TEXT_SCALES[0])
                for scale in _TEXT_SCALES[1:]:
                    if fit.kept >= _MOST:
                        break
                    fit = self._best(scale)
                if fit.scale != self._scale:
                    self._set_text_scale(fit.scale)
                    fit = self._best(fit.scale)  # measured, not scaled: padding does not scale
                self.setColumnCount(fit.columns)
                self._move_to(fit.cell)
            self._apply_size()
        finally:
            self._fitting = False

    def _set_text_scale(self, scale: float) -> None:
        self._scale = scale
        super().setLabelTextSize(self._scaled(scale))
        for _, label in self.items:  # setAttr alone leaves the text as it was rendered
            label.setText(label.text)

    def _room(self) -> tuple[float, float]:
        """Width and height the view box and the legend share: the plot item less its axes
        and title (measured from the plot, not the view box, which lags the legend's moves).
        """
        plot = self._plot
        rect = plot.contentsRect()
        width, height = rect.width(), rect.height()
        for name in ("left", "right"):
            axis = plot.getAxis(name)
            width -= axis.width() if axis.isVisible() else 0.0
        for name in ("top", "bottom"):
            axis = plot.getAxis(name)
            height -= axis.height() if axis.isVisible() else 0.0
        if plot.titleLabel.isVisible():
            height -= plot.titleLabel.height()
        return max(width, 0.0), max(height, 0.0)

    def _move_to(self, cell: tuple[int, int, int, int]) -> None:
        if cell == self._cell:
            return
        layout = self._plot.layout
        layout.removeItem(self)
        layout.addItem(self, *cell, alignment=_ALIGN[cell])
        self._cell = cell

    def _apply_size(self) -> None:
        if self.items and self.isVisible():
            self.layout.invalidate()
            hint = self.layout.preferredSize()
        else:
            hint = QSizeF(0, 0)
        self.setMinimumSize(hint)
        self.setMaximumSize(hint)
        self.updateGeometry()


def _points(size: str) -> float:
    """12.0 for ``"12pt"``."""
    return float(str(size).strip().removesuffix("pt"))


def keep_in_view(widget: pg.PlotWidget) -> None:
    """Keep ``widget``'s plot item as large as the widget shows, no larger.

    Qt grows a top-level graphics widget to its layout's minimum whenever that minimum grows
    (a long title, a legend in one row, for a moment), and pyqtgraph sets the item's size back
    only when the widget itself is resized: the plot then stayed wider than its widget, its
    title and legend cut at the edge. Once the minimum allows it, the item fits again.
    """
    item = widget.getPlotItem()
    pending = [False]

    def fit() -> None:
        pending[0] = False
        room = widget.viewport().rect()
        if room.width() > 0 and item.geometry().width() > room.width() + 0.5:
            # GraphicsView's own setRange (PlotWidget's name forwards to the view box), as
            # its resizeEvent calls it.
            rect = QRectF(0, 0, widget.width(), widget.height())
            pg.GraphicsView.setRange(widget, rect, padding=0, disableAutoPixel=False)
            widget.updateMatrix()

    def on_geometry_changed() -> None:
        if not pending[0] and item.geometry().width() > widget.viewport().width() + 0.5:
            pending[0] = True
            QTimer.singleShot(0, fit)  # after the layout pass that grew it

    item.geometryChanged.connect(on_geometry_changed)
