"""`aeviewer bench --quick`: the suite's plumbing end to end (no timed assertions)."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

from aeviewer.bench import parser
from aeviewer.bench.report import KEYS, TARGETS, Results, percentile


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
        timeout=240,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    data = json.loads(out.read_text())
    assert list(data) == list(KEYS) and len(KEYS) == 15
    for key, value in data.items():
        if key.startswith("quality_") and value is None:
            continue  # no MNIST files beside the repository: the rows say "skipped"
        assert isinstance(value, (int, float)) and math.isfinite(value), (key, value)
    assert "Traceback" not in proc.stderr
    table = proc.stdout
    for key in KEYS:
        assert key in table
    assert "bench:" in table and ("pass" in table or "FAIL" in table)


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


def test_percentile_and_parser() -> None:
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0], 50) == 3.0
    assert percentile([0.0, 10.0], 95) == 9.5
    assert math.isnan(percentile([], 50))
    args = parser().parse_args(["--json", "x.json", "--long", "--only", "speed"])
    assert args.json == "x.json" and args.long and args.only == "speed"
