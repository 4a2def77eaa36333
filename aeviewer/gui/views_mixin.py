"""What the latent view, the decoded-point preview, the denoising strip and the gallery show.

A mixin of :class:`~aeviewer.gui.main_window.MainWindow`: it reads the window's state (data set,
latest snapshot, time-machine position, projection) and asks core functions for the numbers.
Decoding always uses a numpy :class:`ModelSnapshot`, never the live Keras model.
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
    sample_codes,
)
from aeviewer.gui.relay import run_in_thread
from aeviewer.gui.window_state import WindowState

GALLERY_SIZE = 10


class ViewsMixin(WindowState):
    """Latent space, preview, denoising strip and gallery (mixed into MainWindow)."""

    view_snapshot: Callable[[], ModelSnapshot | None]
    update_trails: Callable[[], None]

    # -- projections ----------------------------------------------------------------------
    def set_projection_kind(self, kind: str) -> None:
        """PCA (default, invertible) or t-SNE (on demand, computed off the GUI thread)."""
        self.projection_kind = kind
        self.projection_actions[kind].setChecked(True)
        if kind == "tsne":
            self.start_tsne()
        elif self.latent_codes is not None and self.latent_indices is not None:
            self.projection = fit_pca(self.latent_codes)
            self._show_codes(self.projection.transform(self.latent_codes), self.latent_indices)

    def start_tsne(self) -> None:
        codes, indices = self.latent_codes, self.latent_indices
        if codes is None or indices is None or codes.shape[1] <= 2 or self._tsne_busy:
            if codes is not None and codes.shape[1] <= 2:
                self.controls.set_hint("2-D codes are shown as they are: no projection needed.")
            return

        from aeviewer.core.latent import fit_tsne

        self._tsne_busy = True
        self.controls.set_hint("Computing t-SNE of the codes…")

        def work() -> tuple[Any, Any]:  # plain data only: see gui/relay.py
            return fit_tsne(codes)

        def done(result: Any, error: str) -> None:
            if error:
                self.tsne_computed.emit(None, error, indices)
            else:
                self.tsne_computed.emit(*result, indices)

        run_in_thread(self, "aeviewer-tsne", work, done)  # type: ignore[arg-type]

    def _on_tsne_computed(self, proj: Projection | None, xy: Any, indices: np.ndarray) -> None:
        self._tsne_busy = False
        if proj is None:
            self.show_error(f"t-SNE failed: {xy}")
            return
        self.controls.set_hint("")
        if self.projection_kind != "tsne" or self.latent_indices is not indices:
            return  # codes moved on (a new epoch); the next epoch end starts a fresh map
        self.projection = proj
        self.tsne_xy = xy
        self._show_codes(xy, indices)

    def _show_codes(self, xy: np.ndarray, indices: np.ndarray) -> None:
        if self.dataset is None or self.projection is None:
            return
        y = self.dataset.y_val
        labels = None if y is None else np.asarray(y)[indices]
        self.shown_indices = indices
        self.latent_view.set_message("")
        self.latent_view.set_points(xy, labels, self.dataset.class_names)
        self.latent_view.set_title(self.projection.title())
        self.latent_view.set_axis_labels(*self.projection.axis_labels())
        self._update_highlight()

    # -- views --------------------------------------------------------------------------
    def decode_point(self, x: float, y: float) -> np.ndarray | None:
        """Decode the latent-view point (x, y) into the preview; returns the image."""
        self.clicked_point = (x, y)
        snap = self.view_snapshot()
        if snap is None:
            return None
        proj = self.projection or identity_projection(snap.decoder.input_shape[0])
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
            code = self.latent_codes[i]
            where = f"nearest sample #{i}"
        if not self.dataset or not self.dataset.is_image:
            return None
        image = snap.decoder(code)
        self.preview.set_image(image)
        self.preview.set_caption(where)
        return image

    def _on_latent_view_latent_clicked(self, x: float, y: float) -> None:
        self.decode_point(x, y)

    def refresh_denoise(self) -> None:
        """Recompute the canvas → noise → reconstruction strip and the drawn marker."""
        if self.dataset is None or not self.dataset.is_image:
            return
        canvas = self.canvas_panel.canvas
        if not canvas.is_empty():
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
            clean_caption="clean (the target)",
        )
        if r.code is not None and not canvas.is_empty() and self.projection is not None:
            xy = self.projection.transform(r.code[None])[0]
            self.latent_view.set_drawn_point(float(xy[0]), float(xy[1]))
        else:
            self.latent_view.set_drawn_point(None, None)

    def refresh_gallery(self) -> None:
        ds, snap = self.dataset, self.view_snapshot()
        if ds is None or snap is None or not ds.is_image:
            return
        n = min(GALLERY_SIZE, ds.n_val)
        idx = np.arange(n)
        originals = np.asarray(ds.x_val[:n], np.float32)
        g, m, sp = self.noise_panel.noise()
        noisy = corrupt_batch(originals, g, m, sp, seed=2) if (g or m or sp) else None
        recon = snap.reconstruct(noisy if noisy is not None else originals)
        captions = None
        if ds.y_val is not None and ds.class_names:
            captions = [ds.class_names[int(v)] for v in np.asarray(ds.y_val)[:n]]
        self.gallery.set_pairs(
            originals, recon, [int(i) for i in idx], noisy=noisy, captions=captions
        )
        codes = sample_codes(
            self.latent_codes, GALLERY_SIZE, self.variational, snap.decoder.input_shape[0], seed=3
        )
        title = "Generated: N(0, I)" if self.variational else "Generated: fitted Gaussian"
        self.gallery.set_generated(snap.decoder(codes), title=title)
        self.gallery_indices = idx

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
