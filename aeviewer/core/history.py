"""The record of a training run, kept for the time machine and for sessions.

Everything here is numpy: per-batch losses, and for every epoch its losses, the latent codes of
the fixed validation sample, and a :class:`ModelSnapshot` of the weights at the epoch's end.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from aeviewer.core import spill
from aeviewer.core.inference import ModelSnapshot

#: Memory for the time machine's weight snapshots. The vanilla model holds 4.4 MB a snapshot and
#: trains about 75 epochs a minute on the bundled digits: unbounded, a long run holds gigabytes
#: (docs/reliability.md). Past the bound only every s-th epoch keeps its snapshot, and the
#: latest (see ``thin_snapshots``); losses are kept for every epoch (codes: see below). All but
#: the latest are kept on disk (``spill_snapshots``), so this bounds a temporary folder, not the
#: memory.
MAX_SNAPSHOT_BYTES = 256 * 1024**2

#: Memory for the latent codes of past epochs. An epoch end encodes the whole validation set
#: (up to 10,000 samples): 1.2 MB an epoch for 30-D codes, so a 1000-epoch run would hold
#: 1.2 GB. Past the bound only every s-th epoch keeps its codes, and the latest (see
#: ``thin_codes``); the time machine shows the nearest earlier epoch that kept them
#: (``codes_at``), as it does for weights. 2-D codes of 10,000 samples fit 1600 epochs.
MAX_CODES_BYTES = 128 * 1024**2


def snapshot_nbytes(snapshot: ModelSnapshot) -> int:
    """Bytes held by a snapshot's weights."""
    models = (snapshot.encoder, snapshot.decoder)
    return sum(int(w.nbytes) for m in models for op in m.ops for w in op.weights)


@dataclass
class EpochRecord:
    """One epoch of the run, as the time machine shows it."""

    epoch: int  # 1-based, of the main training stage
    x: float  # position on the loss plot's epoch axis (greedy stages come first)
    logs: dict[str, float]
    codes: np.ndarray | None = None
    snapshot: ModelSnapshot | None = None


