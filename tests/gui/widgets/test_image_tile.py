"""ImageTile: fixed levels, nearest-neighbour pixels, clicks, captions, highlight."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QWidget

from aeviewer.gui import palette
from aeviewer.gui.widgets.image_tile import ImageTile, to_qimage


@pytest.fixture
def tile(qtbot):
    t = ImageTile("Title")
    qtbot.addWidget(t)
    t.resize(220, 260)
    t.show()
    qtbot.waitExposed(t)
    return t


def _grab(tile: ImageTile) -> tuple[QImage, float]:
    pixmap = tile.grab()
    return pixmap.toImage(), pixmap.devicePixelRatio()


def _gray(img: QImage, dpr: float, x: float, y: float) -> int:
    c = QColor(img.pixel(int(x * dpr), int(y * dpr)))
    assert c.red() == c.green() == c.blue()
    return c.red()


def _block_samples(r: QRect) -> dict[tuple[int, int], list[tuple[float, float]]]:
    """Points inside each block of a 2x2 image drawn into ``r``: centres and near the edges."""
    half_w, half_h = r.width() / 2, r.height() / 2
    out = {}
    for row in (0, 1):
        for col in (0, 1):
            x0, y0 = r.x() + col * half_w, r.y() + row * half_h
            out[(row, col)] = [
                (x0 + half_w / 2, y0 + half_h / 2),  # centre
                (x0 + 1, y0 + 1),  # just inside the corner
                (x0 + half_w - 2, y0 + half_h - 2),  # just inside the far corner
            ]
    return out


def test_fixed_levels_and_nearest_scaling(tile):
    tile.set_image(np.array([[0.0, 1.0], [0.5, 0.0]], dtype=np.float32))
    img, dpr = _grab(tile)
    expected = {(0, 0): {0}, (0, 1): {255}, (1, 0): {127, 128}, (1, 1): {0}}
    r = tile.image_rect()
    assert r.width() >= 150 and r.width() == r.height()  # large and square
    for block, points in _block_samples(r).items():
        for x, y in points:
            assert _gray(img, dpr, x, y) in expected[block], (block, x, y)


def test_values_outside_unit_range_are_clipped_not_rescaled(tile):
    data = np.array([[-1.0, 2.0], [0.5, np.nan]], dtype=np.float32)
    tile.set_image(data)
    img, dpr = _grab(tile)
    expected = {(0, 0): {0}, (0, 1): {255}, (1, 0): {127, 128}, (1, 1): {0}}
    for block, points in _block_samples(tile.image_rect()).items():
        x, y = points[0]
        assert _gray(img, dpr, x, y) in expected[block]
    # A dim image stays dim: no auto-contrast.
    tile.set_image(np.full((2, 2), 0.2, dtype=np.float32))
    img, dpr = _grab(tile)
    c = tile.image_rect().center()
    assert _gray(img, dpr, c.x(), c.y()) in {51}


def test_image_is_a_float32_copy(tile):
    data = np.array([[0.0, 1.5], [0.25, -0.5]])
    tile.set_image(data)
    data[0, 0] = 0.9
    stored = tile.image()
    assert stored is not None and stored.dtype == np.float32
    np.testing.assert_array_equal(stored, [[0.0, 1.5], [0.25, -0.5]])
    stored[0, 0] = 0.7  # the accessor hands out a copy
    assert tile.image()[0, 0] == 0.0
    tile.set_image(np.zeros((28, 28, 1)))  # a trailing channel is accepted
    assert tile.image().shape == (28, 28)
    tile.set_image(np.zeros((28, 28, 3)))  # and colour
    assert tile.image().shape == (28, 28, 3)
    for bad in ((2, 2, 2), (2, 2, 4), (2, 2, 3, 1), (4,)):
        with pytest.raises(ValueError):
            tile.set_image(np.zeros(bad))


def test_aspect_ratio_is_kept(tile):
    tile.set_image(np.ones((10, 20), dtype=np.float32))
    r = tile.image_rect()
    assert abs(r.width() - 2 * r.height()) <= 1
    assert abs(r.center().x() - tile.width() / 2) <= 1


def test_clicked_on_mouse_press(qtbot, tile):
    with qtbot.waitSignal(tile.clicked, timeout=1000):
        qtbot.mousePress(tile, Qt.MouseButton.LeftButton, pos=tile.image_rect().center())


def test_caption_title_and_height_for_width(tile):
    h_without = tile.heightForWidth(200)
    tile.set_caption("MSE 0.031 · PSNR 15.1 dB")
    assert tile.caption() == "MSE 0.031 · PSNR 15.1 dB"
    assert tile.toolTip() == tile.caption()
    assert tile.heightForWidth(200) > h_without
    tile.set_title("")
    assert tile.title() == ""
    assert tile.heightForWidth(200) < h_without + 40
    hint = tile.sizeHint()
    assert 140 <= hint.width() <= 200 and hint.height() >= hint.width()


def test_placeholder_frame_when_empty(tile):
    tile.set_placeholder("No model yet")
    tile.set_image(None)
    assert tile.image() is None
    img, dpr = _grab(tile)
    r = tile.image_rect()
    panel = QColor(palette.theme().panel)
    corner = QColor(img.pixel(int((r.x() + 3) * dpr), int((r.y() + 3) * dpr)))
    assert corner.rgb() == panel.rgb()


def test_highlight_frame_does_not_cover_the_image(tile):
    tile.set_image(np.ones((4, 4), dtype=np.float32))
    tile.set_highlighted(True)
    assert tile.is_highlighted()
    img, dpr = _grab(tile)
    r = tile.image_rect()
    accent = QColor(palette.theme().accent).rgb()
    assert QColor(img.pixel(int((r.x() - 2) * dpr), int(r.center().y() * dpr))).rgb() == accent
    assert _gray(img, dpr, r.x(), r.center().y()) == 255
    assert _gray(img, dpr, r.right(), r.bottom()) == 255


def test_apply_theme_follows_the_palette(tile):
    tile.set_image(None)
    try:
        palette.set_theme("light")
        tile.apply_theme()
        img, dpr = _grab(tile)
        r = tile.image_rect()
        pixel = QColor(img.pixel(int((r.x() + 3) * dpr), int((r.y() + 3) * dpr)))
        assert pixel.rgb() == QColor(palette.THEMES["light"].panel).rgb()
    finally:
        palette.set_theme("dark")


class _PaintCounter(QWidget):
    """A parent that counts its own paint events."""

    def __init__(self) -> None:
        super().__init__()
        self.paints = 0

    def paintEvent(self, event) -> None:
        self.paints += 1


@pytest.mark.parametrize("opaque", [False, True])
def test_opaque_tile_repaints_alone_on_the_theme_background(qtbot, opaque):
    """A new image in an opaque tile repaints the tile, not the widgets behind it; the tile
    then paints its margins itself, in the theme's window colour."""
    parent = _PaintCounter()
    qtbot.addWidget(parent)
    parent.resize(300, 320)
    t = ImageTile("Title", parent, opaque=opaque)
    t.setGeometry(20, 20, 220, 260)
    parent.show()
    qtbot.waitExposed(parent)
    t.set_image(np.full((28, 28), 0.5, np.float32))
    qtbot.wait(50)
    before = parent.paints
    for v in (0.1, 0.9, 0.3):
        t.set_image(np.full((28, 28), v, np.float32))
        QApplication.processEvents()
    if opaque:
        assert parent.paints == before
        img, dpr = _grab(t)
        corner = QColor(img.pixel(int(2 * dpr), int((t.height() - 2) * dpr)))
        assert corner.rgb() == QColor(palette.theme().background).rgb()
        assert _gray(img, dpr, *t.image_rect().center().toTuple()) == round(0.3 * 255)
    else:
        assert parent.paints > before  # the check above can fail: Qt paints see-through parents


