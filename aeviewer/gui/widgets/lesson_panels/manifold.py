"""The decoder's manifold: one large mosaic of the images decoded from a grid of 2-D codes.

The mosaic is oriented like the latent scatter plot (first row = largest y), so students can
find a class's region in both; :func:`aeviewer.core.analysis.manifold_grid` makes the codes and
:func:`aeviewer.core.analysis.tile_mosaic` the picture.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QPushButton, QSpinBox, QVBoxLayout, QWidget

from aeviewer.gui.widgets.image_tile import ImageTile
from aeviewer.gui.widgets.lesson_panels._base import LessonPanel, saved_flag, saved_int

__all__ = ["DEFAULT_GRID", "GRID_RANGE", "ManifoldPanel"]

DEFAULT_GRID = 15
GRID_RANGE = (5, 30)
_MOSAIC_MIN = 160
_SIDE_MAX = 260


class ManifoldPanel(LessonPanel):
    """A large mosaic of decoded grid codes, its covered ranges, and a "grid" size spin box.

    Parameters
    ----------
    parent : QWidget, optional
        Parent widget.

    Signals
    -------
    grid_size_changed(int)
        The user chose a new number of codes per side (arrows, wheel, or a typed value
        confirmed with Enter); :meth:`set_grid_size` does not emit it.
    refresh_clicked()
        The user asked to decode the grid again over the latent view's visible plane.
    overlay_toggled(bool)
        The user switched drawing the decoded grid under the latent scatter on or off;
        :meth:`set_overlay` does not emit it.
    """

    grid_size_changed = Signal(int)
    refresh_clicked = Signal()
    overlay_toggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self._setting = False
        self._tile = ImageTile(parent=self, min_size=_MOSAIC_MIN, reserve_caption=True)
        self._tile.set_fit(True)
        self._refresh = QPushButton("Refresh", self)
        self._refresh.setToolTip("Decode the grid again over the plane the scatter shows")
        self._refresh.clicked.connect(self.refresh_clicked)
        self._overlay = QCheckBox("Draw it under the scatter", self)
        self._overlay.setToolTip("Tile the decoded images over the latent space itself")
        self._overlay.toggled.connect(self._on_overlay_toggled)

        self._spin = QSpinBox(self)
        self._spin.setRange(*GRID_RANGE)
        self._spin.setValue(DEFAULT_GRID)
        self._spin.setSuffix(" per side")
        self._spin.setKeyboardTracking(False)  # "25" typed is one change, not "2" then "25"
        self._spin.setToolTip("Codes per side of the grid: more shows finer detail")
        self._spin.valueChanged.connect(self._on_spin_value_changed)
        about = self._styled_label(
            "The decoder's images over a grid of codes covering the plane the scatter "
            "shows: zoom or pan the scatter and the grid follows.",
            "text",
        )
        spin_label = self._styled_label("Grid", "row")
        spin_label.setWordWrap(False)
        spin_row = QHBoxLayout()
        spin_row.addWidget(spin_label)
        spin_row.addWidget(self._spin, 1)
        # The controls in a column beside the mosaic: the mosaic gets the panel's full height.
        controls = QVBoxLayout()
        controls.addWidget(about)
        controls.addLayout(spin_row)
        controls.addWidget(self._refresh)
        controls.addWidget(self._overlay)
        controls.addStretch(1)
        side = QWidget(self)
        side.setLayout(controls)
        side.setMaximumWidth(_SIDE_MAX)

        layout = QHBoxLayout(self.content())
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._tile, 1)
        layout.addWidget(side)
        self.apply_theme()

    # ----------------------------------------------------------------- public API
    def set_mosaic(self, image: np.ndarray | None, caption: str = "") -> None:
        """Show the mosaic of decoded grid images.

        Parameters
        ----------
        image : np.ndarray or None
            ``(H, W)`` grey or ``(H, W, 3)`` colour image in [0, 1] (``None`` empties the
            panel).
        caption : str
            The line under it, e.g. ``"z₁ from −3.0 to 3.0 (left to right) · z₂ from −2.5 to
            2.5 (bottom to top)"``.
        """
        self._tile.set_image(image)
        self._tile.set_caption(caption)
        self._refresh_message()

    def mosaic(self) -> np.ndarray | None:
        """A copy of the mosaic shown, or ``None``."""
        return self._tile.image()

    def caption(self) -> str:
        """The caption under the mosaic."""
        return self._tile.caption()

    def grid_size(self) -> int:
        """The number of codes per side the user asked for."""
        return int(self._spin.value())

    def set_grid_size(self, n: int) -> None:
        """Set the spin box (clamped to :data:`GRID_RANGE`) without emitting."""
        self._setting = True
        try:
            self._spin.setValue(int(n))
        finally:
            self._setting = False

    def spin_box(self) -> QSpinBox:
        """The grid size spin box (for tests and keyboard focus)."""
        return self._spin

    def mosaic_tile(self) -> ImageTile:
        """The tile showing the mosaic."""
        return self._tile

    def refresh_button(self) -> QPushButton:
        """The "Refresh" button."""
        return self._refresh

    def overlay_box(self) -> QCheckBox:
        """The "Draw it under the scatter" check box."""
        return self._overlay

    def overlay(self) -> bool:
        """Whether the grid is to be drawn under the latent scatter too."""
        return self._overlay.isChecked()

    def set_overlay(self, on: bool) -> None:
        """Check or uncheck the overlay box without emitting ``overlay_toggled``."""
        self._setting = True
        try:
            self._overlay.setChecked(on)
        finally:
            self._setting = False

    def state(self) -> dict[str, Any]:
        """The grid size and whether the grid is drawn under the scatter."""
        return {"grid": self.grid_size(), "overlay": self.overlay()}

    def restore_state(self, state: Mapping[str, Any]) -> None:
        """Set the grid size and the overlay box from :meth:`state`, silently."""
        grid = saved_int(state, "grid", *GRID_RANGE)
        if grid is not None:
            self.set_grid_size(grid)
        overlay = saved_flag(state, "overlay")
        if overlay is not None:
            self.set_overlay(overlay)

    def apply_theme(self) -> None:
        """Re-read the theme: labels and the mosaic tile."""
        super().apply_theme()
        self._tile.apply_theme()

    # ----------------------------------------------------------------- internals
    def _has_data(self) -> bool:
        return self._tile.image() is not None

    def _on_spin_value_changed(self, value: int) -> None:
        if not self._setting:
            self.grid_size_changed.emit(int(value))

    def _on_overlay_toggled(self, on: bool) -> None:
        if not self._setting:
            self.overlay_toggled.emit(bool(on))
