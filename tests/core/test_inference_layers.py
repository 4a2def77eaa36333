"""The numpy forward pass reproduces Keras layer by layer, and on notebook-style autoencoders."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import keras
import numpy as np
import pytest
from keras import layers

from aeviewer.core.inference import (
    ACTIVATIONS,
    NumpyModel,
    Op,
    UnsupportedModelError,
    numpy_supported,
)
from aeviewer.core.numpy_layers import run_op


class Sampling(keras.layers.Layer):
    """keras-io's VAE sampling layer, as a notebook defines it (a class aeviewer does not know)."""

    def call(self, inputs: Any) -> Any:
        z_mean, z_log_var = inputs
        eps = keras.random.normal(keras.ops.shape(z_mean))
        return z_mean + keras.ops.exp(0.5 * z_log_var) * eps


def _randomise(model: keras.Model, seed: int = 0) -> None:
    """Random weights of about unit gain; biases, batch-norm statistics and slopes too."""
    rng = np.random.default_rng(seed)
    for w in model.weights:
        shape = tuple(w.shape)
        std = 1.0 / math.sqrt(math.prod(shape[:-1])) if len(shape) > 1 else 0.3
        value = rng.normal(0.0, std, shape)
        if w.name == "moving_variance":
            value = np.abs(value) + 0.5
        w.assign(value.astype(np.float32))


def _matches_keras(model: keras.Model, seed: int = 0, n: int = 3) -> NumpyModel:
    """The numpy copy of ``model`` gives Keras' output (its first output) on random inputs."""
    copy = NumpyModel.from_keras(model)
    x = np.random.default_rng(seed).normal(size=(n, *copy.input_shape)).astype(np.float32)
    want = model(x, training=False)
    want = want[0] if isinstance(want, (list, tuple)) else want
    np.testing.assert_allclose(copy(x), keras.ops.convert_to_numpy(want), atol=1e-4)
    assert numpy_supported(model) == ""
    return copy


def _alone(shape: tuple[int, ...], layer: keras.layers.Layer, seed: int = 0) -> NumpyModel:
    model = keras.Sequential([keras.Input(shape), layer])
    _randomise(model, seed)
    return _matches_keras(model, seed)


CONVS = [
    pytest.param(padding, k, strides, id=f"{padding}-k{k}-s{strides[0]}x{strides[1]}")
    for padding in ("valid", "same")
    for k in (1, 2, 3, 4, 5)
    for strides in ((1, 1), (2, 2), (1, 2), (3, 2))
]


@pytest.mark.parametrize(("padding", "k", "strides"), CONVS)
def test_conv2d(padding: str, k: int, strides: tuple[int, int]) -> None:
    # Odd and even sides: "same" pads an odd extra pixel at the bottom and the right.
    layer = layers.Conv2D(4, k, strides=strides, padding=padding, activation="relu")
    _alone((9, 10, 3), layer, seed=k)


@pytest.mark.parametrize("padding", ["valid", "same"])
def test_conv2d_without_bias_and_dilated(padding: str) -> None:
    copy = _alone((9, 8, 2), layers.Conv2D(3, (2, 3), padding=padding, use_bias=False))
    assert copy.ops[0].weights[1].any() == 0  # no bias: zeros, not someone else's numbers
    _alone((11, 10, 2), layers.Conv2D(3, 3, padding=padding, dilation_rate=2))


@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize(
    ("k", "strides"), [(1, 1), (3, 1), (2, 2), (3, 2), (4, 2), (1, 2), (3, 3), (3, (2, 1))]
)
def test_conv2d_transpose(padding: str, k: int, strides: Any) -> None:
    layer = layers.Conv2DTranspose(4, k, strides=strides, padding=padding, activation="relu")
    _alone((5, 6, 3), layer, seed=k)


POOLS = [
    pytest.param(kind, padding, pool, strides, id=f"{kind.__name__}-{padding}-{pool}-{strides}")
    for kind in (layers.MaxPooling2D, layers.AveragePooling2D)
    for padding in ("valid", "same")
    for pool, strides in [(2, None), (3, 2), (2, 1), (3, 3), ((2, 3), (1, 2))]
]


