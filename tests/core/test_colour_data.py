"""Colour and any-size images: arrays and image folders keep their channels and size within
8..128 pixels; --image-size and --grey adjust any source; every refusal is one line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from aeviewer.cli import train_parser
from aeviewer.core.datasets import (
    DATASET_NAMES,
    DATASET_TITLES,
    Dataset,
    DatasetError,
    DataShapeError,
    load_dataset,
    load_path,
)
from aeviewer.core.datasets.adjust import GREY_WEIGHTS, resize_images
from aeviewer.data_args import load_data

RNG = np.random.default_rng(0)


def rgb(n: int, h: int, w: int) -> np.ndarray:
    return RNG.integers(0, 256, (n, h, w, 3), dtype=np.uint8)


def refused(path: Path, error: type[DatasetError] = DataShapeError, **options: object) -> str:
    """Load ``path``, expecting one typed, one-line error that names it."""
    with pytest.raises(error) as info:
        load_dataset(path=path, **options)  # type: ignore[arg-type]
    message = str(info.value)
    assert "\n" not in message and path.name in message, message
    return message


def save_png(path: Path, pixels: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(pixels).save(path)


# --- the Dataset contract -------------------------------------------------------------------


def test_dataset_channels_and_image_shape(tmp_path: Path) -> None:
    np.savez(tmp_path / "c.npz", x_train=rgb(10, 20, 24))
    np.savez(tmp_path / "g.npz", x_train=RNG.integers(0, 256, (10, 20, 24), dtype=np.uint8))
    np.savez(tmp_path / "v.npz", x_train=RNG.random((10, 5)))
    colour, grey, vectors = (load_dataset(path=tmp_path / f) for f in ("c.npz", "g.npz", "v.npz"))
    assert (colour.is_image, colour.channels, colour.image_shape) == (True, 3, (20, 24))
    assert colour.input_shape == (20, 24, 3) and colour.x_val.shape[1:] == (20, 24, 3)
    assert (grey.is_image, grey.channels, grey.image_shape) == (True, 1, (20, 24))
    assert (vectors.is_image, vectors.channels, vectors.image_shape) == (False, 0, ())


# --- arrays (.npz) ------------------------------------------------------------------------


def test_colour_npz_loads_in_rgb_order(tmp_path: Path) -> None:
    x = rgb(12, 32, 32)
    x[:, :, :, 0] = 255  # red everywhere: channels must stay last, in R, G, B order
    xt = rgb(4, 32, 32)
    np.savez(tmp_path / "colour.npz", x_train=x, x_test=xt)
    ds = load_dataset(path=tmp_path / "colour.npz")
    assert ds.x_train.dtype == np.float32 and ds.x_train.shape == (12, 32, 32, 3)
    np.testing.assert_array_equal(ds.x_train[..., 0], 1.0)
    np.testing.assert_array_equal(ds.x_val, xt.astype(np.float32) / np.float32(255))


def test_grey_npz_of_64x48_keeps_its_size(tmp_path: Path) -> None:
    x = RNG.integers(0, 256, (10, 48, 64), dtype=np.uint8)  # 64 wide, 48 high
    np.savez(tmp_path / "wide.npz", x_train=x, x_test=x[:3])
    ds = load_dataset(path=tmp_path / "wide.npz")
    assert ds.input_shape == (48, 64) and ds.channels == 1
    np.testing.assert_array_equal(ds.x_val, x[:3].astype(np.float32) / np.float32(255))


def test_single_channel_axis_is_squeezed(tmp_path: Path) -> None:
    x = RNG.integers(0, 256, (10, 14, 14, 1), dtype=np.uint8)
    np.savez(tmp_path / "one.npz", x_train=x, x_test=x[:2])
    ds = load_dataset(path=tmp_path / "one.npz")
    assert ds.input_shape == (14, 14) and ds.channels == 1
    np.testing.assert_array_equal(ds.x_val, x[:2, :, :, 0] / np.float32(255))


@pytest.mark.parametrize(
    ("shape", "needle"),
    [
        ((4, 200, 200), "x_train images are 200x200 pixels; sides must be 8 to 128 pixels"),
        ((4, 6, 30), "x_train images are 30x6 pixels"),
        ((4, 129, 64, 3), "x_train images are 64x129 pixels"),
    ],
)
def test_image_sides_outside_8_to_128_are_refused(
    tmp_path: Path, shape: tuple[int, ...], needle: str
) -> None:
    np.savez(tmp_path / "sides.npz", x_train=np.zeros(shape, np.uint8))
    message = refused(tmp_path / "sides.npz")
    assert needle in message and "--image-size N" in message


def test_image_size_rescues_images_too_big(tmp_path: Path) -> None:
    x = np.zeros((6, 200, 200), np.uint8)
    x[:, 50:150, 50:150] = 255
    np.savez(tmp_path / "big.npz", x_train=x)
    ds = load_dataset(path=tmp_path / "big.npz", image_size=40)
    assert ds.input_shape == (40, 40)
    assert ds.x_train.min() >= 0.0 and ds.x_train.max() <= 1.0  # Lanczos overshoot clipped
    assert ds.x_train[:, 20, 20].min() == pytest.approx(1.0, abs=0.01)  # the square, shrunk
    assert ds.x_train[:, 2, 2].max() == pytest.approx(0.0, abs=0.01)
    assert "images resized from 200x200 to 40x40" in ds.note


@pytest.mark.parametrize(
    ("channels", "needle"),
    [(4, "4 channels (RGBA?)"), (4, "drop the alpha"), (2, "2 channels; expected 1 (grey) or 3")],
)
def test_other_channel_counts_are_refused(tmp_path: Path, channels: int, needle: str) -> None:
    np.savez(tmp_path / "chan.npz", x_train=np.zeros((4, 16, 16, channels), np.uint8))
    assert needle in refused(tmp_path / "chan.npz")


def test_channels_first_gets_a_hint(tmp_path: Path) -> None:
    np.savez(tmp_path / "first.npz", x_train=np.zeros((4, 3, 32, 32), np.uint8))
    assert "transpose(0, 2, 3, 1)" in refused(tmp_path / "first.npz")


def test_grey_converts_colour_with_luminance_weights(tmp_path: Path) -> None:
    x = rgb(10, 16, 16)
    np.savez(tmp_path / "c.npz", x_train=x, x_test=x[:4])
    ds = load_dataset(path=tmp_path / "c.npz", grey=True)
    assert ds.input_shape == (16, 16) and ds.channels == 1
    expected = (x[:4].astype(np.float64) / 255) @ np.array([0.299, 0.587, 0.114])
    np.testing.assert_allclose(ds.x_val, expected, atol=1e-6)
    assert "colour converted to grey" in ds.note
    np.testing.assert_array_equal(GREY_WEIGHTS, np.float32([0.299, 0.587, 0.114]))


def test_options_on_data_that_needs_none_change_nothing(tmp_path: Path) -> None:
    x = RNG.integers(0, 256, (10, 16, 16), dtype=np.uint8)
    np.savez(tmp_path / "g.npz", x_train=x, x_test=x[:2])
    ds = load_dataset(path=tmp_path / "g.npz", grey=True, image_size=16)
    assert ds.input_shape == (16, 16)
    assert ds.note == "no y_train in it: all points one colour, no legend"
    np.testing.assert_array_equal(ds.x_val, x[:2] / np.float32(255))


def test_options_apply_to_named_sets_after_the_caps() -> None:
    ds = load_dataset("digits", max_train=30, max_val=10, image_size=14)
    assert ds.x_train.shape == (30, 14, 14) and ds.x_val.shape == (10, 14, 14)
    full = load_dataset("digits", max_train=30, max_val=10)
    np.testing.assert_allclose(ds.x_val, resize_images(full.x_val, (14, 14)))
    assert "resized from 28x28 to 14x14" in ds.note
    cloud = load_dataset("synthetic3d", grey=True)
    assert cloud.input_shape == (3,) and "do not apply" in cloud.note


@pytest.mark.parametrize("size", [0, 7, 129, 300])
def test_image_size_outside_8_to_128_is_refused(size: int) -> None:
    with pytest.raises(DataShapeError, match=f"--image-size {size}: image sides must be 8 to 128"):
        load_dataset("digits", image_size=size)


def test_resize_keeps_colour_channels_apart() -> None:
    x = np.zeros((2, 32, 32, 3), np.float32)
    x[..., 1] = 1.0  # pure green
    out = resize_images(x, (12, 20))
    assert out.shape == (2, 12, 20, 3)
    np.testing.assert_allclose(out[..., 1], 1.0, atol=1e-5)
    np.testing.assert_allclose(out[..., [0, 2]], 0.0, atol=1e-5)


# --- image folders --------------------------------------------------------------------------


def test_folder_of_colour_pngs_keeps_colour_and_size(tmp_path: Path) -> None:
    images = {c: rgb(5, 32, 32) for c in ("cat", "dog")}
    for c, xs in images.items():
        for i, x in enumerate(xs):
            save_png(tmp_path / c / f"{i}.png", x)
    ds = load_dataset(path=tmp_path)
    assert ds.x_train.shape[1:] == (32, 32, 3) and ds.n_train + ds.n_val == 10
    assert ds.class_names == ("cat", "dog") and ds.channels == 3
    assert ds.note == "labels from its 2 class sub-folders"  # nothing resized or converted
    every = np.concatenate([ds.x_train, ds.x_val])
    written = np.concatenate(list(images.values())).astype(np.float32) / np.float32(255)
    assert {a.tobytes() for a in every} == {a.tobytes() for a in written}  # pixels exact


def test_palette_and_rgba_images_are_colour_and_alpha_is_dropped(tmp_path: Path) -> None:
    red = np.zeros((16, 16, 3), np.uint8)
    red[..., 0] = 200
    Image.fromarray(red).save(tmp_path / "a.png")
    Image.fromarray(np.dstack([red, np.full((16, 16), 40, np.uint8)]), "RGBA").save(
        tmp_path / "b.png"
    )
    Image.fromarray(red).convert("P", palette=Image.Palette.ADAPTIVE).save(tmp_path / "c.gif")
    ds = load_dataset(path=tmp_path)
    assert ds.input_shape == (16, 16, 3) and ds.y_train is None
    every = np.concatenate([ds.x_train, ds.x_val])
    np.testing.assert_allclose(every[..., 0], 200 / 255, atol=1e-6)  # alpha not blended in
    np.testing.assert_array_equal(every[..., 1:], 0.0)


def test_folder_mixing_grey_and_colour_names_the_odd_file(tmp_path: Path) -> None:
    for i in range(3):
        save_png(tmp_path / "cats" / f"a{i}.png", rgb(1, 20, 20)[0])
    save_png(tmp_path / "cats" / "b.png", RNG.integers(0, 256, (20, 20), dtype=np.uint8))
    message = refused(tmp_path)
    assert "cats/b.png is grey but the folder's other images are colour" in message
    assert "pass --grey to convert all to grey" in message
    ds = load_dataset(path=tmp_path, grey=True)
    assert ds.input_shape == (20, 20) and "3 colour images converted to grey" in ds.note


def test_colour_image_in_a_grey_folder_is_named(tmp_path: Path) -> None:
    for i in range(3):
        save_png(tmp_path / f"g{i}.png", RNG.integers(0, 256, (20, 20), dtype=np.uint8))
    save_png(tmp_path / "z.png", rgb(1, 20, 20)[0])
    assert "z.png is colour but the folder's other images are grey" in refused(tmp_path)


def test_sizes_of_the_same_aspect_are_resized_to_the_most_common(tmp_path: Path) -> None:
    for i in range(4):
        save_png(tmp_path / "a" / f"{i}.png", rgb(1, 24, 32)[0])  # 32 wide, 24 high
    big = np.zeros((48, 64, 3), np.uint8)
    big[..., 2] = 255
    save_png(tmp_path / "b" / "big.png", big)
    save_png(tmp_path / "b" / "small.png", rgb(1, 12, 16)[0])
    ds = load_dataset(path=tmp_path)
    assert ds.input_shape == (24, 32, 3)
    assert ds.note == "labels from its 2 class sub-folders; 2 images resized to 32x24"
    blue = [a for a in np.concatenate([ds.x_train, ds.x_val]) if a[..., 2].min() > 0.99]
    assert len(blue) == 1 and blue[0][..., :2].max() < 0.01  # resized in colour, still blue


def test_another_aspect_ratio_is_refused_naming_the_file(tmp_path: Path) -> None:
    for i in range(3):
        save_png(tmp_path / "x" / f"{i}.png", rgb(1, 32, 32)[0])
    save_png(tmp_path / "x" / "wide.png", rgb(1, 30, 40)[0])
    message = refused(tmp_path)
    assert "x/wide.png is 40x30, the folder's images are 32x32" in message
    assert "use --image-size N to resize all to NxN" in message
    ds = load_dataset(path=tmp_path, image_size=16)
    assert ds.input_shape == (16, 16, 3) and "4 images resized to 16x16" in ds.note


def test_folder_of_images_too_big_is_refused(tmp_path: Path) -> None:
    for i in range(3):
        save_png(tmp_path / f"{i}.png", rgb(1, 150, 150)[0])
    assert "its images are 150x150 pixels; sides must be 8 to 128" in refused(tmp_path)
    assert load_dataset(path=tmp_path, image_size=64).input_shape == (64, 64, 3)


def test_load_path_takes_the_options_too(tmp_path: Path) -> None:
    for i in range(3):
        save_png(tmp_path / f"{i}.png", rgb(1, 40, 40)[0])
    ds = load_path(tmp_path, image_size=20, grey=True)
    assert ds.input_shape == (20, 20)
    assert ds.note.endswith("3 images resized to 20x20; 3 colour images converted to grey")


# --- the command line and the named sets ------------------------------------------------------


def test_image_size_and_grey_reach_the_loader(tmp_path: Path) -> None:
    for c in ("a", "b"):
        for i in range(3):
            save_png(tmp_path / c / f"{i}.png", rgb(1, 32, 32)[0])
    args = train_parser().parse_args(["--data", str(tmp_path), "--out", "m.keras"])
    assert load_data(args).input_shape == (32, 32, 3)
    args = train_parser().parse_args(
        ["--data", str(tmp_path), "--image-size", "16", "--gray", "--out", "m.keras"]
    )
    ds: Dataset = load_data(args)
    assert ds.input_shape == (16, 16)


def test_cifar10_is_offered() -> None:
    assert "cifar10" in DATASET_NAMES and tuple(DATASET_TITLES) == DATASET_NAMES
    assert "CIFAR-10" in DATASET_TITLES["cifar10"]
