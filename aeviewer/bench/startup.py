"""Start-up: ``python -m aeviewer`` in a fresh process, to its window shown and ready to train.

The app prints the two times itself (:mod:`aeviewer.bench.probe`, which the app installs as
its window hook, ``AEVIEWER_WINDOW_HOOK``), measured from the ``time.time()`` this process
takes just before it starts the child, so interpreter start-up counts.

The launches share a fresh, empty cache folder (``AEVIEWER_CACHE_DIR``): the first one is a
cold start, as a lecturer's first on a new machine (it reads the bundled MNIST files and fills
the cache), the others find what it cached, as every later start does. The figure is the
median; the note gives the cold launch on its own.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from aeviewer.app import WINDOW_HOOK_ENV
from aeviewer.bench.probe import HOOK, T0_ENV
from aeviewer.bench.report import Results, median


def launch_once(cache_dir: str | os.PathLike[str], timeout_s: float = 120.0) -> tuple[float, float]:
    """Seconds to ``window_shown`` and to ``ready`` of one launch using ``cache_dir`` as the
    app's cache."""
    with tempfile.TemporaryDirectory(prefix="aeviewer-bench-") as tmp:
        env = {
            **os.environ,
            "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
            "AEVIEWER_SETTINGS": str(Path(tmp) / "settings.ini"),
            "AEVIEWER_CACHE_DIR": str(cache_dir),
            WINDOW_HOOK_ENV: HOOK,
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
    with tempfile.TemporaryDirectory(prefix="aeviewer-bench-cache-") as cache:
        runs = [launch_once(cache) for _ in range(launches)]
    shown = [r[0] for r in runs]
    ready = [r[1] for r in runs]
    how = f"median of {launches} launch{'es' if launches != 1 else ''} of `python -m aeviewer`"
    how += " (the bundled MNIST test set)"
    cold = "the only launch is cold" if launches == 1 else "the first is cold"
    results.set(
        "startup_window_s",
        median(shown),
        f"{how}, {cold} (empty cache): {', '.join(f'{v:.2f}' for v in shown)}; "
        f"cold {shown[0]:.2f} s; to the window's first paint",
    )
    results.set(
        "startup_ready_s",
        median(ready),
        f"{', '.join(f'{v:.2f}' for v in ready)}; cold {ready[0]:.2f} s; TensorFlow "
        "imported in the background",
    )
