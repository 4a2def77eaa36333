"""Interpolating between two samples: through the latent space versus pixel by pixel.

The lesson: decoding ``(1 - a) f(x) + a f(x′)`` morphs one digit into another through
plausible digits, while the pixel cross-fade ``(1 - a) x + a x′`` only superimposes two
images. Two strips show the whole path; two large tiles show the current ``a`` of the slider.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QSlider, QVBoxLayout, QWidget

from aeviewer.gui.widgets.image_tile import ImageTile
from aeviewer.gui.widgets.lesson_panels._base import LessonPanel, saved_number
from aeviewer.gui.widgets.lesson_panels.beta import BETA_STEPS, BetaControl

__all__ = ["CROSSFADE_TEXT", "DECODED_TEXT", "DEFAULT_STEPS", "InterpolationPanel"]

DEFAULT_STEPS = 9
DECODED_TEXT = "Decoded path g((1−a) f(x) + a f(x′))"
CROSSFADE_TEXT = "Pixel cross-fade (1−a) x + a x′"
DEFAULT_HINT = "Click two samples in the gallery or the latent space"
_SLIDER_STEPS = 100
_STRIP_TILE = 56  # nine of them and the two large tiles fit a lesson dock 800 px wide
_STRIP_TILE_MAX = 160
_CURRENT_TILE = 80
_CURRENT_TILE_MAX = 240
_DECODED, _CROSSFADE = 0, 1


class InterpolationPanel(LessonPanel):
    """Decoded latent path and pixel cross-fade between two samples, with an ``a`` slider.

    Parameters
    ----------
    parent : QWidget, optional
        Parent widget.
    steps : int
        Number of tiles per strip before the first :meth:`set_strips`.

    Signals
    -------
    alpha_changed(float)
        The user moved the slider (mouse or keys) to a new ``a`` in [0, 1];
        :meth:`set_alpha` does not emit it.
    """

    alpha_changed = Signal(float)

    def __init__(self, parent: QWidget | None = None, steps: int = DEFAULT_STEPS) -> None:
        super().__init__("Interpolation between two samples", parent)
        self._setting = False
        self._count = 0
        self._strips: tuple[list[ImageTile], list[ImageTile]] = ([], [])
        self._filled = [False, False]  # whether each strip shows images

        self._hint = self._styled_label(DEFAULT_HINT, "hint")
        self._hint.setObjectName("hint")
        self._hint.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self._current = (
            ImageTile("Decoded", self, _CURRENT_TILE, reserve_caption=True),
            ImageTile("Cross-fade", self, _CURRENT_TILE, reserve_caption=True),
        )
        current_row = QHBoxLayout()
        for tile in self._current:
            tile.setMaximumWidth(_CURRENT_TILE_MAX)
            current_row.addWidget(tile, 1)

        self._strip_labels = (
            self._styled_label(DECODED_TEXT, "row"),
            self._styled_label(CROSSFADE_TEXT, "row"),
        )
        self._slider = QSlider(Qt.Orientation.Horizontal, self)
        self._slider.setRange(0, _SLIDER_STEPS)
        self._slider.setSingleStep(1)
        self._slider.setPageStep(_SLIDER_STEPS // 10)
        self._slider.setMinimumHeight(32)
        self._slider.setToolTip("a: 0 is the first sample, 1 the second")
        self._slider.valueChanged.connect(self._on_slider_value_changed)
        self._alpha_label = self._styled_label("", "row")
        self._alpha_label.setWordWrap(False)
        slider_name = self._styled_label("a", "row")
        slider_name.setWordWrap(False)
        slider_row = QHBoxLayout()
        slider_row.addWidget(slider_name)
        slider_row.addWidget(self._slider, 1)
        slider_row.addWidget(self._alpha_label)

        self._grid = QGridLayout()
        self._grid.setHorizontalSpacing(4)
        self._grid.setVerticalSpacing(2)
        self._grid.addWidget(self._strip_labels[_DECODED], 0, 0, 1, -1)
        self._grid.addWidget(self._strip_labels[_CROSSFADE], 2, 0, 1, -1)

        # The strips and the slider first (the whole path at a glance), the two images at the
        # slider's a beside them: all of it above the fold of a 1080p projector.
        strips = QVBoxLayout()
        strips.addLayout(self._grid)
        strips.addLayout(slider_row)
        strips.addStretch(1)
        body = QHBoxLayout()
        body.addLayout(strips, 3)
        body.addLayout(current_row, 2)

        self._beta = BetaControl(self)
        self._beta.hide()

        layout = QVBoxLayout(self.content())
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._hint)
        layout.addLayout(body)
        layout.addWidget(self._beta)
        layout.addStretch(1)

        self._set_strip_count(max(2, int(steps)))
        self._update_alpha_views()
        self.apply_theme()

    # ----------------------------------------------------------------- public API
    def alpha(self) -> float:
        """The slider's ``a`` in [0, 1] (steps of 0.01)."""
        return self._slider.value() / _SLIDER_STEPS

    def set_alpha(self, a: float) -> None:
        """Move the slider to ``a`` (clipped to [0, 1]) without emitting ``alpha_changed``."""
        value = round(min(max(float(a), 0.0), 1.0) * _SLIDER_STEPS)
        self._setting = True
        try:
            self._slider.setValue(value)
        finally:
            self._setting = False

    def set_strips(self, decoded: np.ndarray | None, crossfade: np.ndarray | None) -> None:
        """Show the two interpolation paths, one tile per step.

        Parameters
        ----------
        decoded, crossfade : np.ndarray or None
            ``(S, H, W)`` or ``(S, H, W, 3)`` images in [0, 1] for ``a = linspace(0, 1, S)``;
            ``None`` empties that strip. When both are given they must have the same ``S``;
            the strips resize to ``S`` tiles.
        """
        lengths = {len(a) for a in (decoded, crossfade) if a is not None}
        if len(lengths) > 1:
            raise ValueError(f"the strips differ in length: {sorted(lengths)}")
        if lengths:
            n = lengths.pop()
            if n < 2:
                raise ValueError(f"a strip needs at least 2 steps, got {n}")
            self._set_strip_count(n)
        for row, images in ((_DECODED, decoded), (_CROSSFADE, crossfade)):
            for col, tile in enumerate(self._strips[row][: self._count]):
                tile.set_image(None if images is None else images[col])
            self._filled[row] = images is not None
        self._update_alpha_views()
        self._refresh_message()

    def set_current(self, decoded: np.ndarray | None, crossfade: np.ndarray | None) -> None:
        """Show the two images at the current ``a`` in the large tiles (``None`` empties one)."""
        self._current[_DECODED].set_image(decoded)
        self._current[_CROSSFADE].set_image(crossfade)
        self._refresh_message()

    def set_hint(self, text: str) -> None:
        """Show ``text`` above the images, e.g. how to choose the pair; ``""`` hides it."""
        self._hint.setText(text)
        self._hint.setVisible(bool(text))

    def hint(self) -> str:
        """The hint text (``""`` when hidden)."""
        return self._hint.text()

    def strip_count(self) -> int:
        """The number of tiles in each strip."""
        return self._count

    def strip_tiles(self, which: str) -> list[ImageTile]:
        """The tiles of the ``"decoded"`` or ``"crossfade"`` strip."""
        row = {"decoded": _DECODED, "crossfade": _CROSSFADE}[which]
        return self._strips[row][: self._count]

    def slider(self) -> QSlider:
        """The ``a`` slider (for tests and keyboard focus)."""
        return self._slider

    def current_tiles(self) -> tuple[ImageTile, ImageTile]:
        """The large decoded and cross-fade tiles."""
        return self._current

    def beta_control(self) -> BetaControl:
        """The β slider row (hidden unless :meth:`show_beta`)."""
        return self._beta

    def show_beta(self, on: bool) -> None:
        """Show the VAE's β slider row under the images."""
        self._beta.setVisible(on)

    def state(self) -> dict[str, Any]:
        """The slider's ``a``, and β while the β row shows."""
        state: dict[str, Any] = {"alpha": self.alpha()}
        if not self._beta.isHidden():
            state["beta"] = self._beta.beta()
        return state

    def restore_state(self, state: Mapping[str, Any]) -> None:
        """Set ``a`` and β from :meth:`state`, silently; damaged values keep the defaults."""
        alpha = saved_number(state, "alpha", 0.0, 1.0)
        if alpha is not None:
            self.set_alpha(alpha)
        beta = saved_number(state, "beta", min(BETA_STEPS), max(BETA_STEPS))
        if beta is not None:
            self._beta.set_beta(beta)

    def apply_theme(self) -> None:
        """Re-read the theme: labels and every tile."""
        super().apply_theme()
        for tile in (*self._current, *self._strips[0], *self._strips[1]):
            tile.apply_theme()
        self._beta.apply_theme()

    # ----------------------------------------------------------------- internals
    def _has_data(self) -> bool:
        current = any(tile.image() is not None for tile in self._current)
        return current or any(self._filled)

    def _set_strip_count(self, n: int) -> None:
        for row, grid_row in ((_DECODED, 1), (_CROSSFADE, 3)):
            tiles = self._strips[row]
            while len(tiles) < n:
                tile = ImageTile(
                    parent=self, min_size=_STRIP_TILE, reserve_caption=row == _CROSSFADE
                )
                tile.setMaximumWidth(_STRIP_TILE_MAX)
                self._grid.addWidget(tile, grid_row, len(tiles))
                tiles.append(tile)
            for col, tile in enumerate(tiles):
                tile.setVisible(col < n)
        for col in range(self._grid.columnCount()):
            self._grid.setColumnStretch(col, 1 if col < n else 0)
        if n != self._count:
            steps = np.linspace(0.0, 1.0, n)
            for tile, t in zip(self._strips[_CROSSFADE], steps, strict=False):
                tile.set_caption(f"{t:.3g}")
        self._count = n

    def _update_alpha_views(self) -> None:
        a = self.alpha()
        self._alpha_label.setText(f"= {a:.2f}")
        for tile in self._current:
            tile.set_caption(f"a = {a:.2f}")
        nearest = round(a * (self._count - 1))
        for row, tiles in enumerate(self._strips):
            for col, tile in enumerate(tiles):
                tile.set_highlighted(self._filled[row] and col == nearest)

    # ----------------------------------------------------------------- slots
    def _on_slider_value_changed(self, value: int) -> None:
        self._update_alpha_views()
        if not self._setting:
            self.alpha_changed.emit(value / _SLIDER_STEPS)
