"""Giving freed C-heap memory back to the system while a run trains.

Every epoch the training thread copies the model's weights to numpy (the NaN fallback, the
GUI's snapshot) and frees the last copies; the GUI frees images and codes. glibc keeps such
freed blocks in its arenas instead of returning them, so a live run's resident memory grows
with no live object to show for it; ``malloc_trim(0)`` returns them.

Between two trims, what a thread frees stays in its own arena, and glibc gives each thread that
allocates while another does an arena of its own (the GUI, the training thread, TensorFlow's
pools, each autosave's writer): memory then swings well over its floor. :func:`limit_heap_arenas`
holds the process to :data:`HEAP_ARENAS` arenas at start-up. Measurements: docs/reliability.md,
*Memory and the C heap*.

Elsewhere (macOS, Windows, musl) there is no ``malloc_trim`` nor arenas to limit, and these
functions do nothing.
"""

from __future__ import annotations

import ctypes
import os
import sys
import time
from collections.abc import Callable
from functools import cache
from typing import Any

#: Seconds between two trims of one :class:`HeapTrimmer`: a trim walks every arena (several
#: ms), so not at every epoch of a 0.2 s epoch run.
TRIM_INTERVAL_S = 5.0

#: glibc heap arenas for the whole process (see the module's docstring).
HEAP_ARENAS = 2
_M_ARENA_MAX = -8  # mallopt's parameter number, <malloc.h>


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
def _glibc() -> Any | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        try:
            libc = ctypes.CDLL("libc.so.6")  # find_library runs ldconfig: 20 ms of start-up
        except OSError:
            from ctypes.util import find_library

            libc = ctypes.CDLL(find_library("c"))
        libc.malloc_trim.argtypes = [ctypes.c_size_t]
        libc.malloc_trim.restype = ctypes.c_int
        libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
        libc.mallopt.restype = ctypes.c_int
    except (OSError, AttributeError):  # not glibc
        return None
    return libc


def _malloc_trim() -> Callable[[int], Any] | None:
    libc = _glibc()
    return None if libc is None else libc.malloc_trim


def limit_heap_arenas(n: int = HEAP_ARENAS) -> bool:
    """Hold the process to ``n`` glibc heap arenas; True if set.

    Call it before threads start: a thread keeps the arena it has. A ``MALLOC_ARENA_MAX`` in
    the environment (glibc reads it itself) is left as the user set it.
    """
    libc = _glibc()
    if libc is None or "MALLOC_ARENA_MAX" in os.environ:
        return False
    return bool(libc.mallopt(_M_ARENA_MAX, int(n)))


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