@dataclass
class RunHistory:
    """A whole run: settings, per-batch curve, epoch records and stage markers."""

    settings: dict[str, Any] = field(default_factory=dict)
    latent_indices: np.ndarray | None = None
    batch_x: list[np.ndarray] = field(default_factory=list)
    batch_loss: list[np.ndarray] = field(default_factory=list)
    records: list[EpochRecord] = field(default_factory=list)
    stage_epochs: list[dict[str, Any]] = field(default_factory=list)  # greedy stages' epochs
    stages: list[tuple[float, str]] = field(default_factory=list)
    first_snapshot: ModelSnapshot | None = None  # the untrained model
    _spill_dir: Any = field(default=None, repr=False, compare=False)  # TemporaryDirectory

    # -- filling, from the training thread's reports (on the GUI thread) ----------------
    def add_batches(self, x: np.ndarray, loss: np.ndarray) -> None:
        self.batch_x.append(np.asarray(x, np.float32))
        self.batch_loss.append(np.asarray(loss, np.float32))

    def add_epoch(self, epoch: int, x: float, logs: dict[str, float], stage: str = "train") -> None:
        if stage != "train":
            self.stage_epochs.append({"stage": stage, "epoch": epoch, "x": x, "logs": dict(logs)})
            return
        self.records.append(EpochRecord(epoch, x, dict(logs)))

    def set_codes(self, epoch: int, codes: np.ndarray, indices: np.ndarray) -> None:
        """Keep the epoch-end codes of ``epoch`` (then thin older ones to the budget)."""
        rec = self.record(epoch)
        if rec is not None:
            rec.codes = np.asarray(codes, np.float32)
            self.latent_indices = np.asarray(indices)
            self.thin_codes()

    def thin_codes(self, max_bytes: int = MAX_CODES_BYTES) -> int:
        """Keep the codes of every ``s``-th epoch and the latest, within ``max_bytes``.

        ``s`` is the smallest power of two that fits, as in :meth:`thin_snapshots`, so the
        epochs that keep codes stay evenly spread over the run. Returns how many were dropped.
        """
        recs = self.records
        last = next((r.codes for r in reversed(recs) if r.codes is not None), None)
        if last is None:
            return 0
        cap = max(3, max_bytes // max(1, int(last.nbytes)))
        stride = 1
        while -(-len(recs) // stride) + 1 > cap:
            stride *= 2
        dropped = 0
        for i, r in enumerate(recs[:-1]):
            if i % stride and r.codes is not None:
                r.codes = None
                dropped += 1
        return dropped

    def codes_at(self, epoch: int) -> tuple[int, np.ndarray] | None:
        """``(epoch, codes)`` of ``epoch``, else of the nearest earlier epoch that kept its
        codes (the nearest later one when none did); ``None`` when no epoch has codes."""
        later: tuple[int, np.ndarray] | None = None
        for rec in reversed(self.records):
            if rec.codes is None:
                continue
            if rec.epoch <= epoch:
                return rec.epoch, rec.codes
            later = (rec.epoch, rec.codes)
        return later

    def set_snapshot(self, snapshot: ModelSnapshot) -> None:
        rec = self.record(snapshot.epoch)
        if rec is not None:
            rec.snapshot = snapshot

    def thin_snapshots(self, max_bytes: int = MAX_SNAPSHOT_BYTES) -> int:
        """Keep the snapshots of every ``s``-th epoch and the latest, within ``max_bytes``.

        ``s`` is the smallest power of two that fits the budget; it only grows as the run
        does, so the kept epochs stay evenly spread over the whole run. Returns how many
        snapshots were dropped.
        """
        recs = self.records
        if not recs or recs[-1].snapshot is None:
            return 0
        cap = max(3, max_bytes // max(1, snapshot_nbytes(recs[-1].snapshot)))
        stride = 1
        while -(-len(recs) // stride) + 1 > cap:
            stride *= 2
        dropped = 0
        for i, r in enumerate(recs[:-1]):
            if i % stride and r.snapshot is not None:
                spill.discard(r.snapshot)
                r.snapshot = None
                dropped += 1
        return dropped

    def spill_snapshots(self) -> int:
        """Move every snapshot but the latest to files of a temporary folder (memory-mapped,
        read on use); returns how many moved. The folder goes with the history."""
        moved = 0
        for rec in self.records[:-1]:
            if rec.snapshot is not None and not spill.is_spilled(rec.snapshot):
                if self._spill_dir is None:
                    self._spill_dir = tempfile.TemporaryDirectory(
                        prefix="aeviewer-snapshots-", ignore_cleanup_errors=True
                    )
                rec.snapshot = spill.spill(rec.snapshot, self._spill_dir.name)
                moved += 1
        return moved

    def release_pages(self) -> None:
        """Give back the memory of spilled snapshots read since (after an autosave read them)."""
        for rec in self.records:
            if rec.snapshot is not None and spill.is_spilled(rec.snapshot):
                spill.release_pages(rec.snapshot)

    def snapshot_at(self, epoch: int) -> ModelSnapshot | None:
        """The snapshot of ``epoch``, else of the nearest earlier epoch that kept one."""
        later = None
        for rec in reversed(self.records):
            if rec.snapshot is None:
                continue
            if rec.epoch <= epoch:
                return rec.snapshot
            later = rec.snapshot
        return later

    # -- reading --------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.records)

    def record(self, epoch: int) -> EpochRecord | None:
        for rec in reversed(self.records):
            if rec.epoch == epoch:
                return rec
        return None

    def batches(self) -> tuple[np.ndarray, np.ndarray]:
        if not self.batch_x:
            return np.zeros(0, np.float32), np.zeros(0, np.float32)
        return np.concatenate(self.batch_x), np.concatenate(self.batch_loss)

    def trail(self, row: int, upto: int | None = None) -> np.ndarray:
        """Codes of latent-sample row ``row`` at each epoch (up to epoch index ``upto``)."""
        recs = self.records[: upto if upto is not None else len(self.records)]
        return np.array([r.codes[row] for r in recs if r.codes is not None], np.float32)

    def logs_series(self) -> dict[str, np.ndarray]:
        keys = sorted({k for r in self.records for k in r.logs})
        return {
            k: np.array([r.logs.get(k, np.nan) for r in self.records], np.float64) for k in keys
        }
