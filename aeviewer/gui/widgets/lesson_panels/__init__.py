"""Lesson panels: one widget per demonstration, fed with results from
:mod:`aeviewer.core.analysis` by the main window.

Each panel exposes setters and past-tense signals and holds no training state. Signals report
the user's changes only (slider, spin box, dragged line, switch); the matching setters are
silent, so the main window can push state back without feedback loops. Every panel has
``set_title``, ``set_message`` (large and grey in place of the content until new data
arrive), ``set_unavailable`` (the one line that says why the panel cannot show the data set,
in place of the content), ``set_note`` (a large bold line over the content) and
``apply_theme()``.

A panel with controls of its own keeps them across sessions: ``state()`` returns them as plain
JSON values, and ``restore_state(state)`` sets them back silently, ignoring unknown keys and
keeping the default for a damaged value (a session file may be old or hostile).
"""

from __future__ import annotations

from aeviewer.gui.widgets.lesson_panels._base import (
    KeepsState,
    LessonPanel,
    saved_choice,
    saved_flag,
    saved_int,
    saved_number,
)
from aeviewer.gui.widgets.lesson_panels.accuracy import AccuracyPanel
from aeviewer.gui.widgets.lesson_panels.beta import BetaControl
from aeviewer.gui.widgets.lesson_panels.cloud3d import CloudView, Plane
from aeviewer.gui.widgets.lesson_panels.compare import ComparePanel
from aeviewer.gui.widgets.lesson_panels.generation import GenerationPanel
from aeviewer.gui.widgets.lesson_panels.histogram import HistogramPanel
from aeviewer.gui.widgets.lesson_panels.interpolation import InterpolationPanel
from aeviewer.gui.widgets.lesson_panels.ladder import LadderPanel
from aeviewer.gui.widgets.lesson_panels.manifold import ManifoldPanel
from aeviewer.gui.widgets.lesson_panels.side_by_side import SideBySidePanel
from aeviewer.gui.widgets.lesson_panels.stages import StagesPanel

__all__ = [
    "AccuracyPanel",
    "BetaControl",
    "CloudView",
    "ComparePanel",
    "GenerationPanel",
    "HistogramPanel",
    "InterpolationPanel",
    "KeepsState",
    "LadderPanel",
    "LessonPanel",
    "ManifoldPanel",
    "Plane",
    "SideBySidePanel",
    "StagesPanel",
    "saved_choice",
    "saved_flag",
    "saved_int",
    "saved_number",
]
