"""The names of a greedy run's stages, shared by the trainer, the loss plot and sessions.

No TensorFlow here: the loss plot and the session loader use these at start-up.
"""

from __future__ import annotations

import re

#: The title of the stage that fine-tunes the whole stack after the greedy ones.
MAIN_STAGE_TITLE = "Fine-tuning the stacked autoencoder"


def stage_heading(k: int, n: int) -> str:
    """``"Stage k of n"``: the start of greedy stage ``k``'s title (a run of ``n`` stages,
    fine-tuning included)."""
    return f"Stage {k} of {n}"


def stage_label(title: str) -> str:
    """A stage marker's label: "Stage 2 of 3: ..." gives "stage 2", the fine-tuning stage's
    title "fine-tuning". A word or two: the whole title is in the status bar and the lesson's
    panel, and long labels of nearby markers ran into each other."""
    found = re.match(r"\s*stage\s+(\d+)", title, re.IGNORECASE)
    if found:
        return f"stage {found.group(1)}"
    words = title.split(":")[0].split()
    return words[0].lower() if words else ""


__all__ = ["MAIN_STAGE_TITLE", "stage_heading", "stage_label"]
