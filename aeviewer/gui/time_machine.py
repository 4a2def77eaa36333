"""The training time machine: record every epoch, scrub back, replay, and latent trails.

A mixin of MainWindow. The record is a :class:`RunHistory` of numpy data; scrubbing to an epoch
shows that epoch's codes in the scatter, and the gallery, the preview and the denoising strip
decode with that epoch's weight snapshot.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from aeviewer.core.history import RunHistory
from aeviewer.core.inference import ModelSnapshot
from aeviewer.core.latent import fit_pca, plane_xy
from aeviewer.gui.window_state import WindowState

TRAIL_SAMPLES = 6


class TimeMachineMixin(WindowState):
    """Recording and replaying a run (mixed into MainWindow)."""

    # From ViewsMixin:
    codes_epoch: int
    wants_tsne: Callable[[], bool]
    show_tsne_map: Callable[[], bool]
    start_tsne: Callable[[], None]
    _show_codes: Callable[[np.ndarray, np.ndarray], None]
    _refresh_title: Callable[[], None]

    def new_history(self, settings: dict) -> None:
        self.history = RunHistory(settings=settings)
        self.view_epoch = 0
        self.timeline.play(False)
        self.timeline.set_epochs(0)
        self.trails.clear()

    def view_snapshot(self) -> ModelSnapshot | None:
        """The weights the views decode with: the scrubbed epoch's, or the latest."""
        if self.view_epoch:
            # A long run keeps a bounded number of snapshots (RunHistory.thin_snapshots).
            snap = self.history.snapshot_at(self.view_epoch)
            if snap is not None:
                return snap
        return self.snapshot

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

    def _on_timeline_epoch_selected(self, epoch: int) -> None:
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
        self.codes_epoch, codes = found
        self.latent_codes, self.latent_indices = codes, indices
        if self.wants_tsne():
            # This epoch's t-SNE map if it was computed; else the map on screen stays (PCA
            # before the first) while this epoch's is computed off the GUI thread.
            if not self.show_tsne_map():
                if self.projection is None or self.projection.kind != "tsne":
                    self.projection = fit_pca(codes, None)
                    self._show_codes(plane_xy(self.projection, codes, indices), indices)
                self.start_tsne()
                self._refresh_title()
        else:
            pca = self.projection if self.projection and self.projection.kind == "pca" else None
            self.projection = fit_pca(codes, pca)
            self.tsne_xy = None
            self._show_codes(plane_xy(self.projection, codes, indices), indices)
        self.refresh_views_for_epoch()

    def refresh_views_for_epoch(self) -> None:
        if self.clicked_point is not None:
            self.decode_point(*self.clicked_point)
        self.refresh_denoise()  # type: ignore[attr-defined]
        self.refresh_gallery()  # type: ignore[attr-defined]
        self.update_trails()
        self.refresh_lesson()  # type: ignore[attr-defined]

    # -- trails -----------------------------------------------------------------------------
    def set_trails(self, on: bool) -> None:
        self.trails_on = on
        self.update_trails()

    def trail_rows(self) -> list[int]:
        """Latent-sample rows to trail: the selected sample, else the first few."""
        idx = self.history.latent_indices
        if idx is None:
            return []
        if self.selected_index is not None:
            rows = np.flatnonzero(idx == self.selected_index)
            if len(rows):
                return [int(rows[0])]
        return list(range(min(TRAIL_SAMPLES, len(idx))))

    def update_trails(self) -> None:
        if not self.trails_on or self.projection is None or self.projection.kind == "tsne":
            self.trails.clear()
            return
        upto = self.view_epoch or len(self.history)
        rows = self.trail_rows()
        idx = self.history.latent_indices
        trails = []
        for r in rows:
            codes = self.history.trail(r, upto)
            sample = np.full(len(codes), idx[r] if idx is not None else r)
            trails.append(plane_xy(self.projection, codes, sample))  # 1-D: the point's height
        labels: list[int] = []
        y = self.dataset.y_val if self.dataset is not None else None
        if y is not None and idx is not None:
            labels = [int(np.asarray(y)[idx[r]]) for r in rows]
        self.trails.set_trails(trails, labels)
