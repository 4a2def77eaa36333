"""The latent view's points: one scatter item drawn in runs by class, a legend entry per class."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject

from aeviewer.gui import palette
from aeviewer.gui.widgets.latent_items import QuietScatter
from aeviewer.gui.widgets.plot_legend import OutsideLegend

POINT_PX = max(8, round(palette.BASE_POINT_SIZE * 0.75))  # data points: readable, not blobs
LEGEND_SYMBOL_PX = 15  # a legend entry's marker: its shape must read from the back row


class ClassScatter(QObject):
    """Points coloured and shaped by class in one :class:`QuietScatter` (:attr:`points`, later
    classes on top), and an empty item per class as its entry in ``legend``: a click on the
    entry hides or shows the class.

    One item rather than one per class: every paint of the view paid each item's culling and
    coordinate mapping, a third of a 10-class paint.
    """

    def __init__(self, legend: OutsideLegend, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.points = QuietScatter(pxMode=True, useCache=True, pen=None)
        self.points.setSize(POINT_PX)
        self._legend = legend
        self._x = self._y = np.empty(0)
        self._labels: np.ndarray | None = None
        self._names: tuple[str, ...] = ()
        self._index: dict[int | None, np.ndarray] = {}
        # An empty item per class: its legend sample, and visible unless its entry was clicked.
        self._classes: dict[int | None, pg.ScatterPlotItem] = {}
        self._runs: dict[int | None, slice] = {}  # each class's rows in the points item
        self._legend_key: tuple[Any, ...] | None = None

    def set(
        self, x: np.ndarray, y: np.ndarray, labels: np.ndarray | None, names: Sequence[str]
    ) -> None:
        """Show points ``x``, ``y`` (NaN: not drawn) of int ``labels``, or of one class if None;
        ``names`` are the legend's names by label (otherwise numbers)."""
        self._x, self._y = x, y
        self._names = tuple(names)
        self._update_index(labels, len(x))
        for key in [k for k in self._classes if k not in self._index]:
            del self._classes[key]
        for key in self._index:
            if key not in self._classes:
                label = 0 if key is None else key
                proxy = pg.ScatterPlotItem(
                    pen=None,
                    brush=palette.class_brush(label),
                    symbol=palette.class_symbol(label),
                    size=LEGEND_SYMBOL_PX,
                )
                proxy.visibleChanged.connect(self._draw)  # its legend entry clicked
                self._classes[key] = proxy
        self._draw()
        self._update_legend()

    def labels(self) -> np.ndarray | None:
        """The labels of the points, or ``None`` when unlabelled."""
        return self._labels

    def class_name(self, label: int, noun: str = "") -> str:
        """The name of ``label``: its class name, else ``noun`` and the number."""
        if 0 <= label < len(self._names):
            return str(self._names[label])
        return f"{noun} {label}" if noun else str(label)

    def hidden_rows(self) -> list[np.ndarray]:
        """The rows of each class hidden from the legend."""
        return [self._index[k] for k, proxy in self._classes.items() if not proxy.isVisible()]

    def class_items(self) -> dict[int | None, pg.ScatterPlotItem]:
        """Each class present (key ``None`` when unlabelled): its legend sample."""
        return dict(self._classes)

    def drawn_points(self, key: int | None) -> np.ndarray:
        """The (M, 2) positions drawn for class ``key``."""
        run = self._runs.get(key)
        if run is None:
            return np.empty((0, 2))
        data = self.points.data
        return np.column_stack([data["x"][run], data["y"][run]])

    def _draw(self) -> None:
        """Put the shown classes' points in the points item, in class order (later on top)."""
        keys = [k for k in self._index if self._classes[k].isVisible()]
        xs, ys, counts, self._runs = [], [], [], {}
        start = 0
        for k in keys:
            x, y = self._x[self._index[k]], self._y[self._index[k]]
            keep = np.isfinite(x + y)
            if not keep.all():  # a diverged run: rows stay aligned, only finite points drawn
                x, y = x[keep], y[keep]
            xs.append(x)
            ys.append(y)
            counts.append(len(x))
            self._runs[k] = slice(start, start + len(x))
            start += len(x)
        if not start:
            self.points.clear()
            return
        brushes = [self._classes[k].opts["brush"] for k in keys]
        symbols = [self._classes[k].opts["symbol"] for k in keys]
        self.points.set_runs(np.concatenate(xs), np.concatenate(ys), counts, brushes, symbols)

    def _update_index(self, labels: np.ndarray | None, n: int) -> None:
        if labels is None:
            self._labels = None
            self._index = {None: np.arange(n)} if n else {}
            return
        lab = np.asarray(labels).reshape(-1).astype(np.int64, copy=False)
        if lab.shape[0] != n:
            raise ValueError(f"{lab.shape[0]} labels for {n} points")
        if self._labels is not None and np.array_equal(lab, self._labels):
            return  # the live case: same samples, new positions: reuse the per-class rows
        self._labels = lab.copy()
        self._index = {int(c): np.flatnonzero(lab == c) for c in np.unique(lab)}

    def _update_legend(self) -> None:
        keys = tuple(k for k in self._index if k is not None)
        key = (keys, tuple(self.class_name(k) for k in keys))
        if key == self._legend_key:
            return
        self._legend_key = key
        self._legend.clear()
        self._legend.setVisible(bool(keys))
        for k in keys:
            self._legend.addItem(self._classes[k], self.class_name(k))
