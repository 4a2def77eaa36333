"""A trailing-edge throttle for views fed faster than they are worth redrawing."""

from __future__ import annotations

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
