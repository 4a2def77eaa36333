"""Lesson behaviours: what each kind of lesson panel does, one small class per kind.

:data:`BEHAVIOURS` maps a lesson's ``panel`` (:class:`aeviewer.core.lessons.Lesson`) to its
behaviour (:class:`~aeviewer.gui.lessons.base.LessonBehaviour`): the
:class:`~aeviewer.gui.controllers.lessons.LessonController` makes one when the lesson opens and
calls it to build and fill the panel, for clicks on the gallery and the latent view, for the
training thread's stage reports and for the job that trains after the run. The panels
themselves are widgets in :mod:`aeviewer.gui.widgets.lesson_panels`.
"""

from __future__ import annotations

from typing import Any

from aeviewer.gui.lessons.base import Followup, LessonBehaviour
from aeviewer.gui.lessons.generation import GenerationBehaviour
from aeviewer.gui.lessons.histograms import AnomalyBehaviour, SparseBehaviour
from aeviewer.gui.lessons.interpolation import InterpolationBehaviour
from aeviewer.gui.lessons.ladder import LadderBehaviour
from aeviewer.gui.lessons.manifold import ManifoldBehaviour
from aeviewer.gui.lessons.pca import PcaCodesBehaviour, PcaCompareBehaviour
from aeviewer.gui.lessons.pretraining import PretrainingBehaviour
from aeviewer.gui.lessons.side_by_side import SideBySideBehaviour
from aeviewer.gui.lessons.stages import StagesBehaviour

__all__ = ["BEHAVIOURS", "Followup", "LessonBehaviour"]

#: The behaviour of each lesson panel kind
BEHAVIOURS: dict[str, type[LessonBehaviour[Any]]] = {
    "interpolation": InterpolationBehaviour,
    "manifold": ManifoldBehaviour,
    "histogram-sparse": SparseBehaviour,
    "histogram-anomaly": AnomalyBehaviour,
    "pca-compare": PcaCompareBehaviour,
    "pca-codes": PcaCodesBehaviour,
    "ladder": LadderBehaviour,
    "side-by-side": SideBySideBehaviour,
    "pretraining": PretrainingBehaviour,
    "generation": GenerationBehaviour,
    "stages": StagesBehaviour,
}
