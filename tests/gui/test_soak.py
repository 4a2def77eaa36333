"""The soak's short version: `python -m aeviewer.soak --minutes 2` must PASS.

`make soak` runs the same for 30 minutes (see docs/reliability.md). Here it runs offscreen
(the suite sets QT_QPA_PLATFORM), in its own process, with every view live.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
    for check in ("RSS growth", "OS threads", "getrefcount(None)", "getrefcount(True)"):
        assert check in out
