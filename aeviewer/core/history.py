"""The record of a training run, kept for the time machine and for sessions.

Everything here is numpy: per-batch losses, and for every epoch its losses, the latent codes of
the fixed validation sample, and a :class:`ModelSnapshot` of the weights at the epoch's end.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from aeviewer.core.inference import ModelSnapshot


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
        rec = self.record(epoch)
        if rec is not None:
            rec.codes = np.asarray(codes, np.float32)
            self.latent_indices = np.asarray(indices)

    def set_snapshot(self, snapshot: ModelSnapshot) -> None:
        rec = self.record(snapshot.epoch)
        if rec is not None:
            rec.snapshot = snapshot

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