@pytest.mark.parametrize(("kind", "padding", "pool", "strides"), POOLS)
def test_pooling(kind: type, padding: str, pool: Any, strides: Any) -> None:
    _alone((7, 9, 3), kind(pool, strides=strides, padding=padding))


# Identity at inference: Keras' training=False, and what numpy does at every call.
NOISE = [
    layers.Dropout(0.5),
    layers.GaussianNoise(1.0),
    layers.SpatialDropout2D(0.5),
    layers.ActivityRegularization(l1=0.1),
]

OTHERS: list[tuple[tuple[int, ...], Callable[[], keras.layers.Layer]]] = [
    ((5, 6, 3), lambda: layers.GlobalAveragePooling2D()),
    ((5, 6, 3), lambda: layers.GlobalAveragePooling2D(keepdims=True)),
    ((5, 6, 3), lambda: layers.GlobalMaxPooling2D()),
    ((3, 4, 2), lambda: layers.UpSampling2D(2)),
    ((3, 4, 2), lambda: layers.UpSampling2D((2, 3))),
    ((4, 5, 3), lambda: layers.BatchNormalization()),
    ((6,), lambda: layers.BatchNormalization(center=False, epsilon=0.1)),
    ((4, 5, 3), lambda: layers.BatchNormalization(scale=False)),
    ((6,), lambda: layers.LayerNormalization()),
    ((4, 5, 3), lambda: layers.LayerNormalization(center=False, epsilon=0.1)),
    ((4, 5, 3), lambda: layers.LayerNormalization(scale=False)),
    ((4, 6), lambda: layers.Dense(5, activation="tanh")),
    ((3, 4, 6), lambda: layers.Dense(5, use_bias=False)),
    ((4, 6), lambda: layers.Reshape((-1, 4))),
    ((4, 6), lambda: layers.Reshape((2, -1, 3))),
    ((4, 5, 3), lambda: layers.Flatten()),
    ((4, 5, 3), lambda: layers.Permute((2, 1, 3))),
    ((6, 7, 2), lambda: layers.Cropping2D(((1, 2), (0, 3)))),
    ((3, 4, 2), lambda: layers.ZeroPadding2D(((1, 2), (3, 0)))),
    ((9,), lambda: layers.ReLU()),
    ((9,), lambda: layers.ReLU(max_value=6.0)),
    ((9,), lambda: layers.ReLU(max_value=0.8, negative_slope=0.1, threshold=0.3)),
    ((9,), lambda: layers.ReLU(negative_slope=0.2, threshold=0.5)),
    ((9,), lambda: layers.LeakyReLU()),
    ((9,), lambda: layers.LeakyReLU(negative_slope=0.05)),
    ((9,), lambda: layers.ELU()),
    ((9,), lambda: layers.ELU(alpha=0.5)),
    ((4, 5, 3), lambda: layers.PReLU()),
    ((4, 5, 3), lambda: layers.PReLU(shared_axes=[1, 2])),
    ((9,), lambda: layers.Softmax()),
    ((9,), lambda: layers.Activation("gelu")),
    *(((4, 5, 3), functools.partial(lambda layer: layer, n)) for n in NOISE),
]


@pytest.mark.parametrize(
    ("shape", "make"), OTHERS, ids=[f"{type(m()).__name__}-{i}" for i, (_, m) in enumerate(OTHERS)]
)
def test_other_layers(shape: tuple[int, ...], make: Callable[[], keras.layers.Layer]) -> None:
    _alone(shape, make())


def test_noise_layers_leave_nothing_to_run() -> None:
    model = keras.Sequential([keras.Input((4, 5, 3)), *NOISE[:2], layers.Flatten()])
    assert [op.kind for op in NumpyModel.from_keras(model).ops] == ["flatten"]


KERAS_ACTIVATIONS = sorted(set(ACTIVATIONS) - {"gelu_approximate"})


