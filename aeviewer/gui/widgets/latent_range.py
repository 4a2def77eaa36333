"""Auto-ranging of the latent view: fit, grow when points leave, shrink when they fill little."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

_PAD = 0.06  # padding of a fresh fit, as a fraction of the data span
_GROW_PAD = 0.15  # headroom added when points leave the view: slow drift doesn't jump each frame
_SHRINK_BELOW = 0.4  # refit when the data fill less than this fraction of the view on an axis


class AutoRange:
    """Fits the range of ``vb`` to points until the user moves the view.

    A fresh fit pads the data; later fits grow the view when points leave it and shrink it
    only when they fill much less of it, so live updates do not make it jump.
    """

    def __init__(self, vb: pg.ViewBox) -> None:
        self._vb = vb
        self._fitted: list[list[float]] | None = None  # the range of the last fit
        self._user_moved = False

    def user_moved(self) -> bool:
        """Whether the view was zoomed or panned since the last automatic fit."""
        return self._user_moved

    def note_user_move(self) -> None:
        """The user zoomed or panned: later fits leave the view alone until forced."""
        self._user_moved = True

    def restart(self) -> None:
        """Forget the last fit and any move: the next points get a fresh fit."""
        self._fitted, self._user_moved = None, False

    def fit(self, x: np.ndarray, y: np.ndarray, *, force: bool) -> None:
        """Fit the view to the points (``x``, ``y``; NaN ignored); ``force`` fits afresh even
        after a user's move and resumes auto-ranging."""
        if force:
            self._user_moved = False
        moved = self._fitted is not None and not np.allclose(
            self._vb.viewRange(), self._fitted, rtol=1e-9, atol=1e-300
        )
        if moved and not force:
            self._user_moved = True  # someone moved the view without the mouse (code, keys)
        if (self._user_moved and not force) or x.shape[0] == 0:
            return
        current = self._vb.viewRange()
        fresh = force or self._fitted is None
        new: list[list[float]] = []
        for axis, values in enumerate((x, y)):
            if np.isnan(values).all():
                return
            lo, hi = float(np.nanmin(values)), float(np.nanmax(values))
            span = hi - lo if hi > lo else max(abs(lo) * 0.1, 1.0)
            v0, v1 = current[axis]
            if fresh or span < _SHRINK_BELOW * (v1 - v0):
                new.append([lo - _PAD * span, hi + _PAD * span])
            elif lo < v0 or hi > v1:
                new.append([min(v0, lo - _GROW_PAD * span), max(v1, hi + _GROW_PAD * span)])
            else:
                new.append([v0, v1])
        if new != [list(r) for r in current]:
            self._vb.setRange(xRange=new[0], yRange=new[1], padding=0)
        self._fitted = [list(r) for r in self._vb.viewRange()]
