"""The training time machine: every epoch recorded, scrubbing back and replaying, latent trails.

The record is a RunHistory of numpy data; scrubbing shows that epoch's codes, and the views
decode with that epoch's weight snapshot."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject

from aeviewer.core.history import RunHistory
from aeviewer.core.inference import ModelSnapshot
from aeviewer.core.latent import (
    plane_xy,
)

TRAIL_SAMPLES = 6


if TYPE_CHECKING:
    from aeviewer.gui.main_window import MainWindow


class TimeMachineController(QObject):
    """Owns the run's record and the epoch on screen."""

    def __init__(self, w: MainWindow) -> None:
        super().__init__(w)
        self.w = w
        self.history = RunHistory()
        self.view_epoch = 0  # 0: live; k: the time machine shows epoch k
        self.trails_on = False

    def reset_views(self) -> None:
        """A new run: the old run's epochs are not this run's."""
        self.w.timeline.play(False)
        self.w.timeline.set_epochs(0)
        self.view_epoch = 0
        self.w.trails.clear()

    def new_history(self, settings: dict) -> None:
        self.history = RunHistory(settings=settings)
        self.view_epoch = 0
        self.w.timeline.play(False)
        self.w.timeline.set_epochs(0)
        self.w.trails.clear()

    def view_snapshot(self) -> ModelSnapshot | None:
        """The weights the views decode with: the scrubbed epoch's, or the latest."""
        if self.view_epoch:
            # A long run keeps a bounded number of snapshots (RunHistory.thin_snapshots).
            snap = self.history.snapshot_at(self.view_epoch)
            if snap is not None:
                return snap
        return self.w.live.snapshot

    def record_snapshot(self, snapshot: ModelSnapshot) -> None:
        """Keep the epoch-end snapshot (the first one published after the epoch's report)."""
        if snapshot.epoch == 0 and self.history.first_snapshot is None:
            self.history.first_snapshot = snapshot
            return
        rec = self.history.record(snapshot.epoch)
        if rec is not None and rec.snapshot is None:
            rec.snapshot = snapshot
            self.history.thin_snapshots()  # a bounded number on long runs...
            self.history.spill_snapshots()  # ... and on disk, all but the latest

    def is_live(self) -> bool:
        return self.view_epoch == 0

    def on_epoch_selected(self, epoch: int) -> None:
        self.view_epoch = epoch
        rec = (
            self.history.record(epoch)
            if epoch
            else (self.history.records[-1] if self.history.records else None)
        )
        indices = self.history.latent_indices
        # A long run keeps the codes of some epochs only (RunHistory.thin_codes).
        found = None if rec is None else self.history.codes_at(rec.epoch)
        if found is None or indices is None:
            return
        self.w.latent.show_epoch(*found, indices)
        self.refresh_views_for_epoch()

    def refresh_views_for_epoch(self) -> None:
        if self.w.latent.clicked_point is not None:
            self.w.latent.decode_point(*self.w.latent.clicked_point)
        self.w.samples.refresh_denoise()
        self.w.samples.refresh_gallery()
        self.update_trails()
        self.w.lessons.refresh()

    # -- trails -----------------------------------------------------------------------------
    def set_trails(self, on: bool) -> None:
        self.trails_on = on
        self.update_trails()

    def trail_rows(self) -> list[int]:
        """Latent-sample rows to trail: the selected sample, else the first few."""
        idx = self.history.latent_indices
        if idx is None:
            return []
        if self.w.samples.selected_index is not None:
            rows = np.flatnonzero(idx == self.w.samples.selected_index)
            if len(rows):
                return [int(rows[0])]
        return list(range(min(TRAIL_SAMPLES, len(idx))))

    def update_trails(self) -> None:
        if (
            not self.trails_on
            or self.w.latent.state.projection is None
            or self.w.latent.state.projection.kind == "tsne"
        ):
            self.w.trails.clear()
            return
        upto = self.view_epoch or len(self.history)
        rows = self.trail_rows()
        idx = self.history.latent_indices
        trails = []
        for r in rows:
            codes = self.history.trail(r, upto)
            sample = np.full(len(codes), idx[r] if idx is not None else r)
            trails.append(
                plane_xy(self.w.latent.state.projection, codes, sample)
            )  # 1-D: the point's height
        labels: list[int] = []
        y = self.w.data.dataset.y_val if self.w.data.dataset is not None else None
        if y is not None and idx is not None:
            labels = [int(np.asarray(y)[idx[r]]) for r in rows]
        self.w.trails.set_trails(trails, labels)
