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

import atexit
import contextlib
import itertools
import os
import sys
import threading
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, Slot

from aeviewer.core.errors import first_line


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


#: QThreads that did not stop when their window closed, with the objects living in them and
#: how long to wait for them at exit.
_STRANDED: list[tuple[QThread, tuple[QObject, ...], float]] = []
_exit_hook = False


def strand(thread: QThread, *objects: QObject, grace_s: float = 0.3) -> None:
    """Keep ``thread`` (and ``objects``, which live in it) from being destroyed while it runs.

    Destroying a running QThread aborts the process ("QThread: Destroyed while thread is
    still running", pytest-dev/pytest-qt#276), and its owner is closing: a thread that did not
    stop in time (TensorFlow importing, a first XLA compile) is taken from its parent and kept
    here until it ends. When Python exits, each still gets ``grace_s``; if one still runs then,
    the process ends without running destructors (``os._exit``), since they would destroy it.
    That follows a close, so the exit code is 0.
    """
    global _exit_hook
    _STRANDED[:] = [entry for entry in _STRANDED if entry[0].isRunning()]
    thread.setParent(None)
    _STRANDED.append((thread, objects, grace_s))
    if not _exit_hook:
        _exit_hook = True
        atexit.register(_exit_past_stranded)


def _exit_past_stranded() -> None:
    for t, _objects, grace_s in _STRANDED:
        if grace_s > 0:
            t.wait(int(1000 * grace_s))
    if any(t.isRunning() for t, _objects, _grace in _STRANDED):
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(0)


def _run(work: Callable[[], Any], dispatcher: _Dispatcher, key: int) -> None:
    # ``done`` must run whatever happens here: an owner waiting for it (the autosaver's busy
    # flag, a window's "Loading…" state) would otherwise wait for good. Hence BaseException
    # (SystemExit, KeyboardInterrupt raised in this thread) and the emit in ``finally``.
    result: Any = None
    error = "the background work was interrupted"
    try:
        result, error = work(), ""
    except BaseException as exc:  # shown by ``done``: the app stays usable
        error = first_line(exc, limit=None)
    finally:
        # RuntimeError: the application is gone; nobody is left to tell.
        with contextlib.suppress(RuntimeError):
            dispatcher.finished.emit(key, result, error)


__all__ = ["run_in_thread", "strand"]
