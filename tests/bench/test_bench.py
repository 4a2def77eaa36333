"""`aeviewer bench --quick`: the suite's plumbing end to end (no timed assertions)."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from aeviewer.bench import parser
from aeviewer.bench.report import KEYS, TARGETS, Results, percentile
from aeviewer.core.memory import rss_mb


def test_quick_run_writes_exactly_the_keys(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "AEVIEWER_SETTINGS": str(tmp_path / "settings.ini"),
    }
    proc = subprocess.run(
        [sys.executable, "-m", "aeviewer", "bench", "--quick", "--json", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=420,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    data = json.loads(out.read_text())
    assert list(data) == list(KEYS) and len(KEYS) == 23
    for key, value in data.items():  # every row measured: the quality rows on bundled MNIST
        assert isinstance(value, (int, float)) and math.isfinite(value), (key, value)
    assert "Traceback" not in proc.stderr
    table = proc.stdout
    for key in KEYS:
        assert key in table
    assert "bench:" in table and ("pass" in table or "FAIL" in table)
    for key in ("rss_growth_mb ", "rss_growth_mb_60k"):
        memory_row = next(line for line in table.splitlines() if line.startswith(key))
        assert "heap " in memory_row and "mapped files " in memory_row
        assert "medians of the first and last" in memory_row and "their lowest" in memory_row
        assert "MNIST-shaped" in memory_row  # the full-size session's (small with --quick)
    epoch_row = next(line for line in table.splitlines() if line.startswith("epoch_view_ms_60k"))
    assert "scatter " in epoch_row and "time-machine record " in epoch_row


def test_resident_memory_and_its_parts() -> None:
    total, heap, files = rss_mb(), rss_mb("RssAnon"), rss_mb("RssFile")
    if math.isnan(total):
        return  # no /proc here: every part is NaN too
    assert 0 < heap < total and 0 < files < total
    assert heap + files <= total + 1  # VmRSS = RssAnon + RssFile + RssShmem (kB, rounded)
    assert math.isnan(rss_mb("NoSuchField"))


def test_results_table_marks_pass_fail_and_skips() -> None:
    r = Results()
    r.set("decode_p95_ms", 2.0, "fast")
    r.set("train_speedup_vae", 1.1, "slow")
    r.skip("quality_vae", "no data")
    assert r.status("decode_p95_ms") == "pass"
    assert r.status("train_speedup_vae") == "FAIL"
    assert r.status("quality_vae") == "skip"
    assert r.as_json()["quality_vae"] is None
    text = r.table()
    assert "FAIL" in text and "no data" in text
    assert "1 pass, 1 fail" in r.summary()
    assert {t.key for t in TARGETS} == set(KEYS)
    r.set("canvas_p95_ms", 3.0, "3 moves showed no image", failed=True)  # fast, but broken
    assert r.status("canvas_p95_ms") == "FAIL" and r.as_json()["canvas_p95_ms"] == 3.0
    assert "canvas_p95_ms" in r.summary()


def test_percentile_and_parser() -> None:
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0], 50) == 3.0
    assert percentile([0.0, 10.0], 95) == 9.5
    assert math.isnan(percentile([], 50))
    args = parser().parse_args(["--json", "x.json", "--long", "--only", "speed"])
    assert args.json == "x.json" and args.long and args.only == "speed"


def test_every_row_belongs_to_one_group() -> None:
    from aeviewer.bench import GROUP_KEYS, GROUPS, _groups

    owned = [k for g in GROUPS for k in GROUP_KEYS[g]]
    assert sorted(owned) == sorted(KEYS)
    assert _groups("speed_full,live_full") == ["live_full", "speed_full"]  # the suite's order


def test_recipes_follow_the_notes_batch_sizes() -> None:
    from aeviewer.bench import recipes

    vae = recipes.build("vae", (28, 28))
    assert vae.batch_size == 128 and "batch 128" in vae.summary  # the notes' fit(batch_size=128)
    alt = recipes.build("vae", (28, 28), recipes.ALTERNATIVE_BATCH["vae"])
    assert alt.batch_size == 32 and "batch 32" in alt.summary and alt.scored is not None
    assert recipes.build("vanilla", (28, 28)).batch_size == 50


def test_val_mse_scores_raw_outputs_and_bce_clips_them() -> None:
    from aeviewer.bench.quality import val_bce, val_mse

    x = np.zeros((2, 4, 4))
    y = np.full((2, 4, 4), -0.5)  # a linear output below 0
    assert val_mse(x, y) == 0.25
    assert val_bce(x, y) < 1e-6  # clipped to ~0: BCE cannot see this error
