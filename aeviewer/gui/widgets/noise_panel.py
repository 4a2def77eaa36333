"""Sliders that corrupt the model's input, and Clean / Noisy / Reconstruction side by side.

The panel only reports slider values and shows what it is given: the main window makes the
noise and computes the errors with core functions, then calls :meth:`NoisePanel.set_images`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from aeviewer.gui import palette
from aeviewer.gui.widgets.image_tile import ImageTile

__all__ = ["NoisePanel"]

_STEPS_PER_UNIT = 100  # slider integer steps of 0.01


@dataclass(frozen=True)
class _SliderSpec:
    name: str
    maximum: float
    fmt: Callable[[float], str]


def _decimal(v: float) -> str:
    return f"{v:.2f}"


def _percent(v: float) -> str:
    return f"{round(v * 100)}%"


_SPECS = (
    _SliderSpec("Gaussian σ", 1.0, _decimal),
    _SliderSpec("Masking", 0.9, _percent),
    _SliderSpec("Salt & pepper", 0.5, _percent),
)


class NoisePanel(QWidget):
    """Three noise sliders over three large image tiles.

    Attributes
    ----------
    gaussian_slider, mask_slider, salt_slider : QSlider
        Integer sliders in steps of 0.01 (Gaussian σ 0..1, masking 0..0.9, salt & pepper
        0..0.5).
    """

    noise_changed = Signal(float, float, float)  # gaussian_std, mask_rate, salt_pepper

    def __init__(self, parent: QWidget | None = None, tile_size: int = 140) -> None:
        super().__init__(parent)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self._sliders: list[QSlider] = []
        self._value_labels: list[QLabel] = []
        for spec in _SPECS:
            slider = QSlider(Qt.Orientation.Horizontal, self)
            slider.setRange(0, round(spec.maximum * _STEPS_PER_UNIT))
            slider.setSingleStep(1)
            slider.setPageStep(5)
            slider.setMinimumWidth(110)
            value = QLabel(self)
            value.setFont(palette.font(palette.BASE_POINT_SIZE))
            value.setMinimumWidth(value.fontMetrics().horizontalAdvance("0.00 "))
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            row = QHBoxLayout()
            row.addWidget(slider, 1)
            row.addWidget(value)
            name = QLabel(spec.name.replace("&", "&&"), self)  # "&" alone marks a mnemonic
            name.setFont(palette.font(palette.BASE_POINT_SIZE))
            name.setBuddy(slider)
            form.addRow(name, row)
            self._sliders.append(slider)
            self._value_labels.append(value)
        self.gaussian_slider, self.mask_slider, self.salt_slider = self._sliders
        self.gaussian_slider.setToolTip("Standard deviation of added Gaussian noise")
        self.mask_slider.setToolTip("Share of pixels set to 0 (masking / dropout noise)")
        self.salt_slider.setToolTip("Share of pixels set to 0 or 1 at random (salt & pepper)")

        self._tiles = (
            ImageTile("Clean", self, tile_size, reserve_caption=True, opaque=True),
            ImageTile("Noisy input", self, tile_size, reserve_caption=True, opaque=True),
            ImageTile("Reconstruction", self, tile_size, reserve_caption=True, opaque=True),
        )
        tiles = QHBoxLayout()
        for tile in self._tiles:
            tile.set_fit(True)  # as large as the room below the sliders allows, never taller
            tiles.addWidget(tile, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)  # it shares a 1080p window's left column
        layout.addLayout(form)
        layout.addLayout(tiles, 1)

        self.gaussian_slider.valueChanged.connect(self._on_gaussian_slider_value_changed)
        self.mask_slider.valueChanged.connect(self._on_mask_slider_value_changed)
        self.salt_slider.valueChanged.connect(self._on_salt_slider_value_changed)
        self._refresh_value_labels()

    # ----------------------------------------------------------------- public API
    def noise(self) -> tuple[float, float, float]:
        """The current ``(gaussian_std, mask_rate, salt_pepper)``."""
        g, m, s = (slider.value() / _STEPS_PER_UNIT for slider in self._sliders)
        return (g, m, s)

    def set_noise(self, gaussian_std: float, mask_rate: float, salt_pepper: float) -> None:
        """Move the sliders (values are clamped to their ranges) and emit ``noise_changed`` once.

        Parameters
        ----------
        gaussian_std : float
            Standard deviation of the Gaussian noise, 0..1.
        mask_rate : float
            Share of masked pixels, 0..0.9.
        salt_pepper : float
            Share of salt & pepper pixels, 0..0.5.
        """
        for slider, value in zip(
            self._sliders, (gaussian_std, mask_rate, salt_pepper), strict=True
        ):
            slider.blockSignals(True)
            try:
                slider.setValue(round(float(value) * _STEPS_PER_UNIT))
            finally:
                slider.blockSignals(False)
        self._emit_noise()

    def set_images(
        self,
        clean: np.ndarray | None,
        noisy: np.ndarray | None,
        reconstruction: np.ndarray | None,
        noisy_error: str = "",
        reconstruction_error: str = "",
        clean_caption: str = "model input",
    ) -> None:
        """Show the three images with the error strings the caller formatted.

        Parameters
        ----------
        clean, noisy, reconstruction : np.ndarray or None
            ``(H, W)`` grey or ``(H, W, 3)`` colour images in [0, 1]; ``None`` empties a
            tile.
        noisy_error, reconstruction_error : str
            Captions under the noisy and reconstructed tiles, e.g. ``"MSE 0.031 · PSNR 15.1 dB"``.
        clean_caption : str
            Caption under the clean tile.
        """
        clean_tile, noisy_tile, recon_tile = self._tiles
        clean_tile.set_image(clean)
        noisy_tile.set_image(noisy)
        recon_tile.set_image(reconstruction)
        clean_tile.set_caption(clean_caption)
        noisy_tile.set_caption(noisy_error)
        recon_tile.set_caption(reconstruction_error)

    def tiles(self) -> tuple[ImageTile, ImageTile, ImageTile]:
        """The Clean, Noisy input and Reconstruction tiles."""
        return self._tiles

    def set_placeholder(self, text: str) -> None:
        """Set the text shown in empty tiles, e.g. ``"Train a model first"``."""
        for tile in self._tiles:
            tile.set_placeholder(text)

    def apply_theme(self) -> None:
        """Re-read the theme and repaint the tiles."""
        for tile in self._tiles:
            tile.apply_theme()
        self._even_tiles()

    def _even_tiles(self) -> None:
        """The three tiles as wide as the widest title needs ("Reconstruction"): side by side
        they compare best at one size, and no title is cut."""
        for tile in self._tiles:
            tile.setMinimumWidth(0)
        width = max(tile.minimumSizeHint().width() for tile in self._tiles)
        for tile in self._tiles:
            tile.setMinimumWidth(width)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._even_tiles()  # the app's style sheet sets the font once the panel is shown

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # presenter mode enlarges the type
            self._even_tiles()

    # ----------------------------------------------------------------- slots
    def _on_gaussian_slider_value_changed(self, _value: int) -> None:
        self._emit_noise()

    def _on_mask_slider_value_changed(self, _value: int) -> None:
        self._emit_noise()

    def _on_salt_slider_value_changed(self, _value: int) -> None:
        self._emit_noise()

    def _refresh_value_labels(self) -> None:
        for spec, label, value in zip(_SPECS, self._value_labels, self.noise(), strict=True):
            label.setText(spec.fmt(value))

    def _emit_noise(self) -> None:
        self._refresh_value_labels()
        self.noise_changed.emit(*self.noise())
