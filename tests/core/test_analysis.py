"""aeviewer.core.analysis: each function against answers known by construction."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest

from aeviewer.core.analysis import (
    NOISY_INPUT,
    PSNR_CAP_DB,
    activation_histograms,
    class_accuracy,
    fit_diagonal_gaussian,
    manifold_grid,
    oblique_projection,
    pca_fit,
    pixel_crossfade,
    plane_grid,
    psnr_axis_range,
    psnr_ladder,
    reconstruction_errors,
    sample_gaussian,
    subsample,
    subspace_angle_degrees,
    threshold_for_fraction,
    tile_mosaic,
    top_k_worst,
)
from aeviewer.core.noise import corrupt, psnr


def _images(n: int = 12, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).random((n, 8, 8)).astype(np.float32)


# ---------------------------------------------------------------- subspaces and PCA
def test_analysis_imports_no_qt_or_tensorflow() -> None:
    code = (
        "import sys, aeviewer.core.analysis; "
        "print([m for m in ('PySide6', 'pyqtgraph', 'tensorflow', 'keras') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_subspace_angle_is_zero_for_another_basis_of_the_same_span() -> None:
    rng = np.random.default_rng(0)
    basis = rng.standard_normal((2, 50))
    mix = np.array([[0.6, -0.8], [0.8, 0.6]]) * np.array([[3.0], [0.5]])  # rotate and scale
    assert subspace_angle_degrees(basis, mix @ basis) == pytest.approx(0.0, abs=1e-5)


def test_subspace_angle_of_orthogonal_directions_is_90() -> None:
    e = np.eye(3)
    assert subspace_angle_degrees(e[[0, 1]], e[[0, 2]]) == pytest.approx(90.0)
    assert subspace_angle_degrees(e[[0]], e[[1]]) == pytest.approx(90.0)


def test_subspace_angle_of_a_tilted_plane() -> None:
    e = np.eye(3)
    tilted = np.array([[1.0, 0.0, 0.0], [0.0, math.cos(0.3), math.sin(0.3)]])
    assert subspace_angle_degrees(e[[0, 1]], tilted) == pytest.approx(math.degrees(0.3))
    with pytest.raises(ValueError):
        subspace_angle_degrees(np.ones((2, 3)), np.ones((2, 4)))


def test_pca_recovers_a_plane_in_3d() -> None:
    rng = np.random.default_rng(1)
    plane = np.array([[1.0, 1.0, 0.0], [0.0, 0.0, 1.0]]) / np.array([[math.sqrt(2)], [1.0]])
    coeffs = rng.standard_normal((200, 2)) * np.array([3.0, 1.0])
    x = coeffs @ plane + np.array([5.0, -2.0, 1.0])
    mean, comps, codes = pca_fit(x, k=2)
    np.testing.assert_allclose(mean, x.mean(axis=0), atol=1e-12)
    assert comps.shape == (2, 3) and codes.shape == (200, 2)
    np.testing.assert_allclose(comps @ comps.T, np.eye(2), atol=1e-12)
    assert subspace_angle_degrees(comps, plane) == pytest.approx(0.0, abs=1e-6)
    np.testing.assert_allclose(mean + codes @ comps, x, atol=1e-9)  # no residual off-plane
    assert codes[:, 0].var() > codes[:, 1].var()  # by decreasing variance
    assert np.all(comps[np.arange(2), np.argmax(np.abs(comps), axis=1)] > 0)  # fixed signs


def test_pca_is_scikit_learns() -> None:
    from sklearn.decomposition import PCA

    x = np.random.default_rng(4).standard_normal((50, 6)) * np.arange(1, 7)
    mean, comps, codes = pca_fit(x, k=2)
    ref = PCA(n_components=2).fit(x)
    np.testing.assert_allclose(mean, ref.mean_, atol=1e-12)
    # The same directions (up to the sign convention) and the same codes up to those signs.
    signs = np.sign(np.sum(comps * ref.components_, axis=1))
    np.testing.assert_allclose(comps, ref.components_ * signs[:, None], atol=1e-10)
    np.testing.assert_allclose(codes, ref.transform(x) * signs, atol=1e-9)


def test_pca_flattens_images_and_checks_k() -> None:
    mean, comps, codes = pca_fit(_images(), k=3)
    assert mean.shape == (64,) and comps.shape == (3, 64) and codes.shape == (12, 3)
    with pytest.raises(ValueError):
        pca_fit(_images(), k=13)


# ---------------------------------------------------------------- errors
def test_reconstruction_errors_per_sample_any_shape() -> None:
    x = np.zeros((3, 2, 2))
    recon = np.array([[0.0] * 4, [1.0] * 4, [0.5, 0.5, 0.0, 0.0]])
    errors = reconstruction_errors(x, recon)
    assert errors.dtype == np.float64
    np.testing.assert_allclose(errors, [0.0, 1.0, 0.125])
    with pytest.raises(ValueError):
        reconstruction_errors(x, np.zeros((3, 5)))


def test_reconstruction_errors_of_colour_samples_average_every_channel() -> None:
    x = np.zeros((2, 2, 2, 3))
    recon = x.copy()
    recon[0, 0, 0] = (1.0, 0.0, 0.0)  # one channel of one pixel: 1 of 12 values
    recon[1] = 0.5
    np.testing.assert_allclose(reconstruction_errors(x, recon), [1 / 12, 0.25])
    np.testing.assert_allclose(reconstruction_errors(x, recon.reshape(2, -1)), [1 / 12, 0.25])


def test_top_k_worst_and_threshold() -> None:
    errors = np.array([0.1, 0.5, 0.3, 0.5, 0.0])
    np.testing.assert_array_equal(top_k_worst(errors, 3), [1, 3, 2])
    assert len(top_k_worst(errors, 10)) == 5 and len(top_k_worst(errors, 0)) == 0
    ramp = np.arange(101, dtype=np.float64)
    assert threshold_for_fraction(ramp, 0.05) == pytest.approx(95.0)
    assert threshold_for_fraction(ramp, 0.0) == 100.0
    assert threshold_for_fraction(ramp, 1.0) == 0.0
    assert np.mean(ramp > threshold_for_fraction(ramp, 0.2)) == pytest.approx(0.2, abs=0.01)
    with pytest.raises(ValueError):
        threshold_for_fraction(ramp, 1.5)


def test_class_accuracy() -> None:
    assert class_accuracy(np.array([1, 2, 3, 4]), np.array([1, 2, 0, 4])) == 0.75
    with pytest.raises(ValueError):
        class_accuracy(np.array([1]), np.array([1, 2]))


# ---------------------------------------------------------------- grids and images
def test_manifold_grid_corners_and_orientation() -> None:
    grid = manifold_grid((-1.0, 1.0), (0.0, 4.0), 5)
    assert grid.shape == (25, 2) and grid.dtype == np.float32
    np.testing.assert_allclose(grid[0], [-1.0, 4.0])  # top-left: smallest x, largest y
    np.testing.assert_allclose(grid[4], [1.0, 4.0])  # top-right
    np.testing.assert_allclose(grid[20], [-1.0, 0.0])  # bottom-left
    np.testing.assert_allclose(grid[24], [1.0, 0.0])  # bottom-right
    rows = grid.reshape(5, 5, 2)
    assert np.all(np.diff(rows[:, :, 0], axis=1) > 0)  # x grows along a row
    assert np.all(np.diff(rows[:, :, 1], axis=0) < 0)  # y falls down the rows


def test_manifold_grid_with_fewer_rows_than_columns() -> None:
    grid = manifold_grid((0.0, 3.0), (-1.0, 1.0), 4, n_rows=3)
    assert grid.shape == (12, 2)
    rows = grid.reshape(3, 4, 2)
    np.testing.assert_allclose(rows[0, :, 1], 1.0)  # top row at the largest y
    np.testing.assert_allclose(rows[:, 0, 0], 0.0)
    np.testing.assert_allclose(rows[-1, -1], [3.0, -1.0])
    with pytest.raises(ValueError):
        manifold_grid((0.0, 1.0), (0.0, 1.0), 4, n_rows=1)


def test_tile_mosaic_has_no_padding_and_matches_the_grid() -> None:
    n = 3
    codes = manifold_grid((0.0, 1.0), (0.0, 1.0), n)
    # A "decoder" drawing each code as a 4x5 image of value x + 10 y.
    images = np.stack([np.full((4, 5), x + 10 * y) for x, y in codes])
    mosaic = tile_mosaic(images, n_cols=n)
    assert mosaic.shape == (3 * 4, 3 * 5)
    assert mosaic[0, 0] == pytest.approx(10.0)  # top-left: x=0, y=1
    assert mosaic[-1, -1] == pytest.approx(1.0)  # bottom-right: x=1, y=0
    flat = tile_mosaic(np.ones((5, 16)), n_cols=2)  # flat square images, black filler
    assert flat.shape == (12, 8) and flat[8:, 4:].max() == 0.0 and flat[:4].min() == 1.0


def test_pixel_crossfade_endpoints_and_midpoint() -> None:
    a, b = _images(2)
    frames = pixel_crossfade(a, b, 5)
    assert frames.shape == (5, 8, 8) and frames.dtype == np.float32
    np.testing.assert_array_equal(frames[0], a)
    np.testing.assert_array_equal(frames[-1], b)
    np.testing.assert_allclose(frames[2], (a + b) / 2, atol=1e-6)
    with pytest.raises(ValueError):
        pixel_crossfade(a, b[:4], 5)


# ---------------------------------------------------------------- PSNR ladder
def test_psnr_ladder_identity_perfect_and_blurring_reconstructors() -> None:
    clean = _images(6)
    levels = [0.0, 0.1, 0.3]
    ladder = psnr_ladder(
        clean,
        levels,
        {
            "identity": lambda noisy: noisy,
            "perfect": lambda noisy: clean.reshape(len(clean), -1),  # flat output is fine
            "grey": lambda noisy: np.full_like(noisy, 0.5),
        },
    )
    assert list(ladder) == [NOISY_INPUT, "identity", "perfect", "grey"]
    assert all(v.shape == (3,) for v in ladder.values())
    np.testing.assert_allclose(ladder["identity"], ladder[NOISY_INPUT])
    np.testing.assert_allclose(ladder["perfect"], PSNR_CAP_DB)
    assert ladder[NOISY_INPUT][0] == PSNR_CAP_DB  # no noise: identical to the clean images
    assert ladder[NOISY_INPUT][1] > ladder[NOISY_INPUT][2]  # more noise, lower PSNR
    assert np.ptp(ladder["grey"]) == 0.0  # ignores its input
    # The averaged value is noise.psnr per image on the same corruption.
    noisy = corrupt(clean, gaussian_std=0.1, seed=0)
    expected = np.mean([psnr(c, n) for c, n in zip(clean, noisy, strict=True)])
    assert ladder[NOISY_INPUT][1] == pytest.approx(expected)


def test_psnr_ladder_each_kind_raises_its_own_noise_and_a_bad_kind_is_named() -> None:
    from aeviewer.core.noise_ladder import NOISE_KINDS

    clean = _images(4)
    for kind, keyword in NOISE_KINDS.items():
        ladder = psnr_ladder(clean, [0.2, 0.6], {}, kind=kind)
        assert ladder[NOISY_INPUT][0] > ladder[NOISY_INPUT][1], kind
        noisy = corrupt(clean, seed=0, **{keyword: 0.2})  # the same corruption, by its keyword
        pairs = zip(clean, noisy, strict=True)
        expected = np.mean([min(psnr(c, n), PSNR_CAP_DB) for c, n in pairs])
        assert ladder[NOISY_INPUT][0] == pytest.approx(expected), kind
    with pytest.raises(ValueError, match="'blur': use 'gaussian', 'mask' or 'salt_pepper'"):
        psnr_ladder(clean, [0.1], {}, kind="blur")


def test_colour_tile_mosaic_and_psnr_ladder() -> None:
    rng = np.random.default_rng(4)
    images = rng.random((6, 4, 5, 3)).astype(np.float32)
    mosaic = tile_mosaic(images, n_cols=4)
    assert mosaic.shape == (2 * 4, 4 * 5, 3)
    np.testing.assert_array_equal(mosaic[4:8, 0:5], images[4])
    assert mosaic[4:, 10:].max() == 0.0  # black filler in every channel
    ladder = psnr_ladder(images, [0.0, 0.3], {"perfect": lambda noisy: images}, kind="mask")
    assert ladder[NOISY_INPUT][0] == PSNR_CAP_DB and ladder[NOISY_INPUT][1] < PSNR_CAP_DB
    np.testing.assert_allclose(ladder["perfect"], PSNR_CAP_DB)


# ---------------------------------------------------------------- sparse codes
def test_activation_histograms_count_everything() -> None:
    rng = np.random.default_rng(2)
    codes = rng.random((40, 7))
    codes[0, 0], codes[1, 1] = 1.0, -1e-7  # the right edge and sigmoid round-off
    edges_all, counts_all, edges_mean, counts_mean = activation_histograms(codes, bins=10)
    assert edges_all.shape == (11,) and counts_all.shape == (10,)
    assert edges_all[0] == 0.0 and edges_all[-1] == 1.0
    assert counts_all.sum() == 40 * 7 and counts_mean.sum() == 7
    np.testing.assert_array_equal(edges_mean, edges_all)
    sparse = np.zeros((10, 4))
    sparse[:, 0] = 1.0
    _, counts, _, means = activation_histograms(sparse, bins=4)
    assert counts[0] == 30 and counts[-1] == 10
    assert means[0] == 3 and means[-1] == 1


# ---------------------------------------------------------------- the 3-D cloud
def test_oblique_projection_turns_and_keeps_lengths() -> None:
    e = np.eye(3)
    front = oblique_projection(e, 0.0, 0.0)  # looking along x: y to the right, z up
    np.testing.assert_allclose(front, [[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]], atol=1e-12)
    top = oblique_projection(e, 0.0, 90.0)  # from above: z vanishes
    np.testing.assert_allclose(top[2], [0.0, 0.0], atol=1e-12)
    turned = oblique_projection(e, 90.0, 0.0)  # a quarter turn: x comes to the left
    np.testing.assert_allclose(turned[0], [-1.0, 0.0], atol=1e-12)
    pts = np.random.default_rng(2).standard_normal((30, 3))
    for az, el in ((10.0, 20.0), (200.0, -35.0)):
        xy = oblique_projection(pts, az, el)
        assert np.all(np.linalg.norm(xy, axis=1) <= np.linalg.norm(pts, axis=1) + 1e-12)


def test_plane_grid_lies_on_the_plane_and_covers_the_points() -> None:
    rng = np.random.default_rng(3)
    basis = np.array([[1.0, 0.5, 0.0], [0.0, 1.0, 2.0]])  # not orthonormal
    origin = np.array([1.0, 2.0, 3.0])
    pts = origin + rng.uniform(-1, 1, (40, 2)) @ basis
    seg = plane_grid(pts, origin, basis, lines=4)
    assert seg.shape == (8, 2, 3)
    normal = np.cross(basis[0], basis[1])
    np.testing.assert_allclose((seg.reshape(-1, 3) - origin) @ normal, 0.0, atol=1e-9)
    coords = (seg.reshape(-1, 3) - origin) @ np.linalg.pinv(basis)
    inside = (pts - origin) @ np.linalg.pinv(basis)
    assert np.all(coords.min(axis=0) <= inside.min(axis=0))
    assert np.all(coords.max(axis=0) >= inside.max(axis=0))
    with pytest.raises(ValueError):
        plane_grid(pts, origin, basis, lines=1)


# ---------------------------------------------------------------- generation and helpers
def test_diagonal_gaussian_fit_and_samples() -> None:
    rng = np.random.default_rng(5)
    codes = rng.standard_normal((4000, 3)) * np.array([0.5, 2.0, 1.0]) + np.array([1, -3, 0])
    mean, std = fit_diagonal_gaussian(codes)
    np.testing.assert_allclose(mean, [1, -3, 0], atol=0.1)
    np.testing.assert_allclose(std, [0.5, 2.0, 1.0], rtol=0.05)
    samples = sample_gaussian(mean, std, 5000, seed=1)
    assert samples.shape == (5000, 3) and samples.dtype == np.float32
    np.testing.assert_allclose(samples.std(axis=0), std, rtol=0.05)
    np.testing.assert_array_equal(samples, sample_gaussian(mean, std, 5000, seed=1))
    assert not np.array_equal(samples, sample_gaussian(mean, std, 5000, seed=2))
    with pytest.raises(ValueError):
        fit_diagonal_gaussian(codes[:1])


def test_subsample_is_fixed_sorted_and_capped() -> None:
    np.testing.assert_array_equal(subsample(5, 10), np.arange(5))
    rows = subsample(10_000, 2000, seed=3)
    assert len(rows) == 2000 == len(np.unique(rows)) and np.all(np.diff(rows) > 0)
    np.testing.assert_array_equal(rows, subsample(10_000, 2000, seed=3))
    assert rows.max() < 10_000


def test_psnr_axis_range_follows_the_models_not_the_capped_baseline() -> None:
    series = {NOISY_INPUT: np.array([PSNR_CAP_DB, 20.0, 8.0]), "dae": np.array([19.0, 18.0, 14.0])}
    lo, hi = psnr_axis_range(series)
    assert lo <= 8.0 and 19.0 < hi < PSNR_CAP_DB
    lo2, hi2 = psnr_axis_range({NOISY_INPUT: np.array([30.0, 20.0])})
    assert lo2 <= 20.0 and hi2 >= 30.0
