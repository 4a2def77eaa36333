"""Lessons 9 and 12: histograms of the sparse code's activations, and of reconstruction
errors with a threshold that flags anomalies."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from aeviewer.core import analysis
from aeviewer.core.datasets import Dataset
from aeviewer.core.inference import ModelSnapshot
from aeviewer.core.lesson_needs import WORST_RECONSTRUCTIONS
from aeviewer.core.lessons import Lesson
from aeviewer.gui.lessons.base import LessonBehaviour
from aeviewer.gui.widgets import lesson_panels as panels

if TYPE_CHECKING:
    from aeviewer.gui.controllers.lessons import LessonController

ANOMALY_MAX = 2000  # validation samples scored at each epoch end (MNIST has 10,000)
TOP_K = 6  # worst reconstructions shown
ERROR_RANGE = (0.0, 1.0)  # the reconstruction MSE of samples in [0, 1]


class SparseBehaviour(LessonBehaviour[panels.HistogramPanel]):
    """Every activation of the code, and each unit's mean: most sit near zero."""

    def build(self) -> panels.HistogramPanel:
        return panels.HistogramPanel()

    def refresh(self, ds: Dataset, snap: ModelSnapshot) -> None:
        if self.w.latent.state.codes is not None:
            self.codes_shown(self.w.latent.state.codes)

    def codes_shown(self, codes: np.ndarray) -> None:
        e1, c1, e2, c2 = analysis.activation_histograms(codes)
        n, k = codes.shape
        self.panel.set_histograms(
            [
                (f"all {n * k:,} activations ({n:,} samples × {k} units)", e1, c1),
                (f"mean activation of each of the {k} units", e2, c2),
            ]
        )
        self.panel.set_note(
            f"mean activation {float(np.mean(codes)):.3f} · "
            f"{100 * float(np.mean(codes < 0.05)):.0f}% below 0.05"
        )


class AnomalyBehaviour(LessonBehaviour[panels.HistogramPanel]):
    """Reconstruction errors, a threshold (following the worst 5% until dragged) and the
    worst reconstructions."""

    def __init__(self, lessons: LessonController, lesson: Lesson) -> None:
        super().__init__(lessons, lesson)
        self.threshold_moved = False  # dragged by the user: it stays where it was put
        self._errors: np.ndarray | None = None

    def build(self) -> panels.HistogramPanel:
        h = panels.HistogramPanel(examples_beside=True, threshold_range=ERROR_RANGE)
        h.threshold_changed.connect(self._on_panel_threshold_changed)
        return h

    def clear(self) -> None:
        super().clear()
        self._errors = None

    def refresh(self, ds: Dataset, snap: ModelSnapshot) -> None:
        panel = self.panel
        # At most ANOMALY_MAX samples, the same ones every epoch: the GUI thread reconstructs
        # them at each epoch end (about 20 ms for 2,000 digits through the stacked model).
        rows = analysis.subsample(ds.n_val, ANOMALY_MAX, seed=11)
        x = np.asarray(ds.x_val[rows], np.float32)
        recon = snap.reconstruct(x)
        errors = analysis.reconstruction_errors(x, recon)
        counts, edges = np.histogram(errors, bins=40)
        scored = "" if len(rows) == ds.n_val else f" ({len(rows):,} samples)"
        panel.set_histograms([(f"Reconstruction error (MSE){scored}", edges, counts)])
        if panel.threshold() is None or not self.threshold_moved:
            # Until the lecturer drags it, the line follows the worst 5% as errors shrink.
            panel.set_threshold(analysis.threshold_for_fraction(errors, 0.05))
        reason = WORST_RECONSTRUCTIONS.reason(ds)
        panel.set_examples_unavailable(reason)
        if reason:
            panel.set_examples(None, None)
        else:
            worst = analysis.top_k_worst(errors, TOP_K)
            panel.set_examples(
                x[worst],
                recon[worst],
                [f"{errors[k]:.3f}" for k in worst],
                title=f"The {len(worst)} worst reconstructions (MSE under each)",
            )
        self._errors = errors
        self._show_count()

    def _on_panel_threshold_changed(self, _value: float) -> None:
        self.threshold_moved = True
        self._show_count()

    def _show_count(self) -> None:
        threshold, errors = self.panel.threshold(), self._errors
        if errors is None or threshold is None:
            return
        above = int(np.sum(errors > threshold))
        self.panel.set_note(f"{above} of {len(errors)} samples above the threshold")

    def state(self) -> dict[str, Any]:
        return {"threshold_moved": bool(self.threshold_moved)}

    def restore_state(self, state: Mapping[str, Any]) -> None:
        moved = panels.saved_flag(state, "threshold_moved")
        if moved is not None:
            self.threshold_moved = moved