@pytest.mark.parametrize("name", KERAS_ACTIVATIONS)
def test_activations_by_name(name: str) -> None:
    x = np.linspace(-12, 12, 97, dtype=np.float32).reshape(1, 97)
    want = keras.ops.convert_to_numpy(keras.activations.get(name)(x))
    np.testing.assert_allclose(ACTIVATIONS[name](x), want, atol=1e-5, rtol=1e-5)
    # ... and through a layer that names it, as a saved model does
    _alone((6,), layers.Dense(4, activation=name), seed=len(name))


def test_gelu_with_the_tanh_approximation() -> None:
    x = np.linspace(-6, 6, 49, dtype=np.float32)
    want = keras.ops.convert_to_numpy(keras.activations.gelu(x, approximate=True))
    np.testing.assert_allclose(ACTIVATIONS["gelu_approximate"](x), want, atol=1e-5)
    act = functools.partial(keras.activations.gelu, approximate=True)
    copy = _alone((6,), layers.Dense(4, activation=act))
    assert copy.ops[0].activation == "gelu_approximate"


def test_an_activation_layer_as_an_activation() -> None:
    copy = _alone((6,), layers.Dense(4, activation=layers.LeakyReLU(0.1)))
    assert [op.kind for op in copy.ops] == ["dense", "relu"]


@pytest.mark.parametrize(
    "act", [lambda x: 2 * x, keras.activations.sparsemax, functools.partial(np.maximum, 0)]
)
def test_unknown_activations_are_refused_not_taken_for_linear(act: Any) -> None:
    model = keras.Sequential([keras.Input((6,)), layers.Dense(4, activation=act, name="odd")])
    with pytest.raises(UnsupportedModelError, match="'odd'"):
        NumpyModel.from_keras(model)


def test_sessions_saved_before_layer_settings_still_run() -> None:
    """Ops without settings (``maxpool (p,)``, ``upsample (p,)``, ``conv2d ()``) as older
    sessions stored them give what the settings spelt out give."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 7, 6, 3)).astype(np.float32)
    kernel, bias = rng.normal(size=(3, 3, 3, 4)).astype(np.float32), np.ones(4, np.float32)
    pairs = [
        (Op("maxpool", shape=(2,)), Op("maxpool", shape=(2, 2, 2, 2, 0))),
        (Op("upsample", shape=(2,)), Op("upsample", shape=(2, 2))),
        (Op("conv2d", (kernel, bias)), Op("conv2d", (kernel, bias), shape=(1, 1, 1, 1, 1))),
    ]
    for old, new in pairs:
        np.testing.assert_array_equal(run_op(old, x), run_op(new, x))
    assert run_op(pairs[0][0], x).shape == (2, 3, 3, 3)


# -- whole models, as notebooks build them -----------------------------------------------------


def blog_conv_autoencoder() -> tuple[keras.Model, keras.Model, keras.Model]:
    """The Keras blog's convolutional autoencoder ("Building Autoencoders in Keras")."""
    inp = keras.Input((28, 28, 1))
    x = layers.Conv2D(16, 3, activation="relu", padding="same")(inp)
    x = layers.MaxPooling2D(2, padding="same")(x)
    x = layers.Conv2D(8, 3, activation="relu", padding="same")(x)
    x = layers.MaxPooling2D(2, padding="same")(x)
    x = layers.Conv2D(8, 3, activation="relu", padding="same")(x)
    encoded = layers.MaxPooling2D(2, padding="same", name="code")(x)
    x = layers.Conv2D(8, 3, activation="relu", padding="same")(encoded)
    x = layers.UpSampling2D(2)(x)
    x = layers.Conv2D(8, 3, activation="relu", padding="same")(x)
    x = layers.UpSampling2D(2)(x)
    x = layers.Conv2D(16, 3, activation="relu")(x)
    x = layers.UpSampling2D(2)(x)
    decoded = layers.Conv2D(1, 3, activation="sigmoid", padding="same")(x)
    autoencoder = keras.Model(inp, decoded)
    code_in = keras.Input((4, 4, 8))
    y = code_in
    for layer in autoencoder.layers[-7:]:
        y = layer(y)
    return autoencoder, keras.Model(inp, encoded), keras.Model(code_in, y)


