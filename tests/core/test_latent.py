"""Projections of latent codes, their inverses, and sampling codes to generate from."""

from __future__ import annotations

import numpy as np

from aeviewer.core.latent import (
    fit_pca,
    fit_tsne,
    identity_projection,
    interpolate_codes,
    nearest_index,
    sample_codes,
)

RNG = np.random.default_rng(0)


def test_two_d_codes_are_shown_as_they_are() -> None:
    codes = RNG.normal(size=(50, 2)).astype(np.float32)
    proj = fit_pca(codes)
    assert proj.kind == "identity" and proj.invertible
    np.testing.assert_array_equal(proj.transform(codes), codes)
    np.testing.assert_array_equal(proj.inverse(codes[:3]), codes[:3])
    assert proj.axis_labels() == ("z₁", "z₂")


def test_pca_inverse_lands_back_on_the_plane() -> None:
    # Codes that lie on a 2-D plane in 5-D: PCA recovers them exactly through its inverse.
    basis = RNG.normal(size=(2, 5))
    codes = (RNG.normal(size=(200, 2)) @ basis + 3.0).astype(np.float32)
    proj = fit_pca(codes)
    assert proj.kind == "pca" and sum(proj.explained) > 0.999
    np.testing.assert_allclose(proj.inverse(proj.transform(codes)), codes, atol=1e-4)
    assert "PCA of the 5-D codes" in proj.title() and "inverse" in proj.title()


def test_pca_axes_do_not_flip_between_refits() -> None:
    codes = RNG.normal(size=(300, 6)).astype(np.float32) * [5, 3, 1, 1, 1, 1]
    first = fit_pca(codes)
    again = fit_pca(-codes[::-1] * 1.0001 * -1, previous=first)
    assert np.all(np.sum(first.components * again.components, axis=1) > 0)


def test_pca_axes_match_the_svd_for_small_and_wide_codes() -> None:
    # Small codes take the covariance route, wide ones (a flattened feature map) the SVD:
    # both find the same plane, its variance shares, and a sign that does not depend on it.
    from aeviewer.core.latent import COVARIANCE_MAX_DIM

    for k in (6, COVARIANCE_MAX_DIM + 8):
        scale = np.ones(k)
        scale[:3] = [9.0, 4.0, 2.0]
        codes = RNG.normal(size=(600, k)) * scale
        proj = fit_pca(codes.astype(np.float32))
        centred = codes - codes.mean(axis=0)
        _, s, vt = np.linalg.svd(centred, full_matrices=False)
        np.testing.assert_allclose(np.abs(proj.components), np.abs(vt[:2]), atol=1e-4)
        np.testing.assert_allclose(proj.explained, (s[:2] ** 2) / np.sum(s**2), rtol=1e-4)
        big = np.abs(proj.components).argmax(axis=1)
        assert np.all(proj.components[[0, 1], big] > 0)


def test_tsne_places_new_codes_at_their_nearest_neighbour() -> None:
    codes = np.concatenate([RNG.normal(0, 0.1, (30, 4)), RNG.normal(5, 0.1, (30, 4))])
    proj, xy = fit_tsne(codes.astype(np.float32))
    assert xy.shape == (60, 2) and not proj.invertible
    np.testing.assert_array_equal(proj.transform(codes[[3, 40]]), xy[[3, 40]])
    assert "t-SNE" in proj.title()


def test_sampling_follows_the_codes_or_the_prior() -> None:
    codes = RNG.normal(10.0, 2.0, size=(5000, 3)).astype(np.float32)
    fitted = sample_codes(codes, 4000, variational=False, latent_dim=3)
    np.testing.assert_allclose(fitted.mean(axis=0), 10.0, atol=0.15)
    np.testing.assert_allclose(fitted.std(axis=0), 2.0, atol=0.15)
    prior = sample_codes(codes, 4000, variational=True, latent_dim=3)
    np.testing.assert_allclose(prior.mean(axis=0), 0.0, atol=0.1)
    np.testing.assert_allclose(prior.std(axis=0), 1.0, atol=0.1)


