"""The comparison models a lesson names (the tied autoencoder, the plain one of the denoising
ladder, ...): trained after the main run, on the training thread, for as many epochs."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from typing import Any

from aeviewer.core.datasets import Dataset
from aeviewer.core.lessons import Lesson
from aeviewer.core.models import get_preset


def comparison_job(
    lesson: Lesson, ds: Dataset, epochs: int, stop: threading.Event, trainers: list[Any]
) -> Callable[[], list[dict[str, Any]]]:
    """A job that trains ``lesson.compare`` on ``ds`` and returns each model's title, parameter
    count, last validation loss and weight snapshot (``[]`` or fewer models once ``stop`` is
    set). Each trainer goes into ``trainers`` before it runs, so it can be stopped."""
    from aeviewer.core.inference import ModelSnapshot
    from aeviewer.core.training import Trainer, TrainingConfig

    specs = [
        (
            c.title or get_preset(c.preset).title,
            c.preset,
            get_preset(c.preset).defaults.updated(**c.options),
        )
        for c in lesson.compare
    ]

    def job() -> list[dict[str, Any]]:  # on the training thread: plain data out
        out = []
        for title, preset, options in specs:
            t = Trainer(ds, TrainingConfig(preset=preset, options=options, epochs=epochs))
            trainers.append(t)
            if stop.is_set():
                break
            t.run()
            if stop.is_set() or t.ae is None:
                break
            out.append(
                {
                    "title": title,
                    "params": t.ae.count_params(),
                    "val_loss": (t.history.get("val_loss") or [math.nan])[-1],
                    "snapshot": ModelSnapshot.capture(t.ae.encoder, t.ae.decoder, epochs, t.steps),
                }
            )
        return out

    return job
