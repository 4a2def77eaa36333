"""The GUI's numpy forward pass reproduces Keras for grey, colour and odd-sized images."""

from __future__ import annotations

import numpy as np
import pytest

from aeviewer.core.inference import NumpyModel
from aeviewer.core.models import build_autoencoder


def _randomise(model: object, seed: int) -> None:
    """Random weights everywhere (biases too, which start at zero), so every term counts."""
    rng = np.random.default_rng(seed)
    for w in model.weights:  # type: ignore[attr-defined]
        w.assign(rng.normal(0.0, 0.1, tuple(w.shape)).astype(np.float32))


def _check(preset: str, shape: tuple[int, ...]) -> tuple[NumpyModel, NumpyModel]:
    ae = build_autoencoder(preset, shape)
    _randomise(ae.model, seed=len(shape) + shape[0])
    x = np.random.default_rng(1).random((5, *shape)).astype(np.float32)
    enc, dec = NumpyModel.from_keras(ae.encoder), NumpyModel.from_keras(ae.decoder)
    want_z = ae.encoder.predict(x, verbose=0)
    want_z = want_z[0] if ae.variational else want_z  # a VAE's code is z_mean
    np.testing.assert_allclose(enc(x), want_z, atol=1e-4)
    z = np.random.default_rng(2).normal(size=(5, ae.options.latent_dim)).astype(np.float32)
    np.testing.assert_allclose(dec(z), ae.decoder.predict(z, verbose=0), atol=1e-4)
    assert dec(z).shape == (5, *shape) and enc.input_shape == dec.output_shape == shape
    return enc, dec


@pytest.mark.parametrize("shape", [(32, 32, 3), (28, 28), (12, 20)])
@pytest.mark.parametrize("preset", ["conv", "conv-vae", "stacked"])
def test_numpy_copy_matches_predict(preset: str, shape: tuple[int, ...]) -> None:
    _check(preset, shape)


@pytest.mark.parametrize(("side", "pools"), [(30, 1), (31, 0)])
@pytest.mark.parametrize("preset", ["conv", "conv-vae"])
def test_numpy_copy_matches_predict_on_odd_sizes(preset: str, side: int, pools: int) -> None:
    enc, dec = _check(preset, (side, side))
    assert [op.kind for op in enc.ops].count("maxpool") == pools
    assert [op.kind for op in dec.ops].count("upsample") == pools
