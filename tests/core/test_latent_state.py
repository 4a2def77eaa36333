"""The latent view's Qt-free state: one reproject() and the click-to-code mapping."""

from __future__ import annotations

import numpy as np
import pytest

from aeviewer.core.latent import Projection, fit_tsne
from aeviewer.core.latent_state import LatentState


def codes(n: int = 200, dim: int = 5, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(n, dim)) * np.arange(dim, 0, -1)).astype(np.float32)


def test_reproject_keeps_the_signs_of_the_plane_on_screen() -> None:
    state = LatentState(codes=codes(), indices=np.arange(200))
    fresh = state.reproject()
    # The plane on screen has its axes the other way round: a refit keeps them so...
    state.projection = Projection("pca", fresh.mean, -fresh.components)
    kept = state.reproject()
    assert np.sum(kept.components * fresh.components, axis=1).max() < 0
    # ...and a fresh fit does not.
    again = state.reproject(keep=False)
    assert np.sum(again.components * fresh.components, axis=1).min() > 0


def test_reproject_after_a_tsne_map_fits_afresh_and_forgets_the_map() -> None:
    c = codes(60)
    proj, xy = fit_tsne(c)
    state = LatentState(codes=c, indices=np.arange(60), projection=proj, tsne_xy=xy)
    assert state.shows_tsne
    assert state.reproject().kind == "pca"
    assert state.tsne_xy is None and not state.shows_tsne


def test_reproject_without_codes_says_so() -> None:
    with pytest.raises(ValueError, match="no codes"):
        LatentState().reproject()


def test_a_click_on_the_pca_plane_decodes_the_inverse_of_its_point() -> None:
    state = LatentState(codes=codes(), indices=np.arange(200))
    proj = state.reproject()
    xy = state.plane(state.codes[:1], np.arange(1))[0]
    clicked = state.click_projection(5)
    assert clicked is proj
    found = state.code_at(clicked, float(xy[0]), float(xy[1]))
    assert found is not None
    code, caption = found
    # The click lands on the code's projection: decoding it gives that point back.
    assert np.allclose(proj.transform(code[None])[0], xy, atol=1e-4)
    assert caption.startswith("z = (") and caption.endswith(", …)")  # 5 values: 4 shown


def test_a_plane_of_other_codes_does_not_decode_and_small_codes_need_none() -> None:
    state = LatentState(codes=codes(dim=5), indices=np.arange(200))
    state.reproject()
    assert state.click_projection(8) is None  # a decoder of another run
    two_d = LatentState().click_projection(2)
    assert two_d is not None and two_d.latent_dim == 2 and two_d.invertible


def test_a_click_on_a_tsne_map_decodes_the_nearest_samples_code() -> None:
    c = codes(60)
    proj = Projection("tsne", np.zeros(5, np.float32), np.zeros((2, 5), np.float32))
    xy = np.stack([np.arange(60.0), np.zeros(60)], axis=1).astype(np.float32)
    shown = np.arange(100, 160)
    state = LatentState(codes=c, projection=proj, tsne_xy=xy, shown_indices=shown)
    found = state.code_at(proj, 7.2, 0.1)
    assert found is not None
    code, caption = found
    assert np.array_equal(code, c[7]) and caption == "nearest sample #107"
    state.tsne_xy = xy[:10]  # a map of other codes: no answer rather than a wrong one
    assert state.code_at(proj, 7.2, 0.1) is None


def test_clear_forgets_everything() -> None:
    state = LatentState(codes=codes(), indices=np.arange(200), codes_epoch=3)
    state.reproject()
    state.clear()
    assert state == LatentState()