def test_interpolation_and_nearest() -> None:
    a, b = np.zeros(3, np.float32), np.ones(3, np.float32)
    path = interpolate_codes(a, b, 5)
    np.testing.assert_allclose(path[:, 0], [0, 0.25, 0.5, 0.75, 1.0])
    pts = np.array([[0, 0], [5, 5], [1, 1]], np.float32)
    assert nearest_index(pts, (0.9, 1.2)) == 2
    assert nearest_index(np.zeros((0, 2), np.float32), (0, 0)) == -1
    assert identity_projection(2).latent_dim == 2


def test_one_d_codes_are_a_strip_along_x() -> None:
    from aeviewer.core.latent import plane_xy, strip_offsets

    codes = RNG.normal(size=(40, 1)).astype(np.float32)
    proj = fit_pca(codes)
    assert proj.kind == "identity" and proj.strip and proj.latent_dim == 1
    xy = proj.transform(codes)
    assert xy.shape == (40, 2)
    np.testing.assert_array_equal(xy[:, 0], codes[:, 0])
    # A click decodes z = x, whatever its height.
    np.testing.assert_allclose(proj.inverse(np.array([0.7, 123.0], np.float32)), [0.7], rtol=1e-6)
    idx = np.arange(100, 140)
    shown = plane_xy(proj, codes, idx)
    np.testing.assert_array_equal(shown[:, 0], codes[:, 0])
    np.testing.assert_array_equal(shown[:, 1], strip_offsets(idx))
    # The height belongs to the sample: the same next time, spread over [-1, 1).
    np.testing.assert_array_equal(strip_offsets(idx), strip_offsets(idx.copy()))
    spread = strip_offsets(np.arange(1000))
    assert spread.min() >= -1 and spread.max() < 1 and np.std(spread) > 0.5
    assert proj.axis_labels()[1] == "" and "1-D" in proj.title()
    assert not fit_pca(RNG.normal(size=(40, 2))).strip  # 2-D codes are not spread


def test_identity_of_more_dims_is_the_plane_of_the_first_two() -> None:
    proj = identity_projection(5)
    np.testing.assert_array_equal(
        proj.inverse(np.array([1.0, 2.0], np.float32)), [1.0, 2.0, 0.0, 0.0, 0.0]
    )


def test_pca_leaves_non_finite_codes_out_of_the_fit() -> None:
    codes = RNG.normal(size=(200, 6)).astype(np.float32) * [5, 3, 1, 1, 1, 1]
    bad = codes.copy()
    bad[[3, 50]] = np.nan
    bad[7, 2] = np.inf
    proj = fit_pca(bad)
    good = fit_pca(np.delete(codes, [3, 7, 50], axis=0))
    assert np.isfinite(proj.components).all() and np.isfinite(proj.mean).all()
    np.testing.assert_allclose(proj.components, good.components, atol=1e-5)
    np.testing.assert_allclose(proj.mean, good.mean, atol=1e-5)
    xy = proj.transform(bad)
    assert np.isnan(xy[3]).all() and np.isfinite(xy[[0, 1, 2, 4]]).all()
    # Nothing finite at all: a usable plane all the same, the previous one when it fits.
    nothing = np.full((10, 6), np.nan, np.float32)
    assert fit_pca(nothing, previous=good) is good
    assert np.isfinite(fit_pca(nothing).components).all()


def test_nearest_index_skips_missing_points() -> None:
    pts = np.array([[np.nan, np.nan], [5, 5], [1, 1]], np.float32)
    assert nearest_index(pts, (0.0, 0.0)) == 2
    assert nearest_index(np.full((3, 2), np.nan, np.float32), (0.0, 0.0)) == -1


def test_tsne_leaves_non_finite_codes_out() -> None:
    codes = np.concatenate([RNG.normal(0, 0.1, (20, 4)), RNG.normal(5, 0.1, (20, 4))])
    codes = codes.astype(np.float32)
    codes[4] = np.nan
    proj, xy = fit_tsne(codes)
    assert xy.shape == (40, 2) and np.isnan(xy[4]).all()
    assert np.isfinite(np.delete(xy, 4, axis=0)).all()
    assert np.isnan(proj.transform(codes[[4]])).all()
    np.testing.assert_array_equal(proj.transform(codes[[30]]), xy[[30]])