# ---------------------------------------------------------------- colour
RED, GREEN, BLUE, DIM = (1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0), (0.2, 0.4, 0.0)


def _rgb(img: QImage, dpr: float, x: float, y: float) -> tuple[int, int, int]:
    c = QColor(img.pixel(int(x * dpr), int(y * dpr)))
    return c.red(), c.green(), c.blue()


def test_colour_image_shows_in_colour_with_nearest_scaling(tile):
    data = np.array([[RED, GREEN], [BLUE, DIM]], dtype=np.float32)
    tile.set_image(data)
    img, dpr = _grab(tile)
    # Fixed levels, no auto-contrast: 0.2 and 0.4 stay 51 and 102.
    expected = {(0, 0): (255, 0, 0), (0, 1): (0, 255, 0), (1, 0): (0, 0, 255), (1, 1): (51, 102, 0)}
    r = tile.image_rect()
    assert r.width() >= 150 and r.width() == r.height()
    for block, points in _block_samples(r).items():
        for x, y in points:
            assert _rgb(img, dpr, x, y) == expected[block], (block, x, y)


def test_colour_values_are_clipped_per_channel(tile):
    tile.set_image(np.array([[[-1.0, 2.0, np.nan]]], dtype=np.float32))
    img, dpr = _grab(tile)
    c = tile.image_rect().center()
    assert _rgb(img, dpr, c.x(), c.y()) == (0, 255, 0)


def test_colour_aspect_ratio_is_kept(tile):
    tile.set_image(np.ones((10, 20, 3), dtype=np.float32))
    r = tile.image_rect()
    assert abs(r.width() - 2 * r.height()) <= 1
    assert abs(tile.heightForWidth(200) - tile.heightForWidth(100) - 50) <= 1


def test_to_qimage_picks_the_format_and_owns_its_pixels():
    grey = to_qimage(np.array([[0.0, 0.5]], dtype=np.float32))
    assert grey.format() == QImage.Format.Format_Grayscale8
    assert QColor(grey.pixel(1, 0)).getRgb()[:3] == (128, 128, 128)
    # An odd width: RGB888 rows are padded to 4 bytes, so the row stride must be given.
    data = np.zeros((3, 5, 3), dtype=np.float32)
    data[2, 4] = RED
    data[1, 0] = BLUE
    qimg = to_qimage(data)
    del data
    assert qimg.format() == QImage.Format.Format_RGB888
    assert (qimg.width(), qimg.height()) == (5, 3)
    assert QColor(qimg.pixel(4, 2)).getRgb()[:3] == (255, 0, 0)
    assert QColor(qimg.pixel(0, 1)).getRgb()[:3] == (0, 0, 255)
    assert QColor(qimg.pixel(3, 2)).getRgb()[:3] == (0, 0, 0)
