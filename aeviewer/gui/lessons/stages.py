"""Lesson 7: greedy layer-wise pretraining, one loss plot per stage, fed by the training
thread's stage, batch and epoch reports."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import numpy as np

from aeviewer.core.lessons import Lesson
from aeviewer.gui.lessons.base import LessonBehaviour
from aeviewer.gui.widgets import lesson_panels as panels

if TYPE_CHECKING:
    from aeviewer.gui.controllers.lessons import LessonController


class StagesBehaviour(LessonBehaviour[panels.StagesPanel]):
    """Each stage's losses from 0 on its own plot: the loss plot's x at the stage's start is
    subtracted."""

    def __init__(self, lessons: LessonController, lesson: Lesson) -> None:
        super().__init__(lessons, lesson)
        self._x0: dict[str, float] = {}  # each stage's start on the loss plot's axis
        self._last_epoch_x = 0.0

    def build(self) -> panels.StagesPanel:
        return panels.StagesPanel()

    def clear(self) -> None:
        super().clear()
        self._x0 = {}
        self._last_epoch_x = 0.0
        self.panel.clear()

    def stage_changed(self, stage: str, title: str) -> None:
        if self.w.run.trainer is None:
            return
        self._x0[stage] = self._last_epoch_x
        # The heading of a small plot: "Stage 1 of 3: 784 → 100 → 784" is enough there.
        short = title.replace("a shallow autoencoder ", "")
        short = re.sub(r", on the codes of stage (\d+)", r" on stage \1's codes", short)
        self.panel.set_stage(stage, short)

    def batches_reported(self, chunk: Any) -> None:
        if self.w.run.trainer is None:
            return
        stage = chunk.last.stage
        x0 = self._x0.setdefault(stage, self._last_epoch_x)
        if stage not in self.panel.stage_names():
            self.panel.set_stage(stage, "Training")
        self.panel.add_batches(stage, np.asarray(chunk.epochs) - x0, chunk.losses)

    def epoch_ended(self, x: float, report: Any) -> None:
        if self.w.run.trainer is None:
            return
        x0 = self._x0.get(report.stage, self._last_epoch_x)
        self.panel.add_epoch(report.stage, x - x0, report.logs.get("val_loss"))
        self._last_epoch_x = float(x)
