"""Files: screenshots, sessions, exports and model files (a mixin of MainWindow)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtWidgets import QApplication, QFileDialog

from aeviewer.gui.window_state import WindowState


class FilesMixin(WindowState):
    """Saving and opening things (mixed into MainWindow)."""

    # -- files ---------------------------------------------------------------------------
    def save_model_dialog(self) -> None:
        self.show_error("Saving needs a trained model: train, then use File → Save model.")

    def screenshot_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self.as_widget(), "Save screenshot", "aeviewer.png", "PNG (*.png)"
        )
        if path:
            self.save_screenshot(path)

    def prepare_showcase(self) -> None:
        """For scripted screenshots: decode a point, and put a noisy digit on the canvas, so
        every panel shows what it does (as a lecturer's first minute would)."""
        ds = self.dataset
        if ds is None or not ds.is_image or self.snapshot is None:
            return
        if self.clicked_point is None and self.latent_codes is not None and self.projection:
            xy = self.projection.transform(self.latent_codes)
            x, y = (float(v) for v in np.median(xy, axis=0))
            self.latent_view.set_click_marker(x, y)
            self.decode_point(x, y)
        canvas = self.canvas_panel.canvas
        if canvas.is_empty():
            canvas.set_image(np.asarray(ds.x_val[min(7, ds.n_val - 1)]), smooth=True)
        if self.noise_panel.noise() == (0.0, 0.0, 0.0):
            self.noise_panel.set_noise(0.25, 0.0, 0.0)
        QApplication.processEvents()

    def save_screenshot(self, path: str | Path) -> bool:
        QApplication.processEvents()
        return bool(self.as_widget().grab().save(str(path), "PNG"))
