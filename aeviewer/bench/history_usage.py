"""What the time machine holds during a bench session: arrays in memory, snapshot files on disk."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from aeviewer.gui.main_window import MainWindow

SPILL_PREFIX = "aeviewer-snapshots-"  # the time machine's folders (core/history.py)


def history_mb(window: MainWindow) -> float | None:
    """Megabytes of arrays the window's run history holds in memory (snapshots, codes,
    losses); snapshots kept on disk (memory-mapped, ``core/spill.py``) do not count."""
    history = window.time_machine.history
    if history is None:
        return None
    try:
        total, seen = 0, set()
        for rec in history.records:
            if rec.codes is not None:
                total += rec.codes.nbytes
            snap = rec.snapshot
            if snap is not None and id(snap) not in seen:
                seen.add(id(snap))
                models = (snap.encoder, snap.decoder)
                weights = [w for m in models for op in m.ops for w in op.weights]
                total += sum(w.nbytes for w in weights if not isinstance(w, np.memmap))
        total += sum(a.nbytes for a in (*history.batch_x, *history.batch_loss))
    except (AttributeError, TypeError):  # another history layout: no breakdown
        return None
    return total / 2**20


def spill_note(window: MainWindow) -> str:
    """The size of the time machine's spill folders at the end, and their file system.

    The snapshots there are memory-mapped: on a tmpfs ``/tmp`` their pages are RAM that RSS
    does not show, so the reader needs the folder's size beside the RSS growth. Files thinned
    out of the history but still mapped are deleted yet hold their space until unmapped."""
    folders: set[Path] = set()
    spill_dir = getattr(window.time_machine.history, "_spill_dir", None)
    if spill_dir is not None and getattr(spill_dir, "name", None):
        folders.add(Path(spill_dir.name))
    mapped, deleted = _mapped_spill_files()
    folders.update(p.parent for p in mapped)
    total, files = 0, 0
    for folder in folders:
        with contextlib.suppress(OSError):
            for f in folder.iterdir():
                with contextlib.suppress(OSError):
                    total += f.lstat().st_blocks * 512  # what it occupies, not its length
                    files += 1
    if not folders:
        return "no snapshots spilled to disk"
    fs = ", ".join(sorted({_fs_type(f) for f in folders}))
    text = f"spill folder {total / 2**20:.0f} MB in {files} files on {fs}"
    if "tmpfs" in fs:
        text += " (RAM not in RSS)"
    if deleted:
        text += f", + {deleted / 2**20:.0f} MB deleted but still mapped"
    return text


def _mapped_spill_files() -> tuple[set[Path], int]:
    """Spill files this process maps (``/proc/self/maps``), and the bytes mapped from those
    already deleted."""
    paths: set[Path] = set()
    gone: dict[str, int] = {}
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as f:
            lines = f.readlines()
    except OSError:
        return paths, 0
    for line in lines:
        parts = line.split(maxsplit=5)
        if len(parts) < 6 or SPILL_PREFIX not in parts[5]:
            continue
        name = parts[5].strip()
        lo, hi = (int(v, 16) for v in parts[0].split("-"))
        if name.endswith(" (deleted)"):
            gone[name] = gone.get(name, 0) + hi - lo
        else:
            paths.add(Path(name))
    return paths, sum(gone.values())


def _fs_type(path: Path) -> str:
    """The file system type of the mount holding ``path`` (``/proc/mounts``), or "?"."""
    best, kind = "", "?"
    try:
        with open("/proc/mounts", encoding="utf-8", errors="replace") as f:
            mounts = [line.split() for line in f]
    except OSError:
        return kind
    target = os.path.realpath(path)
    for m in mounts:
        if len(m) < 3:
            continue
        point = m[1].replace("\\040", " ")
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) > len(best):
            best, kind = point, m[2]
    return kind
