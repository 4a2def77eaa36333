"""Live views: the training thread's codes and weight snapshots drawn as they come, a click or a
stroke answered first (gui/input_gate.py), the epoch-end views one per turn of the event loop,
and each at most every :data:`VIEW_GAP_MS` when epochs come faster than that."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot

from aeviewer.core.inference import ModelSnapshot
from aeviewer.core.training import LatentReport
from aeviewer.gui.throttle import Pace, Throttle

if TYPE_CHECKING:
    from aeviewer.gui.main_window import MainWindow

#: The shortest time between two drawings of the codes, of the latest weights' views and of
#: the epoch-end views. A small model ends 5-10 epochs a second; drawing each cost the GUI
#: thread 13 ms and its paints, and a click or a stroke landing in that work waited for it
#: (docs/performance.md). Slower epochs are drawn as they end; faster ones, the latest wins.
VIEW_GAP_MS = 250


class LiveController(QObject):
    """Owns the latest weights and the views still to draw."""

    epoch_shown = Signal(int)  # an epoch's results are on screen (for --quit-after-epochs)

    def __init__(self, w: MainWindow) -> None:
        super().__init__(w)
        self.w = w
        self.snapshot: ModelSnapshot | None = None
        self.epoch_views: list[Callable[[], None]] = []  # epoch-end views still to refresh
        self._epoch_views_shown: int | None = None  # the epoch to announce once they are
        self._epoch_view_turn = Throttle(self.next_epoch_view, 0, self)
        self._epoch_view_turn.set_gate(w.input_gate)
        self._epoch_views_pace = Pace(self._epoch_view_turn.request, VIEW_GAP_MS, self)
        self.latent_pending: list[LatentReport] = []  # codes waiting to be drawn
        # Each paced drawing still waits for a hand on a view (input_gate.py).
        draw_latent = functools.partial(w.input_gate.call, self.show_latent_reports)
        self._latent_pace = Pace(draw_latent, VIEW_GAP_MS, self)
        draw_weights = functools.partial(w.input_gate.call, self.show_weights)
        self._weights_pace = Pace(draw_weights, VIEW_GAP_MS, self)

    def reset_views(self) -> None:
        """A new run: nothing of the old one's reports is drawn."""
        self.epoch_views.clear()
        self.latent_pending.clear()
        self.w.input_gate.discard(self.show_latent_reports)
        self.w.input_gate.discard(self.show_weights)
        self._epoch_views_shown = None
        self._epoch_view_turn.cancel()
        for pace in (self._epoch_views_pace, self._latent_pace, self._weights_pace):
            pace.cancel()
        self.snapshot = None

    @Slot(object)
    def on_latent_updated(self, report: LatentReport) -> None:
        if self.w.data.dataset is None or self.w.run.trainer is None:
            return  # no data, or a reset run still reporting
        if not report.partial:
            self.w.time_machine.history.set_codes(report.epoch, report.codes, report.indices)
        if not self.w.time_machine.is_live():
            return  # the time machine shows an older epoch; the record keeps this one
        # The latest codes are drawn, after the epoch-end codes of the whole set if any came
        # since the last drawing (they set the projection and what a click decodes through).
        if not report.partial:
            self.latent_pending.clear()
        self.latent_pending = [r for r in self.latent_pending if not r.partial] + [report]
        self._latent_pace.request()

    def show_latent_reports(self) -> None:
        reports, self.latent_pending = self.latent_pending, []
        if (
            self.w.data.dataset is None
            or self.w.run.trainer is None
            or not self.w.time_machine.is_live()
        ):
            return
        for report in reports:
            self.w.latent.show_report(report, draw=report is reports[-1])

    @Slot(object)
    def on_weights_updated(self, snapshot: ModelSnapshot) -> None:
        if self.w.run.trainer is None:
            return  # a reset run still reporting: what it sends is forgotten
        first = self.snapshot is None
        self.snapshot = snapshot
        rec = self.w.time_machine.history.record(snapshot.epoch)
        epoch_end = rec is not None and rec.snapshot is None
        self.w.time_machine.record_snapshot(snapshot)
        if self.w.time_machine.is_live():
            self._weights_pace.request()
            if first or epoch_end:
                # The epoch-end views, one per turn of the event loop: a click or a stroke
                # queued meanwhile waits for one of them, not for all.
                self.epoch_views = [
                    self.w.samples.refresh_gallery_pairs,
                    self.w.samples.refresh_gallery_generated,
                    self.w.time_machine.update_trails,
                    self.w.lessons.refresh,
                ]
                self._epoch_views_shown = snapshot.epoch if epoch_end else None
                self._epoch_views_pace.request()
                return
        if epoch_end:
            self.epoch_shown.emit(snapshot.epoch)  # every view shows this epoch now

    def show_weights(self) -> None:
        """The views of the latest weights that are not epoch-end views."""
        if self.snapshot is None or not self.w.time_machine.is_live():
            return
        if self.w.latent.clicked_point is not None:
            self.w.latent.decode_point(*self.w.latent.clicked_point)
        self.w.samples.refresh_denoise()

    def next_epoch_view(self) -> None:
        if self.epoch_views:
            self.epoch_views.pop(0)()
        if self.epoch_views:
            self._epoch_view_turn.request()
        elif self._epoch_views_shown is not None:
            epoch, self._epoch_views_shown = self._epoch_views_shown, None
            self.epoch_shown.emit(epoch)  # every view shows this epoch now

    def flush_epoch_views(self) -> None:
        """Draw now the codes, weights and epoch-end views still waiting for their turn."""
        self._latent_pace.flush()
        self._weights_pace.flush()
        self._epoch_views_pace.cancel()
        while self.epoch_views or self._epoch_views_shown is not None:
            self.next_epoch_view()
        self._epoch_view_turn.cancel()
