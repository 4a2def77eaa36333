"""PSNR against noise level, one line per model: does the denoising autoencoder clean better?

The corrupted input's own PSNR (:data:`aeviewer.core.analysis.NOISY_INPUT`) is the baseline:
drawn dashed in the muted colour so the models' lines stand out against it.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QPen
from PySide6.QtWidgets import QVBoxLayout, QWidget

from aeviewer.core.analysis import NOISY_INPUT
from aeviewer.gui import palette
from aeviewer.gui.widgets.lesson_panels._base import (
    LessonPanel,
    legend_fill,
    make_plot,
    style_plot,
)

__all__ = ["SERIES_HEX", "LadderPanel"]

# Model colours in order (the class palette's most distinct hues, projector-bright).
SERIES_HEX = ("#4e9bff", "#ff9f1c", "#2ec27e", "#ff5c5c", "#b48cff", "#27d3e6", "#ff7ad9")
_SYMBOLS = ("o", "s", "t", "d", "star", "h", "p")
_LINE_PX = 3.0
_SYMBOL_PX = 12
Y_LABEL = "PSNR (dB)"


class LadderPanel(LessonPanel):
    """A line plot of PSNR (dB) against noise level for several named series, with a legend.

    Parameters
    ----------
    parent : QWidget, optional
        Parent widget.
    title : str
        Heading above the plot (``""`` for none).
    """

    def __init__(self, parent: QWidget | None = None, title: str = "") -> None:
        super().__init__(title, parent)
        self._x_label = "noise σ"
        self._curves: dict[str, pg.PlotDataItem] = {}
        self._data: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._plot = make_plot(mouse=False)
        self._plot.setMinimumSize(400, 300)
        self._legend = self._plot.getPlotItem().addLegend(
            offset=(-10, 10), labelTextSize="13pt", verSpacing=-4
        )
        self._legend.hide()
        layout = QVBoxLayout(self.content())
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._plot, 1)
        self.apply_theme()

    # ----------------------------------------------------------------- public API
    def set_series(
        self,
        levels: np.ndarray,
        series: Mapping[str, np.ndarray],
        x_label: str = "noise σ",
    ) -> None:
        """Replace the lines.

        Parameters
        ----------
        levels : np.ndarray
            ``(L,)`` noise levels (x).
        series : mapping of str to np.ndarray
            Name -> ``(L,)`` PSNR values in dB, e.g. from
            :func:`aeviewer.core.analysis.psnr_ladder`; legend order follows the mapping.
        x_label : str
            Title of the x axis, e.g. ``"noise σ"`` or ``"masked fraction"``.
        """
        x = np.asarray(levels, dtype=np.float64).reshape(-1)
        data = {}
        for name, values in series.items():
            y = np.asarray(values, dtype=np.float64).reshape(-1)
            if y.shape != x.shape:
                raise ValueError(f"{name!r} has {y.shape[0]} values for {x.shape[0]} levels")
            data[name] = (x, y)
        item = self._plot.getPlotItem()
        for curve in self._curves.values():
            item.removeItem(curve)  # also leaves the legend
        self._curves.clear()
        self._data = data
        for name, (cx, cy) in data.items():
            curve = pg.PlotDataItem(cx, cy, name=name, antialias=True)
            item.addItem(curve)
            self._curves[name] = curve
        self._x_label = x_label
        self._style()
        self._legend.setVisible(bool(data))
        item.enableAutoRange()
        self._refresh_message()

    def series_names(self) -> list[str]:
        """The names of the lines shown, in legend order."""
        return list(self._curves)

    def series_data(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """Copies of the (levels, PSNR) values of line ``name``."""
        x, y = self._data[name]
        return x.copy(), y.copy()

    def plot_widget(self) -> pg.PlotWidget:
        """The plot."""
        return self._plot

    def apply_theme(self) -> None:
        """Re-read the theme: plot, lines, legend and labels."""
        super().apply_theme()
        self._style()

    # ----------------------------------------------------------------- internals
    def _has_data(self) -> bool:
        return bool(self._curves)

    def _style(self) -> None:
        t = palette.theme()
        style_plot(self._plot, self._x_label, Y_LABEL)
        models = 0
        for name, curve in self._curves.items():
            if name == NOISY_INPUT:
                pen = QPen(palette.pen(t.muted, _LINE_PX))
                pen.setStyle(Qt.PenStyle.DashLine)
                color, symbol = t.muted, "x"
            else:
                color = SERIES_HEX[models % len(SERIES_HEX)]
                symbol = _SYMBOLS[models % len(_SYMBOLS)]
                pen = palette.pen(color, _LINE_PX)
                models += 1
            curve.setPen(pen)
            curve.setSymbol(symbol)
            curve.setSymbolSize(_SYMBOL_PX)
            curve.setSymbolBrush(QBrush(QColor(color)))
            curve.setSymbolPen(palette.pen(t.background, 1.5))
        self._legend.setBrush(legend_fill())
        self._legend.setPen(palette.pen(t.muted, 1.0))
        self._legend.setLabelTextColor(t.foreground)
        for _, label in self._legend.items:  # setLabelTextColor skips existing labels
            label.setText(label.text)
