"""The soak's short version: `python -m aeviewer.soak --minutes 2` must PASS.

`make soak` runs the same for 30 minutes (see docs/reliability.md). Here it runs offscreen
(the suite sets QT_QPA_PLATFORM), in its own process, with every view live.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest

from aeviewer import soak

ROOT = Path(__file__).resolve().parents[2]


def test_two_minute_soak_passes(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "AEVIEWER_AUTOSAVE_DIR": str(tmp_path)}
    proc = subprocess.run(
        [sys.executable, "-m", "aeviewer.soak", "--minutes", "2", "--sample", "10"],
        capture_output=True,
        text=True,
        timeout=420,
        cwd=ROOT,
        env=env,
    )
    out = proc.stdout
    assert proc.returncode == 0 and out.strip().endswith("PASS"), out + proc.stderr[-3000:]
    assert "display: QT_QPA_PLATFORM=offscreen" in out
    for check in (
        "RSS growth",
        "OS threads",
        "getrefcount(None)",
        "getrefcount(True)",
        "autosaves written",
    ):
        assert check in out


# -- the report's judgement, on made-up samples (no window: these take milliseconds) -----------


def _samples(minutes: float, mb_per_min: float, every_s: float = 10.0) -> list[soak.Sample]:
    n = int(60 * minutes / every_s) + 1
    return [
        soak.Sample(
            i * every_s, 10 + i, 100 * i, 500 + mb_per_min * i * every_s / 60, 30, 9000, 4000, 20.0
        )
        for i in range(n)
    ]


def _passes(samples: list[soak.Sample], minutes: float, saves: tuple[int, int]) -> bool:
    return soak._report(samples, soak.Counters(), 0.5, True, 1000, minutes, saves)


def test_a_leak_fails_a_short_soak_and_normal_growth_passes(capsys: pytest.CaptureFixture) -> None:
    assert soak.rss_growth_limit(2) == soak.RSS_GROWTH_FLOOR_MB
    assert soak.rss_growth_limit(30) == 30 * soak.MAX_RSS_GROWTH_MB_PER_MIN
    assert soak.rss_growth_limit(600) == soak.MAX_RSS_GROWTH_MB
    assert not _passes(_samples(2, mb_per_min=100), 2, (1, 0))  # 200 MB in 2 min
    assert _passes(_samples(2, mb_per_min=5), 2, (1, 0))
    assert not _passes(_samples(30, mb_per_min=20), 30, (15, 0))  # 600 MB in 30 min
    assert _passes(_samples(30, mb_per_min=5), 30, (15, 0))


def test_a_one_time_warm_up_passes_but_not_a_late_jump_or_a_huge_warm_up() -> None:
    """Memory taken once in the first seconds of activity is no leak; the same after the
    warm-up, or a warm-up of hundreds of MB, fails."""

    def jump(at_s: float, mb: float) -> list[soak.Sample]:
        return [
            dataclasses.replace(s, rss_mb=s.rss_mb + (mb if s.t >= at_s else 0))
            for s in _samples(2, mb_per_min=0)
        ]

    assert _passes(jump(10, 60), 2, (1, 0))  # within the warm-up
    assert not _passes(jump(soak.WARMUP_S + 10, 60), 2, (1, 0))
    assert not _passes(jump(10, soak.MAX_WARMUP_GROWTH_MB + 10), 2, (1, 0))


def test_the_end_rss_is_the_last_sample_not_the_least_of_several() -> None:
    samples = _samples(2, mb_per_min=0)
    samples[-1] = dataclasses.replace(samples[-1], rss_mb=samples[0].rss_mb + 100)
    assert not _passes(samples, 2, (1, 0))


def test_autosaves_must_happen_and_must_not_fail(capsys: pytest.CaptureFixture) -> None:
    flat = _samples(2, mb_per_min=0)
    assert _passes(flat, 2, (1, 0))
    assert not _passes(flat, 2, (0, 0))  # 2 minutes and no save
    assert not _passes(flat, 2, (3, 1))  # one failed
    assert _passes(_samples(1, mb_per_min=0), 1, (0, 0))  # too short to have saved
    assert "autosaves written (failed)" in capsys.readouterr().out


def test_missing_xcb_libraries_fall_back_to_offscreen_with_a_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """xvfb-run is there but Qt's xcb plugin aborts (exit code 134): say what to install."""
    fake = tmp_path / "xvfb-run"
    fake.write_text("#!/bin/sh\nexit 134\n")
    fake.chmod(0o755)
    monkeypatch.setattr(soak.shutil, "which", lambda name: str(fake))
    for name in ("DISPLAY", "QT_QPA_PLATFORM", soak.CHILD_ENV):
        monkeypatch.delenv(name, raising=False)
    assert soak._reexec_under_xvfb([]) is None
    assert os.environ["QT_QPA_PLATFORM"] == "offscreen"
    out = capsys.readouterr().out.strip()
    assert out.count("\n") == 0 and "exit code 134" in out
    assert "sudo apt-get install" in out and "Running offscreen instead" in out
    assert soak._debian_package("libxcb-cursor.so.0") == "libxcb-cursor0"
    assert soak._debian_package("libxkbcommon-x11.so.0") == "libxkbcommon-x11-0"
