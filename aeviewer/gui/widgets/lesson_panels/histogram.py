"""Stacked histograms (reconstruction errors, sparse activations), an optional draggable
threshold, and the worst reconstructions under them.

Anomaly detection lesson: the lecturer drags the threshold along the error histogram and the
main window shows which samples lie above it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from aeviewer.gui import palette
from aeviewer.gui.widgets.lesson_panels._base import (
    LessonPanel,
    legend_fill,
    make_plot,
    saved_number,
    style_plot,
)
from aeviewer.gui.widgets.lesson_panels._image_rows import ImageRows

__all__ = ["HistogramPanel"]

_PLOT_MIN_WIDTH = 300
_BESIDE_MAX = 470  # six 72-px examples and their spacing
_PLOT_MIN_HEIGHT = 120  # two of them, titled, fit a 1080p lesson dock
_LINE_PX = 3.0
_BAR_ALPHA = 150


class HistogramPanel(LessonPanel):
    """One histogram plot per item, stacked, with an optional threshold on the first.

    Parameters
    ----------
    parent : QWidget, optional
        Parent widget.
    title : str
        Heading above the plots (``""`` for none).
    examples_beside : bool
        Put the worst reconstructions to the right of the plots rather than under them (a
        short dock keeps the histogram's axis and the examples on screen).
    threshold_range : tuple of float, optional
        The values a threshold dragged on these histograms can take, e.g. ``(0, 1)`` for the
        MSE of samples in [0, 1]: :meth:`state` keeps the threshold and :meth:`restore_state`
        brings back one in this range. ``None``: the panel keeps no threshold.

    Signals
    -------
    threshold_changed(float)
        The user dragged the threshold line to a new value; :meth:`set_threshold` does not
        emit it.
    """

    threshold_changed = Signal(float)

    def __init__(
        self,
        parent: QWidget | None = None,
        title: str = "",
        examples_beside: bool = False,
        threshold_range: tuple[float, float] | None = None,
    ) -> None:
        super().__init__(title, parent)
        self._setting = False
        self._threshold_range = threshold_range
        self._plots: list[pg.PlotWidget] = []
        self._curves: list[pg.PlotDataItem] = []
        self._counts: list[np.ndarray] = []
        self._edges: list[np.ndarray] = []
        self._titles: list[str] = []
        self._count = 0
        self._threshold_on = False

        self._plots_layout = QVBoxLayout()
        self._plots_layout.setSpacing(4)
        self._line = pg.InfiniteLine(
            angle=90,
            movable=True,
            label="threshold {value:.3g}",
            # Beside the line, on a side where it fits (_place_label): centred on it, or
            # always on its left, the text was cut by the plot's edge.
            labelOpts={"position": 0.88, "movable": True, "anchors": [(1, 0.5), (1, 0.5)]},
        )
        self._line.label.setFont(palette.font(13))
        self._line.setZValue(20)
        self._line.hide()
        self._line.sigPositionChanged.connect(self._on_line_position_changed)
        first = self._ensure_plot(0).getPlotItem()
        first.addItem(self._line, ignoreBounds=True)
        first.vb.sigResized.connect(self._place_label)
        first.vb.sigXRangeChanged.connect(self._place_label)
        self._plots[0].hide()

        self._examples_heading = self._styled_label("Worst reconstructions", "row")
        self._examples_heading.setWordWrap(False)  # wrapped labels can be squeezed under plots
        # Beside the plots, the rows' titles go above them: a title column would take the
        # width the histogram needs.
        self._examples = ImageRows(self, headers_above=examples_beside)
        self._examples_reason = self._styled_label("", "hint")  # set_examples_unavailable
        examples = QVBoxLayout()
        examples.addWidget(self._examples_heading)
        examples.addWidget(self._examples)
        examples.addWidget(self._examples_reason)
        if examples_beside:
            examples.addStretch(1)
            # The examples' tiles would take all the width they like: the histogram keeps
            # at least half of it.
            self._examples.setMaximumWidth(_BESIDE_MAX)
            self._examples_heading.setMaximumWidth(_BESIDE_MAX)
            self._examples_reason.setMaximumWidth(_BESIDE_MAX)
            self._examples_heading.setWordWrap(True)
            layout: QHBoxLayout | QVBoxLayout = QHBoxLayout(self.content())
            layout.addLayout(self._plots_layout, 1)
            layout.addLayout(examples, 0)
        else:
            layout = QVBoxLayout(self.content())
            layout.addLayout(self._plots_layout, 1)
            layout.addLayout(examples)
        layout.setContentsMargins(0, 0, 0, 0)
        self._update_examples_visibility()
        self.apply_theme()

    # ----------------------------------------------------------------- histograms
    def set_histograms(self, items: Sequence[tuple[str, np.ndarray, np.ndarray]]) -> None:
        """Show one histogram per item, top to bottom; plots are reused between calls.

        Parameters
        ----------
        items : sequence of (str, np.ndarray, np.ndarray)
            ``(title, edges, counts)`` with ``edges`` of shape ``(B + 1,)`` and ``counts`` of
            shape ``(B,)``, e.g. from ``numpy.histogram``. An empty sequence hides every plot.
        """
        for i, (title, edges, counts) in enumerate(items):
            e = np.asarray(edges, dtype=np.float64).reshape(-1)
            c = np.asarray(counts, dtype=np.float64).reshape(-1)
            if e.shape[0] != c.shape[0] + 1 or c.shape[0] == 0:
                raise ValueError(f"{title!r}: need B + 1 edges for B >= 1 counts, got {e.shape}")
            plot = self._ensure_plot(i)
            self._titles[i] = title
            self._counts[i], self._edges[i] = c.copy(), e.copy()
            self._curves[i].setData(e, c, stepMode="center", fillLevel=0)
            vb = plot.getPlotItem().vb
            vb.setXRange(float(e[0]), float(e[-1]), padding=0.02)
            vb.setYRange(0.0, max(1.0, float(c.max())), padding=0.05)
        self._count = len(items)
        for i, plot in enumerate(self._plots):
            plot.setVisible(i < self._count)
        self._style_plots()
        self._refresh_message()

    def plot_count(self) -> int:
        """The number of histograms shown."""
        return self._count

    def plot_titles(self) -> list[str]:
        """The titles of the histograms shown."""
        return self._titles[: self._count]

    def histogram(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        """Copies of the ``(edges, counts)`` of histogram ``index``."""
        if not 0 <= index < self._count:
            raise IndexError(f"no histogram {index}: {self._count} shown")
        return self._edges[index].copy(), self._counts[index].copy()

    def plot_widget(self, index: int) -> pg.PlotWidget:
        """The plot of histogram ``index``."""
        return self._plots[index]

    # ----------------------------------------------------------------- threshold
    def set_threshold(self, value: float | None) -> None:
        """Show the draggable threshold line at ``value`` on the first plot (``None`` hides it).

        Does not emit ``threshold_changed``.
        """
        self._threshold_on = value is not None
        # Shown first: a hidden line's label skips the update and keeps its old number.
        self._line.setVisible(self._threshold_on)
        if value is not None:
            self._setting = True
            try:
                self._line.setValue(float(value))
            finally:
                self._setting = False

    def threshold(self) -> float | None:
        """The threshold's value, or ``None`` when it is hidden."""
        return float(self._line.value()) if self._threshold_on else None

    def threshold_line(self) -> pg.InfiniteLine:
        """The threshold line (for tests: ``setValue`` on it acts as a drag)."""
        return self._line

    def state(self) -> dict[str, Any]:
        """The threshold, where the panel keeps one and it shows."""
        value = self.threshold()
        keeps = self._threshold_range is not None and value is not None
        return {"threshold": value} if keeps else {}

    def restore_state(self, state: Mapping[str, Any]) -> None:
        """Show the saved threshold, silently, if it lies in the panel's ``threshold_range``
        (a panel built without one restores none)."""
        if self._threshold_range is None:
            return
        value = saved_number(state, "threshold", *self._threshold_range)
        if value is not None:
            self.set_threshold(value)

    # ----------------------------------------------------------------- examples
    def set_examples(
        self,
        originals: np.ndarray | None,
        recons: np.ndarray | None,
        captions: Sequence[str] = (),
        title: str = "Worst reconstructions",
    ) -> None:
        """Show originals over their reconstructions under the plots.

        Parameters
        ----------
        originals, recons : np.ndarray or None
            ``(N, H, W)`` or ``(N, H, W, 3)`` images in [0, 1] with the same ``N``; ``None``
            (both) hides the row.
        captions : sequence of str
            One per example, under the reconstruction, e.g. ``"error 0.081"``.
        title : str
            The line above the examples.
        """
        if (originals is None) != (recons is None):
            raise ValueError("give both originals and reconstructions, or neither")
        if originals is None or recons is None:
            self._examples.set_rows([])
        else:
            if len(originals) != len(recons):
                raise ValueError(f"{len(originals)} originals for {len(recons)} reconstructions")
            rows = [("Original", originals), ("Reconstruction", recons)]
            self._examples.set_rows(rows, captions=[[], list(captions)])
        self._examples_heading.setText(title)
        self._update_examples_visibility()
        self._refresh_message()

    def set_examples_unavailable(self, reason: str) -> None:
        """Say in one line, in place of the examples, why there are none (``""`` hides it).

        E.g. "The worst reconstructions need an image data set: synthetic3d holds 3-D
        points": the histogram still shows.
        """
        self._examples_reason.setText(reason)
        self._update_examples_visibility()

    def examples_unavailable(self) -> str:
        """The line shown in place of the examples (``""`` when none)."""
        return self._examples_reason.text()

    def example_count(self) -> int:
        """The number of original/reconstruction pairs shown."""
        return len(self._examples.tiles(0))

    def example_rows(self) -> ImageRows:
        """The rows of example tiles (row 0 originals, row 1 reconstructions)."""
        return self._examples

    # ----------------------------------------------------------------- theme
    def apply_theme(self) -> None:
        """Re-read the theme: plots, bars, threshold line, labels and example tiles."""
        super().apply_theme()
        t = palette.theme()
        self._style_plots()
        for curve in self._curves:
            self._style_curve(curve)
        self._line.setPen(palette.pen(t.accent, _LINE_PX))
        self._line.setHoverPen(palette.pen(t.accent, 2 * _LINE_PX))
        self._line.label.setColor(t.foreground)
        self._line.label.fill = legend_fill()
        self._line.label.update()
        self._examples.apply_theme()

    # ----------------------------------------------------------------- internals
    def _has_data(self) -> bool:
        return self._count > 0 or self.example_count() > 0

    def _ensure_plot(self, index: int) -> pg.PlotWidget:
        while len(self._plots) <= index:
            plot = make_plot(mouse=False)  # a drag moves the threshold, never the view
            plot.setMinimumSize(_PLOT_MIN_WIDTH, _PLOT_MIN_HEIGHT)
            curve = pg.PlotDataItem(antialias=True)
            plot.getPlotItem().addItem(curve)
            self._plots.append(plot)
            self._curves.append(curve)
            self._counts.append(np.zeros(0))
            self._edges.append(np.zeros(0))
            self._titles.append("")
            self._plots_layout.addWidget(plot, 1)
            self._style_curve(curve)
        return self._plots[index]

    @staticmethod
    def _style_curve(curve: pg.PlotDataItem) -> None:
        t = palette.theme()
        bar = QColor(t.train)
        bar.setAlpha(_BAR_ALPHA)
        curve.setPen(palette.pen(t.train, 2.0))
        curve.setBrush(QBrush(bar))

    def _style_plots(self) -> None:
        for plot, title in zip(self._plots, self._titles, strict=True):
            style_plot(plot, y_label="count", title=title)

    def _update_examples_visibility(self) -> None:
        shown = self.example_count() > 0
        self._examples_heading.setVisible(shown)
        self._examples.setVisible(shown)
        self._examples_reason.setVisible(not shown and bool(self._examples_reason.text()))

    # ----------------------------------------------------------------- slots
    def _place_label(self, *_: object) -> None:
        """Keep the threshold's label on the plot: left of the line where it fits (a threshold
        sits in the right-hand tail), else right of it, else over it as little as it can."""
        label, vb = self._line.label, self._plots[0].getPlotItem().vb
        x = vb.mapFromView(pg.Point(float(self._line.value()), 0.0)).x()
        width = label.boundingRect().width()
        if width <= 0:
            return
        left = x - width if x >= width else x  # its left edge: left of the line, or right
        left = min(max(left, 0.0), max(vb.width() - width, 0.0))
        anchor = (min(max((x - left) / width, 0.0), 1.0), 0.5)
        label.anchors = [anchor, anchor]  # pyqtgraph picks one of the two at each update
        label.updatePosition()

    def _on_line_position_changed(self, line: pg.InfiniteLine) -> None:
        self._place_label()
        if not self._setting:
            self.threshold_changed.emit(float(line.value()))
