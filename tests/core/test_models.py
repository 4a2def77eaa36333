"""The model zoo: shapes, names, tied weights, noise only in training, VAE and sparse losses."""

from __future__ import annotations

import keras
import numpy as np
import pytest
from keras import ops

from aeviewer.core.inference import NumpyModel
from aeviewer.core.models import PRESETS, ModelOptions, OptionsError, build_autoencoder, get_preset

X = np.random.default_rng(0).random((8, 28, 28)).astype(np.float32)


@pytest.mark.parametrize("preset", list(PRESETS))
def test_every_preset_has_named_parts_and_right_shapes(preset: str) -> None:
    ae = build_autoencoder(preset, (28, 28))
    assert ae.encoder.name == "encoder" and ae.decoder.name == "decoder"
    z = ae.encode(X)
    assert z.shape == (8, get_preset(preset).defaults.latent_dim)
    y = ae.decode(z)
    assert y.shape == (8, 28, 28) and y.dtype == np.float32
    assert np.all(np.isfinite(y))
    terms = ae.loss_terms(X, training=True)
    assert set(ae.metric_names) == set(terms)


@pytest.mark.parametrize("preset", list(PRESETS))
def test_numpy_copy_matches_keras(preset: str) -> None:
    ae = build_autoencoder(preset, (28, 28))
    enc, dec = NumpyModel.from_keras(ae.encoder), NumpyModel.from_keras(ae.decoder)
    np.testing.assert_allclose(enc(X), ae.encode(X), atol=2e-5)
    z = ae.encode(X)
    np.testing.assert_allclose(dec(z), ae.decode(z), atol=2e-5)
    np.testing.assert_allclose(dec(z[0]), ae.decode(z[:1])[0], atol=2e-5)  # single point
    # a few rows go row by row (inference.ROWWISE_MAX): the same numbers
    np.testing.assert_allclose(enc(X[:3]), ae.encode(X[:3]), atol=2e-5)
    np.testing.assert_allclose(dec(z[:2]), ae.decode(z[:2]), atol=2e-5)


def test_vector_inputs_build_for_dense_presets() -> None:
    ae = build_autoencoder("linear", (3,))
    assert ae.encode(np.zeros((4, 3), np.float32)).shape == (4, 2)
    with pytest.raises(OptionsError, match="needs images"):
        build_autoencoder("conv", (3,))


def test_tied_decoder_really_uses_the_encoder_kernels() -> None:
    tied = build_autoencoder("tied", (28, 28))
    stacked = build_autoencoder("stacked", (28, 28))
    enc_dense = tied.encoder.get_layer("encoder_dense_1")
    out = tied.decoder.get_layer("reconstruction")
    assert out.dense is enc_dense
    # Only the decoder's biases are its own: about half the parameters of the untied model.
    assert tied.count_params() < 0.55 * stacked.count_params()
    z = tied.encode(X)
    before = tied.decode(z)
    enc_dense.kernel.assign(enc_dense.kernel.numpy() * 2.0)
    assert not np.allclose(tied.decode(z), before)
    own = {v.path for v in tied.decoder.trainable_weights} - {
        v.path for v in tied.encoder.trainable_weights
    }
    assert own and all(p.endswith("bias") for p in own)


@pytest.mark.parametrize("noise", ["gaussian", "dropout"])
def test_denoising_noise_is_applied_only_in_training(noise: str) -> None:
    opts = get_preset("denoising").defaults.updated(noise=noise)
    ae = build_autoencoder("denoising", (28, 28), opts)
    a = ops.convert_to_numpy(ae.encoder(X, training=False))
    b = ops.convert_to_numpy(ae.encoder(X, training=False))
    c = ops.convert_to_numpy(ae.encoder(X, training=True))
    np.testing.assert_array_equal(a, b)
    assert np.abs(a - c).mean() > 1e-3
    # The inference copy never adds noise either.
    np.testing.assert_allclose(NumpyModel.from_keras(ae.encoder)(X), a, atol=2e-5)


def test_vae_reports_reconstruction_and_kl_separately() -> None:
    ae = build_autoencoder("vae", (28, 28))
    terms = {k: float(v) for k, v in ae.loss_terms(X, training=True).items()}
    assert terms["loss"] == pytest.approx(terms["reconstruction_loss"] + terms["kl_loss"], rel=1e-5)
    z_mean, z_log_var, _ = (ops.convert_to_numpy(t) for t in ae.encoder(X, training=False))
    kl = -0.5 * np.sum(1 + z_log_var - np.exp(z_log_var) - z_mean**2, axis=-1).mean() / 784
    assert terms["kl_loss"] == pytest.approx(kl, rel=1e-4)
    # beta weighs the KL term.
    beta0 = build_autoencoder("vae", (28, 28), ae.options.updated(beta=0.0))
    assert float(beta0.loss_terms(X, training=True)["kl_loss"]) == 0.0
    # Keras' own fit() runs the VAE's train_step and reports the same metrics.
    hist = ae.model.fit(X, epochs=1, batch_size=4, verbose=0).history
    assert {"loss", "reconstruction_loss", "kl_loss"} <= set(hist)


