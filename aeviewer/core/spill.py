"""Weight snapshots kept on disk instead of in memory, read back on use.

The time machine keeps the weights of past epochs: 4.4 MB an epoch for the default model, so a
long run held hundreds of MB in memory. A spilled snapshot has the same weights in a file of a
temporary folder, memory-mapped: nothing is read until a view decodes with it (scrubbing back),
and :func:`release_pages` gives those pages back after a read of them all (an autosave).
"""

from __future__ import annotations

import contextlib
import mmap
import os
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np

from aeviewer.core.inference import ModelSnapshot, NumpyModel

_FILE = "spill_file"
_MAP = "spill_map"


def is_spilled(snapshot: ModelSnapshot) -> bool:
    return _FILE in snapshot.encoder.meta


def spill(snapshot: ModelSnapshot, folder: str | Path) -> ModelSnapshot:
    """The same snapshot with its weights in a new file of ``folder``, memory-mapped."""
    if is_spilled(snapshot):
        return snapshot
    models = (snapshot.encoder, snapshot.decoder)
    weights = [w for m in models for op in m.ops for w in op.weights]
    arrays = [np.ascontiguousarray(w, np.float32) for w in weights]
    total = sum(a.size for a in arrays)
    if total == 0:
        return snapshot
    fd, name = tempfile.mkstemp(prefix=f"epoch{snapshot.epoch}-", suffix=".f32", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            for a in arrays:
                a.tofile(f)
        flat = np.memmap(name, dtype=np.float32, mode="r", shape=(total,))
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise
    offset = 0

    def mapped(model: NumpyModel) -> NumpyModel:
        nonlocal offset
        ops = []
        for op in model.ops:
            views = []
            for w in op.weights:
                views.append(flat[offset : offset + w.size].reshape(w.shape))
                offset += w.size
            ops.append(replace(op, weights=tuple(views)))
        return replace(model, ops=tuple(ops), meta={**model.meta, _FILE: name, _MAP: flat})

    encoder, decoder = mapped(snapshot.encoder), mapped(snapshot.decoder)
    return replace(snapshot, encoder=encoder, decoder=decoder)


def discard(snapshot: ModelSnapshot) -> None:
    """Remove a spilled snapshot's file (it stays readable while still mapped, on POSIX)."""
    name = snapshot.encoder.meta.get(_FILE)
    if name:
        with contextlib.suppress(OSError):
            os.unlink(name)


def release_pages(snapshot: ModelSnapshot) -> None:
    """Drop the pages of a spilled snapshot that a read brought in; the next use reads the
    file again. Nothing happens where the platform cannot (no ``madvise``)."""
    flat = snapshot.encoder.meta.get(_MAP)
    handle = getattr(flat, "_mmap", None)
    advice = getattr(mmap, "MADV_DONTNEED", None)
    if handle is not None and advice is not None and hasattr(handle, "madvise"):
        with contextlib.suppress(OSError, ValueError):
            handle.madvise(advice)


__all__ = ["discard", "is_spilled", "release_pages", "spill"]
