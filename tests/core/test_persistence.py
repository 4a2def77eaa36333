"""Saving and loading: round trips, safe mode, notebook models, bad files, atomic writes."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import keras
import numpy as np
import pytest

from aeviewer.core.models import PRESETS, build_autoencoder
from aeviewer.core.persistence import ModelFileError, describe, load_model, save_model

X = np.random.default_rng(1).random((6, 28, 28)).astype(np.float32)


@pytest.mark.parametrize("preset", list(PRESETS))
def test_round_trip_gives_identical_outputs(preset: str, tmp_path: Path) -> None:
    ae = build_autoencoder(preset, (28, 28))
    # One update so the weights are not the initial ones.
    target = None if ae.variational else X
    ae.model.fit(X, target, epochs=1, batch_size=3, verbose=0)
    history = {"loss": [0.3, 0.2], "val_loss": [0.31, 0.25]}
    path = save_model(ae, tmp_path / f"{preset}.keras", history=history)
    loaded = load_model(path)
    assert loaded.ae.preset == preset and loaded.ae.options == ae.options
    assert loaded.history == history
    np.testing.assert_array_equal(loaded.ae.reconstruct(X), ae.reconstruct(X))
    np.testing.assert_array_equal(loaded.ae.encode(X), ae.encode(X))
    assert any("epochs:       2" in line for line in describe(loaded))


def test_tied_weights_stay_tied_after_loading(tmp_path: Path) -> None:
    path = save_model(build_autoencoder("tied", (28, 28)), tmp_path / "t.keras")
    ae = load_model(path).ae
    assert ae.decoder.get_layer("reconstruction").dense is ae.encoder.get_layer("encoder_dense_1")


def test_safe_mode_refuses_a_lambda_layer(tmp_path: Path) -> None:
    inputs = keras.Input((28, 28))
    x = keras.layers.Flatten()(inputs)
    x = keras.layers.Lambda(lambda t: t * 2.0)(x)
    encoder = keras.Model(inputs, keras.layers.Dense(2)(x), name="encoder")
    z = keras.Input((2,))
    decoder = keras.Model(
        z, keras.layers.Reshape((28, 28))(keras.layers.Dense(784)(z)), name="decoder"
    )
    model = keras.Sequential([encoder, decoder])
    path = tmp_path / "hostile.keras"
    model.save(path)
    with pytest.raises(ModelFileError, match="Lambda") as err:
        load_model(path)
    assert "hostile.keras" in str(err.value) and "\n" not in str(err.value)


def test_notebook_sequential_encoder_decoder_loads(tmp_path: Path) -> None:
    # The course's code: two Sequential models named encoder/decoder, stacked.
    encoder = keras.Sequential(
        [keras.Input((28, 28)), keras.layers.Flatten(), keras.layers.Dense(30, activation="selu")],
        name="encoder",
    )
    decoder = keras.Sequential(
        [
            keras.Input((30,)),
            keras.layers.Dense(784, activation="sigmoid"),
            keras.layers.Reshape((28, 28)),
        ],
        name="decoder",
    )
    model = keras.Sequential([encoder, decoder])
    model.compile(loss="binary_crossentropy", optimizer="sgd")
    path = tmp_path / "notebook.keras"
    model.save(path)
    loaded = load_model(path).ae
    assert loaded.preset == "custom" and loaded.input_shape == (28, 28)
    assert loaded.options.latent_dim == 30
    np.testing.assert_allclose(loaded.reconstruct(X), model(X).numpy(), atol=1e-6)


def test_model_without_encoder_and_decoder_is_refused(tmp_path: Path) -> None:
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(4)])
    model.save(tmp_path / "plain.keras")
    with pytest.raises(ModelFileError, match="encoder"):
        load_model(tmp_path / "plain.keras")


@pytest.mark.parametrize("content", [b"", b"not a zip at all", b"PK\x03\x04garbage"])
def test_corrupt_files_get_a_clear_error(content: bytes, tmp_path: Path) -> None:
    path = tmp_path / "bad.keras"
    path.write_bytes(content)
    with pytest.raises(ModelFileError, match="bad.keras"):
        load_model(path)


def test_truncated_model_file_is_refused(tmp_path: Path) -> None:
    path = save_model(build_autoencoder("stacked", (28, 28)), tmp_path / "m.keras")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelFileError, match="m.keras"):
        load_model(path)


def test_path_traversal_member_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "evil.keras"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("../../escape.txt", "x")
        zf.writestr("config.json", "{}")
    with pytest.raises(ModelFileError, match="unsafe path"):
        load_model(path)
    assert not (tmp_path.parent / "escape.txt").exists()


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ModelFileError, match="no such file"):
        load_model(tmp_path / "nothing.keras")


def test_failed_save_keeps_the_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ae = build_autoencoder("stacked", (28, 28))
    path = save_model(ae, tmp_path / "keep.keras", history={"loss": [1.0]})
    before = path.read_bytes()

    def broken_save(*args: object, **kwargs: object) -> None:
        Path(str(args[0])).write_bytes(b"half a file")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ae.model, "save", broken_save)
    with pytest.raises(ModelFileError, match="No space left"):
        save_model(ae, path)
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["keep.keras"]  # no temp file left behind


def test_save_needs_keras_suffix(tmp_path: Path) -> None:
    with pytest.raises(ModelFileError, match=".keras"):
        save_model(build_autoencoder("linear", (3,)), tmp_path / "m.h5")


# -- hostile configs: names outside Keras (safe-mode bypasses of Keras < 3.11) ------------


def _notebook_members(tmp_path: Path) -> tuple[dict[str, bytes], dict]:
    encoder = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(2, name="code")], name="encoder"
    )
    decoder = keras.Sequential(
        [keras.Input((2,)), keras.layers.Dense(4, name="out")], name="decoder"
    )
    keras.Sequential([encoder, decoder]).save(tmp_path / "source.keras")
    with zipfile.ZipFile(tmp_path / "source.keras") as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    (tmp_path / "source.keras").unlink()
    return members, json.loads(members["config.json"])


def _code_layer(config: dict) -> dict:
    """The config of the encoder's Dense layer."""
    return config["config"]["layers"][1]["config"]["layers"][1]["config"]


