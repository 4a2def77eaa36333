"""A user's own autoencoder: every notebook layout opens, encodes, decodes, trains and is
described; what cannot work is refused in one line, writing nothing."""

from __future__ import annotations

import json
import os
from pathlib import Path

import keras
import numpy as np
import pytest
from keras import layers as L
from notebook_models import LAYOUTS, REFUSED, NotebookModel

from aeviewer.cli import main
from aeviewer.core.datasets import Dataset, load_dataset
from aeviewer.core.models import OptionsError
from aeviewer.core.persistence import ModelFileError, describe, load_model, save_model
from aeviewer.core.training import Trainer, TrainingConfig
from aeviewer.core.user_models import fits, open_user_model
from aeviewer.core.user_models.compiled import training_choice


@pytest.fixture(scope="module")
def mnist() -> Dataset:
    return load_dataset("mnist_test", max_train=64, max_val=32)


@pytest.fixture(scope="module")
def notebooks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, NotebookModel]:
    folder = tmp_path_factory.mktemp("notebooks")
    return {name: build(folder) for name, build in LAYOUTS.items()}


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_every_notebook_layout_opens_and_runs_as_the_file_does(
    layout: str, notebooks: dict[str, NotebookModel], mnist: Dataset
) -> None:
    nb = notebooks[layout]
    user = open_user_model(nb.paths)
    assert user.layout.startswith(nb.layout)
    assert user.code_size == nb.code_size and user.variational == nb.variational
    assert user.fits((28, 28)) and not user.fits((32, 32, 3))
    ae = user.autoencoder_for(mnist.input_shape)
    assert ae.preset == "custom" and ae.input_shape == (28, 28)
    assert ae.options.latent_dim == nb.code_size
    x = mnist.x_val
    codes = ae.encode(x)
    assert codes.shape == (len(x), nb.code_size)
    # The cut is exact: encoder then decoder is the file's own model.
    np.testing.assert_allclose(ae.decode(codes), nb.reference(x), atol=1e-5)
    np.testing.assert_allclose(ae.reconstruct(x), nb.reference(x), atol=1e-5)


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_every_layout_fine_tunes_through_the_trainer(
    layout: str, notebooks: dict[str, NotebookModel], mnist: Dataset
) -> None:
    nb = notebooks[layout]
    config = TrainingConfig(
        model_files=tuple(str(p) for p in nb.paths), epochs=1, latent_sample_size=32
    )
    trainer = Trainer(mnist, config)
    report = trainer.run()
    assert report.reason == "completed", report.message
    assert trainer.ae is not None and trainer.ae.input_shape == (28, 28)
    assert np.isfinite(trainer.history["loss"][0]) and np.isfinite(trainer.history["val_loss"][0])
    # The file's own layers trained: the encoder's and the decoder's weights both moved.
    before = open_user_model(nb.paths).ae
    for part in ("encoder", "decoder"):
        old, new = getattr(before, part).get_weights(), getattr(trainer.ae, part).get_weights()
        assert any(not np.allclose(a, b) for a, b in zip(old, new, strict=True)), part


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_aeviewer_info_describes_every_layout(
    layout: str, notebooks: dict[str, NotebookModel], capsys: pytest.CaptureFixture[str]
) -> None:
    nb = notebooks[layout]
    code = main(["info", *map(str, nb.paths)])
    out = capsys.readouterr().out
    assert code == 0
    assert f"layout:       {nb.layout}" in out
    assert f"{nb.code_size} values" in out and "parameters:" in out and "training:" in out


def test_the_course_model_fine_tunes_with_its_own_loss_and_optimizer(
    notebooks: dict[str, NotebookModel],
) -> None:
    user = open_user_model(notebooks["course sub-models"].paths)
    assert (user.options.loss, user.options.optimizer) == ("bce", "sgd")
    assert user.options.learning_rate == pytest.approx(1.5)
    assert user.training_note == (
        "fine-tuning with the file's loss (binary cross-entropy) and optimizer (sgd, lr 1.5)"
    )
    flat = open_user_model(notebooks["flat sequential"].paths)  # never compiled
    assert flat.options.loss == "bce" and flat.options.optimizer == "adam"
    assert flat.training_note.startswith(
        "no loss in the file: binary cross-entropy (the output is a sigmoid)"
    )


def test_a_flat_input_model_takes_images_or_vectors_by_reshaping(
    notebooks: dict[str, NotebookModel], mnist: Dataset
) -> None:
    user = open_user_model(notebooks["blog dense"].paths)
    assert user.model_input_shape == (784,) and user.ae.input_shape == (784,)
    images = user.autoencoder_for((28, 28))
    assert images is user.autoencoder_for((28, 28))  # kept, not rebuilt per call
    x = mnist.x_val[:8]
    flat = x.reshape(8, 784)
    np.testing.assert_allclose(images.reconstruct(x).reshape(8, 784), user.ae.reconstruct(flat))
    for ae, batch in ((images, x), (user.ae, flat)):
        loss = float(ae.loss_terms(batch, training=False)["loss"])
        assert 0 < loss < 2


