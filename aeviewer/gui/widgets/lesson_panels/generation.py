"""New digits from random codes: a plain autoencoder's fitted Gaussian, or a VAE's prior.

The course (generative capabilities of the decoder): sample codes from a simple density model
of the latent space, a Gaussian with diagonal covariance fitted to the training codes, and
decode them; the results "make sense" but disappoint, which motivates the VAE, whose decoder
is trained to turn samples of its prior N(0, I) into digits. The panel shows a grid of decoded
samples and a switch between the two.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from aeviewer.gui.widgets.image_tile import ImageTile
from aeviewer.gui.widgets.lesson_panels._base import LessonPanel, saved_choice

__all__ = ["MODES", "GenerationPanel"]

#: mode -> the switch's text
MODES = {
    "ae": "Plain autoencoder: a Gaussian fitted to its codes",
    "vae": "VAE: its prior N(0, I)",
}
_COLUMNS = 8
_TILE = 84
_TILE_MAX = 150


class GenerationPanel(LessonPanel):
    """A grid of generated images, a switch between the two density models, and "New samples".

    Parameters
    ----------
    parent : QWidget, optional
        Parent widget.

    Signals
    -------
    mode_changed(str)
        The user picked ``"ae"`` or ``"vae"``; :meth:`set_mode` does not emit it.
    resample_clicked()
        The user asked for new random codes.
    """

    mode_changed = Signal(str)
    resample_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Generated digits: random codes through the decoder", parent)
        self._setting = False
        self._tiles: list[ImageTile] = []
        self._count = 0
        self._mode = "ae"

        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        self._buttons: dict[str, QPushButton] = {}
        switch = QHBoxLayout()
        for mode, text in MODES.items():
            button = QPushButton(text, self)
            button.setCheckable(True)
            button.setChecked(mode == self._mode)
            self._group.addButton(button)
            self._buttons[mode] = button
            switch.addWidget(button)
            button.toggled.connect(lambda on, m=mode: self._on_mode_button_toggled(m, on))
        switch.addStretch(1)
        self._resample = QPushButton("New samples", self)
        self._resample.setToolTip("Draw new random codes and decode them")
        self._resample.clicked.connect(self.resample_clicked)
        switch.addWidget(self._resample)
        self._hint = self._styled_label("", "hint")

        self._grid = QGridLayout()
        self._grid.setHorizontalSpacing(4)
        self._grid.setVerticalSpacing(4)
        layout = QVBoxLayout(self.content())
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(switch)
        layout.addWidget(self._hint)
        layout.addLayout(self._grid)
        layout.addStretch(1)
        self.apply_theme()

    # ----------------------------------------------------------------- public API
    def set_images(self, images: np.ndarray | None) -> None:
        """Show ``(N, H, W)`` or ``(N, H, W, 3)`` generated images in rows of eight (``None``
        empties the grid)."""
        n = 0 if images is None else len(images)
        while len(self._tiles) < n:
            tile = ImageTile(parent=self, min_size=_TILE)
            tile.setMaximumWidth(_TILE_MAX)
            k = len(self._tiles)
            self._grid.addWidget(tile, k // _COLUMNS, k % _COLUMNS)
            self._tiles.append(tile)
        for k, tile in enumerate(self._tiles):
            tile.setVisible(k < n)
            tile.set_image(images[k] if images is not None and k < n else None)
        self._count = n
        self._refresh_message()

    def image_count(self) -> int:
        """The number of generated images shown."""
        return self._count

    def tiles(self) -> list[ImageTile]:
        """The tiles shown."""
        return self._tiles[: self._count]

    def mode(self) -> str:
        """``"ae"`` (fitted Gaussian) or ``"vae"`` (prior)."""
        return self._mode

    def set_mode(self, mode: str) -> None:
        """Check the switch for ``mode`` without emitting ``mode_changed``."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        self._setting = True
        try:
            self._mode = mode
            self._buttons[mode].setChecked(True)
        finally:
            self._setting = False

    def mode_button(self, mode: str) -> QPushButton:
        """The switch's button for ``mode`` (for tests)."""
        return self._buttons[mode]

    def resample_button(self) -> QPushButton:
        """The "New samples" button."""
        return self._resample

    def set_hint(self, text: str) -> None:
        """The line under the switch, e.g. the fitted mean and spread."""
        self._hint.setText(text)
        self._hint.setVisible(bool(text))

    def hint(self) -> str:
        """The hint text."""
        return self._hint.text()

    def state(self) -> dict[str, Any]:
        """The switch's mode."""
        return {"mode": self._mode}

    def restore_state(self, state: Mapping[str, Any]) -> None:
        """Check the saved mode's switch, silently (a mode not in :data:`MODES` is ignored)."""
        mode = saved_choice(state, "mode", MODES)
        if mode is not None:
            self.set_mode(mode)

    def apply_theme(self) -> None:
        """Re-read the theme: labels and tiles."""
        super().apply_theme()
        for tile in self._tiles:
            tile.apply_theme()

    # ----------------------------------------------------------------- internals
    def _has_data(self) -> bool:
        return self._count > 0

    def _on_mode_button_toggled(self, mode: str, on: bool) -> None:
        if not on:
            return
        self._mode = mode
        if not self._setting:
            self.mode_changed.emit(mode)