def test_sparse_penalty_is_the_kl_toward_the_target() -> None:
    ae = build_autoencoder("sparse", (28, 28))
    terms = {k: float(v) for k, v in ae.loss_terms(X, training=True).items()}
    codes = ae.encode(X)
    assert codes.min() >= 0 and codes.max() <= 1  # sigmoid codings
    rho = np.clip(codes.mean(axis=0), 1e-7, 1 - 1e-7)
    t, w = ae.options.sparsity_target, ae.options.sparsity_weight
    kl = np.sum(t * np.log(t / rho) + (1 - t) * np.log((1 - t) / (1 - rho)))
    # Keras divides activity penalties by the batch size (tf.keras did too, so the course's does).
    assert terms["sparsity_loss"] == pytest.approx(w * kl / len(X), rel=1e-3)
    assert terms["loss"] == pytest.approx(
        terms["reconstruction_loss"] + terms["sparsity_loss"], rel=1e-5
    )


@pytest.mark.parametrize("preset", ["stacked", "conv"])
def test_l1_sparsity_penalty_is_the_mean_l1_norm_of_the_codes(preset: str) -> None:
    """Per batch: weight * sum|codes| / batch size (Keras divides activity penalties by the
    batch size), on dense and convolutional coding layers alike."""
    opts = get_preset(preset).defaults.updated(
        sparsity="l1", sparsity_weight=0.01, coding_activation="linear"
    )
    ae = build_autoencoder(preset, (28, 28), opts)
    terms = {k: float(v) for k, v in ae.loss_terms(X, training=True).items()}
    codes = ae.encode(X).astype(np.float64)
    assert codes.min() < 0 < codes.max()  # so |codes| differs from codes
    expected = 0.01 * np.abs(codes).sum() / len(X)
    assert terms["sparsity_loss"] == pytest.approx(expected, rel=1e-4)
    assert terms["loss"] == pytest.approx(
        terms["reconstruction_loss"] + terms["sparsity_loss"], rel=1e-5
    )
    assert set(ae.metric_names) == set(terms)


def test_evaluate_reconstruction_clips_only_for_the_bce() -> None:
    """A linear output that overshoots [0, 1] counts in full in the MSE; only the BCE, whose
    logarithms need it, sees clipped outputs."""
    from aeviewer.core.models import evaluate_reconstruction

    opts = get_preset("linear").defaults.updated(latent_dim=3)
    ae = build_autoencoder("linear", (3,), opts)
    ae.encoder.get_layer("coding").set_weights([np.eye(3), np.zeros(3)])
    # y = 3x - 1: outputs from -1 to 2 for inputs in [0, 1].
    ae.decoder.get_layer("reconstruction").set_weights([3 * np.eye(3), -np.ones(3)])
    x = np.random.default_rng(2).random((50, 3)).astype(np.float32)
    y = ae.reconstruct(x).astype(np.float64)
    assert y.min() < 0 and y.max() > 1
    got = evaluate_reconstruction(ae, x)
    t = x.astype(np.float64)
    assert got["mse"] == pytest.approx(np.mean((t - y) ** 2), rel=1e-6)
    assert got["mse"] > np.mean((t - np.clip(y, 0, 1)) ** 2) * 1.5  # clipping would hide this
    p = np.clip(y, 1e-7, 1 - 1e-7)
    assert got["bce"] == pytest.approx(-np.mean(t * np.log(p) + (1 - t) * np.log(1 - p)), rel=1e-6)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"latent_dim": 0}, "latent dim"),
        ({"batch_size": 0}, "batch size"),
        ({"learning_rate": -0.1}, "learning rate"),
        ({"learning_rate": float("inf")}, "learning rate"),
        ({"learning_rate": 1e6}, "learning rate"),
        ({"output_activation": "linear"}, "sigmoid output"),
        ({"dropout_rate": 1.0}, "dropout rate"),
        ({"activation": "swishy"}, "activation"),
        ({"filters": ()}, "conv filters"),
        ({"sparsity": "l2"}, "sparsity"),
    ],
)
def test_absurd_options_are_refused_with_the_reason(change: dict, message: str) -> None:
    with pytest.raises(OptionsError, match=message):
        ModelOptions().updated(**change).validate()


def test_unknown_preset_names_the_choices() -> None:
    with pytest.raises(OptionsError, match="stacked"):
        get_preset("nope")


def test_options_round_trip_through_dict() -> None:
    opts = get_preset("conv").defaults.updated(hidden=[10, 5], beta=2.0)
    assert ModelOptions.from_dict(opts.to_dict()) == opts
    assert keras.__version__.startswith("3.")
