"""The loss plot's axes: a log axis whose tick labels never overlap, and a step-rounded extent."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFontMetricsF

from aeviewer.gui import palette
from aeviewer.gui.widgets.loss_curves import LOG_FLOOR, Series


def nice_step(span: float) -> float:
    """1, 2 or 5 times a power of ten, about a tenth of ``span``."""
    if not (math.isfinite(span) and span > 0):
        return 1.0
    raw = span / 10.0
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in (1.0, 2.0, 5.0, 10.0) if m * power >= raw)


def style_right_axis(axis: pg.AxisItem) -> None:
    """Style the right-hand (KL) axis from :func:`palette.theme`, in its curve's colour."""
    t = palette.theme()
    axis.setPen(palette.pen(t.accent, 1.5))  # the colour of its curve
    axis.setTextPen(t.accent)
    axis.setTickFont(palette.font(12))
    axis.setStyle(maxTickLevel=1, showValues=True)
    axis.setLabel(
        "KL", color=t.accent, siPrefixEnableRanges=(), **{"font-size": f"{palette.pt(14)}pt"}
    )


class LogAxis(pg.AxisItem):
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


class Extent(pg.GraphicsObject):
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

    def fit(self, held: Sequence[Series], log_y: bool) -> None:
        """Bound the non-empty series ``held`` (none: no bounds), in log10 units if ``log_y``
        (values <= 0 sit at a floor, as :meth:`Series.log_safe_y` draws them)."""
        if not held:
            self.set_bounds(None, None)
            return
        x_hi = max(float(np.nanmax(s.x)) for s in held)
        lo, hi = min(s.lo for s in held), max(s.hi for s in held)
        if log_y:
            positive = min(s.min_positive for s in held)
            if not math.isfinite(positive):
                positive = LOG_FLOOR
            lo = math.log10(positive * 0.5 if lo <= 0 else lo)
            hi = math.log10(max(hi, positive))
        x_step = nice_step(x_hi)
        y_step = nice_step(hi - lo)
        x = (0.0, math.ceil(x_hi / x_step) * x_step or 1.0)
        y = (math.floor(lo / y_step) * y_step, math.ceil(hi / y_step) * y_step)
        if y[1] <= y[0]:
            y = (y[0] - y_step, y[1] + y_step)
        self.set_bounds(x, y)

    def dataBounds(
        self, ax: int, frac: float = 1.0, orthoRange: object = None
    ) -> tuple[float, float] | None:
        return self._bounds[ax]

    def boundingRect(self) -> QRectF:
        return QRectF()

    def paint(self, *args: object) -> None:
        pass
