"""A trailing-edge throttle and a leading-edge pace for views fed faster than they are worth
redrawing."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

if TYPE_CHECKING:
    from aeviewer.gui.input_gate import InputGate


class Throttle(QObject):
    """Call ``fn`` at most once every ``ms`` milliseconds, in the GUI thread.

    :meth:`request` asks for a call: the first request of a quiet period starts the timer, and
    the requests that follow before it fires are merged into that one call. ``ms=0`` runs
    ``fn`` at the next turn of the event loop, after the events already queued. With an
    :class:`~aeviewer.gui.input_gate.InputGate` (:meth:`set_gate`), a call due while a hand is
    on the canvas or the latent space waits for the gate (:meth:`flush` still calls now).
    """

    def __init__(self, fn: Callable[[], None], ms: int, parent: QObject) -> None:
        super().__init__(parent)
        self._fn = fn
        self._gate: InputGate | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(ms)
        self._timer.timeout.connect(self._on_timeout)

    def set_gate(self, gate: InputGate | None) -> None:
        """Let ``gate`` hold the timed calls while input is in progress (None: never held)."""
        if self._gate is not None:
            self._gate.discard(self.flush)
        self._gate = gate

    def request(self) -> None:
        """Call ``fn`` when the interval started by the first pending request ends."""
        if not self._timer.isActive() and not self._held():
            self._timer.start()

    def flush(self) -> None:
        """Call ``fn`` now (a pending request is then done)."""
        self.cancel()
        self._fn()

    def cancel(self) -> None:
        """Forget a pending request."""
        self._timer.stop()
        if self._gate is not None:
            self._gate.discard(self.flush)

    def pending(self) -> bool:
        """Whether a requested call has not run yet."""
        return self._timer.isActive() or self._held()

    def _held(self) -> bool:
        return self._gate is not None and self._gate.waiting(self.flush)

    def _on_timeout(self) -> None:
        if self._gate is not None and self._gate.defer(self.flush):
            return
        self._fn()


class Pace(QObject):
    """Call ``fn`` at once when its last call was ``gap_ms`` or more ago, else once when that
    gap ends: the requests in between merge into that one call, which reads the state of then.

    Unlike :class:`Throttle`, a request after a quiet period is answered at once, so views fed
    slowly (an epoch every few seconds) show each update without delay, and views fed fast
    (a small model's 5-10 epochs a second) redraw at most every ``gap_ms``.
    """

    def __init__(self, fn: Callable[[], None], gap_ms: int, parent: QObject) -> None:
        super().__init__(parent)
        self._fn = fn
        self._gap_s = gap_ms / 1000
        self._last = -math.inf  # time.monotonic() of the last call
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._call)

    def request(self) -> None:
        """Call ``fn`` now, or at the end of the gap since the last call."""
        if self._timer.isActive():
            return  # merged into the call already due
        wait = self._last + self._gap_s - time.monotonic()
        if wait <= 0:
            self._call()
        else:
            self._timer.start(math.ceil(wait * 1000))

    def cancel(self) -> None:
        """Forget a pending request; the next one is answered at once."""
        self._timer.stop()
        self._last = -math.inf

    def flush(self) -> None:
        """Make the call that waits for the end of the gap now, if one does."""
        if self._timer.isActive():
            self._timer.stop()
            self._call()

    def pending(self) -> bool:
        """Whether a requested call waits for the end of the gap."""
        return self._timer.isActive()

    def _call(self) -> None:
        self._last = time.monotonic()
        self._fn()
