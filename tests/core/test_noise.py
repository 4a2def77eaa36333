"""aeviewer.core.noise: corruptions (statistics with seeded generators) and quality measures."""

from __future__ import annotations

import math

import numpy as np
import pytest

from aeviewer.core.noise import corrupt, gaussian, masking, mse, psnr, salt_and_pepper

GREY = np.full((64, 28, 28), 0.5, np.float32)


def rng() -> np.random.Generator:
    return np.random.default_rng(1234)


def test_gaussian_std_and_clipping() -> None:
    out = gaussian(GREY, 0.05, rng())  # 10 sigma from 0 and 1: no clipping
    assert out.dtype == np.float32 and out.shape == GREY.shape
    assert abs(float((out - GREY).std()) - 0.05) < 0.05 * 0.05
    assert abs(float((out - GREY).mean())) < 0.002
    wide = gaussian(GREY, 2.0, rng())
    assert wide.min() == 0.0 and wide.max() == 1.0


def test_masking_fraction() -> None:
    out = masking(GREY, 0.3, rng())
    zero = float((out == 0).mean())
    assert abs(zero - 0.3) < 0.01
    np.testing.assert_array_equal(out[out != 0], 0.5)  # no rescaling


def test_salt_and_pepper_fraction_and_balance() -> None:
    out = salt_and_pepper(GREY, 0.2, rng())
    salt, pepper = float((out == 1).mean()), float((out == 0).mean())
    assert abs(salt + pepper - 0.2) < 0.01
    assert abs(salt - 0.1) < 0.01 and abs(pepper - 0.1) < 0.01


def test_inputs_untouched_and_deterministic() -> None:
    x = np.random.default_rng(0).random((8, 5)).astype(np.float64)
    before = x.copy()
    for fn in (gaussian, masking, salt_and_pepper):
        a, b = fn(x, 0.3, rng()), fn(x, 0.3, rng())
        np.testing.assert_array_equal(a, b)
        assert a.dtype == np.float32 and a.min() >= 0.0 and a.max() <= 1.0
    np.testing.assert_array_equal(x, before)
    assert x.dtype == np.float64


def test_corrupt() -> None:
    x = np.random.default_rng(0).random((4, 28, 28)).astype(np.float32)
    same = corrupt(x)
    np.testing.assert_array_equal(same, x)
    assert same is not x
    kwargs = {"gaussian_std": 0.1, "mask_rate": 0.2, "salt_pepper": 0.05, "seed": 3}
    a, b = corrupt(x, **kwargs), corrupt(x, **kwargs)  # type: ignore[arg-type]
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, corrupt(x, **{**kwargs, "seed": 4}))  # type: ignore[arg-type]
    assert a.dtype == np.float32 and a.min() >= 0.0 and a.max() <= 1.0
    with pytest.raises(ValueError):
        corrupt(x, mask_rate=-0.1)
    with pytest.raises(ValueError):
        masking(x, 1.5, rng())


def test_mse_and_psnr() -> None:
    a = np.zeros((4, 4))
    b = np.full((4, 4), 0.1)
    assert mse(a, b) == pytest.approx(0.01)
    assert psnr(a, b) == pytest.approx(20.0)
    assert psnr(a, b, data_range=255.0) == pytest.approx(20 * math.log10(2550))
    assert psnr(b, b) == math.inf
    assert mse(b, b) == 0.0
    with pytest.raises(ValueError):
        mse(a, np.zeros(3))


def test_denoise_keeps_the_clean_code_apart_from_the_noisy_one() -> None:
    from aeviewer.core.denoise import denoise
    from aeviewer.core.inference import ModelSnapshot, NumpyModel, Op

    w = np.random.default_rng(0).normal(0, 0.1, (784, 3)).astype(np.float32)
    enc = NumpyModel((Op("flatten"), Op("dense", (w, np.zeros(3, np.float32)))), (28, 28), (3,))
    up = Op("dense", (w.T.copy(), np.zeros(784, np.float32)), "sigmoid")
    dec = NumpyModel((up, Op("reshape", shape=(28, 28))), (3,), (28, 28))
    snap = ModelSnapshot(enc, dec, 1, 1)
    clean = np.zeros((28, 28), np.float32)
    clean[6:22, 12:16] = 1.0
    r = denoise(clean, snap, gaussian_std=0.5, seed=1)
    assert r.clean_code is not None and r.code is not None
    np.testing.assert_allclose(r.clean_code, enc(clean), atol=1e-5)
    np.testing.assert_allclose(r.code, enc(r.noisy), atol=1e-5)
    assert not np.allclose(r.code, r.clean_code)  # the noise moved the noisy code
    np.testing.assert_allclose(r.reconstruction, dec(r.code), atol=1e-6)
    assert denoise(clean, None).clean_code is None


# ---------------------------------------------------------------- colour
COLOUR = np.full((32, 12, 10, 3), 0.5, np.float32)


def _pixels(out: np.ndarray) -> np.ndarray:
    return out.reshape(-1, 3)


def test_colour_keeps_its_shape_for_one_image_and_a_batch() -> None:
    for x in (COLOUR, COLOUR[0]):
        for out in (
            gaussian(x, 0.1, rng()),
            masking(x, 0.3, rng()),
            salt_and_pepper(x, 0.2, rng()),
            corrupt(x, gaussian_std=0.1, mask_rate=0.2, salt_pepper=0.1, seed=3),
        ):
            assert out.shape == x.shape and out.dtype == np.float32


def test_colour_masking_drops_whole_pixels() -> None:
    px = _pixels(masking(COLOUR, 0.3, rng()))
    dropped = (px == 0).all(axis=1)
    assert ((px == 0.5).all(axis=1) | dropped).all()  # never one channel alone
    assert abs(float(dropped.mean()) - 0.3) < 0.02


def test_colour_salt_and_pepper_sets_whole_pixels_black_or_white() -> None:
    px = _pixels(salt_and_pepper(COLOUR, 0.2, rng()))
    salt, pepper = (px == 1).all(axis=1), (px == 0).all(axis=1)
    assert (salt | pepper | (px == 0.5).all(axis=1)).all()
    assert abs(float(salt.mean()) - 0.1) < 0.02 and abs(float(pepper.mean()) - 0.1) < 0.02


def test_colour_gaussian_noise_differs_between_channels() -> None:
    out = gaussian(COLOUR[0], 0.05, rng())
    assert not np.array_equal(out[..., 0], out[..., 1])  # colour noise, not grey noise


def test_grey_and_vectors_are_still_corrupted_value_by_value() -> None:
    # A batch of 3-D points (N, 3) is no colour image: each coordinate is its own value.
    points = np.full((4000, 3), 0.5, np.float32)
    out = masking(points, 0.5, rng())
    assert ((out == 0).sum(axis=1) == 1).any() and ((out == 0).sum(axis=1) == 2).any()
    # Grey images draw exactly what they drew before colour came: one number per value.
    u = rng().random(GREY.shape)
    expected = GREY.copy()
    expected[u < 0.1] = 0.0
    expected[(u >= 0.1) & (u < 0.2)] = 1.0
    np.testing.assert_array_equal(salt_and_pepper(GREY, 0.2, rng()), expected)
