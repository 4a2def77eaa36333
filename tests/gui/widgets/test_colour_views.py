"""Colour images show in colour in every view built on ImageTile: the gallery, the noise panel,
the hover card, the lesson panels and the manifold under the scatter; grey stays grey."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from aeviewer.core import analysis
from aeviewer.gui.widgets.image_tile import ImageTile
from aeviewer.gui.widgets.latent_hover import HoverCard
from aeviewer.gui.widgets.lesson_panels import (
    GenerationPanel,
    HistogramPanel,
    InterpolationPanel,
    ManifoldPanel,
    SideBySidePanel,
)
from aeviewer.gui.widgets.lesson_panels.latent_overlay import LatentOverlay
from aeviewer.gui.widgets.noise_panel import NoisePanel
from aeviewer.gui.widgets.sample_gallery import SampleGallery

COLOURS = [(1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0), (1.0, 1.0, 0.0)]


def _show(qtbot, widget: QWidget, w: int = 1000, h: int = 600) -> None:
    qtbot.addWidget(widget)
    widget.resize(w, h)
    with qtbot.waitExposed(widget):
        widget.show()


def _solid(n: int, h: int = 8, w: int = 8) -> np.ndarray:
    """``n`` colour images, image ``k`` all of ``COLOURS[k % 4]``."""
    return np.stack([np.full((h, w, 3), COLOURS[k % 4], np.float32) for k in range(n)])


def _bytes(colour: tuple[float, ...]) -> tuple[int, int, int]:
    r, g, b = (round(255 * v) for v in colour)
    return r, g, b


def _centre_rgb(tile: ImageTile) -> tuple[int, int, int]:
    """The colour painted at the centre of the tile's image."""
    pixmap = tile.grab()
    dpr = pixmap.devicePixelRatio()
    c = tile.image_rect().center()
    colour = QColor(pixmap.toImage().pixel(int(c.x() * dpr), int(c.y() * dpr)))
    return colour.red(), colour.green(), colour.blue()


def _quadrants() -> np.ndarray:
    """A 16x12 image: red top-left quarter, blue elsewhere (red where the sample is red)."""
    img = np.zeros((16, 12, 3), np.float32)
    img[..., 2] = 1.0
    img[:8, :6] = (1.0, 0.0, 0.0)
    return img


def _rgb_at(tile: ImageTile, fx: float, fy: float) -> tuple[int, int, int]:
    """The colour at the fraction ``(fx, fy)`` of the tile's image rectangle."""
    pixmap = tile.grab()
    dpr = pixmap.devicePixelRatio()
    r = tile.image_rect()
    x, y = r.x() + fx * r.width(), r.y() + fy * r.height()
    colour = QColor(pixmap.toImage().pixel(int(x * dpr), int(y * dpr)))
    return colour.red(), colour.green(), colour.blue()


# ---------------------------------------------------------------- the gallery
def test_gallery_shows_colour_pairs_noisy_row_and_generated_row_in_colour(qtbot) -> None:
    gallery = SampleGallery()
    _show(qtbot, gallery, 1100, 700)
    originals = np.stack([_quadrants()] * 4)
    recons = _solid(4)
    noisy = recons[::-1].copy()
    gallery.set_pairs(originals, recons, [10, 11, 12, 13], noisy=noisy)
    gallery.set_generated(_solid(5), "Generated: N(0, I)")
    for tile in gallery.original_tiles():
        assert tile.image().shape == (16, 12, 3)
        assert _rgb_at(tile, 0.25, 0.25) == (255, 0, 0)  # the sample's red pixels read red
        assert _rgb_at(tile, 0.75, 0.75) == (0, 0, 255)
        r = tile.image_rect()
        assert abs(r.width() * 16 - r.height() * 12) <= 16  # 12 wide, 16 high: kept
    for k, tile in enumerate(gallery.reconstruction_tiles()):
        assert _centre_rgb(tile) == _bytes(COLOURS[k])
    for k, tile in enumerate(gallery.noisy_tiles()):
        assert _centre_rgb(tile) == _bytes(COLOURS[3 - k])
    for k, tile in enumerate(gallery.generated_tiles()):
        assert _centre_rgb(tile) == _bytes(COLOURS[k % 4])
    # The same tiles then take grey images again, painted grey.
    gallery.set_pairs(np.full((4, 8, 8), 0.2, np.float32), np.zeros((4, 8, 8)), [1, 2, 3, 4])
    assert _centre_rgb(gallery.original_tiles()[0]) == (51, 51, 51)


# ---------------------------------------------------------------- noise panel and hover card
def test_noise_panel_shows_colour_tiles(qtbot) -> None:
    panel = NoisePanel()
    _show(qtbot, panel, 700, 500)
    clean, noisy, recon = _solid(3)
    panel.set_images(clean, noisy, recon, "PSNR 10 dB", "PSNR 20 dB")
    assert [_centre_rgb(t) for t in panel.tiles()] == [_bytes(c) for c in COLOURS[:3]]


