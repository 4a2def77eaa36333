"""Start-up: ``python -m aeviewer`` in a fresh process, to its window shown and ready to train.

The app prints the two times itself (:mod:`aeviewer.bench.probe`, installed by ``app.py``
when ``AEVIEWER_STARTUP_PROBE=1``), measured from the ``time.time()`` this process takes just
before it starts the child, so interpreter start-up counts.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from aeviewer.bench.probe import PROBE_ENV, T0_ENV
from aeviewer.bench.report import Results, median


def launch_once(timeout_s: float = 120.0) -> tuple[float, float]:
    """Seconds to ``window_shown`` and to ``ready`` of one launch."""
    with tempfile.TemporaryDirectory(prefix="aeviewer-bench-") as tmp:
        env = {
            **os.environ,
            "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
            "AEVIEWER_SETTINGS": str(Path(tmp) / "settings.ini"),
            PROBE_ENV: "1",
        }
        env[T0_ENV] = repr(time.time())
        proc = subprocess.run(
            [sys.executable, "-m", "aeviewer", "--no-restore"],
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout_s,
        )
    times = {}
    for line in proc.stdout.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] in ("window_shown", "ready"):
            times[parts[0]] = float(parts[1])
    if proc.returncode != 0 or len(times) != 2:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"the app exited with code {proc.returncode}: {tail}")
    return times["window_shown"], times["ready"]


def run(results: Results, launches: int = 3) -> None:
    runs = [launch_once() for _ in range(launches)]
    shown = [r[0] for r in runs]
    ready = [r[1] for r in runs]
    how = f"median of {launches} launches of `python -m aeviewer` (digits)"
    results.set(
        "startup_window_s",
        median(shown),
        f"{how}: {', '.join(f'{v:.2f}' for v in shown)}; to the window's first paint",
    )
    results.set(
        "startup_ready_s",
        median(ready),
        f"{', '.join(f'{v:.2f}' for v in ready)}; TensorFlow imported in the background",
    )