def _hostile(case: str, config: dict, d: Path) -> dict:
    url = (d / "payload.txt").as_uri()
    get_file = {"origin": url, "fname": "fetched.txt", "cache_dir": str(d / "cache")}
    touch = f"touch {d / 'ran.txt'}"
    config = json.loads(json.dumps(config))
    if case == "builtins.eval":
        return {"module": "builtins", "class_name": "eval", "config": {"source": touch}}
    if case == "os.system function":
        _code_layer(config)["activation"] = {
            "module": "os",
            "class_name": "function",
            "config": "system",
            "registered_name": "function",
        }
    elif case == "os.system object":
        _code_layer(config)["kernel_initializer"] = {
            "module": "os",
            "class_name": "system",
            "config": {"command": touch},
            "registered_name": None,
        }
    elif case == "keras.utils.get_file object":
        _code_layer(config)["kernel_initializer"] = {
            "module": "keras.utils",
            "class_name": "get_file",
            "config": get_file,
            "registered_name": None,
        }
    elif case == "keras.utils.get_file model":
        return {"module": "keras.utils", "class_name": "get_file", "config": get_file}
    elif case == "keras.utils.get_file function":
        _code_layer(config)["activation"] = {
            "module": "keras.utils",
            "class_name": "function",
            "config": "get_file",
            "registered_name": "function",
        }
    elif case == "subprocess.Popen layer":
        config["config"]["layers"][1] = {
            "module": "subprocess",
            "class_name": "Popen",
            "config": {"args": touch.split()},
            "registered_name": None,
        }
    return config


HOSTILE = [
    "builtins.eval",
    "os.system function",
    "os.system object",
    "keras.utils.get_file object",
    "keras.utils.get_file model",
    "keras.utils.get_file function",
    "subprocess.Popen layer",
]


@pytest.mark.parametrize("case", HOSTILE)
def test_config_naming_code_outside_keras_is_refused_and_nothing_runs(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import subprocess

    members, config = _notebook_members(tmp_path)
    (tmp_path / "payload.txt").write_text("print('pwned')\n")
    path = tmp_path / "found_online.keras"
    hostile = json.dumps(_hostile(case, config, tmp_path)).encode()
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, hostile if name == "config.json" else data)
    calls: list[str] = []
    monkeypatch.setattr(os, "system", lambda *a, **k: calls.append("os.system"))
    monkeypatch.setattr(subprocess, "Popen", lambda *a, **k: calls.append("Popen"))
    monkeypatch.setattr(keras.utils, "get_file", lambda *a, **k: calls.append("get_file"))
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(ModelFileError) as err:
        load_model(path)
    message = str(err.value)
    assert "\n" not in message and "found_online.keras" in message
    assert "safe mode" in message and "Traceback" not in message
    assert calls == []
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing fetched or touched


def test_the_config_check_accepts_the_course_notebook_model(tmp_path: Path) -> None:
    """The control case: the same archive, rewritten the same way with its own config
    (Keras modules only), still loads."""
    members, config = _notebook_members(tmp_path)
    path = tmp_path / "course.keras"
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, json.dumps(config).encode() if name == "config.json" else data)
    loaded = load_model(path).ae
    assert loaded.preset == "custom" and loaded.options.latent_dim == 2