def test_hover_card_shows_the_colour_sample(qtbot) -> None:
    plot = pg.PlotWidget()
    _show(qtbot, plot, 500, 500)
    card = HoverCard(plot)
    plot.addItem(card.text)
    card.show(0.5, 0.5, "sample 3")
    card.set_image(_quadrants())
    shown = card.image()
    assert shown is not None and shown.shape == (16, 12, 3)
    tile = plot.findChild(ImageTile)
    assert tile is not None and tile.isVisible()
    assert _rgb_at(tile, 0.25, 0.25) == (255, 0, 0)
    assert _rgb_at(tile, 0.75, 0.75) == (0, 0, 255)


# ---------------------------------------------------------------- lesson panels
def test_interpolation_strips_in_colour(qtbot) -> None:
    panel = InterpolationPanel()
    _show(qtbot, panel, 1100, 700)
    a, b = _solid(2)
    fade = analysis.pixel_crossfade(a, b, 5)
    assert fade.shape == (5, 8, 8, 3)
    panel.set_strips(_solid(5), fade)
    panel.set_current(a, fade[2])
    decoded_tiles = panel.strip_tiles("decoded")
    assert [_centre_rgb(t) for t in decoded_tiles] == [_bytes(COLOURS[k % 4]) for k in range(5)]
    assert _centre_rgb(panel.strip_tiles("crossfade")[0]) == (255, 0, 0)
    assert _centre_rgb(panel.strip_tiles("crossfade")[-1]) == (0, 255, 0)
    assert _centre_rgb(panel.current_tiles()[1]) in {(127, 128, 0), (128, 128, 0), (128, 127, 0)}


def test_manifold_shows_a_colour_mosaic_of_decoder_output(qtbot) -> None:
    panel = ManifoldPanel()
    _show(qtbot, panel, 700, 700)
    mosaic = analysis.tile_mosaic(_solid(4), 2)  # what the decoder gives: (N, H, W, 3)
    assert mosaic.shape == (16, 16, 3)
    panel.set_mosaic(mosaic, "z₁ · z₂")
    tile = panel.mosaic_tile()
    corners = [_rgb_at(tile, fx, fy) for fy in (0.25, 0.75) for fx in (0.25, 0.75)]
    assert corners == [_bytes(c) for c in COLOURS]


def test_generation_side_by_side_and_worst_examples_in_colour(qtbot) -> None:
    gen = GenerationPanel()
    _show(qtbot, gen, 1000, 500)
    gen.set_images(_solid(16))
    assert [_centre_rgb(t) for t in gen.tiles()[:4]] == [_bytes(c) for c in COLOURS]

    rows = SideBySidePanel(title="Tied weights")
    _show(qtbot, rows, 1000, 600)
    rows.set_rows([("Original", _solid(4)), ("Tied", _solid(4)[::-1])])
    assert _centre_rgb(rows.row_tiles(1)[0]) == _bytes(COLOURS[3])

    hist = HistogramPanel(title="Reconstruction errors")
    _show(qtbot, hist, 900, 900)
    hist.set_examples(_solid(3), _solid(3)[::-1], ["a", "b", "c"])
    assert _centre_rgb(hist.example_rows().tiles(0)[1]) == _bytes(COLOURS[1])
    assert _centre_rgb(hist.example_rows().tiles(1)[0]) == _bytes(COLOURS[2])


def test_manifold_under_the_scatter_is_drawn_in_colour(qtbot) -> None:
    plot = pg.PlotWidget()
    _show(qtbot, plot, 400, 400)
    plot.getPlotItem().vb.setRange(xRange=(0, 1), yRange=(0, 1), padding=0)
    overlay = LatentOverlay(plot.getPlotItem())
    picture = np.zeros((4, 4, 3), np.float32)
    picture[:2, :, 0] = 1.0  # top half red
    picture[2:, :, 2] = 1.0  # bottom half blue
    overlay.set_image(picture, (0.0, 0.0, 1.0, 1.0))
    shown = overlay.image_shown()
    assert shown is not None
    np.testing.assert_array_equal(shown, picture)
    qtbot.wait(10)
    image = plot.grab().toImage()
    vb = plot.getPlotItem().vb

    def rgb(x: float, y: float) -> tuple[int, int, int]:
        p = plot.mapFromScene(vb.mapViewToScene(QPointF(x, y)))
        c = QColor(image.pixel(p.x(), p.y()))
        return c.red(), c.green(), c.blue()

    top, bottom = rgb(0.5, 0.8), rgb(0.5, 0.2)  # drawn at 65% opacity over the background
    assert top[0] > 100 and top[0] > 3 * max(top[1], top[2])
    assert bottom[2] > 100 and bottom[2] > 3 * max(bottom[0], bottom[1])


@pytest.mark.parametrize("shape", [(8, 8, 2), (8, 8, 4), (2, 8, 8, 3)])
def test_other_shapes_are_refused(qtbot, shape: tuple[int, ...]) -> None:
    gallery = SampleGallery()
    qtbot.addWidget(gallery)
    with pytest.raises(ValueError):
        gallery.set_pairs(np.zeros((1, *shape)), np.zeros((1, *shape)), [0])
