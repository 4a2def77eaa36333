"""Models for data of any shape: grey and colour images of any size, vectors; the conv VAE."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf
from keras import ops

from aeviewer.core.models import (
    KINDS,
    PRESETS,
    OptionsError,
    build_autoencoder,
    check_fits,
    conv_plan,
    get_preset,
)

SHAPES = [(28, 28), (32, 32, 3), (12, 20), (64,)]


def _batch(shape: tuple[int, ...], n: int = 4, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).random((n, *shape)).astype(np.float32)


@pytest.mark.parametrize(
    ("side", "levels", "grid"),
    [(28, 2, 7), (32, 3, 4), (64, 4, 4), (128, 4, 8), (8, 1, 4), (30, 1, 15), (31, 0, 31)],
)
def test_conv_plan_pools_while_both_sides_halve_to_at_least_4(
    side: int, levels: int, grid: int
) -> None:
    plan = conv_plan(side, side, (16, 32))
    assert plan.levels == levels
    assert plan.grid(side, side) == (grid, grid)


def test_conv_plan_of_a_non_square_image_follows_the_smaller_side() -> None:
    # 12x20 -> 6x10 (one level); a second would leave 3x5, under 4 pixels.
    assert conv_plan(12, 20, (16, 32)) == (1, (16,))
    assert conv_plan(16, 64, (16, 32)).levels == 2  # 16 -> 4 limits it, not 64


@pytest.mark.parametrize(
    ("side", "filters", "expected"),
    [
        (28, (16, 32), (16, 32)),
        (64, (16, 32), (16, 32, 64, 128)),  # extra levels double the last entry
        (64, (100,), (100, 128, 128, 128)),  # ... up to 128
        (28, (16, 32, 64), (16, 32)),  # entries beyond the levels that fit are dropped
        (8, (16, 32), (16,)),
        (31, (16, 32), (16,)),  # no level: one block without pooling
    ],
)
def test_conv_plan_filters(side: int, filters: tuple[int, ...], expected: tuple[int, ...]) -> None:
    assert conv_plan(side, side, filters).filters == expected


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("preset", list(PRESETS))
def test_every_preset_builds_and_trains_a_batch(preset: str, shape: tuple[int, ...]) -> None:
    if get_preset(preset).convolutional and len(shape) == 1:
        with pytest.raises(OptionsError, match="needs images") as err:
            build_autoencoder(preset, shape)
        assert "\n" not in str(err.value) and "64 values" in str(err.value)
        return
    ae = build_autoencoder(preset, shape)
    x = _batch(shape)
    assert ae.reconstruct(x).shape == x.shape
    assert ae.encode(x).shape == (4, ae.options.latent_dim)
    before = [w.numpy().copy() for w in ae.model.trainable_weights]
    with tf.GradientTape() as tape:
        loss = ae.loss_terms(x, training=True)["loss"]
    grads = tape.gradient(loss, ae.model.trainable_weights)
    assert np.isfinite(float(loss)) and all(g is not None for g in grads)
    ae.model.optimizer.apply(grads, ae.model.trainable_weights)
    after = [w.numpy() for w in ae.model.trainable_weights]
    assert any(not np.array_equal(a, b) for a, b in zip(before, after, strict=True))


@pytest.mark.parametrize(
    ("shape", "grid", "out_channels"),
    [
        ((28, 28), (7, 7), 1),
        ((32, 32, 3), (4, 4), 3),
        ((12, 20), (6, 10), 1),
        ((31, 31), (31, 31), 1),
    ],
)
@pytest.mark.parametrize("preset", ["conv", "conv-vae"])
def test_conv_models_pool_to_the_planned_grid_and_keep_the_channels(
    preset: str, shape: tuple[int, ...], grid: tuple[int, int], out_channels: int
) -> None:
    ae = build_autoencoder(preset, shape)
    assert tuple(ae.decoder.get_layer("to_grid").output.shape[1:3]) == grid
    assert ae.decoder.get_layer("reconstruction").filters == out_channels
    assert ae.encoder.get_layer("to_channels").output.shape[-1] == out_channels
    names = {layer.name for layer in ae.decoder.layers}
    assert ("to_image" in names) == (len(shape) == 2)  # grey images lose the channel axis again
    assert tuple(ae.decoder.output.shape[1:]) == shape


def test_conv_filters_grow_with_the_levels_of_a_large_image() -> None:
    ae = build_autoencoder("conv", (64, 64, 3))
    convs = [ae.encoder.get_layer(f"encoder_conv_{i}").filters for i in range(1, 5)]
    assert convs == [16, 32, 64, 128]
    assert ae.decoder.get_layer("decoder_conv_1").filters == 128


@pytest.mark.parametrize("preset", ["vae", "conv-vae"])
def test_kl_is_scaled_by_every_value_of_a_colour_image(preset: str) -> None:
    ae = build_autoencoder(preset, (16, 16, 3))
    x = _batch((16, 16, 3))
    terms = {k: float(v) for k, v in ae.loss_terms(x, training=True).items()}
    mean, log_var, _ = (ops.convert_to_numpy(t) for t in ae.encoder(x, training=False))
    kl = -0.5 * np.sum(1 + log_var - np.exp(log_var) - mean**2, axis=-1).mean()
    assert terms["kl_loss"] == pytest.approx(kl / (16 * 16 * 3), rel=1e-4)


def test_conv_vae_has_gaussian_heads_and_trains_as_a_vae() -> None:
    ae = build_autoencoder("conv-vae", (28, 28))
    assert ae.variational and type(ae.model).__name__ == "VAE"
    z_mean, z_log_var = ae.encoder.get_layer("z_mean"), ae.encoder.get_layer("z_log_var")
    assert not np.any(z_log_var.kernel.numpy())  # unit variance to start with
    assert z_mean.units == z_log_var.units == 16
    assert ae.encoder.get_layer("encoder_conv_2").filters == 32  # the preset's (16, 32)
    x = _batch((28, 28), n=8)
    hist = ae.model.fit(x, epochs=1, batch_size=4, verbose=0).history
    assert {"loss", "reconstruction_loss", "kl_loss"} <= set(hist)
    # The encoder samples in training; the code the app shows is z_mean.
    a, b = (ops.convert_to_numpy(ae.encoder(x, training=True)[2]) for _ in range(2))
    assert not np.allclose(a, b)
    z0 = ops.convert_to_numpy(ae.encoder(x, training=False)[0])
    np.testing.assert_array_equal(ae.encode(x), z0)
    np.testing.assert_array_equal(ae.encode(x), z0)


def test_every_kind_has_a_builder() -> None:
    from aeviewer.core.models.registry import BUILDERS

    assert set(BUILDERS) == set(KINDS)
    assert {p.kind for p in PRESETS.values()} == set(KINDS)
    assert [n for n, p in PRESETS.items() if p.variational] == ["vae", "conv-vae"]
    assert [n for n, p in PRESETS.items() if p.convolutional] == ["conv", "conv-vae"]


def test_conv_vae_round_trips_through_a_file(tmp_path: Path) -> None:
    from aeviewer.core.persistence import load_model, save_model

    ae = build_autoencoder("conv-vae", (32, 32, 3))
    x = _batch((32, 32, 3), n=6)
    ae.model.fit(x, epochs=1, batch_size=3, verbose=0)  # weights no longer the initial ones
    loaded = load_model(save_model(ae, tmp_path / "cvae.keras")).ae
    assert loaded.preset == "conv-vae" and loaded.input_shape == (32, 32, 3)
    assert loaded.variational
    np.testing.assert_array_equal(loaded.encode(x), ae.encode(x))
    np.testing.assert_array_equal(loaded.reconstruct(x), ae.reconstruct(x))


@pytest.mark.parametrize(
    ("model", "data", "model_words", "data_words"),
    [
        ((32, 32, 3), (28, 28), "32x32 colour images", "28x28 grey images"),
        ((28, 28), (64,), "28x28 grey images", "vectors of 64 values"),
        ((12, 20), (20, 12), "12x20 grey images", "20x12 grey images"),
        ((28, 28, 1), (28, 28), "28x28 grey images with a channel axis", "28x28 grey images"),
    ],
)
def test_check_fits_names_both_shapes_in_words(
    model: tuple[int, ...], data: tuple[int, ...], model_words: str, data_words: str
) -> None:
    with pytest.raises(ValueError) as err:
        check_fits(model, data, "mnist_test")
    assert str(err.value) == f"the model takes {model_words}; mnist_test holds {data_words}"


def test_check_fits_accepts_the_same_shape() -> None:
    check_fits((32, 32, 3), np.zeros((5, 32, 32, 3)).shape[1:], "cifar")
    check_fits([64], (64,), "vectors")
