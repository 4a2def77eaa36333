"""The loss plot's curves and stage markers: names, growing buffers, smoothing and styles."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QPen

from aeviewer.core.stages import stage_label
from aeviewer.gui import palette

POINTS_PER_PIXEL = {"raw": 1.0, "smooth": 0.5}  # drawn points per pixel of width (downsampling)
LOG_FLOOR = 1e-6  # shown instead of values <= 0 in log mode when a curve has no positive value

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
RIGHT_AXIS = ("kl",)
# Keras log key -> curve key. Validation parts of a VAE's loss are left out: seven curves are
# too many to read from the back row, and the total validation loss already shows overfitting.
LOG_KEYS = {
    "loss": "train",
    "val_loss": "val",
    "reconstruction_loss": "recon",
    "kl_loss": "kl",
    "sparsity_loss": "sparsity",
}


class Series:
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

    def log_safe_y(self) -> np.ndarray:
        """``y`` with values <= 0 raised to a floor below the smallest positive one (NaN stays
        a gap), for a log axis."""
        y = self.y
        floor = self.min_positive * 0.5 if math.isfinite(self.min_positive) else LOG_FLOOR
        return np.where((y > 0) | np.isnan(y), y, floor)


class Smoother:
    """An exponential moving average with weight ``beta`` on the past, debiased as in
    Adam/TensorBoard so it starts at the first values, not at zero; non-finite values are
    skipped."""

    def __init__(self, beta: float) -> None:
        self.beta = beta
        self._ema = 0.0  # biased running average, debiased on output
        self._steps = 0

    def restart(self) -> None:
        """Start the average afresh at the next value."""
        self._ema, self._steps = 0.0, 0

    def smooth(self, y: np.ndarray) -> np.ndarray:
        """The average after each value of ``y`` (NaN before the first finite one)."""
        out = np.empty_like(y)
        ema, steps, beta = self._ema, self._steps, self.beta
        for i, v in enumerate(y.tolist()):  # chunks are small; a float loop beats lfilter setup
            if math.isfinite(v):
                ema = beta * ema + (1.0 - beta) * v
                steps += 1
            out[i] = ema / (1.0 - beta**steps) if steps else math.nan
        self._ema, self._steps = ema, steps
        return out


def dashed_pen(color: str, width: float, style: Qt.PenStyle) -> QPen:
    """A palette pen of ``color`` and ``width`` drawn in ``style``."""
    pen = QPen(palette.pen(color, width))
    pen.setStyle(style)
    return pen


def panel_fill() -> QBrush:
    """The theme's panel colour, slightly transparent: behind legends and labels."""
    c = QColor(palette.theme().panel)
    c.setAlpha(200)
    return QBrush(c)


def style_curve(curve: pg.PlotDataItem, key: str) -> None:
    """Give curve ``key`` (of :data:`CURVE_NAMES`) its pen and symbols from the theme."""
    t = palette.theme()
    symbol: dict[str, str] = {"train": "o", "val": "s", "recon": "t", "kl": "d", "stage": "t1"}
    if key == "raw":
        curve.setPen(palette.pen(t.raw, 1.0, 60))
        return
    pens = {
        "smooth": palette.pen(t.train, 3.0),
        "train": palette.pen(t.train, 2.5),
        "val": palette.pen(t.val, 2.5),
        "recon": dashed_pen(t.train, 2.5, Qt.PenStyle.DashLine),
        "kl": dashed_pen(t.accent, 2.5, Qt.PenStyle.DashLine),
        "sparsity": dashed_pen(t.accent, 2.5, Qt.PenStyle.DashDotLine),
        "stage": dashed_pen(t.muted, 2.5, Qt.PenStyle.DashDotLine),
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


def stage_line(epoch: float, text: str, nth: int) -> pg.InfiniteLine:
    """The ``nth`` stage marker (from 0): a dashed vertical line at x = ``epoch`` labelled
    with the start of ``text`` (:func:`~aeviewer.core.stages.stage_label`)."""
    t = palette.theme()
    line = pg.InfiniteLine(
        pos=float(epoch),
        angle=90,
        movable=False,
        label=stage_label(text).replace("{", "{{").replace("}", "}}"),  # a format string
        labelOpts={
            # Right of the line, low, every other one lower still: markers an epoch
            # apart keep their labels apart.
            "position": 0.3 - 0.14 * (nth % 2),
            "anchors": [(0, 0.5), (0, 0.5)],
            "color": t.foreground,
            "fill": panel_fill(),
        },
    )
    line.label.setFont(palette.font(12))
    line.setPen(dashed_pen(t.muted, 2.0, Qt.PenStyle.DashLine))
    line.setZValue(-10)
    return line
