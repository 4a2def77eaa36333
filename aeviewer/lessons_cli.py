"""``aeviewer lessons``: one lesson per line, its NAME first, then its title."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from aeviewer.core.lessons import LESSONS


def cmd_lessons(argv: Sequence[str]) -> int:
    p = argparse.ArgumentParser(
        prog="aeviewer lessons", description="List the lessons (open one with --lesson NAME)."
    )
    p.parse_args(list(argv))
    width = max(len(lesson.name) for lesson in LESSONS)
    for lesson in LESSONS:
        print(f"{lesson.name:<{width}}  {lesson.title}")
    return 0