def keras_io_vae(latent_dim: int = 2) -> tuple[keras.Model, keras.Model]:
    """keras-io's convolutional VAE encoder and decoder ("Variational AutoEncoder")."""
    encoder_inputs = keras.Input(shape=(28, 28, 1))
    x = layers.Conv2D(32, 3, activation="relu", strides=2, padding="same")(encoder_inputs)
    x = layers.Conv2D(64, 3, activation="relu", strides=2, padding="same")(x)
    x = layers.Flatten()(x)
    x = layers.Dense(16, activation="relu")(x)
    z_mean = layers.Dense(latent_dim, name="z_mean")(x)
    z_log_var = layers.Dense(latent_dim, name="z_log_var")(x)
    z = Sampling()([z_mean, z_log_var])
    encoder = keras.Model(encoder_inputs, [z_mean, z_log_var, z], name="encoder")
    latent_inputs = keras.Input(shape=(latent_dim,))
    x = layers.Dense(7 * 7 * 64, activation="relu")(latent_inputs)
    x = layers.Reshape((7, 7, 64))(x)
    x = layers.Conv2DTranspose(64, 3, activation="relu", strides=2, padding="same")(x)
    x = layers.Conv2DTranspose(32, 3, activation="relu", strides=2, padding="same")(x)
    decoder_outputs = layers.Conv2DTranspose(1, 3, activation="sigmoid", padding="same")(x)
    return encoder, keras.Model(latent_inputs, decoder_outputs, name="decoder")


def test_the_keras_blog_conv_autoencoder() -> None:
    autoencoder, encoder, decoder = blog_conv_autoencoder()
    _randomise(autoencoder)
    enc, dec = _matches_keras(encoder), _matches_keras(decoder)
    assert enc.output_shape == dec.input_shape == (4, 4, 8)
    assert dec.output_shape == (28, 28, 1)
    whole = _matches_keras(autoencoder)
    assert len(whole.ops) == len(enc.ops) + len(dec.ops)


@pytest.mark.parametrize("suffix", [".keras", ".h5"])
def test_a_saved_and_reloaded_notebook_model(tmp_path: Path, suffix: str) -> None:
    autoencoder = blog_conv_autoencoder()[0]
    _randomise(autoencoder, seed=3)
    path = tmp_path / f"blog{suffix}"
    autoencoder.save(path)
    _matches_keras(keras.models.load_model(path, compile=False), seed=3)


def test_the_keras_io_vae_gives_z_mean() -> None:
    encoder, decoder = keras_io_vae()
    _randomise(encoder)
    _randomise(decoder, seed=1)
    enc = _matches_keras(encoder)  # Keras' first output: z_mean
    assert [op.kind for op in enc.ops] == ["conv2d", "conv2d", "flatten", "dense", "dense"]
    z_mean = encoder.get_layer("z_mean").kernel.numpy()  # and not z_log_var's head
    assert enc.output_shape == (2,) and np.array_equal(enc.ops[-1].weights[0], z_mean)
    _matches_keras(decoder)


def test_a_vae_encoder_with_other_head_names_gives_its_first_output() -> None:
    inp = keras.Input((12,))
    h = layers.Dense(8, activation="elu", name="hidden")(inp)
    mu = layers.Dense(3, name="mu")(h)
    log_sigma = layers.Dense(3, name="mean")(h)  # a misleading name changes nothing
    z = Sampling(name="sample")([mu, log_sigma])
    encoder = keras.Model(inp, [mu, log_sigma, z])
    _randomise(encoder)
    copy = _matches_keras(encoder)
    np.testing.assert_array_equal(copy.ops[-1].weights[0], encoder.get_layer("mu").kernel.numpy())
    # Where the first output is the sample itself, there is no chain to follow.
    sampled = keras.Model(inp, [z, mu])
    assert "'sample'" in numpy_supported(sampled)


