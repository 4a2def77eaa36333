"""The command line: train with --json, presets, info, and one-line errors with exit code 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from aeviewer.cli import main
from aeviewer.core.datasets import load_dataset
from aeviewer.core.datasets.builtin import MNIST_DIR
from aeviewer.core.models import PRESETS, build_autoencoder

SHARED = MNIST_DIR  # the MNIST test set as bundled with aeviewer
JSON_KEYS = {
    "model",
    "dataset",
    "epochs",
    "train_loss",
    "val_loss",
    "val_bce",
    "val_mse",
    "seconds",
    "samples_per_s",
    "device",
}


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def untrained_val_loss(preset: str) -> float:
    import keras

    ds = load_dataset("digits")
    keras.utils.set_random_seed(0)
    ae = build_autoencoder(preset, ds.input_shape)
    return float(ae.loss_terms(np.asarray(ds.x_val), training=False)["loss"])


@pytest.mark.parametrize("preset", list(PRESETS))
def test_train_every_preset_on_digits(
    preset: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "m.keras"
    code, out, err = run_cli(
        [
            "train",
            "--dataset",
            "digits",
            "--model",
            preset,
            "--epochs",
            "3",
            "--out",
            str(out_file),
            "--json",
        ],
        capsys,
    )
    assert code == 0, err
    lines = out.strip().splitlines()
    assert len(lines) == 1  # stdout holds only the JSON line; the progress bar is on stderr
    result = json.loads(lines[0])
    assert set(result) == JSON_KEYS
    assert result["model"] == preset and result["dataset"] == "digits" and result["epochs"] == 3
    assert result["device"] == "CPU" or result["device"].startswith("GPU (")  # named, either way
    assert result["val_loss"] < untrained_val_loss(preset)
    assert 0 < result["val_mse"] < 0.2 and result["val_bce"] > 0
    assert out_file.exists()
    assert "Epoch 3" in err


def test_train_without_json_shows_keras_progress(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cli(
        [
            "train",
            "--model",
            "linear",
            "--dataset",
            "synthetic3d",
            "--epochs",
            "2",
            "--out",
            str(tmp_path / "l.keras"),
        ],
        capsys,
    )
    assert code == 0
    assert "Epoch 2" in out and "━" in out and "Saved" in out


def test_train_npz_validates_on_x_test_exactly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rng = np.random.default_rng(0)
    x_train = (rng.random((64, 28, 28)) * 255).astype(np.uint8)
    x_test = (rng.random((17, 28, 28)) * 255).astype(np.uint8)
    np.savez(tmp_path / "d.npz", x_train=x_train, x_test=x_test)
    out_file = tmp_path / "m.keras"
    code, out, err = run_cli(
        [
            "train",
            "--data",
            str(tmp_path / "d.npz"),
            "--model",
            "stacked",
            "--epochs",
            "1",
            "--out",
            str(out_file),
            "--json",
        ],
        capsys,
    )
    assert code == 0, err
    result = json.loads(out)
    from aeviewer.core.models import evaluate_reconstruction
    from aeviewer.core.persistence import load_model

    ae = load_model(out_file).ae
    expected = evaluate_reconstruction(ae, x_test.astype(np.float32) / 255)
    assert result["val_bce"] == pytest.approx(expected["bce"], rel=1e-5)


def test_train_on_the_real_mnist_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(
        [
            "train",
            "--data",
            str(SHARED),
            "--model",
            "stacked",
            "--epochs",
            "3",
            "--out",
            str(tmp_path / "m.keras"),
            "--json",
        ],
        capsys,
    )
    assert code == 0, err
    result = json.loads(out)
    assert result["val_bce"] < 0.15  # real digits are learned, not noise


def test_presets_lists_every_preset(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["presets"], capsys)
    assert code == 0
    names = [line.split()[0] for line in out.strip().splitlines()]
    assert names == list(PRESETS)


def test_info_describes_a_saved_model(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_file = tmp_path / "m.keras"
    assert (
        run_cli(
            [
                "train",
                "--model",
                "vae",
                "--epochs",
                "1",
                "--max-samples",
                "100",
                "--out",
                str(out_file),
            ],
            capsys,
        )[0]
        == 0
    )
    code, out, _ = run_cli(["info", str(out_file)], capsys)
    assert code == 0
    assert "vae" in out and "latent dim:   10" in out and "digits" in out
    assert "training device: CPU" in out or "training device: GPU (" in out


def test_a_folder_of_colour_pictures_trains_a_colour_conv_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from colour_folder import colour_folder

    folder = colour_folder(tmp_path / "photos", n=12)
    out_file = tmp_path / "colour.keras"
    args = ["train", "--data", str(folder), "--model", "conv", "--epochs", "1"]
    code, out, err = run_cli([*args, "--out", str(out_file)], capsys)
    assert code == 0, err
    from aeviewer.core.persistence import load_model

    ae = load_model(out_file).ae
    assert ae.input_shape == (32, 32, 3) and ae.model.output_shape[1:] == (32, 32, 3)
    code, out, _ = run_cli(["info", str(out_file)], capsys)
    assert code == 0
    assert "input shape:  32 x 32 x 3 (32x32 colour images)" in out
    assert "filters [16, 32, 64]" in out  # three halvings for 32 px: 4x4 at the bottom


@pytest.mark.parametrize(
    ("knobs", "expected"),
    [
        (
            "--model conv --filters 8,4 --coding-activation tanh --output-activation linear "
            "--loss mse --sparsity l1",
            {
                "filters": (8, 4),
                "coding_activation": "tanh",
                "output_activation": "linear",
                "sparsity": "l1",
                "loss": "mse",
            },
        ),
        (
            "--model stacked --sparsity kl --coding-activation sigmoid --sparsity-target 0.2",
            {"sparsity": "kl", "coding_activation": "sigmoid", "sparsity_target": 0.2},
        ),
    ],
)
def test_model_knobs_reach_the_saved_model(
    knobs: str, expected: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--filters, --coding-activation, --output-activation and --sparsity change the model
    that is built, trained and saved, not just its description."""
    import keras

    from aeviewer.core.persistence import load_model

    out_file = tmp_path / "m.keras"
    args = ["train", *knobs.split(), "--epochs", "1", "--max-samples", "64", "--out", str(out_file)]
    code, _, err = run_cli([*args, "--json"], capsys)
    assert code == 0, err
    ae = load_model(out_file).ae
    for name, value in expected.items():
        assert getattr(ae.options, name) == value, name
    coding = ae.encoder.get_layer("coding")
    assert coding.activation is keras.activations.get(expected["coding_activation"])
    assert coding.activity_regularizer is not None  # the penalty is really on the codes
    assert "sparsity_loss" in ae.metric_names
    out = ae.decoder.get_layer("reconstruction")
    assert out.activation is keras.activations.get(expected.get("output_activation", "sigmoid"))
    if "filters" in expected:
        convs = [ae.encoder.get_layer(f"encoder_conv_{i}").filters for i in (1, 2)]
        assert tuple(convs) == expected["filters"]


