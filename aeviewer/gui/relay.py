"""Work on a plain Python thread whose result comes back to the GUI thread.

The thread must never hold the last reference to a Qt object of the GUI: when a thread drops
it, the object (a closed window, and with it every Python-owned QObject it holds) is destroyed
in that thread. Its timers then cannot be unregistered, and the GUI thread later fires them at
freed memory: a segfault in ``QMetaObject::cast`` under ``QTimerInfoList::activateTimers``
(seen here when a window closed during t-SNE). So the thread gets only the work, which must
capture plain data, and a messenger owned by its Qt parent (dropping a wrapper of a parented
object never deletes it).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal


class _Relay(QObject):
    finished = Signal(object, str)  # result, error ("" when the work succeeded)


def run_in_thread(
    parent: QObject,
    name: str,
    work: Callable[[], Any],
    done: Callable[[Any, str], None],
) -> threading.Thread:
    """Run ``work()`` on a daemon thread, then ``done(result, error)`` in ``parent``'s thread.

    ``work`` must capture plain data only (numpy arrays, numbers), never ``parent`` or another
    QObject. ``error`` is the exception's first line; ``done`` is not called when ``parent``
    was deleted meanwhile. A daemon thread: closing the window never waits for it.
    """
    relay = _Relay(parent)

    def finish(result: Any, error: str) -> None:
        relay.deleteLater()
        done(result, error)

    relay.finished.connect(finish)
    thread = threading.Thread(target=_run, args=(work, relay), name=name, daemon=True)
    thread.start()
    return thread


def _run(work: Callable[[], Any], relay: _Relay) -> None:
    try:
        result, error = work(), ""
    except Exception as exc:  # shown by ``done``: the app stays usable
        text = str(exc).strip()
        result, error = None, text.splitlines()[0] if text else type(exc).__name__
    # RuntimeError: the parent (and the relay with it) was deleted; nobody is left to tell.
    with contextlib.suppress(RuntimeError):
        relay.finished.emit(result, error)


__all__ = ["run_in_thread"]
