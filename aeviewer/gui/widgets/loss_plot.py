"""Live training curves: per-batch loss (raw and smoothed) and per-epoch losses.

Per-batch points arrive about 20 times a second in small chunks, so they go into growing numpy
buffers (capacity doubling) and the curves get views of them, with clip-to-view and automatic
downsampling so a long run stays cheap to draw. The legend sits outside the plot area
(OutsideLegend) and a log axis labels only the ticks whose labels have room (_LogAxis).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QPen
from PySide6.QtWidgets import QCheckBox, QGraphicsItem, QHBoxLayout, QVBoxLayout, QWidget

from aeviewer.core.stages import stage_label
from aeviewer.gui import palette
from aeviewer.gui.throttle import Throttle
from aeviewer.gui.widgets.plot_legend import OutsideLegend, keep_in_view

if TYPE_CHECKING:
    from aeviewer.gui.input_gate import InputGate

SMOOTHING = 0.9  # EMA weight of the past, as TensorBoard's slider
BATCH_REDRAW_MS = 100  # the per-batch curves redraw at most this often (10 Hz)
_POINTS_PER_PIXEL = {"raw": 1.0, "smooth": 0.5}  # drawn points per pixel of width (downsampling)
_LOG_FLOOR = 1e-6  # shown instead of values <= 0 in log mode when a curve has no positive value

# curve key -> legend name, in the order the legend should read
CURVE_NAMES = {
    "raw": "train (per batch)",
    "smooth": "train (smoothed)",
    "stage": "greedy stages (layer MSE)",
    "train": "train (epoch)",
    "val": "validation",
    "recon": "reconstruction",
    "kl": "KL (right axis)",
    "sparsity": "sparsity",
}
# The VAE's KL term is about a twentieth of its reconstruction term: on their shared axis it
# is a flat line at the bottom. It gets an axis of its own, on the right, so its shape shows.
_RIGHT_AXIS = ("kl",)
# Keras log key -> curve key. Validation parts of a VAE's loss are left out: seven curves are
# too many to read from the back row, and the total validation loss already shows overfitting.
_LOG_KEYS = {
    "loss": "train",
    "val_loss": "val",
    "reconstruction_loss": "recon",
    "kl_loss": "kl",
    "sparsity_loss": "sparsity",
}


class _Series:
    """x/y values in buffers that double when full; ``x``/``y`` are views of the filled part."""

    def __init__(self, capacity: int = 1024) -> None:
        self._x = np.empty(capacity)
        self._y = np.empty(capacity)
        self.n = 0
        self.min_positive = math.inf
        self.lo = math.inf  # smallest and largest finite values held
        self.hi = -math.inf

    def append(self, x: np.ndarray, y: np.ndarray) -> None:
        k = int(x.shape[0])
        if self.n + k > self._x.shape[0]:
            cap = max(2 * self._x.shape[0], self.n + k)
            for name in ("_x", "_y"):
                grown = np.empty(cap)
                grown[: self.n] = getattr(self, name)[: self.n]
                setattr(self, name, grown)
        self._x[self.n : self.n + k] = x
        self._y[self.n : self.n + k] = np.where(np.isfinite(y), y, np.nan)  # inf: a gap too
        self.n += k
        finite = y[np.isfinite(y)]
        if finite.size:
            self.lo = min(self.lo, float(finite.min()))
            self.hi = max(self.hi, float(finite.max()))
        positive = finite[finite > 0]
        if positive.size:
            self.min_positive = min(self.min_positive, float(positive.min()))

    def clear(self) -> None:
        self.n = 0
        self.min_positive = math.inf
        self.lo, self.hi = math.inf, -math.inf

    @property
    def x(self) -> np.ndarray:
        return self._x[: self.n]

    @property
    def y(self) -> np.ndarray:
        return self._y[: self.n]


def _nice_step(span: float) -> float:
    """1, 2 or 5 times a power of ten, about a tenth of ``span``."""
    if not (math.isfinite(span) and span > 0):
        return 1.0
    raw = span / 10.0
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in (1.0, 2.0, 5.0, 10.0) if m * power >= raw)


class _LogAxis(pg.AxisItem):
    """An axis whose log mode labels only ticks with room for their labels.

    pyqtgraph labels every mantissa 2..9 of a decade once fewer than three decades show; near
    the top of a decade they are a few pixels apart and their labels pile on each other. Here
    decades come first, then 5, 2, 3 and the rest, each kept only if its label clears those
    kept already; decades are thinned too when even they do not fit. A range within one step
    of mantissas (a KL term from 0.011 to 0.015) gets tenths of them, as "0.012".
    """

    _MANTISSAS = (5.0, 2.0, 3.0, 4.0, 6.0, 7.0, 8.0, 9.0)  # after the decades, in this order
    _FINE = tuple(m / 10 for m in range(11, 100) if m % 10)  # 1.1 .. 9.9, if fewer than two fit

    def logTickValues(
        self, minVal: float, maxVal: float, size: float, stdTicks: object
    ) -> list[tuple[float | None, list[float]]]:
        lo, hi = sorted((float(minVal), float(maxVal)))
        if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo or size <= 0:
            return []
        gap = self._label_height() / (size / (hi - lo))  # a label's height, in decades
        decades = range(math.floor(lo), math.ceil(hi) + 1)
        step = max(1, math.ceil(gap))  # decades too close for their labels: every step-th one
        major = [float(d) for d in decades if d % step == 0 and lo <= d <= hi]
        minor: list[float] = []
        for mantissas in (self._MANTISSAS, self._FINE):
            if step > 1 or (mantissas is self._FINE and len(major) + len(minor) >= 2):
                break
            for m in mantissas:
                for d in decades:
                    v = d + math.log10(m)
                    if lo <= v <= hi and all(abs(v - k) >= gap for k in major + minor):
                        minor.append(v)
        return [(None, major), (None, sorted(minor))]

    def logTickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        strings = super().logTickStrings(values, scale, spacing)  # one significant digit
        for i, v in enumerate(values):
            mantissa = 10 ** (v - math.floor(v + 1e-9))
            if abs(mantissa - round(mantissa)) > 1e-6:  # a tenth (1.5, 2.5, ...): two digits
                strings[i] = f"{10**v * scale:.2g}"
        return strings

    def _label_height(self) -> float:
        font = self.style["tickFont"] or self.font()
        return QFontMetricsF(font).height() + 2.0


class _Extent(pg.GraphicsObject):
    """Invisible item whose data bounds are the curves' bounds rounded out to a step.

    Auto-range fits the union of all items, so with this one the view changes only when the
    data cross a step (a whole epoch, a tenth of the loss range), not at every update: the
    axes keep their ticks and labels instead of rebuilding them 20 times a second, which cost
    more than drawing the curves. Zooming, panning and the "A" button work as before.
    """

    def __init__(self) -> None:
        super().__init__()
        self._bounds: tuple[tuple[float, float] | None, tuple[float, float] | None] = (None, None)

    def set_bounds(self, x: tuple[float, float] | None, y: tuple[float, float] | None) -> None:
        if (x, y) != self._bounds:
            self._bounds = (x, y)
            self.informViewBoundsChanged()

    def dataBounds(
        self, ax: int, frac: float = 1.0, orthoRange: object = None
    ) -> tuple[float, float] | None:
        return self._bounds[ax]

    def boundingRect(self) -> QRectF:
        return QRectF()

    def paint(self, *args: object) -> None:
        pass


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
        self._smoothing = SMOOTHING
        self.setMinimumSize(320, 180)  # fits under the controls of a 1015 px window
        self._series = {
            key: _Series(1024 if key in ("raw", "smooth") else 64) for key in CURVE_NAMES
        }
        self._curves: dict[str, pg.PlotDataItem] = {}
        self._ema = 0.0  # biased running average, debiased on output
        self._ema_steps = 0
        self._stages: list[pg.InfiniteLine] = []
        self._last_stage = ""  # the greedy stage of the last "stage" point (a new one: a gap)
        # Batch losses arrive every few milliseconds; redrawing 2 x 1024 points each time cost
        # the GUI thread a third of its time. They are drawn at most every BATCH_REDRAW_MS.
        self._batch_redraw = Throttle(self._draw_batches, BATCH_REDRAW_MS, self)

        self._plot = pg.PlotWidget(axisItems={"left": _LogAxis("left"), "right": _LogAxis("right")})
        item = self._plot.getPlotItem()
        item.setMenuEnabled(False, enableViewBoxMenu=None)  # its own "Log Y" would bypass ours
        self._legend = OutsideLegend(item, labelTextSize="12pt", verSpacing=-4, horSpacing=4)
        keep_in_view(self._plot)
        self._legend.hide()  # until a curve has data: an empty legend is a stray box
        self._extent = _Extent()
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
        smooth = np.empty_like(y)
        ema, steps, beta = self._ema, self._ema_steps, self._smoothing
        for i, v in enumerate(y.tolist()):  # chunks are small; a float loop beats lfilter setup
            if math.isfinite(v):
                ema = beta * ema + (1.0 - beta) * v
                steps += 1
            smooth[i] = ema / (1.0 - beta**steps) if steps else math.nan
        self._ema, self._ema_steps = ema, steps
        self._series["raw"].append(x, y)
        self._series["smooth"].append(x, smooth)
        if "raw" not in self._curves:  # the first points of a run show at once
            self.flush()
        else:
            self._batch_redraw.request()

    def set_input_gate(self, gate: InputGate | None) -> None:
        """Let ``gate`` hold the timed redraws while a click or a stroke is being answered."""
        self._batch_redraw.set_gate(gate)

    def flush(self) -> None:
        """Draw the batch losses added since the last redraw (normally done on a timer)."""
        self._batch_redraw.flush()

    def has_pending(self) -> bool:
        """Whether batch losses wait for the next redraw."""
        return self._batch_redraw.pending()

    def _draw_batches(self) -> None:
        if self._series["raw"].n:
            self._refresh("raw")
            self._refresh("smooth")
        self._update_extent()

    def set_smoothing(self, beta: float) -> None:
        """EMA weight of the past (0: no smoothing); applies to batches added from now on."""
        self._smoothing = min(max(float(beta), 0.0), 0.99)

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
            self._refresh("stage")
            self._update_extent()
            return
        for log_key, key in _LOG_KEYS.items():
            if log_key in logs and math.isfinite(logs[log_key]):  # a diverged run: no point
                self._series[key].append(np.array([float(epoch)]), np.array([float(logs[log_key])]))
                self._refresh(key)
        self._update_extent()

    def clear(self) -> None:
        """Forget all curves and stage markers (a new training run)."""
        item = self._plot.getPlotItem()
        self._batch_redraw.cancel()
        for series in self._series.values():
            series.clear()
        for key, curve in self._curves.items():
            if key in _RIGHT_AXIS:
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
        self._ema, self._ema_steps = 0.0, 0
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
        return "right" if key in _RIGHT_AXIS else "left"

    def axis_label(self, side: str) -> str:
        """The label text of axis ``side`` (``"left"``, ``"right"``, ``"bottom"``), ``""`` when
        the axis is hidden."""
        axis = self._plot.getPlotItem().getAxis(side)
        return str(axis.labelText) if axis.isVisible() else ""

    def set_stage_marker(self, epoch: float, text: str) -> None:
        """Draw a dashed vertical line at x = ``epoch`` labelled with the start of ``text``
        (:func:`stage_label`), cleared by clear().

        The per-batch curves start afresh there (a gap, and the average restarts): each greedy
        stage, and the fine-tuning after them, measures a different reconstruction.
        """
        if self._series["raw"].n:
            for key in ("raw", "smooth"):
                self._series[key].append(np.array([float(epoch)]), np.array([np.nan]))
                self._refresh(key)
        self._ema, self._ema_steps = 0.0, 0
        t = palette.theme()
        line = pg.InfiniteLine(
            pos=float(epoch),
            angle=90,
            movable=False,
            label=stage_label(text).replace("{", "{{").replace("}", "}}"),  # a format string
            labelOpts={
                # Right of the line, low, every other one lower still: markers an epoch
                # apart keep their labels apart.
                "position": 0.3 - 0.14 * (len(self._stages) % 2),
                "anchors": [(0, 0.5), (0, 0.5)],
                "color": t.foreground,
                "fill": self._label_fill(),
            },
        )
        line.label.setFont(palette.font(12))
        line.setPen(self._dashed(t.muted, 2.0, Qt.PenStyle.DashLine))
        line.setZValue(-10)
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
        for key in _RIGHT_AXIS:  # the right view box's curves are not the plot item's
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
            if s.n and s.lo <= s.hi and k not in _RIGHT_AXIS  # the right axis ranges itself
        ]
        if not held:
            self._extent.set_bounds(None, None)
            return
        x_hi = max(float(np.nanmax(s.x)) for s in held)
        lo, hi = min(s.lo for s in held), max(s.hi for s in held)
        if self.log_y():  # the view is in log10 units; values <= 0 sit at a floor (_refresh)
            positive = min(s.min_positive for s in held)
            if not math.isfinite(positive):
                positive = _LOG_FLOOR
            lo = math.log10(positive * 0.5 if lo <= 0 else lo)
            hi = math.log10(max(hi, positive))
        x_step = _nice_step(x_hi)
        y_step = _nice_step(hi - lo)
        x = (0.0, math.ceil(x_hi / x_step) * x_step or 1.0)
        y = (math.floor(lo / y_step) * y_step, math.ceil(hi / y_step) * y_step)
        if y[1] <= y[0]:
            y = (y[0] - y_step, y[1] + y_step)
        self._extent.set_bounds(x, y)

    def _refresh(self, key: str) -> None:
        series = self._series[key]
        curve = self._curves[key] if key in self._curves else self._make_curve(key)
        y = series.y
        if self.log_y():
            floor = series.min_positive * 0.5 if math.isfinite(series.min_positive) else _LOG_FLOOR
            y = np.where((y > 0) | np.isnan(y), y, floor)  # NaN stays a gap
        curve.setData(series.x, y)

    def _make_curve(self, key: str) -> pg.PlotDataItem:
        # Antialiased wide lines are slow with many points; the raw curve is thin and faint.
        curve = pg.PlotDataItem(name=CURVE_NAMES[key], connect="finite", antialias=key != "raw")
        self._curves[key] = curve
        self._style_curve(key)
        item = self._plot.getPlotItem()
        if key in _RIGHT_AXIS:
            curve.setLogMode(False, self.log_y())
            self._right_vb.addItem(curve)
            self._legend.addItem(curve, CURVE_NAMES[key])
            item.showAxis("right")
            self._style_right_axis()
            self._on_vb_resized()
            self._fit_legend()
            return curve
        # PlotItem.addItem applies the plot's own downsampling and clip-to-view (off) to the
        # curve: per-batch curves get theirs after it.
        item.addItem(curve)
        if key in ("raw", "smooth"):
            # About one drawn point per pixel: a long run (thousands of batches) then costs
            # what a short one does to repaint 20 times a second.
            curve.opts["autoDownsampleFactor"] = _POINTS_PER_PIXEL[key]
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

    def _style_curve(self, key: str) -> None:
        t = palette.theme()
        curve = self._curves[key]
        symbol: dict[str, str] = {"train": "o", "val": "s", "recon": "t", "kl": "d", "stage": "t1"}
        if key == "raw":
            curve.setPen(palette.pen(t.raw, 1.0, 60))
            return
        pens = {
            "smooth": palette.pen(t.train, 3.0),
            "train": palette.pen(t.train, 2.5),
            "val": palette.pen(t.val, 2.5),
            "recon": self._dashed(t.train, 2.5, Qt.PenStyle.DashLine),
            "kl": self._dashed(t.accent, 2.5, Qt.PenStyle.DashLine),
            "sparsity": self._dashed(t.accent, 2.5, Qt.PenStyle.DashDotLine),
            "stage": self._dashed(t.muted, 2.5, Qt.PenStyle.DashDotLine),
        }
        curve.setPen(pens[key])
        if key != "smooth":
            color = {"val": t.val, "kl": t.accent, "sparsity": t.accent, "stage": t.muted}.get(
                key, t.train
            )
            curve.setSymbol(symbol.get(key, "x"))
            curve.setSymbolSize(10)
            curve.setSymbolBrush(QBrush(QColor(color)))
            curve.setSymbolPen(palette.pen(t.background, 1.5))

    def _style_right_axis(self) -> None:
        t = palette.theme()
        axis = self._plot.getPlotItem().getAxis("right")
        axis.setPen(palette.pen(t.accent, 1.5))  # the colour of its curve
        axis.setTextPen(t.accent)
        axis.setTickFont(palette.font(12))
        axis.setStyle(maxTickLevel=1, showValues=True)
        axis.setLabel(
            "KL", color=t.accent, siPrefixEnableRanges=(), **{"font-size": f"{palette.pt(14)}pt"}
        )

    @staticmethod
    def _dashed(color: str, width: float, style: Qt.PenStyle) -> QPen:
        pen = QPen(palette.pen(color, width))
        pen.setStyle(style)
        return pen

    @staticmethod
    def _label_fill() -> QBrush:
        c = QColor(palette.theme().panel)
        c.setAlpha(200)
        return QBrush(c)

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
        self._legend.setBrush(self._label_fill())
        self._legend.setPen(palette.pen(t.muted, 1.0))
        self._legend.setLabelTextColor(t.foreground)
        for _, label in self._legend.items:  # setLabelTextColor does not re-render old labels
            label.setText(label.text)
        self._legend.updateSize()  # presenter mode's larger labels, and back
        for key in self._curves:
            self._style_curve(key)
        self._style_right_axis()
        for line in self._stages:
            line.setPen(self._dashed(t.muted, 2.0, Qt.PenStyle.DashLine))
            line.label.setColor(t.foreground)
            line.label.setFont(palette.font(12))
            line.label.fill = self._label_fill()
            line.label.update()
        self._legend.update()
