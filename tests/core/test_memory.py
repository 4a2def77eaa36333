"""Freed C-heap memory goes back to the system while a run trains (glibc's malloc_trim)."""

from __future__ import annotations

import numpy as np
import pytest

from aeviewer.core import memory, training
from aeviewer.core.datasets import Dataset
from aeviewer.core.training import Trainer, TrainingConfig

glibc_only = pytest.mark.skipif(not memory.can_trim(), reason="needs glibc's malloc_trim")


def test_trimmer_trims_at_most_once_per_interval() -> None:
    now = [100.0]
    trimmer = memory.HeapTrimmer(interval_s=5.0, clock=lambda: now[0])
    assert not trimmer.maybe_trim()  # not at once: the interval counts from creation
    now[0] += 5.0
    assert trimmer.maybe_trim()
    now[0] += 4.9
    assert not trimmer.maybe_trim()
    now[0] += 0.1
    assert trimmer.maybe_trim()
    assert trimmer.trims == 2


@glibc_only
def test_trim_gives_a_fragmented_heap_back() -> None:
    """Blocks below glibc's mmap threshold, freed between survivors, stay resident until a
    trim: the pattern of a live run's per-epoch weight copies."""
    if np.isnan(memory.rss_mb()):
        pytest.skip("no /proc/self/status")
    blocks = [np.ones(16 * 1024, np.float32) for _ in range(3000)]  # 64 KiB each, 192 MiB
    keep = blocks[::50]
    del blocks
    held = memory.rss_mb()
    memory.trim_heap()
    released = held - memory.rss_mb()
    assert released > 100, f"trim released only {released:.0f} MB of about 188 freed"
    assert all(float(b[0]) == 1.0 for b in keep)  # the survivors are untouched


def test_trainer_trims_the_heap_at_epoch_ends(
    digits_small: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[memory.HeapTrimmer] = []

    class Eager(memory.HeapTrimmer):
        def __init__(self) -> None:
            super().__init__(interval_s=0.0)
            made.append(self)

    monkeypatch.setattr(training, "HeapTrimmer", Eager)
    Trainer(digits_small, TrainingConfig(preset="linear", epochs=3)).run()
    assert len(made) == 1 and made[0].trims == 3


_ARENAS_SCRIPT = r"""
import ctypes, os, sys, tempfile, threading
from aeviewer.core import memory
if sys.argv[1] == "limit":
    assert memory.limit_heap_arenas(2)
barrier = threading.Barrier(8)
def work():
    barrier.wait()
    held = [bytearray(4096) for _ in range(200)]  # from glibc's malloc, not Python's pools
    barrier.wait()
threads = [threading.Thread(target=work) for _ in range(8)]
for t in threads: t.start()
for t in threads: t.join()
libc = ctypes.CDLL("libc.so.6")
libc.fopen.restype = ctypes.c_void_p
libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
libc.fclose.argtypes = [ctypes.c_void_p]
fd, path = tempfile.mkstemp()
os.close(fd)
fp = libc.fopen(path.encode(), b"w")
libc.malloc_info(0, fp)
libc.fclose(fp)
print(open(path).read().count("<heap nr="))
os.unlink(path)
"""


@glibc_only
def test_limit_heap_arenas_holds_eight_threads_to_two_arenas() -> None:
    """Each thread that allocates gets a glibc arena of its own (what it frees stays there
    until a trim); limited, eight threads share two."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}

    def arenas(mode: str) -> int:
        out = subprocess.run(
            [sys.executable, "-c", _ARENAS_SCRIPT, mode],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return int(out.stdout.strip())

    assert arenas("free") >= 5
    assert arenas("limit") <= 2


@glibc_only
def test_limit_heap_arenas_leaves_a_users_setting(monkeypatch) -> None:
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert memory.limit_heap_arenas() is False
