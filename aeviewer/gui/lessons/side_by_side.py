"""Lesson 6: stacked against tied weights, the same validation samples reconstructed by each
model, with its parameter count and validation loss."""

from __future__ import annotations

import numpy as np

from aeviewer.core.datasets import Dataset
from aeviewer.core.inference import ModelSnapshot
from aeviewer.core.models import get_preset
from aeviewer.gui.lessons.base import LessonBehaviour, model_title
from aeviewer.gui.widgets import lesson_panels as panels


class SideBySideBehaviour(LessonBehaviour[panels.SideBySidePanel]):
    """Rows of reconstructions: the run's model, then each comparison model after the run."""

    clears_message = False  # the waiting message stays until the run has finished

    def build(self) -> panels.SideBySidePanel:
        return panels.SideBySidePanel()

    def refresh(self, ds: Dataset, snap: ModelSnapshot) -> None:
        panel, run = self.panel, self.w.run
        x = np.asarray(ds.x_val[:8], np.float32)
        title = get_preset(self.w.controls.preset()).title
        params = run.model_info.get("params") if run.model_info else None
        records = self.w.time_machine.history.records
        loss = records[-1].logs.get("val_loss") if records else None
        rows = [("Original", x), (model_title(title, params, loss), snap.reconstruct(x))]
        for m in self.compared_models():
            name = model_title(m["title"], m["params"], m["val_loss"])
            rows.append((name, m["snapshot"].reconstruct(x)))
        panel.set_rows(rows)
        if not self.compared_models():
            panel.set_note("")
            if run.state == "finished":
                panel.set_message("")
