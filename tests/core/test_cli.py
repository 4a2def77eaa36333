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
from aeviewer.core.models import PRESETS, build_autoencoder

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
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


@pytest.mark.skipif(not SHARED.exists(), reason="needs ../shared/data (real MNIST test set)")
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


def test_entry_points_and_core_imports_no_qt(tmp_path: Path) -> None:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    proc = subprocess.run(
        [sys.executable, "-m", "aeviewer", "presets"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0 and "stacked" in proc.stdout
    code = (
        "import sys, aeviewer.core.training, aeviewer.core.persistence, aeviewer.core.inference,"
        " aeviewer.core.greedy, aeviewer.core.datasets, aeviewer.core.images, aeviewer.core.noise;"
        " from aeviewer.core.models import build_autoencoder;"
        " qt = ('PySide6', 'pyqtgraph', 'shiboken6');"
        " bad = [m for m in sys.modules if m.split('.')[0] in qt];"
        " print(bad); sys.exit(1 if bad else 0)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
