"""Live training curves: per-batch loss (raw and smoothed) and per-epoch losses.

Per-batch points arrive about 20 times a second in small chunks, so they go into growing numpy
buffers (capacity doubling, loss_curves.Series) and the curves get views of them, with
clip-to-view and automatic downsampling so a long run stays cheap to draw. The legend sits
outside the plot area (OutsideLegend) and a log axis labels only the ticks whose labels have
room (loss_axes.LogAxis).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QGraphicsItem, QHBoxLayout, QVBoxLayout, QWidget

from aeviewer.gui import palette
from aeviewer.gui.throttle import Throttle
from aeviewer.gui.widgets.loss_axes import Extent, LogAxis, style_right_axis
from aeviewer.gui.widgets.loss_curves import (
    CURVE_NAMES,
    LOG_KEYS,
    POINTS_PER_PIXEL,
    RIGHT_AXIS,
    Series,
    Smoother,
    dashed_pen,
    panel_fill,
    stage_line,
    style_curve,
)
from aeviewer.gui.widgets.plot_legend import OutsideLegend, keep_in_view

if TYPE_CHECKING:
    from aeviewer.gui.input_gate import InputGate

__all__ = ["BATCH_REDRAW_MS", "CURVE_NAMES", "SMOOTHING", "LossPlot"]

SMOOTHING = 0.9  # EMA weight of the past, as TensorBoard's slider
BATCH_REDRAW_MS = 100  # the curves redraw at most this often (10 Hz)


class LossPlot(QWidget):
    """Training and validation loss curves, with a "log y" checkbox.

    Signals
    -------
    log_y_changed(bool)
        The y axis switched between linear and log (checkbox or :meth:`set_log_y`).
    """

    log_y_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._smoother = Smoother(SMOOTHING)
        self.setMinimumSize(320, 180)  # fits under the controls of a 1015 px window
        self._series = {
            key: Series(1024 if key in ("raw", "smooth") else 64) for key in CURVE_NAMES
        }
        self._curves: dict[str, pg.PlotDataItem] = {}
        self._stages: list[pg.InfiniteLine] = []
        self._last_stage = ""  # the greedy stage of the last "stage" point (a new one: a gap)
        # Batch losses arrive every few milliseconds; redrawing 2 x 1024 points each time cost
        # the GUI thread a third of its time. A small model ends 5-10 epochs a second, each
        # point a repaint. So the curves are drawn at most every BATCH_REDRAW_MS.
        self._batch_redraw = Throttle(self._draw_pending, BATCH_REDRAW_MS, self)
        self._dirty: set[str] = set()  # curves whose points are not drawn yet

        self._plot = pg.PlotWidget(axisItems={"left": LogAxis("left"), "right": LogAxis("right")})
        item = self._plot.getPlotItem()
        item.setMenuEnabled(False, enableViewBoxMenu=None)  # its own "Log Y" would bypass ours
        self._legend = OutsideLegend(item, labelTextSize="12pt", verSpacing=-4, horSpacing=4)
        keep_in_view(self._plot)
        self._legend.hide()  # until a curve has data: an empty legend is a stray box
        self._extent = Extent()
        item.addItem(self._extent)
        for name in ("bottom", "left"):
            # The axes (and the grid they draw) change only with the view range: repaint them
            # from a pixmap, not by re-rendering every tick label at each data update.
            item.getAxis(name).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self._legend.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)  # its backdrop

        # The right-hand axis and its own view box (x linked to the main one), for the KL term.
        self._right_vb = pg.ViewBox(enableMenu=False)
        item.scene().addItem(self._right_vb)
        right = item.getAxis("right")
        right.linkToView(self._right_vb)
        right.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self._right_vb.setXLink(item.vb)
        self._right_vb.setMouseEnabled(x=False, y=False)  # it follows the main view's x
        item.vb.sigResized.connect(self._on_vb_resized)
        item.hideAxis("right")

        self._log_check = QCheckBox("log y")
        self._log_check.setFont(palette.font(12))
        self._log_check.setToolTip("Logarithmic loss axis: shows late, small improvements")
        self._log_check.toggled.connect(self._on_log_check_toggled)
        top = QHBoxLayout()
        top.setContentsMargins(6, 2, 6, 0)
        top.addStretch(1)
        top.addWidget(self._log_check)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(top)
        layout.addWidget(self._plot, 1)
        self.apply_theme()

    # ----------------------------------------------------------------- data
    def add_batches(self, epochs: np.ndarray, losses: np.ndarray) -> None:
        """Append per-batch losses at fractional epochs ``epochs`` (plotted as given).

        The smoothed curve is an exponential moving average (weight :data:`SMOOTHING`),
        debiased as in Adam/TensorBoard so it starts at the first values, not at zero.
        Non-finite losses are drawn as gaps and skipped by the average.
        """
        x = np.asarray(epochs, dtype=np.float64).reshape(-1)
        y = np.asarray(losses, dtype=np.float64).reshape(-1)
        if x.shape != y.shape:
            raise ValueError(f"{x.shape[0]} epochs for {y.shape[0]} losses")
        if x.shape[0] == 0:
            return
        smooth = self._smoother.smooth(y)
        self._series["raw"].append(x, y)
        self._series["smooth"].append(x, smooth)
        self._changed("raw", "smooth")

    def set_input_gate(self, gate: InputGate | None) -> None:
        """Let ``gate`` hold the timed redraws while a click or a stroke is being answered."""
        self._batch_redraw.set_gate(gate)

    def flush(self) -> None:
        """Draw the losses added since the last redraw (normally done on a timer)."""
        self._batch_redraw.flush()

    def has_pending(self) -> bool:
        """Whether losses wait for the next redraw."""
        return self._batch_redraw.pending()

    def _changed(self, *keys: str) -> None:
        """``keys``' series grew: a curve's first points show at once (with their legend
        entry), later ones at the next redraw."""
        self._dirty.update(keys)
        if any(k not in self._curves for k in keys):
            self.flush()
        else:
            self._batch_redraw.request()

    def _draw_pending(self) -> None:
        dirty, self._dirty = self._dirty, set()
        for key in CURVE_NAMES:  # in legend order
            if key in dirty and self._series[key].n:
                self._refresh(key)
        self._update_extent()

    def set_smoothing(self, beta: float) -> None:
        """EMA weight of the past (0: no smoothing); applies to batches added from now on."""
        self._smoother.beta = min(max(float(beta), 0.0), 0.99)

    def add_epoch(self, epoch: float, logs: Mapping[str, float], stage: str = "train") -> None:
        """Append the epoch-end values of ``logs`` at x = ``epoch``.

        Uses ``loss``, ``val_loss`` and, when present, ``reconstruction_loss``, ``kl_loss``
        (VAE: reconstruction and KL drawn separately, KL on its own right-hand axis) and
        ``sparsity_loss``; other keys and non-finite values are ignored.

        Parameters
        ----------
        stage
            ``"train"`` for the model's own loss; a greedy pre-training stage's name (e.g.
            ``"stage1"``) puts its ``loss``, a hidden layer's reconstruction error, on a
            separate "greedy stages" curve with a gap between stages: it is not the loss the
            fine-tuning curve measures.
        """
        if stage != "train":
            loss = logs.get("loss")
            if loss is None or not math.isfinite(loss):
                return
            series = self._series["stage"]
            if series.n and stage != self._last_stage:  # a new stage: do not join them up
                series.append(np.array([float(epoch)]), np.array([np.nan]))
            self._last_stage = stage
            series.append(np.array([float(epoch)]), np.array([float(loss)]))
            self._changed("stage")
            return
        grew = []
        for log_key, key in LOG_KEYS.items():
            if log_key in logs and math.isfinite(logs[log_key]):  # a diverged run: no point
                self._series[key].append(np.array([float(epoch)]), np.array([float(logs[log_key])]))
                grew.append(key)
        self._changed(*grew)

    def clear(self) -> None:
        """Forget all curves and stage markers (a new training run)."""
        item = self._plot.getPlotItem()
        self._batch_redraw.cancel()
        self._dirty.clear()
        for series in self._series.values():
            series.clear()
        for key, curve in self._curves.items():
            if key in RIGHT_AXIS:
                self._right_vb.removeItem(curve)
                self._legend.removeItem(curve)
            else:
                item.removeItem(curve)  # also leaves the legend
        self._curves.clear()
        self._legend.hide()
        item.hideAxis("right")
        self._last_stage = ""
        for line in self._stages:
            item.removeItem(line)
        self._stages.clear()
        self._smoother.restart()
        self._extent.set_bounds(None, None)
        item.enableAutoRange()

    def batch_count(self) -> int:
        """Number of per-batch points held."""
        return self._series["raw"].n

    def epoch_count(self) -> int:
        """Number of per-epoch training-loss points held."""
        return self._series["train"].n

    def curve_names(self) -> list[str]:
        """Legend names of the curves that hold data."""
        return [CURVE_NAMES[k] for k in CURVE_NAMES if k in self._curves and self._series[k].n]

    def curve_data(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """Copies of the (x, y) values of the curve called ``name`` (see :data:`CURVE_NAMES`)."""
        key = next(k for k, v in CURVE_NAMES.items() if v == name)
        return self._series[key].x.copy(), self._series[key].y.copy()

    def stage_marker_count(self) -> int:
        """Number of stage markers shown."""
        return len(self._stages)

    def last_epoch_x(self) -> float:
        """x of the last epoch point, of the model or of a greedy stage (0 before any)."""
        xs = [float(np.nanmax(self._series[k].x)) for k in ("train", "stage") if self._series[k].n]
        return max(xs, default=0.0)

    def curve_axis(self, name: str) -> str:
        """``"left"`` or ``"right"``: the axis the curve called ``name`` is drawn against."""
        key = next(k for k, v in CURVE_NAMES.items() if v == name)
        return "right" if key in RIGHT_AXIS else "left"

    def axis_label(self, side: str) -> str:
        """The label text of axis ``side`` (``"left"``, ``"right"``, ``"bottom"``), ``""`` when
        the axis is hidden."""
        axis = self._plot.getPlotItem().getAxis(side)
        return str(axis.labelText) if axis.isVisible() else ""

    def set_stage_marker(self, epoch: float, text: str) -> None:
        """Draw a dashed vertical line at x = ``epoch`` labelled with the start of ``text``
        (:func:`~aeviewer.core.stages.stage_label`), cleared by clear().

        The per-batch curves start afresh there (a gap, and the average restarts): each greedy
        stage, and the fine-tuning after them, measures a different reconstruction.
        """
        if self._series["raw"].n:
            for key in ("raw", "smooth"):
                self._series[key].append(np.array([float(epoch)]), np.array([np.nan]))
                self._refresh(key)
        self._smoother.restart()
        line = stage_line(epoch, text, len(self._stages))
        self._plot.getPlotItem().addItem(line, ignoreBounds=True)
        self._stages.append(line)

    # ------------------------------------------------------------- log axis
    def set_log_y(self, on: bool) -> None:
        """Use a logarithmic y axis; values <= 0 are shown at a small positive floor."""
        self._log_check.setChecked(bool(on))  # the checkbox's toggled signal applies it

    @property
    def plot_widget(self) -> pg.PlotWidget:
        """The pyqtgraph widget (for exporting)."""
        return self._plot

    def log_y(self) -> bool:
        """Whether the y axis is logarithmic."""
        return self._log_check.isChecked()

    def _on_log_check_toggled(self, on: bool) -> None:
        for key in self._curves:
            self._refresh(key)  # clip (or unclip) before pyqtgraph takes log10
        self._update_extent()
        self._plot.getPlotItem().setLogMode(y=on)  # its own curves and both axes
        for key in RIGHT_AXIS:  # the right view box's curves are not the plot item's
            if key in self._curves:
                self._curves[key].setLogMode(False, on)
        self._right_vb.enableAutoRange(y=True)
        self.log_y_changed.emit(on)

    def _on_vb_resized(self, *_: object) -> None:
        # The right view box lies exactly over the main one (pyqtgraph's MultiplePlotAxes).
        vb = self._plot.getPlotItem().vb
        self._right_vb.setGeometry(vb.sceneBoundingRect())
        self._right_vb.linkedViewChanged(vb, self._right_vb.XAxis)

    # -------------------------------------------------------------- drawing
    def _update_extent(self) -> None:
        held = [
            s
            for k, s in self._series.items()
            if s.n and s.lo <= s.hi and k not in RIGHT_AXIS  # the right axis ranges itself
        ]
        self._extent.fit(held, self.log_y())

    def _refresh(self, key: str) -> None:
        series = self._series[key]
        curve = self._curves[key] if key in self._curves else self._make_curve(key)
        curve.setData(series.x, series.log_safe_y() if self.log_y() else series.y)

    def _make_curve(self, key: str) -> pg.PlotDataItem:
        # Antialiased wide lines are slow with many points; the raw curve is thin and faint.
        curve = pg.PlotDataItem(name=CURVE_NAMES[key], connect="finite", antialias=key != "raw")
        self._curves[key] = curve
        style_curve(curve, key)
        item = self._plot.getPlotItem()
        if key in RIGHT_AXIS:
            curve.setLogMode(False, self.log_y())
            self._right_vb.addItem(curve)
            self._legend.addItem(curve, CURVE_NAMES[key])
            item.showAxis("right")
            style_right_axis(item.getAxis("right"))
            self._on_vb_resized()
            self._fit_legend()
            return curve
        # PlotItem.addItem applies the plot's own downsampling and clip-to-view (off) to the
        # curve: per-batch curves get theirs after it.
        item.addItem(curve)
        if key in ("raw", "smooth"):
            # About one drawn point per pixel: a long run (thousands of batches) then costs
            # what a short one does to repaint 20 times a second.
            curve.opts["autoDownsampleFactor"] = POINTS_PER_PIXEL[key]
            curve.setDownsampling(auto=True, method="peak" if key == "raw" else "subsample")
            curve.setClipToView(True)
            curve.setZValue(5 if key == "smooth" else 0)
        else:
            curve.setZValue(10)
        if key == "raw":
            # The faint per-batch curve is the smoothed one's context, not a line to look up:
            # its legend row cost the plot, a small one under the controls, a sixth of it.
            self._legend.removeItem(curve)
        self._fit_legend()
        return curve

    def _fit_legend(self) -> None:
        self._legend.setVisible(bool(self._legend.items))  # an empty legend is a stray box

    # --------------------------------------------------------------- theme
    def apply_theme(self) -> None:
        """Restyle everything from :func:`palette.theme` (call after ``palette.set_theme``)."""
        t = palette.theme()
        self._plot.setBackground(t.background)
        item = self._plot.getPlotItem()
        item.showGrid(x=True, y=True, alpha=t.grid_alpha)
        for name, text in (("bottom", "epoch"), ("left", "loss")):
            axis = item.getAxis(name)
            axis.setPen(palette.pen(t.foreground, 1.5))
            axis.setTextPen(t.foreground)
            axis.setTickFont(palette.font(12))
            axis.setStyle(maxTickLevel=1)  # the finest grid is invisible and costly to repaint
            # No SI prefix ("loss (x0.001)" confuses more than it helps). Not
            # enableAutoSIPrefix(False): in pyqtgraph 0.14 it freezes the scale of the moment.
            axis.setLabel(
                text,
                color=t.foreground,
                siPrefixEnableRanges=(),
                **{"font-size": f"{palette.pt(14)}pt"},  # presenter mode scales pt()
            )
        self._legend.setLabelTextSize(f"{palette.pt(12)}pt")
        self._legend.setBrush(panel_fill())
        self._legend.setPen(palette.pen(t.muted, 1.0))
        self._legend.setLabelTextColor(t.foreground)
        for _, label in self._legend.items:  # setLabelTextColor does not re-render old labels
            label.setText(label.text)
        self._legend.updateSize()  # presenter mode's larger labels, and back
        for key, curve in self._curves.items():
            style_curve(curve, key)
        style_right_axis(item.getAxis("right"))
        for line in self._stages:
            line.setPen(dashed_pen(t.muted, 2.0, Qt.PenStyle.DashLine))
            line.label.setColor(t.foreground)
            line.label.setFont(palette.font(12))
            line.label.fill = panel_fill()
            line.label.update()
        self._legend.update()
