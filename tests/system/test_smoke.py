"""The real app in a subprocess, as `make run` starts it, scripted to train one epoch."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PIL import Image


def test_app_trains_an_epoch_takes_a_screenshot_and_exits(tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "AEVIEWER_SETTINGS": str(tmp_path / "settings.ini"),
    }
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "aeviewer",
            "--model",
            "stacked",
            "--max-samples",
            "300",
            "--autostart",
            "--quit-after-epochs",
            "1",
            "--screenshot",
            str(shot),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    with Image.open(shot) as img:
        assert img.format == "PNG"
        assert img.width >= 1000 and img.height >= 600
        # Not a blank frame: a trained window has many distinct colours.
        assert len(img.convert("RGB").getcolors(1 << 20) or []) > 50
    assert "Traceback" not in proc.stderr


def test_bad_data_path_fails_with_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run(
        [sys.executable, "-m", "aeviewer", "--data", str(tmp_path / "nope.npz")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "nope.npz" in proc.stderr


def test_the_window_icon_is_shipped_and_renders(qapp) -> None:
    from aeviewer.app import app_icon

    image = app_icon().pixmap(64, 64).toImage()
    assert not image.isNull() and image.width() == 64
    # the hourglass's blue half is drawn, not an empty or missing-file icon
    left = image.pixelColor(16, 32)
    assert left.blue() > 200 and left.red() < 120, left.name()
