"""The latent view: codes and their projection (PCA, or t-SNE off the GUI thread), click-to-decode,
hover, and the highlighted sample.

t-SNE maps take seconds: the view keeps the last map until the next is ready, one map is computed
at a time, and maps are kept per epoch for the time machine."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QObject, Signal

from aeviewer.core.latent import (
    Projection,
)
from aeviewer.core.latent_state import LatentState
from aeviewer.core.training import LatentReport
from aeviewer.gui.relay import run_in_thread

TSNE_MAPS_KEPT = 32  # t-SNE maps remembered for the time machine (80 KB each at 10k points)


if TYPE_CHECKING:
    from aeviewer.gui.main_window import MainWindow


class LatentController(QObject):
    """Owns the codes on screen, their projection and the clicked point."""

    tsne_computed = Signal(object, object, object)  # Projection, xy, indices (from a thread)

    def __init__(self, w: MainWindow) -> None:
        super().__init__(w)
        self.w = w
        self.state = LatentState()  # codes, projection, what a click decodes (no Qt)
        self.kind = "pca"  # what the user asked for when codes have > 2 dims
        self.clicked_point: tuple[float, float] | None = None
        self.tsne_busy = False
        self.tsne_maps: dict[
            int, tuple[np.ndarray, Projection, np.ndarray]
        ] = {}  # epoch: codes, map, xy
        self._tsne_running: tuple[np.ndarray, int] | None = None  # codes and epoch being embedded
        self.tsne_shown: int | None = None  # epoch of the t-SNE map on screen

    def reset_views(self) -> None:
        """A new run: no codes, no projection, no decoded point."""
        self.state.clear()
        self.clicked_point = None
        view = self.w.latent_view
        view.set_points(np.zeros((0, 2), np.float32), None)
        view.set_message("Press Start: the codes of the validation digits appear here")
        view.set_click_marker(None, None)
        view.set_drawn_point(None, None)
        view.set_highlight(None)
        view.set_title("")  # as a new window: no projection is named before codes arrive
        view.set_axis_labels("", "")
        self.w.preview.set_image(None)
        self.w.preview.set_caption("")

    # -- projections ----------------------------------------------------------------------
    def set_kind(self, kind: str) -> None:
        """PCA (default, invertible) or t-SNE (on demand, computed off the GUI thread)."""
        self.kind = kind
        self.w.menus.projection_actions[kind].setChecked(True)
        codes, indices = self.state.codes, self.state.indices
        if codes is None or indices is None:
            return
        if kind == "tsne":
            if codes.shape[1] <= 2:
                self.w.controls.set_hint("2-D codes are shown as they are: no projection needed.")
                return
            if not self.show_tsne_map():
                self.start_tsne()  # the PCA picture shows until the map is ready
            self.refresh_title()
        else:
            self.state.reproject()
            self.tsne_shown = None
            self.show_codes(self.state.plane(codes, indices), indices)

    def show_epoch(self, epoch: int, codes: np.ndarray, indices: np.ndarray) -> None:
        """Show the codes of ``epoch`` (the time machine): that epoch's t-SNE map if it was
        computed, else the map on screen stays (PCA before the first) while it is computed."""
        self.state.codes_epoch, self.state.codes, self.state.indices = epoch, codes, indices
        if not self.wants_tsne():
            self.state.reproject()
            self.show_codes(self.state.plane(codes, indices), indices)
        elif not self.show_tsne_map():
            if not self.state.shows_tsne:
                self.state.reproject(keep=False)
                self.show_codes(self.state.plane(codes, indices), indices)
            self.start_tsne()
            self.refresh_title()

    def wants_tsne(self) -> bool:
        """t-SNE is selected and the codes need a projection (more than 2 dimensions)."""
        codes = self.state.codes
        return self.kind == "tsne" and codes is not None and codes.shape[1] > 2

    def _tsne_map_of(self, codes: np.ndarray) -> tuple[Projection, np.ndarray] | None:
        for kept, proj, xy in self.tsne_maps.values():
            if kept is codes:
                return proj, xy
        return None

    def show_tsne_map(self) -> bool:
        """Show the t-SNE map of the current codes if one was computed; False when none was."""
        codes, indices = self.state.codes, self.state.indices
        found = None if codes is None else self._tsne_map_of(codes)
        if found is None or indices is None:
            return False
        self.state.projection, self.state.tsne_xy = found
        self.tsne_shown = self.state.codes_epoch
        self.show_codes(self.state.tsne_xy, indices)
        return True

    def start_tsne(self) -> None:
        """Compute the t-SNE map of the current codes on a thread, unless it is known.

        While one runs this does nothing more: when it ends on codes that have moved on, the
        next one starts on the codes of then (:meth:`_on_tsne_computed`).
        """
        codes, indices, epoch = self.state.codes, self.state.indices, self.state.codes_epoch
        if codes is None or indices is None:
            return
        if codes.shape[1] <= 2:
            self.w.controls.set_hint("2-D codes are shown as they are: no projection needed.")
            return
        if self.tsne_busy or self._tsne_map_of(codes) is not None:
            return

        from aeviewer.core.latent import fit_tsne

        self.tsne_busy = True
        self._tsne_running = (codes, epoch)
        self.refresh_title()

        def work() -> tuple[Any, Any]:  # plain data only: see gui/relay.py
            return fit_tsne(codes)

        def done(result: Any, error: str) -> None:
            if error:
                self.tsne_computed.emit(None, error, indices)
            else:
                self.tsne_computed.emit(*result, indices)

        run_in_thread(self, "aeviewer-tsne", work, done)

    def on_tsne_computed(self, proj: Projection | None, xy: Any, indices: np.ndarray) -> None:
        running, self._tsne_running = self._tsne_running, None
        self.tsne_busy = False
        if proj is None:
            self.refresh_title()
            self.w.show_error(f"t-SNE failed: {xy}")
            return
        if running is not None:
            codes, epoch = running
            self.tsne_maps[epoch] = (codes, proj, xy)
            while len(self.tsne_maps) > TSNE_MAPS_KEPT:
                self.tsne_maps.pop(next(iter(self.tsne_maps)))
        current = self.state.indices
        if not self.wants_tsne() or current is None or not np.array_equal(current, indices):
            self.refresh_title()
            return  # PCA chosen meanwhile, or another run's samples
        if not self.show_tsne_map():
            # The codes moved on while it ran: show this map (the latest there is) and
            # compute the map of the codes of now.
            self.state.projection, self.state.tsne_xy = proj, xy
            self.tsne_shown = running[1] if running is not None else None
            self.show_codes(xy, current)
            self.start_tsne()
            self.refresh_title()

    def _tsne_note(self) -> str:
        """What the title adds while a t-SNE map is on its way or shows older codes."""
        if not self.wants_tsne():
            return ""
        if self.state.shows_tsne:
            if self.tsne_shown is not None and self.tsne_shown != self.state.codes_epoch:
                return f" · the map of epoch {self.tsne_shown}, updating…"
            return ""
        return " · t-SNE map on its way…" if self.tsne_busy else ""

    def refresh_title(self) -> None:
        if self.state.projection is not None and self.w.latent_view.point_count():
            self.w.latent_view.set_title(self.state.projection.title() + self._tsne_note())

    def show_codes(self, xy: np.ndarray, indices: np.ndarray) -> None:
        if self.w.data.dataset is None or self.state.projection is None:
            return
        y = self.w.data.dataset.y_val
        labels = None if y is None else np.asarray(y)[indices]
        self.state.shown_indices = indices
        self.w.latent_view.set_message("")
        self.w.latent_view.set_points(xy, labels, self.w.data.dataset.class_names, ids=indices)
        self.refresh_title()
        self.w.latent_view.set_axis_labels(*self.state.projection.axis_labels())
        self.update_highlight()

    # -- clicks -------------------------------------------------------------------------
    def decode_point(self, x: float, y: float) -> np.ndarray | None:
        """Decode the latent-view point (x, y) into the preview; returns the image."""
        snap = self.w.time_machine.view_snapshot()
        dim = None if snap is None else int(snap.decoder.input_shape[0])
        proj = self.state.click_projection(dim)
        if proj is None:
            # Nothing to map the click to a code yet: say so, and do not keep the point (it
            # would be decoded again at every snapshot).
            self.clicked_point = None
            self.w.latent_view.set_click_marker(None, None)
            self.w.controls.set_hint(
                "Click once the codes are shown: the click is decoded through their projection."
            )
            return None
        self.clicked_point = (x, y)
        found = None if snap is None else self.state.code_at(proj, x, y)
        ds = self.w.data.dataset
        if snap is None or found is None or ds is None or not ds.is_image:
            return None
        code, where = found
        image = snap.decoder(code)
        self.w.preview.set_image(image)
        self.w.preview.set_caption(where)
        return image

    def on_clicked(self, x: float, y: float) -> None:
        self.decode_point(x, y)

    def on_hovered(self, row: int) -> None:
        """Show the hovered sample's own image beside its point."""
        ds, shown = self.w.data.dataset, self.state.shown_indices
        if row < 0 or ds is None or shown is None or not ds.is_image or row >= len(shown):
            self.w.latent_view.set_hover_image(None)
            return
        self.w.latent_view.set_hover_image(np.asarray(ds.x_val[int(shown[row])], np.float32))

    def update_highlight(self) -> None:
        if self.w.samples.selected_index is None or self.state.shown_indices is None:
            self.w.latent_view.set_highlight(None)
            return
        rows = np.flatnonzero(self.state.shown_indices == self.w.samples.selected_index)
        self.w.latent_view.set_highlight(int(rows[0]) if len(rows) else None)

    def show_report(self, report: LatentReport, draw: bool) -> None:
        if not report.partial:  # the epoch-end codes of the whole (capped) validation set
            self.state.codes, self.state.indices = report.codes, report.indices
            self.state.codes_epoch = report.epoch
        keep_map = False  # t-SNE: the last map stays on screen until the next one is ready
        if self.wants_tsne() and report.codes.shape[1] > 2:
            if not report.partial:
                self.start_tsne()  # one at a time: a running one restarts on these codes
            keep_map = self.state.shows_tsne
        if keep_map:
            self.refresh_title()
        else:
            if not report.partial:
                self.state.reproject()
            elif self.state.projection is None or self.state.shows_tsne:
                self.state.reproject(report.codes, keep=False)  # the first live codes of a run
            if draw:
                self.show_codes(self.state.plane(report.codes, report.indices), report.indices)
        if not draw:
            return
        self.w.samples.refresh_denoise()
        self.w.lessons.codes_shown(report.codes)  # live, between epoch ends too
