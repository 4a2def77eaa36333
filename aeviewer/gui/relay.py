"""Work on a plain Python thread whose result comes back to the GUI thread.

The thread must never hold the last reference to a Qt object of the GUI: when a thread drops
it, the object (a closed window, and with it every Python-owned QObject it holds) is destroyed
in that thread. Its timers then cannot be unregistered, and the GUI thread later fires them at
freed memory: a segfault in ``QMetaObject::cast`` under ``QTimerInfoList::activateTimers``
(seen here when a window closed during t-SNE). So the thread gets only the work, which must
capture plain data, and a job number; it reports through one messenger that lives as long as
the application, and the owner and its callback wait in the GUI thread.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Signal, Slot


class _Dispatcher(QObject):
    """One per application, never deleted while it runs: threads emit on it, so no emission
    can race with the deletion of its target. Owners and callbacks stay here, in the GUI
    thread, and are released here."""

    finished = Signal(int, object, str)  # job, result, error ("" when the work succeeded)

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._jobs: dict[int, tuple[QObject, Callable[[Any, str], None]]] = {}
        self._next = itertools.count(1)
        self.finished.connect(self._on_finished)

    def add(self, owner: QObject, done: Callable[[Any, str], None]) -> int:
        key = next(self._next)
        self._jobs[key] = (owner, done)
        return key

    @Slot(int, object, str)  # a declared slot: see PYSIDE-3124 in main_window.py
    def _on_finished(self, key: int, result: Any, error: str) -> None:
        owner, done = self._jobs.pop(key, (None, None))
        if owner is not None and done is not None and shiboken6.isValid(owner):
            done(result, error)


def run_in_thread(
    parent: QObject,
    name: str,
    work: Callable[[], Any],
    done: Callable[[Any, str], None],
) -> threading.Thread:
    """Run ``work()`` on a daemon thread, then ``done(result, error)`` in the GUI thread.

    ``work`` must capture plain data only (numpy arrays, numbers), never ``parent`` or another
    QObject. ``error`` is the exception's first line; ``done`` is not called when ``parent``
    was deleted meanwhile. A daemon thread: closing the window never waits for it.
    """
    app = QCoreApplication.instance()
    dispatcher = app.findChild(_Dispatcher) if app is not None else None
    if dispatcher is None:
        dispatcher = _Dispatcher(app if app is not None else parent)
    key = dispatcher.add(parent, done)
    thread = threading.Thread(target=_run, args=(work, dispatcher, key), name=name, daemon=True)
    thread.start()
    return thread


def _run(work: Callable[[], Any], dispatcher: _Dispatcher, key: int) -> None:
    try:
        result, error = work(), ""
    except Exception as exc:  # shown by ``done``: the app stays usable
        text = str(exc).strip()
        result, error = None, text.splitlines()[0] if text else type(exc).__name__
    # RuntimeError: the application is gone; nobody is left to tell.
    with contextlib.suppress(RuntimeError):
        dispatcher.finished.emit(key, result, error)


__all__ = ["run_in_thread"]