def test_a_feature_map_code_is_flat_for_the_app_and_reshaped_back(
    notebooks: dict[str, NotebookModel],
) -> None:
    user = open_user_model(notebooks["blog conv"].paths)
    assert user.code_shape == (4, 4, 8) and user.model_input_shape == (28, 28, 1)
    assert user.split_at == "encoded"
    assert user.ae.encoder.output_shape == (None, 128)
    assert user.ae.decoder.input_shape == (None, 128)
    assert "4 x 4 x 8 = 128 values" in "\n".join(user.describe())


def test_a_vae_samples_when_training_and_codes_its_mean(
    notebooks: dict[str, NotebookModel], mnist: Dataset
) -> None:
    user = open_user_model(notebooks["vae two files"].paths)
    ae = user.ae
    assert ae.variational and ae.metric_names == ("loss", "reconstruction_loss", "kl_loss")
    terms = ae.loss_terms(mnist.x_val[:8], training=True)
    assert float(terms["kl_loss"]) >= 0 and np.isfinite(float(terms["loss"]))
    # The notebook's Sampling class never ran: aeviewer's own stands in for it.
    samplers = [layer for layer in _all_layers(ae.encoder) if "Sampling" in type(layer).__name__]
    assert [type(s).__module__ for s in samplers] == ["aeviewer.core.models.layers"]


def _all_layers(model: keras.Model) -> list[keras.Layer]:
    found = []
    for layer in model.layers:
        found.append(layer)
        if isinstance(layer, keras.Model):
            found += _all_layers(layer)
    return found


def test_a_fine_tuned_model_saves_and_opens_again(
    notebooks: dict[str, NotebookModel], mnist: Dataset, tmp_path: Path
) -> None:
    user = open_user_model(notebooks["blog conv"].paths)
    path = save_model(user.ae, tmp_path / "tuned.keras", history={"loss": [0.3, 0.2]})
    loaded = load_model(path)
    assert loaded.user is not None and loaded.user.layout == "named encoder/decoder"
    assert loaded.history == {"loss": [0.3, 0.2]}
    x = mnist.x_val[:4]
    np.testing.assert_allclose(loaded.ae.reconstruct(x), user.ae.reconstruct(x), atol=1e-6)
    assert "epochs:       2" in describe(loaded)


