"""A user's picture or drawing becomes one sample of the data set's shape."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from aeviewer.core.images import mnist_style
from aeviewer.core.pictures import PictureError, drawing_sample, fit_picture, read_picture


def _write(path: Path, rgb: np.ndarray, mode: str = "RGB") -> Path:
    Image.fromarray(rgb, mode).save(path)
    return path


def test_a_picture_is_read_as_rgb_floats(tmp_path: Path) -> None:
    rgb = np.zeros((30, 40, 3), np.uint8)
    rgb[..., 0] = 255  # red
    rgb[:, 20:, 2] = 128
    got = read_picture(_write(tmp_path / "p.png", rgb))
    assert got.shape == (30, 40, 3) and got.dtype == np.float32
    np.testing.assert_allclose(got[0, 0], [1.0, 0.0, 0.0])
    np.testing.assert_allclose(got[0, 39], [1.0, 0.0, 128 / 255], atol=1e-6)


def test_transparency_shows_over_white_and_grey_becomes_rgb(tmp_path: Path) -> None:
    rgba = np.zeros((10, 10, 4), np.uint8)
    rgba[:5, :, :] = (0, 0, 255, 255)  # opaque blue on top, transparent below
    got = read_picture(_write(tmp_path / "a.png", rgba, "RGBA"))
    np.testing.assert_allclose(got[0, 0], [0.0, 0.0, 1.0])
    np.testing.assert_allclose(got[9, 9], [1.0, 1.0, 1.0])
    grey = read_picture(_write(tmp_path / "g.png", np.full((6, 8), 51, np.uint8), "L"))
    assert grey.shape == (6, 8, 3)
    np.testing.assert_allclose(grey, 0.2, atol=1e-6)


@pytest.mark.parametrize(
    ("content", "says"),
    [(None, "no such file"), (b"not a picture at all", "not a picture"), (b"\x89PNG\r\n", "")],
)
def test_what_is_not_a_picture_gets_one_line_naming_it(
    tmp_path: Path, content: bytes | None, says: str
) -> None:
    path = tmp_path / "holiday.png"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(PictureError) as info:
        read_picture(path)
    message = str(info.value)
    assert message.startswith("holiday.png: ") and says in message and "\n" not in message


def test_a_picture_is_centre_cropped_to_the_data_proportions_then_resized() -> None:
    wide = np.zeros((40, 80, 3), np.float32)
    wide[:, 20:60] = (0.0, 1.0, 0.0)  # the centre square is green, the sides black
    got = fit_picture(wide, (32, 32, 3))
    assert got.shape == (32, 32, 3) and got.dtype == np.float32
    np.testing.assert_allclose(got[..., 1], 1.0, atol=1 / 255)  # the sides were cropped
    np.testing.assert_allclose(got[..., [0, 2]], 0.0, atol=1 / 255)
    tall = fit_picture(np.ones((90, 30, 3), np.float32), (12, 20, 3))
    assert tall.shape == (12, 20, 3)


def test_a_colour_picture_for_grey_data_uses_luminance() -> None:
    red = np.zeros((16, 16, 3), np.float32)
    red[..., 0] = 1.0
    got = fit_picture(red, (8, 8))
    assert got.shape == (8, 8)
    np.testing.assert_allclose(got, 0.299, atol=2 / 255)


def test_a_drawing_on_28x28_data_is_exactly_the_mnist_recipe() -> None:
    drawing = np.zeros((280, 280), np.float32)
    drawing[60:200, 120:150] = 1.0
    np.testing.assert_array_equal(drawing_sample(drawing, (28, 28)), mnist_style(drawing))


@pytest.mark.parametrize("shape", [(64, 64), (16, 24), (8, 8)])
def test_a_drawing_fits_grey_data_of_any_size_with_the_ink_centred(
    shape: tuple[int, int],
) -> None:
    drawing = np.zeros((280, 280), np.float32)
    drawing[40:240, 130:160] = 1.0  # a tall stroke, a "1"
    got = drawing_sample(drawing, shape)
    assert got.shape == shape and got.max() > 0.4  # a thin stroke at 8x8 spreads over 2 px
    rows, cols = np.nonzero(got > 0.2)
    # The ink is centred; for square data its longer side spans 20/28 of the frame.
    assert abs(cols.mean() - (shape[1] - 1) / 2) <= 1.0
    if shape[0] == shape[1]:
        span = rows.max() - rows.min() + 1
        assert abs(span - shape[0] * 20 / 28) <= 2
