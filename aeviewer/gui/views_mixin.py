"""What the latent view, the decoded-point preview, the denoising strip and the gallery show.

A mixin of :class:`~aeviewer.gui.main_window.MainWindow`: it reads the window's state (data set,
latest snapshot, time-machine position, projection) and asks core functions for the numbers.
Decoding always uses a numpy :class:`ModelSnapshot`, never the live Keras model.

t-SNE maps take seconds (tens of seconds for 10,000 codes), longer than an epoch of a small
model: the view keeps showing the last map until the next one is ready, one map is computed at
a time, and when it ends on codes that have moved on, the next one starts on the codes of then.
Maps are kept per epoch, so the time machine shows each epoch's map once it was computed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from aeviewer.core.denoise import corrupt_batch, denoise
from aeviewer.core.images import mnist_style
from aeviewer.core.inference import ModelSnapshot
from aeviewer.core.latent import (
    Projection,
    fit_pca,
    identity_projection,
    nearest_index,
    plane_xy,
    sample_codes,
)
from aeviewer.gui.relay import run_in_thread
from aeviewer.gui.window_state import WindowState

GALLERY_SIZE = 10
TSNE_MAPS_KEPT = 32  # t-SNE maps remembered for the time machine (80 KB each at 10k points)


class ViewsMixin(WindowState):
    """Latent space, preview, denoising strip and gallery (mixed into MainWindow)."""

    view_snapshot: Callable[[], ModelSnapshot | None]
    update_trails: Callable[[], None]
    codes_epoch: int  # the epoch whose codes latent_codes holds
    _tsne_maps: dict[int, tuple[np.ndarray, Projection, np.ndarray]]  # epoch: codes, map, xy
    _tsne_running: tuple[np.ndarray, int] | None  # codes and epoch being embedded
    _tsne_shown: int | None  # epoch of the t-SNE map on screen

    def init_views(self) -> None:
        """Set up the state of these views (called once, while the window is built)."""
        self.codes_epoch = 0
        self._tsne_maps = {}
        self._tsne_running = None
        self._tsne_shown = None

    # -- projections ----------------------------------------------------------------------
    def set_projection_kind(self, kind: str) -> None:
        """PCA (default, invertible) or t-SNE (on demand, computed off the GUI thread)."""
        self.projection_kind = kind
        self.projection_actions[kind].setChecked(True)
        codes, indices = self.latent_codes, self.latent_indices
        if codes is None or indices is None:
            return
        if kind == "tsne":
            if codes.shape[1] <= 2:
                self.controls.set_hint("2-D codes are shown as they are: no projection needed.")
                return
            if not self.show_tsne_map():
                self.start_tsne()  # the PCA picture shows until the map is ready
            self._refresh_title()
        else:
            pca = self.projection if self.projection and self.projection.kind == "pca" else None
            self.projection = fit_pca(codes, pca)
            self._tsne_shown = None
            self._show_codes(plane_xy(self.projection, codes, indices), indices)

    def wants_tsne(self) -> bool:
        """t-SNE is selected and the codes need a projection (more than 2 dimensions)."""
        codes = self.latent_codes
        return self.projection_kind == "tsne" and codes is not None and codes.shape[1] > 2

    def _tsne_map_of(self, codes: np.ndarray) -> tuple[Projection, np.ndarray] | None:
        for kept, proj, xy in self._tsne_maps.values():
            if kept is codes:
                return proj, xy
        return None

    def show_tsne_map(self) -> bool:
        """Show the t-SNE map of the current codes if one was computed; False when none was."""
        codes, indices = self.latent_codes, self.latent_indices
        found = None if codes is None else self._tsne_map_of(codes)
        if found is None or indices is None:
            return False
        self.projection, self.tsne_xy = found
        self._tsne_shown = self.codes_epoch
        self._show_codes(self.tsne_xy, indices)
        return True

    def start_tsne(self) -> None:
        """Compute the t-SNE map of the current codes on a thread, unless it is known.

        While one runs this does nothing more: when it ends on codes that have moved on, the
        next one starts on the codes of then (:meth:`_on_tsne_computed`).
        """
        codes, indices, epoch = self.latent_codes, self.latent_indices, self.codes_epoch
        if codes is None or indices is None:
            return
        if codes.shape[1] <= 2:
            self.controls.set_hint("2-D codes are shown as they are: no projection needed.")
            return
        if self._tsne_busy or self._tsne_map_of(codes) is not None:
            return

        from aeviewer.core.latent import fit_tsne

        self._tsne_busy = True
        self._tsne_running = (codes, epoch)
        self._refresh_title()

        def work() -> tuple[Any, Any]:  # plain data only: see gui/relay.py
            return fit_tsne(codes)

        def done(result: Any, error: str) -> None:
            if error:
                self.tsne_computed.emit(None, error, indices)
            else:
                self.tsne_computed.emit(*result, indices)

        run_in_thread(self, "aeviewer-tsne", work, done)  # type: ignore[arg-type]

    def _on_tsne_computed(self, proj: Projection | None, xy: Any, indices: np.ndarray) -> None:
        running, self._tsne_running = self._tsne_running, None
        self._tsne_busy = False
        if proj is None:
            self._refresh_title()
            self.show_error(f"t-SNE failed: {xy}")
            return
        if running is not None:
            codes, epoch = running
            self._tsne_maps[epoch] = (codes, proj, xy)
            while len(self._tsne_maps) > TSNE_MAPS_KEPT:
                self._tsne_maps.pop(next(iter(self._tsne_maps)))
        current = self.latent_indices
        if not self.wants_tsne() or current is None or not np.array_equal(current, indices):
            self._refresh_title()
            return  # PCA chosen meanwhile, or another run's samples
        if not self.show_tsne_map():
            # The codes moved on while it ran: show this map (the latest there is) and
            # compute the map of the codes of now.
            self.projection, self.tsne_xy = proj, xy
            self._tsne_shown = running[1] if running is not None else None
            self._show_codes(xy, current)
            self.start_tsne()
            self._refresh_title()

    def _tsne_note(self) -> str:
        """What the title adds while a t-SNE map is on its way or shows older codes."""
        if not self.wants_tsne():
            return ""
        if self.projection is not None and self.projection.kind == "tsne":
            if self._tsne_shown is not None and self._tsne_shown != self.codes_epoch:
                return f" · the map of epoch {self._tsne_shown}, updating…"
            return ""
        return " · t-SNE map on its way…" if self._tsne_busy else ""

    def _refresh_title(self) -> None:
        if self.projection is not None and self.latent_view.point_count():
            self.latent_view.set_title(self.projection.title() + self._tsne_note())

    def _show_codes(self, xy: np.ndarray, indices: np.ndarray) -> None:
        if self.dataset is None or self.projection is None:
            return
        y = self.dataset.y_val
        labels = None if y is None else np.asarray(y)[indices]
        self.shown_indices = indices
        self.latent_view.set_message("")
        self.latent_view.set_points(xy, labels, self.dataset.class_names, ids=indices)
        self._refresh_title()
        self.latent_view.set_axis_labels(*self.projection.axis_labels())
        self._update_highlight()

    # -- views --------------------------------------------------------------------------
    def _click_projection(self, snap: ModelSnapshot | None) -> Projection | None:
        """The projection a click decodes through, or None when there is none yet.

        1-D and 2-D codes need none (the view shows them as they are); a PCA plane exists
        only once codes have arrived, and a plane of other codes would not fit this decoder.
        """
        dim = None if snap is None else int(snap.decoder.input_shape[0])
        proj = self.projection
        if proj is not None and (dim is None or proj.latent_dim == dim):
            return proj
        if dim is not None and dim <= 2:
            return identity_projection(dim)
        return None

    def decode_point(self, x: float, y: float) -> np.ndarray | None:
        """Decode the latent-view point (x, y) into the preview; returns the image."""
        snap = self.view_snapshot()
        proj = self._click_projection(snap)
        if proj is None:
            # Nothing to map the click to a code yet: say so, and do not keep the point (it
            # would be decoded again at every snapshot).
            self.clicked_point = None
            self.latent_view.set_click_marker(None, None)
            self.controls.set_hint(
                "Click once the codes are shown: the click is decoded through their projection."
            )
            return None
        self.clicked_point = (x, y)
        if snap is None:
            return None
        if proj.invertible:
            code = proj.inverse(np.array([x, y], np.float32))
            where = (
                "z = ("
                + ", ".join(f"{v:.2f}" for v in code[:4])
                + (", …)" if len(code) > 4 else ")")
            )
        else:
            pts = self.tsne_xy
            if pts is None or self.latent_codes is None or len(pts) != len(self.latent_codes):
                return None
            i = nearest_index(pts, (x, y))
            if i < 0:
                return None
            code = self.latent_codes[i]  # the sample's code now, decoded with today's weights
            sample = i if self.shown_indices is None else int(self.shown_indices[i])
            where = f"nearest sample #{sample}"
        if not self.dataset or not self.dataset.is_image:
            return None
        image = snap.decoder(code)
        self.preview.set_image(image)
        self.preview.set_caption(where)
        return image

    def _on_latent_view_latent_clicked(self, x: float, y: float) -> None:
        self.decode_point(x, y)

    def _on_latent_view_sample_hovered(self, row: int) -> None:
        """Show the hovered sample's own image beside its point."""
        ds, shown = self.dataset, self.shown_indices
        if row < 0 or ds is None or shown is None or not ds.is_image or row >= len(shown):
            self.latent_view.set_hover_image(None)
            return
        self.latent_view.set_hover_image(np.asarray(ds.x_val[int(shown[row])], np.float32))

    def refresh_denoise(self) -> None:
        """Recompute the canvas → noise → reconstruction strip and the drawn marker."""
        if self.dataset is None or not self.dataset.is_image:
            return
        canvas = self.canvas_panel.canvas
        drawn = not canvas.is_empty()
        if drawn:
            clean = mnist_style(canvas.image())
        elif self.selected_index is not None:
            clean = np.asarray(self.dataset.x_val[self.selected_index], np.float32)
        else:
            clean = np.asarray(self.dataset.x_val[0], np.float32)
        g, m, sp = self.noise_panel.noise()
        r = denoise(clean, self.view_snapshot(), g, m, sp, seed=1)
        self.noise_panel.set_images(
            r.clean,
            r.noisy,
            r.reconstruction,
            r.noisy_text(),
            r.reconstruction_text(),
            clean_caption="the target",
        )
        # The star marks where the drawing itself lands (its clean code), not its noisy copy.
        code, proj = r.clean_code, self.projection
        if code is not None and drawn and proj and proj.latent_dim == len(code):
            xy = proj.transform(code[None])[0]
            self.latent_view.set_drawn_point(float(xy[0]), float(xy[1]))
        else:
            self.latent_view.set_drawn_point(None, None)

    def gallery_samples(self, n_val: int) -> np.ndarray:
        """Rows of ``x_val`` the gallery shows: the first of the samples the scatter plots.

        The epoch-end scatter plots ``latent_indices`` and the live one its first rows, so
        these are on both and a click on a gallery tile can always ring its point.
        """
        plotted = self.latent_indices
        if plotted is None and self.trainer is not None:
            plotted = self.trainer.latent_indices
        if plotted is None:
            plotted = self.history.latent_indices
        if plotted is None:
            plotted = np.arange(n_val)
        return np.asarray(plotted[:GALLERY_SIZE], dtype=np.int64)

    def refresh_gallery(self) -> None:
        self.refresh_gallery_pairs()
        self.refresh_gallery_generated()

    def refresh_gallery_pairs(self) -> None:
        """Originals (noisy, when the noise sliders say so) next to their reconstructions."""
        ds, snap = self.dataset, self.view_snapshot()
        if ds is None or snap is None or not ds.is_image:
            return
        idx = self.gallery_samples(ds.n_val)
        originals = np.asarray(ds.x_val[idx], np.float32)
        g, m, sp = self.noise_panel.noise()
        noisy = corrupt_batch(originals, g, m, sp, seed=2) if (g or m or sp) else None
        recon = snap.reconstruct(noisy if noisy is not None else originals)
        captions = None
        if ds.y_val is not None and ds.class_names:
            captions = [ds.class_names[int(v)] for v in np.asarray(ds.y_val)[idx]]
        self.gallery.set_pairs(
            originals, recon, [int(i) for i in idx], noisy=noisy, captions=captions
        )
        self.gallery_indices = idx

    def refresh_gallery_generated(self) -> None:
        """Samples decoded from the prior (VAE) or from a Gaussian fitted to the codes."""
        ds, snap = self.dataset, self.view_snapshot()
        if ds is None or snap is None or not ds.is_image:
            return
        n = len(self.gallery_samples(ds.n_val))
        codes = sample_codes(
            self.latent_codes, n, self.variational, snap.decoder.input_shape[0], seed=3
        )
        title = "Generated: N(0, I)" if self.variational else "Generated: fitted Gaussian"
        self.gallery.set_generated(snap.decoder(codes), title=title)

    def _on_noise_panel_noise_changed(self, *_: float) -> None:
        self.refresh_denoise()
        self.refresh_gallery()

    def _on_gallery_sample_clicked(self, index: int) -> None:
        self.selected_index = index
        self.gallery.set_selected(index)
        self._update_highlight()
        if self.canvas_panel.canvas.is_empty():
            self.refresh_denoise()

    def _update_highlight(self) -> None:
        if self.selected_index is None or self.shown_indices is None:
            self.latent_view.set_highlight(None)
            return
        rows = np.flatnonzero(self.shown_indices == self.selected_index)
        self.latent_view.set_highlight(int(rows[0]) if len(rows) else None)
