"""Lesson 13: pretraining, a classifier on the trained encoder against the same network from
scratch, both with 10 labels per class; the two train after the autoencoder's run."""

from __future__ import annotations

import threading
from typing import Any

from aeviewer.core.datasets import Dataset
from aeviewer.core.inference import ModelSnapshot
from aeviewer.core.lesson_needs import panel_reason
from aeviewer.gui.lessons.base import Followup, LessonBehaviour
from aeviewer.gui.widgets import lesson_panels as panels


class PretrainingBehaviour(LessonBehaviour[panels.AccuracyPanel]):
    """Two accuracy bars against chance, filled once the classifiers have trained."""

    after_run = "the two classifiers train once the autoencoder has finished"
    clears_message = False  # the waiting message stays until the classifiers have trained

    def build(self) -> panels.AccuracyPanel:
        return panels.AccuracyPanel()

    def followup(
        self, ds: Dataset, trainer: Any, stop: threading.Event, trainers: list[Any]
    ) -> Followup | None:
        """The two classifiers, if the data set has labels of two classes or more."""
        y_train, y_val = ds.y_train, ds.y_val
        if panel_reason(self.lesson.panel, ds) or y_train is None or y_val is None:
            return None
        from aeviewer.core.pretraining import compare_pretraining

        encoder = trainer.ae.encoder

        def job() -> Any:
            return compare_pretraining(encoder, ds.x_train, y_train, ds.x_val, y_val, stop=stop)

        self.panel.set_message("Training two small classifiers on 10 labels per class…")
        return Followup("pretraining", job, self._on_classifiers_ready)

    def _on_classifiers_ready(self, r: Any) -> None:
        if getattr(r, "stopped", False):
            return
        self.compare = {"pretraining": r}
        self.lessons.refresh()

    def refresh(self, ds: Dataset, snap: ModelSnapshot) -> None:
        r = (self.compare or {}).get("pretraining")
        if r is None:
            return
        panel = self.panel
        panel.set_accuracies(
            [
                ("Pretrained encoder + classifier", r.pretrained_accuracy),
                ("Same network, from scratch", r.scratch_accuracy),
            ],
            chance=1.0 / max(r.classes, 1),
            detail=(
                f"Both trained on the same {r.labels_used} labels ({r.per_class} per class), the "
                f"pretrained encoder frozen; dashed: chance, {100 / max(r.classes, 1):.0f}%"
            ),
        )
        gain = 100 * (r.pretrained_accuracy - r.scratch_accuracy)
        if round(gain) == 0:
            panel.set_note("Pretraining makes no difference here")
        elif gain > 0:
            panel.set_note(f"Pretraining wins by {gain:.0f} points")
        else:
            panel.set_note(f"From scratch wins by {-gain:.0f} points")
        panel.set_message("")