def test_nested_models_and_flat_chains() -> None:
    encoder = keras.Sequential(
        [keras.Input((28, 28)), layers.Flatten(), layers.Dense(32, activation="selu")],
        name="stacked_encoder",
    )
    decoder = keras.Sequential(
        [keras.Input((32,)), layers.Dense(784, activation="sigmoid"), layers.Reshape((28, 28))],
        name="stacked_decoder",
    )
    nested = keras.Sequential([encoder, decoder])
    _randomise(nested)
    _matches_keras(nested)
    inp = keras.Input((28, 28))
    _matches_keras(keras.Model(inp, decoder(encoder(inp))))
    flat = keras.Sequential([keras.Input((28, 28)), *encoder.layers, *decoder.layers])
    assert [op.kind for op in _matches_keras(flat).ops] == ["flatten", "dense", "dense", "reshape"]
    # a notebook's dense layer straight on (28, 28) images works on each row
    rows = keras.Sequential([keras.Input((28, 28)), layers.Dense(10), layers.Flatten()])
    _randomise(rows)
    _matches_keras(rows)


def test_a_functional_model_using_a_vae_encoders_z_mean() -> None:
    encoder, decoder = keras_io_vae()
    _randomise(encoder)
    _randomise(decoder, seed=1)
    inp = keras.Input((28, 28, 1))
    z_mean, _, z = encoder(inp)
    _matches_keras(keras.Model(inp, decoder(z_mean)))
    assert "(Sampling): it takes 2 inputs" in numpy_supported(keras.Model(inp, decoder(z)))


def _two_branches(join: type) -> keras.Model:
    inp = keras.Input((6,))
    a = layers.Dense(4)(inp)
    b = layers.Dense(4)(inp)
    return keras.Model(inp, layers.Dense(2)(join(name="join")([a, b])))


@pytest.mark.parametrize("join", [layers.Add, layers.Concatenate])
def test_graphs_that_are_not_chains_are_refused_with_the_layer_name(join: type) -> None:
    model = _two_branches(join)
    with pytest.raises(UnsupportedModelError, match="'join'.*2 inputs"):
        NumpyModel.from_keras(model)
    assert "'join'" in numpy_supported(model)


def test_what_the_numpy_pass_refuses_it_says_in_one_line() -> None:
    a, b = keras.Input((3,)), keras.Input((3,))
    two_inputs = keras.Model([a, b], layers.Add()([a, b]), name="pair")
    any_size = keras.Sequential(
        [keras.Input((None, None, 1)), layers.Conv2D(1, 3, padding="same")], name="sizeless"
    )

    class Custom(keras.layers.Layer):
        def call(self, x: Any) -> Any:
            return x

    class Dense(keras.layers.Dense):  # a Keras name, and other code
        def call(self, x: Any) -> Any:
            return 2 * super().call(x)

    def relu(x: Any) -> Any:
        return keras.ops.tanh(x)

    class Net(keras.Model):
        def __init__(self) -> None:
            super().__init__(name="net")
            self.dense = layers.Dense(3)

        def call(self, x: Any) -> Any:
            return self.dense(x) * 2

    subclassed = Net()
    subclassed(np.zeros((1, 3), np.float32))
    custom = keras.Sequential([keras.Input((3,)), Custom(name="mine")])
    borrowed_name = keras.Sequential([keras.Input((3,)), Dense(2, name="twice")])
    own_relu = keras.Sequential([keras.Input((3,)), layers.Dense(2, activation=relu, name="d")])
    first = keras.Sequential(
        [keras.Input((1, 4, 4)), layers.UpSampling2D(data_format="channels_first")]
    )
    bilinear = keras.Sequential(
        [keras.Input((4, 4, 1)), layers.UpSampling2D(interpolation="bilinear")]
    )
    reasons = {
        "2 inputs": two_inputs,
        "unknown size": any_size,
        "'mine' (Custom)": custom,
        "'twice' (Dense): a custom layer class": borrowed_name,
        "'d' (Dense): activation": own_relu,
        "'net' (Net) is a subclassed model": subclassed,
        "channels-last": first,
        "bilinear": bilinear,
    }
    for words, model in reasons.items():
        reason = numpy_supported(model)
        assert words in reason and "\n" not in reason, reason
