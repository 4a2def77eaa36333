"""Lesson 8: denoising, the PSNR of the denoising autoencoder against the comparison models as
the noise grows (Gaussian noise, or parts switched off)."""

from __future__ import annotations

import numpy as np

from aeviewer.core import analysis
from aeviewer.core.datasets import Dataset
from aeviewer.core.inference import ModelSnapshot
from aeviewer.core.lesson_needs import sample_parts
from aeviewer.core.lessons import LADDER_LEVELS
from aeviewer.core.models import get_preset
from aeviewer.gui.lessons.base import LessonBehaviour
from aeviewer.gui.widgets import lesson_panels as panels

LADDER_SAMPLES = 100


class LadderBehaviour(LessonBehaviour[panels.LadderPanel]):
    """PSNR against the noise level, one line per model; the comparisons train after the run."""

    def build(self) -> panels.LadderPanel:
        lp = panels.LadderPanel()
        lp.show_kinds(True)
        lp.kind_changed.connect(self._on_panel_kind_changed)
        return lp

    def _on_panel_kind_changed(self, _kind: str) -> None:
        self.lessons.refresh()

    def refresh(self, ds: Dataset, snap: ModelSnapshot) -> None:
        panel = self.panel
        clean = np.asarray(ds.x_val[:LADDER_SAMPLES], np.float32)
        fns = {get_preset(self.w.controls.preset()).title: snap.reconstruct}
        for m in self.compared_models():
            fns[m["title"]] = m["snapshot"].reconstruct
        kind = panel.kind()
        levels = np.asarray(LADDER_LEVELS[kind])
        series = analysis.psnr_ladder(clean, list(levels), fns, kind=kind)
        parts = sample_parts(ds)
        x_label = "Gaussian noise σ" if kind == "gaussian" else f"fraction of {parts} switched off"
        panel.set_series(levels, series, x_label=x_label)
        if not self.compared_models():
            panel.set_note("The comparison autoencoders train after this one")
        else:
            panel.set_note("")
