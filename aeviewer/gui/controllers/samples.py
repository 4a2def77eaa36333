"""The denoising strip (the canvas's drawing or a chosen sample, noised and reconstructed) and the
gallery of originals, reconstructions and generated samples."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject

from aeviewer.core.denoise import corrupt_batch, denoise
from aeviewer.core.latent import (
    sample_codes,
)
from aeviewer.core.pictures import drawing_sample, fit_picture
from aeviewer.gui.widgets.picture_input import PictureInput

GALLERY_SIZE = 10


if TYPE_CHECKING:
    from aeviewer.core.datasets import Dataset
    from aeviewer.gui.main_window import MainWindow
    from aeviewer.gui.widgets.drawing_canvas import DrawingCanvas


class SamplesController(QObject):
    """Owns the sample chosen in the gallery."""

    def __init__(self, w: MainWindow) -> None:
        super().__init__(w)
        self.w = w
        self.selected_index: int | None = None
        self.gallery_indices = np.arange(0)
        # The opened picture fitted to the data's shape, kept until either changes: every
        # noise-slider move re-noises it, and a photo has megapixels to resize.
        self._fitted: tuple[int, tuple[int, ...], np.ndarray] | None = None

    def reset_views(self) -> None:
        """A new run: no chosen sample, an empty gallery."""
        self.selected_index = None
        self.w.gallery.clear()
        self.gallery_indices = np.arange(0)

    def refresh_denoise(self) -> None:
        """Recompute the canvas → noise → reconstruction strip and the drawn marker."""
        ds = self.w.data.dataset
        if ds is None or not ds.is_image:
            return
        drawn_input = self.user_input(ds)
        drawn = drawn_input is not None
        if drawn_input is not None:
            clean = drawn_input
        elif self.selected_index is not None:
            clean = np.asarray(ds.x_val[self.selected_index], np.float32)
        else:
            clean = np.asarray(ds.x_val[0], np.float32)
        g, m, sp = self.w.noise_panel.noise()
        r = denoise(clean, self.w.time_machine.view_snapshot(), g, m, sp, seed=1)
        self.w.noise_panel.set_images(
            r.clean,
            r.noisy,
            r.reconstruction,
            r.noisy_text(),
            r.reconstruction_text(),
            clean_caption="the target",
        )
        # The star marks where the drawing itself lands (its clean code), not its noisy copy.
        code, proj = r.clean_code, self.w.latent.state.projection
        if code is not None and drawn and proj and proj.latent_dim == len(code):
            xy = proj.transform(code[None])[0]
            self.w.latent_view.set_drawn_point(float(xy[0]), float(xy[1]))
        else:
            self.w.latent_view.set_drawn_point(None, None)

    def user_input(self, ds: Dataset) -> np.ndarray | None:
        """What the user gave as one sample of ``ds``: the opened picture for colour data,
        the drawing for grey images; None while there is none."""
        given = self.input_widget(ds)
        if given.is_empty():
            return None
        if isinstance(given, PictureInput):
            key = (given.serial(), ds.input_shape)
            if self._fitted is None or self._fitted[:2] != key:
                self._fitted = (*key, fit_picture(given.picture_view(), ds.input_shape))
            return self._fitted[2]
        return drawing_sample(self.w.canvas_panel.canvas.image(), ds.input_shape)

    def input_widget(self, ds: Dataset) -> PictureInput | DrawingCanvas:
        """Where the user gives a sample of ``ds``: the picture input for colour data, the
        drawing canvas for grey images."""
        return self.w.picture_panel.input if ds.channels == 3 else self.w.canvas_panel.canvas

    def gallery_samples(self, n_val: int) -> np.ndarray:
        """Rows of ``x_val`` the gallery shows: the first of the samples the scatter plots.

        The epoch-end scatter plots ``latent_indices`` and the live one its first rows, so
        these are on both and a click on a gallery tile can always ring its point.
        """
        plotted = self.w.latent.state.indices
        if plotted is None and self.w.run.trainer is not None:
            plotted = self.w.run.trainer.latent_indices
        if plotted is None:
            plotted = self.w.time_machine.history.latent_indices
        if plotted is None:
            plotted = np.arange(n_val)
        return np.asarray(plotted[:GALLERY_SIZE], dtype=np.int64)

    def refresh_gallery(self) -> None:
        self.refresh_gallery_pairs()
        self.refresh_gallery_generated()

    def refresh_gallery_pairs(self) -> None:
        """Originals (noisy, when the noise sliders say so) next to their reconstructions."""
        ds, snap = self.w.data.dataset, self.w.time_machine.view_snapshot()
        if ds is None or snap is None or not ds.is_image:
            return
        idx = self.gallery_samples(ds.n_val)
        originals = np.asarray(ds.x_val[idx], np.float32)
        g, m, sp = self.w.noise_panel.noise()
        noisy = corrupt_batch(originals, g, m, sp, seed=2) if (g or m or sp) else None
        recon = snap.reconstruct(noisy if noisy is not None else originals)
        captions = None
        if ds.y_val is not None and ds.class_names:
            captions = [ds.class_names[int(v)] for v in np.asarray(ds.y_val)[idx]]
        self.w.gallery.set_pairs(
            originals, recon, [int(i) for i in idx], noisy=noisy, captions=captions
        )
        self.gallery_indices = idx

    def refresh_gallery_generated(self) -> None:
        """Samples decoded from the prior (VAE) or from a Gaussian fitted to the codes."""
        ds, snap = self.w.data.dataset, self.w.time_machine.view_snapshot()
        if ds is None or snap is None or not ds.is_image:
            return
        n = len(self.gallery_samples(ds.n_val))
        codes = sample_codes(
            self.w.latent.state.codes,
            n,
            self.w.run.variational,
            snap.decoder.input_shape[0],
            seed=3,
        )
        title = "Generated: N(0, I)" if self.w.run.variational else "Generated: fitted Gaussian"
        self.w.gallery.set_generated(snap.decoder(codes), title=title)

    def on_noise_changed(self, *_: float) -> None:
        self.refresh_denoise()
        self.refresh_gallery()

    def on_sample_clicked(self, index: int) -> None:
        self.selected_index = index
        self.w.gallery.set_selected(index)
        self.w.latent.update_highlight()
        ds = self.w.data.dataset
        if ds is not None and not self.input_widget(ds).is_empty():
            return  # what the user gave comes first
        self.refresh_denoise()
