"""A trailing-edge throttle for views fed faster than they are worth redrawing."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer


class Throttle(QObject):
    """Call ``fn`` at most once every ``ms`` milliseconds, in the GUI thread.

    :meth:`request` asks for a call: the first request of a quiet period starts the timer, and
    the requests that follow before it fires are merged into that one call. ``ms=0`` runs
    ``fn`` at the next turn of the event loop, after the events already queued.
    """

    def __init__(self, fn: Callable[[], None], ms: int, parent: QObject) -> None:
        super().__init__(parent)
        self._fn = fn
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(ms)
        self._timer.timeout.connect(self.flush)

    def request(self) -> None:
        """Call ``fn`` when the interval started by the first pending request ends."""
        if not self._timer.isActive():
            self._timer.start()

    def flush(self) -> None:
        """Call ``fn`` now (a pending request is then done)."""
        self._timer.stop()
        self._fn()

    def cancel(self) -> None:
        """Forget a pending request."""
        self._timer.stop()

    def pending(self) -> bool:
        """Whether a requested call has not run yet."""
        return self._timer.isActive()
