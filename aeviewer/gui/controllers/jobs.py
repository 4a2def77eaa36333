"""Jobs on the training thread (a lesson's comparison models, saving a model): each request gets
its own token, and its result comes back to the GUI thread."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal, Slot

if TYPE_CHECKING:
    from aeviewer.gui.main_window import MainWindow


class JobsController(QObject):
    """Runs callables on the training thread, one at a time, after any run."""

    job_requested = Signal(str, object)  # token, callable

    def __init__(self, w: MainWindow) -> None:
        super().__init__(w)
        self.w = w
        self.callbacks: dict[str, tuple[Any, Any]] = {}  # token: (then, stop)
        self._serial = 0

    def request(self, name: str, fn: Any, then: Any, stop: Any = None) -> str:
        """Run ``fn`` on the training thread (after any run); ``then(result)`` here.

        Each request has its own token (returned), so two jobs of one name each get their
        own result. ``stop`` is called if the window closes first, and must make ``fn``
        return soon (a :class:`Trainer`'s ``stop``): closing waits only briefly for the thread.
        """
        self._serial += 1
        token = f"{name}#{self._serial}"
        self.callbacks[token] = (then, stop)
        self.job_requested.emit(token, fn)
        return token

    @Slot(str, object, str)
    def on_finished(self, token: str, result: Any, error: str) -> None:
        then, _stop = self.callbacks.pop(token, (None, None))
        name = token.rpartition("#")[0] or token
        if error:
            self.w.show_error(f"{name.replace('-', ' ')}: {error}")
        elif then is not None:
            then(result)
