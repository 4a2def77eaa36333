"""What every lesson behaviour can do, as no-ops: a behaviour overrides what its panel needs.

A behaviour lives from the lesson's opening to its closing (or the next lesson): it builds the
lesson's panel, fills it for the epoch on screen, answers clicks on the gallery and the latent
view, and names the job that trains after the run. The :class:`LessonController` owns the
lifecycle around it (the run, the jobs' tokens, the marks on the latent view) and calls it.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import numpy as np

from aeviewer.core.datasets import Dataset
from aeviewer.core.inference import ModelSnapshot
from aeviewer.core.lessons import Lesson
from aeviewer.core.models import get_preset
from aeviewer.gui.lessons.comparison import comparison_job
from aeviewer.gui.widgets.lesson_panels import LessonPanel

if TYPE_CHECKING:
    from aeviewer.gui.controllers.lessons import LessonController

P = TypeVar("P", bound=LessonPanel)

START_MESSAGE = "Press Start: this panel fills in after the first epoch"
RUN_MESSAGE = "This panel fills in after the first epoch"


@dataclass(frozen=True)
class Followup:
    """A job that trains after the run: ``fn()`` on the training thread, ``then(result)`` back
    on the GUI thread (only if the lesson and run are still the ones it was asked for)."""

    name: str
    fn: Callable[[], Any]
    then: Callable[[Any], None]


class LessonBehaviour(Generic[P]):
    """One lesson panel kind: its panel, how it fills, what clicks do, what trains after.

    Parameters
    ----------
    lessons : LessonController
        The controller that opened the lesson (``lessons.w`` is the window).
    lesson : Lesson
        The lesson opened.
    """

    #: What the panel waits for after the run ("" if it fills in at the first epoch)
    after_run: str = ""
    #: Whether a refresh clears the waiting message (panels that wait for a job keep it)
    clears_message: bool = True

    def __init__(self, lessons: LessonController, lesson: Lesson) -> None:
        self.lessons = lessons
        self.w = lessons.w
        self.lesson = lesson
        self.compare: dict[str, Any] | None = None  # the follow-up job's result
        self.panel: P = self.build()

    def build(self) -> P:
        """Make the panel and connect its signals (called once, by ``__init__``)."""
        raise NotImplementedError

    def waiting_message(self, running: bool) -> str:
        """What the panel says before its data arrive."""
        if self.after_run:
            return ("Training: " if running else "Press Start: ") + self.after_run
        return RUN_MESSAGE if running else START_MESSAGE

    def installed(self) -> None:
        """The panel is in its dock: start following other views."""

    def close(self) -> None:
        """The lesson closes: let go of other views (the panel itself is deleted later)."""

    def clear(self) -> None:
        """The run's results are stale (a new run, a reset, new data, another lesson): forget
        them. The panel's own controls stay."""
        self.compare = None

    def refresh(self, ds: Dataset, snap: ModelSnapshot) -> None:
        """Fill the panel for the epoch on screen (cheap numpy, on the GUI thread)."""

    def codes_shown(self, codes: np.ndarray) -> None:
        """The latent view shows new codes (live, between epoch ends too)."""

    def sample_clicked(self, index: int) -> None:
        """A validation sample was picked in the gallery."""

    def latent_clicked(self, x: float, y: float) -> None:
        """A click on the latent view at ``(x, y)``."""

    def stage_changed(self, stage: str, title: str) -> None:
        """The training thread began a new greedy stage."""

    def batches_reported(self, chunk: Any) -> None:
        """The training thread reported a chunk of batches."""

    def epoch_ended(self, x: float, report: Any) -> None:
        """The training thread ended an epoch at ``x`` on the loss plot's axis."""

    def followup(
        self, ds: Dataset, trainer: Any, stop: threading.Event, trainers: list[Any]
    ) -> Followup | None:
        """The job to train once the run has finished: the lesson's comparison models, if it
        names any. ``stop`` is set to stop it; a trainer it makes goes into ``trainers``."""
        if not self.lesson.compare:
            return None
        epochs = trainer.epochs_done or self.lesson.epochs
        job = comparison_job(self.lesson, ds, epochs, stop, trainers)
        self.panel.set_note(f"Training {comparison_names(self.lesson)} for comparison…")
        return Followup("compare", job, self._on_compare_ready)

    def _on_compare_ready(self, result: list[dict[str, Any]]) -> None:
        if not result:
            return  # stopped
        self.compare = {"models": result}
        self.panel.set_note("")
        self.lessons.refresh()

    def compared_models(self) -> list[dict[str, Any]]:
        """The comparison models trained after the run (``[]`` until they have)."""
        models: list[dict[str, Any]] = (self.compare or {}).get("models") or []
        return models

    def state(self) -> dict[str, Any]:
        """What the user chose beyond the panel's controls, as plain JSON data."""
        return {}

    def restore_state(self, state: Mapping[str, Any]) -> None:
        """Bring back :meth:`state` silently; a damaged value keeps its default."""


def comparison_names(lesson: Lesson) -> str:
    """The titles of ``lesson``'s comparison models, joined with "and"."""
    return " and ".join(c.title or get_preset(c.preset).title for c in lesson.compare)


def labels(ds: Dataset, rows: np.ndarray | None = None) -> np.ndarray | None:
    """The validation labels (of ``rows``), ``None`` for unlabelled data."""
    if ds.y_val is None:
        return None
    y = np.asarray(ds.y_val)
    return y if rows is None else y[rows]


def name_of(ds: Dataset, index: int) -> str:
    """A validation sample as the hints name it: "a 3 (#5)", or "#5" without class names."""
    y = labels(ds)
    if y is None or not ds.class_names:
        return f"#{index}"
    return f"a {ds.class_names[int(y[index])]} (#{index})"


def model_title(title: str, params: int | None, val_loss: float | None) -> str:
    """A model's row title: its name, parameter count and validation loss."""
    parts = [title]
    if params:
        parts.append(f"{params:,} parameters")
    if val_loss is not None and math.isfinite(val_loss):
        parts.append(f"validation loss {val_loss:.4f}")
    return " · ".join(parts)