def test_train_greedy_runs_every_stage_then_fine_tunes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from aeviewer.core.persistence import load_model

    out_file = tmp_path / "g.keras"
    args = ["train", "--model", "stacked", "--greedy", "--pretrain-epochs", "1"]
    args += ["--epochs", "1", "--max-samples", "96", "--out", str(out_file), "--json"]
    code, out, err = run_cli(args, capsys)
    assert code == 0, err
    assert json.loads(out)["epochs"] == 1
    # stacked 784-100-30: two shallow autoencoders, then the whole stack.
    assert "Stage 1 of 3: a shallow autoencoder 784 → 100 → 784" in err
    assert "Stage 2 of 3: a shallow autoencoder 100 → 30 → 100, on the codes of stage 1" in err
    assert "Fine-tuning the stacked autoencoder" in err
    history = load_model(out_file).history
    assert len(history["stage1:loss"]) == len(history["stage2:loss"]) == 1
    assert len(history["loss"]) == 1 and "stage3:loss" not in history


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["train", "--data", "/nonexistent/x.npz", "--out", "m.keras"], "/nonexistent/x.npz"),
        (["train", "--lr", "-1", "--out", "m.keras"], "positive"),
        (["train", "--batch-size", "0", "--out", "m.keras"], "at least 1"),
        (["train", "--latent-dim", "0", "--out", "m.keras"], "at least 1"),
        (["train", "--classes", "", "--out", "m.keras"], "class"),
        (["train", "--classes", "42", "--out", "m.keras"], "42"),
        (["train", "--classes", "x", "--out", "m.keras"], "'x'"),
        (["train", "--lr", "1e9", "--out", "m.keras"], "(0, 10]"),
        (["train", "--lr", "nan", "--out", "m.keras"], "positive"),
        (["train", "--lr", "inf", "--out", "m.keras"], "positive"),
        (["train", "--epochs", "0", "--out", "m.keras"], "at least 1"),
        (["train", "--batch-size", "1000000", "--out", "m.keras"], "65536"),
        (["train", "--hidden", "0", "--out", "m.keras"], "hidden layer size"),
        (["train", "--out", "m.h5"], ".keras"),
        (["train", "--model", "nope", "--out", "m.keras"], "invalid choice"),
        (["train", "--sparsity", "l2", "--out", "m.keras"], "invalid choice"),
        (["train", "--coding-activation", "swish", "--out", "m.keras"], "invalid choice"),
        (["train", "--output-activation", "tanh", "--out", "m.keras"], "invalid choice"),
        (["train", "--output-activation", "linear", "--out", "m.keras"], "sigmoid output"),
        (["train", "--sparsity", "kl", "--out", "m.keras"], "sigmoid codes"),
        (["train", "--model", "vae", "--sparsity", "l1", "--out", "m.keras"], "vae"),
        (["train", "--model", "vae", "--coding-activation", "tanh", "--out", "m.keras"], "vae"),
        (["train", "--model", "conv", "--filters", "16,x", "--out", "m.keras"], "'16,x'"),
        (["train", "--model", "conv", "--filters", "0", "--out", "m.keras"], "conv filters"),
        (["train", "--model", "conv", "--filters", ",", "--out", "m.keras"], "at least one"),
        (
            ["train", "--model", "conv", "--dataset", "synthetic3d", "--out", "m.keras"],
            "needs images",
        ),
        (["train", "--filters", "16,32", "--out", "m.keras"], "no convolutions"),
        (["info", "/nonexistent.keras"], "no such file"),
    ],
)
def test_errors_are_one_line_with_exit_code_2(
    args: list[str],
    needle: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(args, capsys)
    assert code == 2
    assert len(err.strip().splitlines()) == 1, err
    assert needle in err and "Traceback" not in err
    assert not (tmp_path / "m.keras").exists()


def test_info_on_a_text_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "notes.keras"
    bad.write_text("hello")
    code, _, err = run_cli(["info", str(bad)], capsys)
    assert code == 2 and "notes.keras" in err and len(err.strip().splitlines()) == 1


def test_python_m_aeviewer_lists_the_presets() -> None:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    proc = subprocess.run(
        [sys.executable, "-m", "aeviewer", "presets"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert [line.split()[0] for line in proc.stdout.strip().splitlines()] == list(PRESETS)


def test_the_aeviewer_console_script_works() -> None:
    """The ``aeviewer`` command pip installs (pyproject's [project.scripts]), not the module."""
    script = Path(sys.executable).parent / "aeviewer"
    assert script.exists(), f"{script} is missing: pip install -e . makes it"
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    proc = subprocess.run(
        [str(script), "presets"], capture_output=True, text=True, env=env, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert [line.split()[0] for line in lines] == list(PRESETS)
    assert all(": " in line for line in lines)  # name, title: summary
    proc = subprocess.run(
        [str(script), "train", "--epochs", "0", "--out", "m.keras"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
