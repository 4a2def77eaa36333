"""Lesson 5: the decoded manifold, a grid of the latent view's visible range decoded.

The grid follows the latent view: once the user stops panning or zooming, it is decoded
again, and (with the overlay on) drawn under the scatter too.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer

from aeviewer.core import analysis
from aeviewer.core.datasets import Dataset
from aeviewer.core.inference import ModelSnapshot
from aeviewer.core.latent import identity_projection
from aeviewer.gui.lessons.base import LessonBehaviour
from aeviewer.gui.widgets import lesson_panels as panels

MANIFOLD_DEBOUNCE_MS = 250  # after the scatter stops moving, decode the grid again


class ManifoldBehaviour(LessonBehaviour[panels.ManifoldPanel]):
    """A mosaic of decoded codes over the latent view's range, and under its scatter."""

    _timer: QTimer | None = None
    _vb: Any = None  # the latent view's view box, while its range is followed

    def build(self) -> panels.ManifoldPanel:
        m = panels.ManifoldPanel()
        m.grid_size_changed.connect(self._on_panel_grid_size_changed)
        m.refresh_clicked.connect(self.lessons.refresh)
        m.set_overlay(True)
        m.overlay_toggled.connect(self._on_panel_overlay_toggled)
        return m

    def installed(self) -> None:
        self._timer = QTimer(self.lessons)
        self._timer.setSingleShot(True)
        self._timer.setInterval(MANIFOLD_DEBOUNCE_MS)
        self._timer.timeout.connect(self.lessons.refresh)
        self._vb = self.w.latent_view.plot_widget.getPlotItem().vb
        self._vb.sigRangeChanged.connect(self._on_latent_vb_range_changed)

    def close(self) -> None:
        if self._vb is not None:
            self._vb.sigRangeChanged.disconnect(self._on_latent_vb_range_changed)
            self._vb = None
        if self._timer is not None:
            self._timer.stop()
            self._timer.deleteLater()
            self._timer = None

    def _on_latent_vb_range_changed(self, *_: Any) -> None:
        if self._timer is not None:
            self._timer.start()  # restarts: one decode once the view settles

    def _on_panel_grid_size_changed(self, _n: int) -> None:
        self.lessons.refresh()

    def _on_panel_overlay_toggled(self, on: bool) -> None:
        overlay = self.lessons.overlay()
        if not on and overlay is not None:
            overlay.set_image(None, (0, 0, 0, 0))
        self.lessons.refresh()

    def refresh(self, ds: Dataset, snap: ModelSnapshot) -> None:
        panel = self.panel
        proj = self.w.latent.state.projection or identity_projection(snap.decoder.input_shape[0])
        if not proj.invertible:
            panel.set_message("The manifold needs an invertible projection: choose PCA")
            return
        vb = self.w.latent_view.plot_widget.getPlotItem().vb
        (x0, x1), (y0, y1) = vb.viewRange()
        n = panel.grid_size()
        images = snap.decoder(proj.inverse(analysis.manifold_grid((x0, x1), (y0, y1), n)))
        ax, ay = proj.axis_labels()
        caption = f"{ax} {x0:.1f} … {x1:.1f}, {ay} {y0:.1f} … {y1:.1f}"
        panel.set_mosaic(analysis.tile_mosaic(images, n), caption)
        marks = self.lessons.marks()
        if not panel.overlay():
            marks.set_image(None, (0, 0, 0, 0))
            return
        # Under the scatter: as many rows as keep the tiles square on screen.
        px, py = vb.viewPixelSize()
        width_px, height_px = (x1 - x0) / (px or 1.0), (y1 - y0) / (py or 1.0)
        rows = max(2, round(n * height_px / max(width_px, 1.0)))
        grid = analysis.manifold_grid((x0, x1), (y0, y1), n, rows)
        tiles = snap.decoder(proj.inverse(grid))
        dx, dy = (x1 - x0) / (n - 1), (y1 - y0) / (rows - 1)
        marks.set_image(
            analysis.tile_mosaic(tiles, n), (x0 - dx / 2, y0 - dy / 2, x1 - x0 + dx, y1 - y0 + dy)
        )
