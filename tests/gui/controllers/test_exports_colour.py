"""The gallery export of colour samples is an RGB PNG with the samples' colours (no window: the
controller exports a gallery of its own)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image
from PySide6.QtWidgets import QWidget

from aeviewer.gui.controllers.exports import ExportsController
from aeviewer.gui.widgets.image_tile import ImageTile
from aeviewer.gui.widgets.sample_gallery import SampleGallery


class _Window(QWidget):
    """What the controller uses of the main window here: a place for error messages."""

    def __init__(self) -> None:
        super().__init__()
        self.errors: list[str] = []

    def show_error(self, text: str) -> None:
        self.errors.append(text)


def test_a_colour_gallery_exports_as_an_rgb_png_with_its_colours(qtbot, tmp_path: Path) -> None:
    window = _Window()
    qtbot.addWidget(window)
    gallery = SampleGallery()
    qtbot.addWidget(gallery)
    gallery.resize(700, 400)
    with qtbot.waitExposed(gallery):
        gallery.show()
    originals = np.zeros((3, 8, 8, 3), np.float32)
    originals[:, :4, :4] = (1.0, 0.0, 0.0)  # red top-left quarter, green elsewhere
    originals[:, 4:, :] = (0.0, 1.0, 0.0)
    originals[:, :4, 4:] = (0.0, 1.0, 0.0)
    recons = np.full((3, 8, 8, 3), (0.2, 0.4, 0.8), np.float32)
    gallery.set_pairs(originals, recons, [0, 1, 2])

    path = tmp_path / "gallery.png"
    assert ExportsController(window).export_widget(gallery, path)
    assert window.errors == []
    with Image.open(path) as img:
        assert img.mode == "RGB"
        ratio = img.width / gallery.width()

        def rgb_at(tile: ImageTile, fx: float, fy: float) -> tuple[int, int, int]:
            rect = tile.image_rect()
            p = tile.mapTo(gallery, rect.topLeft())
            x, y = p.x() + fx * rect.width(), p.y() + fy * rect.height()
            red, green, blue = img.getpixel((int(x * ratio), int(y * ratio)))
            return red, green, blue

        for tile in gallery.original_tiles():
            assert rgb_at(tile, 0.25, 0.25) == (255, 0, 0)
            assert rgb_at(tile, 0.75, 0.75) == (0, 255, 0)
        for tile in gallery.reconstruction_tiles():
            assert rgb_at(tile, 0.5, 0.5) == (51, 102, 204)
