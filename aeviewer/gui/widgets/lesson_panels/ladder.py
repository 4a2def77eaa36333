"""PSNR against noise level, one line per model: does the denoising autoencoder clean better?

The corrupted input's own PSNR (:data:`aeviewer.core.analysis.NOISY_INPUT`) is the baseline:
drawn dashed in the muted colour so the models' lines stand out against it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPen
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from aeviewer.core.analysis import NOISY_INPUT, psnr_axis_range
from aeviewer.gui import palette
from aeviewer.gui.widgets.lesson_panels._base import (
    LessonPanel,
    legend_fill,
    make_plot,
    saved_choice,
    style_plot,
)

__all__ = ["KINDS", "SERIES_HEX", "LadderPanel"]

#: noise kind (as :func:`aeviewer.core.analysis.psnr_ladder` names it) -> the switch's text
KINDS = {"gaussian": "Gaussian noise", "mask": "Dropout: pixels switched off"}

# Model colours in order (the class palette's most distinct hues, projector-bright).
SERIES_HEX = ("#4e9bff", "#ff9f1c", "#2ec27e", "#ff5c5c", "#b48cff", "#27d3e6", "#ff7ad9")
_SYMBOLS = ("o", "s", "t", "d", "star", "h", "p")
_LINE_PX = 3.0
_SYMBOL_PX = 12
Y_LABEL = "PSNR (dB)"
_LEGEND_ROOM = 0.35  # of the y range, added under the lowest line for the legend


class LadderPanel(LessonPanel):
    """A line plot of PSNR (dB) against noise level for several named series, with a legend.

    Parameters
    ----------
    parent : QWidget, optional
        Parent widget.
    title : str
        Heading above the plot (``""`` for none).

    Signals
    -------
    kind_changed(str)
        The user switched the noise kind (a key of :data:`KINDS`); :meth:`set_kind` does
        not emit it.
    """

    kind_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None, title: str = "") -> None:
        super().__init__(title, parent)
        self._kind = "gaussian"
        self._setting = False
        self._kind_group = QButtonGroup(self)
        self._kind_buttons: dict[str, QPushButton] = {}
        switch = QHBoxLayout()
        for kind, text in KINDS.items():
            button = QPushButton(text, self)
            button.setCheckable(True)
            button.setChecked(kind == self._kind)
            self._kind_group.addButton(button)
            self._kind_buttons[kind] = button
            button.toggled.connect(lambda on, k=kind: self._on_kind_button_toggled(k, on))
            switch.addWidget(button)
        switch.addStretch(1)
        self._switch = QWidget(self)
        self._switch.setLayout(switch)
        self._switch.hide()  # shown by show_kinds: only lessons with both noises offer it
        self._x_label = "noise σ"
        self._curves: dict[str, pg.PlotDataItem] = {}
        self._data: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._plot = make_plot(mouse=False)
        self._plot.setMinimumSize(400, 300)
        # Bottom left: PSNR falls as noise grows, so that corner stays clear of the lines.
        self._legend = self._plot.getPlotItem().addLegend(
            offset=(10, -10), labelTextSize="13pt", verSpacing=-4
        )
        self._legend.hide()
        layout = QVBoxLayout(self.content())
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._switch)
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
        item.enableAutoRange(axis="x")
        if data:
            # The noisy input's PSNR at little noise is huge: it would squeeze the models'
            # lines into a band, so the y range follows the models (psnr_axis_range).
            lo, hi = psnr_axis_range({name: y for name, (_, y) in data.items()})
            lo = max(0.0, lo - _LEGEND_ROOM * (hi - lo))  # the legend's corner stays empty
            item.vb.setYRange(lo, hi, padding=0)
        self._refresh_message()

    def kind(self) -> str:
        """The noise kind the switch shows (a key of :data:`KINDS`)."""
        return self._kind

    def set_kind(self, kind: str) -> None:
        """Check the switch's ``kind`` without emitting ``kind_changed``."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
        self._setting = True
        try:
            self._kind = kind
            self._kind_buttons[kind].setChecked(True)
        finally:
            self._setting = False

    def show_kinds(self, on: bool) -> None:
        """Show the Gaussian / dropout switch above the plot."""
        self._switch.setVisible(on)

    def kind_button(self, kind: str) -> QPushButton:
        """The switch's button for ``kind`` (for tests)."""
        return self._kind_buttons[kind]

    def y_range(self) -> tuple[float, float]:
        """The plot's visible PSNR range."""
        lo, hi = self._plot.getPlotItem().vb.viewRange()[1]
        return float(lo), float(hi)

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

    def state(self) -> dict[str, Any]:
        """The noise kind the switch shows."""
        return {"kind": self._kind}

    def restore_state(self, state: Mapping[str, Any]) -> None:
        """Check the saved noise kind, silently (a kind not in :data:`KINDS` is ignored)."""
        kind = saved_choice(state, "kind", KINDS)
        if kind is not None:
            self.set_kind(kind)

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

    def _on_kind_button_toggled(self, kind: str, on: bool) -> None:
        if not on:
            return
        self._kind = kind
        if not self._setting:
            self.kind_changed.emit(kind)
