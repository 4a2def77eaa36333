"""Regenerate the README's screenshots with the app itself (`make screenshots`).

Each one is `aeviewer [--lesson NAME] --autostart --quit-after-epochs N --screenshot FILE`,
run headless (QT_QPA_PLATFORM=offscreen) or on whatever display is set: the main window at
1280x720 (a common projector mode), the lessons at 1920x1080, or all at `--size WxH`
(`python tools/screenshots.py --size 1024x768 anomaly` checks a small projector). Their runs
autosave to a temporary folder, never among the user's recent runs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from aeviewer.core.lessons import LESSONS

OUT = Path(__file__).resolve().parents[1] / "docs" / "images"


def shoot(args: list[str], name: str, size: list[str]) -> None:
    target = OUT / name
    cmd = [
        sys.executable,
        "-m",
        "aeviewer",
        *args,
        *size,
        "--autostart",
        "--screenshot",
        str(target),
    ]
    print(" ".join(cmd[1:]), flush=True)
    with tempfile.TemporaryDirectory(prefix="aeviewer-shots-") as autosaves:
        env = {
            **os.environ,
            "AEVIEWER_SETTINGS": str(OUT / ".screenshots.ini"),
            "AEVIEWER_AUTOSAVE_DIR": autosaves,
        }
        subprocess.run(cmd, check=True, env=env, stderr=subprocess.DEVNULL)


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    argv = sys.argv[1:]
    size = argv[argv.index("--size") : argv.index("--size") + 2] if "--size" in argv else []
    only = set(argv) - set(size)
    tag = f"-{size[1]}" if size else ""  # the README's own images keep their sizes
    if not only or "main" in only:
        main_size = size or ["--size", "1280x720"]
        args = ["--model", "vanilla", "--quit-after-epochs", "20"]
        shoot(args, f"main-window{tag}.png", main_size)
    for lesson in LESSONS:
        if only and lesson.name not in only:
            continue
        shoot(
            ["--lesson", lesson.name, "--quit-after-epochs", str(lesson.epochs)],
            f"lesson-{lesson.name}{tag}.png",
            size,
        )
    (OUT / ".screenshots.ini").unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