def test_ties_in_the_bottleneck_ask_where_to_split(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = keras.Sequential(
        [
            keras.Input((784,)),
            L.Dense(32, name="first"),
            L.Dense(64),
            L.Dense(32, name="second"),
            L.Dense(784),
        ]
    )
    path = tmp_path / "tie.keras"
    model.save(path)
    with pytest.raises(ModelFileError) as err:
        open_user_model([path])
    message = str(err.value)
    assert "'first' and 'second'" in message and "--split-at" in message and "\n" not in message
    user = open_user_model([path], split_at="second")
    assert user.layout == "split at 'second' (32 values)" and user.split_at == "second"
    x = np.random.default_rng(0).random((3, 784)).astype(np.float32)
    np.testing.assert_allclose(user.ae.reconstruct(x), model(x), atol=1e-5)
    assert main(["info", str(path), "--split-at", "first"]) == 0
    assert "split at 'first' (32 values)" in capsys.readouterr().out


def _skip_model(path: Path) -> Path:
    inputs = keras.Input((16,))
    a = L.Dense(8, name="a")(inputs)
    b = L.Dense(8, name="b")(a)
    code = L.Dense(4, name="code")(L.Add(name="add")([a, b]))
    keras.Model(inputs, L.Dense(16, name="out")(code)).save(path)
    return path


def test_a_graph_that_is_no_chain_needs_split_at_through_every_path(tmp_path: Path) -> None:
    path = _skip_model(tmp_path / "skip.keras")
    with pytest.raises(ModelFileError, match="not a chain.*--split-at"):
        open_user_model([path])
    user = open_user_model([path], split_at="code")
    assert user.code_size == 4
    with pytest.raises(ModelFileError, match="skips it"):
        open_user_model([path], split_at="b")
    with pytest.raises(ModelFileError, match="no layer named 'nope'"):
        open_user_model([path], split_at="nope")




@pytest.mark.parametrize("case", list(REFUSED))
def test_what_cannot_work_is_refused_in_one_line(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build, needle = REFUSED[case]
    folder = tmp_path / "in"
    folder.mkdir()
    path = build(folder)
    before = sorted(p.name for p in folder.rglob("*"))
    with pytest.raises(ModelFileError) as err:
        open_user_model([path])
    message = str(err.value)
    assert needle in message and path.name in message, message
    assert "\n" not in message and "Traceback" not in message
    if "Scaler" in needle or "Doubler" in needle:
        assert "separately" in message  # what to do instead
    assert main(["info", str(path)]) == 2
    err_lines = capsys.readouterr().err.strip().splitlines()
    assert len(err_lines) == 1 and needle in err_lines[0]
    assert sorted(p.name for p in folder.rglob("*")) == before  # nothing written


def test_a_model_that_fits_no_data_says_which_would(
    tmp_path: Path, mnist: Dataset, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "odd.keras"
    keras.Sequential([keras.Input((17,)), L.Dense(4), L.Dense(17)]).save(path)
    user = open_user_model([path])
    assert not user.fits(mnist.input_shape)
    with pytest.raises(OptionsError) as err:
        user.check(mnist.input_shape, "mnist_test")
    assert str(err.value) == (
        "odd.keras takes vectors of 17 values, but mnist_test holds 28x28 grey images: "
        "open a .npz of vectors of 17 values"
    )
    report = Trainer(mnist, TrainingConfig(model_files=(str(path),), epochs=1)).run()
    assert report.reason == "error" and "vectors of 17 values" in report.message
    out = tmp_path / "out.keras"
    args = ["train", "--model-file", str(path), "--max-samples", "64", "--out", str(out)]
    assert main(args) == 2
    assert "takes vectors of 17 values" in capsys.readouterr().err and not out.exists()


def test_train_fine_tunes_a_model_file_on_the_command_line(
    notebooks: dict[str, NotebookModel], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "tuned.keras"
    paths = [str(p) for p in notebooks["encoder and decoder files"].paths]
    args = ["train", "--model-file", *paths, "--max-samples", "64", "--epochs", "1"]
    assert main([*args, "--lr", "0.01", "--json", "--out", str(out)]) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["model"] == "custom" and result["epochs"] == 1
    loaded = load_model(out)
    assert loaded.user is not None and loaded.ae.input_shape == (28, 28)
    assert loaded.ae.options.learning_rate == pytest.approx(0.01)
    assert main([*args, "--latent-dim", "3", "--out", str(tmp_path / "no.keras")]) == 2
    assert "--latent-dim shapes a preset" in capsys.readouterr().err
    assert not (tmp_path / "no.keras").exists()


def test_binary_cross_entropy_needs_a_sigmoid_output(tmp_path: Path) -> None:
    path = tmp_path / "linear.keras"
    model = keras.Sequential([keras.Input((8,)), L.Dense(2), L.Dense(8)])
    model.compile(loss="binary_crossentropy", optimizer="rmsprop")
    model.save(path)
    user = open_user_model([path])
    assert user.options.loss == "mse" and user.options.optimizer == "rmsprop"
    assert "needs a sigmoid output" in user.training_note
    with pytest.raises(OptionsError, match="sigmoid"):
        user.autoencoder_for((8,), user.options.updated(loss="bce"))


@pytest.mark.parametrize(
    ("compiled", "sigmoid", "expected"),
    [
        ({"loss": "mean_squared_error"}, True, ("mse", "adam", 1e-3)),
        (
            {"loss": {"module": "keras.losses", "class_name": "BinaryCrossentropy"}},
            True,
            ("bce", "adam", 1e-3),
        ),
        ({"loss": "mae"}, False, ("mse", "adam", 1e-3)),
        (
            {"optimizer": {"class_name": "Custom>Nadam", "config": {"learning_rate": 0.02}}},
            False,
            ("mse", "nadam", 0.02),
        ),
        (
            {"optimizer": {"class_name": "Ftrl", "config": {"learning_rate": 0.5}}},
            True,
            ("bce", "adam", 0.5),
        ),
        (
            {
                "optimizer": {
                    "class_name": "SGD",
                    "config": {"learning_rate": {"config": {"initial_learning_rate": 0.1}}},
                }
            },
            True,
            ("bce", "sgd", 0.1),
        ),
    ],
)
def test_the_files_loss_and_optimizer_map_to_aeviewers(
    compiled: dict, sigmoid: bool, expected: tuple[str, str, float]
) -> None:
    options, note = training_choice(compiled, sigmoid, code_size=5)
    got = (options.loss, options.optimizer, options.learning_rate)
    assert got[:2] == expected[:2]
    assert options.learning_rate == pytest.approx(expected[2]) and options.latent_dim == 5
    assert note and "\n" not in note


@pytest.mark.parametrize(
    ("model", "data", "expected"),
    [
        ((784,), (28, 28), True),
        ((28, 28, 1), (28, 28), True),
        ((28, 28), (784,), True),
        ((3072,), (32, 32, 3), True),
        ((32, 32, 3), (32, 32, 3), True),
        ((14, 56), (28, 28), False),
        ((28, 28, 3), (28, 28), False),
        ((17,), (28, 28), False),
    ],
)
def test_which_data_fit_by_a_reshape(
    model: tuple[int, ...], data: tuple[int, ...], expected: bool
) -> None:
    assert fits(model, data) is expected


def test_load_model_routes_notebook_files_and_keeps_aeviewers_own(
    notebooks: dict[str, NotebookModel], tmp_path: Path
) -> None:
    from aeviewer.core.models import build_autoencoder

    assert load_model(notebooks["blog dense .h5"].paths[0]).user is not None
    own = load_model(save_model(build_autoencoder("linear", (28, 28)), tmp_path / "own.keras"))
    assert own.user is None and own.ae.preset == "linear"
    assert os.listdir(tmp_path) == ["own.keras"]
