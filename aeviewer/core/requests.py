"""Latest request wins: tickets that tell a stale result from a current one (no Qt).

Work started on a thread (a data set loading, a save being written) may return after a newer
request replaced it; its result must then be dropped, not shown.
"""

from __future__ import annotations

import itertools
import threading


class LatestRequest:
    """Hands out tickets; only the newest one is current.

    Take a ticket with :meth:`new` when starting the work, carry it along, and check
    :meth:`is_current` when the result arrives::

        ticket = self._load.new()
        run_in_thread(self, "data", work, lambda ds, err: self._on_loaded(ticket, ds, err))
        ...
        def _on_loaded(self, ticket, ds, err):
            if not self._load.is_current(ticket):
                return  # a newer request replaced this one

    Thread safety: :meth:`new`, :meth:`cancel` and :meth:`is_current` may be called from any
    thread (a lock guards the counter). The answer of :meth:`is_current` holds only until the
    next :meth:`new` or :meth:`cancel`: make the check and act on it on the thread that makes
    new requests (the GUI thread, after the worker's result was queued back to it), so that
    nothing can replace the request in between.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tickets = itertools.count(1)
        self._current = 0  # 0: no ticket is current (new() never returns it)

    def new(self) -> int:
        """A new ticket; every earlier one stops being current."""
        with self._lock:
            self._current = next(self._tickets)
            return self._current

    def is_current(self, ticket: int) -> bool:
        """Whether ``ticket`` is the newest and was not cancelled."""
        with self._lock:
            return ticket != 0 and ticket == self._current

    def cancel(self) -> None:
        """No ticket is current any more (a result on its way is dropped)."""
        with self._lock:
            self._current = 0


__all__ = ["LatestRequest"]
