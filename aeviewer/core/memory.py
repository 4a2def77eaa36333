"""Giving freed C-heap memory back to the system while a run trains.

Every epoch the training thread copies the model's weights to numpy (the NaN fallback, the
GUI's snapshot) and frees the last copies; the GUI frees images and codes. glibc keeps such
freed blocks in its per-thread arenas instead of returning them, so a live run's resident
memory rose 86-106 MB in its first two minutes with no object alive to show for it (Python's
traced memory stayed flat at 16-20 MB). ``malloc_trim(0)`` returned all of it: 1182 -> 1288 MB
without, 981 -> 996 MB with a trim every 10 s (``make soak``, 2 minutes, 2026-12-03).

Elsewhere (macOS, Windows, musl) there is no ``malloc_trim``, and :func:`trim_heap` does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
import time
from collections.abc import Callable
from functools import cache
from typing import Any

#: Seconds between two trims of one :class:`HeapTrimmer`: a trim walks every arena (median
#: 6.6 ms, at most 27 ms, while the vanilla model trains on digits), so not at every epoch of
#: a 0.2 s epoch run.
TRIM_INTERVAL_S = 5.0


def rss_mb(field: str = "VmRSS") -> float:
    """Resident memory of this process in MB (Linux ``/proc``; NaN elsewhere).

    ``field`` may name a part of it: ``RssAnon`` (the heaps: arrays, objects) or ``RssFile``
    (mapped files, such as the time machine's spilled snapshots, and the libraries).
    """
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return float("nan")


@cache
def _malloc_trim() -> Callable[[int], Any] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


def can_trim() -> bool:
    """Whether this C library can give freed heap memory back (glibc)."""
    return _malloc_trim() is not None


def trim_heap() -> bool:
    """Give the C heap's free pages back to the system; True if any memory was released."""
    trim = _malloc_trim()
    return bool(trim(0)) if trim is not None else False


class HeapTrimmer:
    """Calls :func:`trim_heap` at most every ``interval_s`` seconds (from any one thread)."""

    def __init__(
        self, interval_s: float = TRIM_INTERVAL_S, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.interval_s = interval_s
        self._clock = clock
        self._last = clock()
        self.trims = 0

    def maybe_trim(self) -> bool:
        """Trim if the interval has passed since the last one; True if it trimmed."""
        now = self._clock()
        if now - self._last < self.interval_s:
            return False
        self._last = now
        trim_heap()
        self.trims += 1
        return True
