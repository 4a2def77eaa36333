"""Lessons: set the app up for one demonstration of the course, and run the lesson's panel.

A lesson (aeviewer.core.lessons) names its data, model and panel; what the panel does is the
behaviour of its kind (aeviewer.gui.lessons), made when the lesson opens. This controller owns
what every lesson shares: opening and closing, the caption, the lesson's settings in the
controls, the marks on the latent view, runs starting and ending, and the jobs that train after
the run: their results carry the lesson and run they were asked for, and are dropped when
either has changed by the time they arrive.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QObject, QTimer, Slot
from PySide6.QtWidgets import QWidget

from aeviewer.core.lesson_needs import panel_reason
from aeviewer.core.lessons import LESSONS, Lesson, get_lesson
from aeviewer.core.models import get_preset
from aeviewer.core.requests import LatestRequest
from aeviewer.gui.layout import scrollable
from aeviewer.gui.lessons import BEHAVIOURS, LessonBehaviour
from aeviewer.gui.widgets.lesson_panels import LessonPanel
from aeviewer.gui.widgets.lesson_panels.latent_overlay import LatentOverlay

if TYPE_CHECKING:
    from aeviewer.gui.main_window import MainWindow


class LessonController(QObject):
    """The Lessons menu and the lesson panel: owns the open lesson and its behaviour."""

    _lesson_trainer: Any = None  # the run the panel's data belong to
    _lesson_stop: threading.Event | None = None
    _lesson_trainers: list[Any] | None = None  # comparison trainers of the running job
    _overlay: LatentOverlay | None = None
    _restart_pending: bool = False

    def __init__(self, w: MainWindow) -> None:
        super().__init__(w)
        self.w = w
        self.lesson: Lesson | None = None
        self.behaviour: LessonBehaviour[Any] | None = None  # the open lesson panel's
        self._lessons = LatestRequest()  # every open and close outdates the jobs before it
        self._opened = self._lessons.new()

    @property
    def panel(self) -> LessonPanel | None:
        """The open lesson's panel (``None`` without a lesson or for a lesson without one)."""
        return self.behaviour.panel if self.behaviour is not None else None

    def reset_views(self) -> None:
        """A new run: a path or crosses drawn on the old codes mean nothing now."""
        self.clear_marks()
        if self.lesson is not None:
            self.clear_results(running=False)

    # -- opening a lesson ---------------------------------------------------------------
    def open(self, name: str) -> bool:
        """Set data, model, views and caption for lesson ``name``."""
        try:
            lesson = get_lesson(name)
        except ValueError as exc:
            self.w.show_error(str(exc))
            return False
        if self.w.run.state.active:
            self.w.run.reset()
        self.stop_jobs()
        self._opened = self._lessons.new()  # results asked for before drop
        self.lesson = lesson
        self._apply_lesson_controls(lesson)
        self.w.noise_panel.set_noise(*lesson.noise)
        self.w.latent.set_kind(lesson.projection)
        number = LESSONS.index(lesson) + 1
        self.w.caption.setText(f"Lesson {number}: {lesson.title}. {lesson.caption}")
        self.w.caption.show()
        self.clear_marks()
        self._install_panel(lesson)
        self.w.clear_views()
        self.w.setWindowTitle(f"aeviewer: lesson {number}, {lesson.title}")
        return True

    def close(self) -> None:
        self.stop_jobs()
        self._opened = self._lessons.new()  # results asked for before drop
        self.lesson = None
        self.w.caption.hide()
        self.clear_marks()
        self._install_panel(None)

    # -- what a session keeps ------------------------------------------------------------
    def state(self) -> dict[str, Any]:
        """What the user chose in the open lesson, as plain JSON data for a session: the
        panel's controls (:meth:`LessonPanel.state`) and what its behaviour keeps (the
        interpolation's pair, whether the anomaly threshold was dragged, the draw of the
        generated samples); ``{}`` with no lesson open."""
        lesson, b = self.lesson, self.behaviour
        if lesson is None:
            return {}
        panel = b.panel.state() if b is not None else {}
        return {"lesson": lesson.name, "panel": panel, **(b.state() if b is not None else {})}

    def restore_state(self, state: Mapping[str, Any]) -> None:
        """Bring back a :meth:`state` saved with the lesson now open (after :meth:`open` and
        the session's data), silently: no refresh, run or job starts, so the caller's one
        refresh draws it. A state of another lesson is ignored; a damaged value keeps its
        default (a session file may be old or hostile)."""
        lesson, b = self.lesson, self.behaviour
        if lesson is None or not isinstance(state, Mapping) or state.get("lesson") != lesson.name:
            return
        if b is None:
            return
        saved = state.get("panel")
        if isinstance(saved, Mapping):
            b.panel.restore_state(saved)
        b.restore_state(state)

    def _apply_lesson_controls(self, lesson: Lesson) -> None:
        self.w.controls.set_settings(dataset=lesson.dataset, classes=lesson.classes)
        self.apply_preset(lesson.preset, lesson.options)
        self.w.controls.set_settings(epochs=lesson.epochs)

    def apply_preset(self, preset: str, options: dict[str, Any]) -> None:
        """Select ``preset`` with its defaults and ``options`` over them, in every box.

        Explicit, not left to the preset box's change signal: when the preset is already
        selected that signal does not fire, and a latent dim, batch size, learning rate or β
        the user had changed would survive into the lesson.
        """
        d = get_preset(preset).defaults.updated(**options)
        self.w.controls.set_settings(
            preset=preset,
            latent_dim=d.latent_dim,
            batch_size=d.batch_size,
            learning_rate=d.learning_rate,  # no run is under way to take it live
            extra=get_preset(preset).knob_value(d),
        )

    def _install_panel(self, lesson: Lesson | None) -> None:
        if self.behaviour is not None:
            self.behaviour.close()
        kind = lesson.panel if lesson is not None else None
        b = self.behaviour = BEHAVIOURS[kind](self, lesson) if lesson is not None and kind else None
        old = self.w.lesson_dock.widget()
        # A non-image lesson has nothing to show in the gallery or the canvas: its panel
        # takes the whole bottom row instead of sitting beside an empty box.
        images = lesson is None or lesson.dataset != "synthetic3d"
        self.w.gallery_dock.setVisible(images)
        self.w.draw_dock.setVisible(images)
        if b is None:
            self.w.lesson_dock.setWidget(QWidget())
            self.w.lesson_dock.hide()
        else:
            b.panel.set_message(b.waiting_message(running=False))
            self.w.lesson_dock.setWidget(scrollable(b.panel))
            self.w.lesson_dock.setWindowTitle(f"Lesson: {b.lesson.title}")
            self.w.lesson_dock.show()
        if old is not None:
            old.deleteLater()  # setWidget keeps the old panel alive otherwise
        if b is not None:
            b.installed()
        self.w.apply_default_layout()

    # -- marks on the latent view --------------------------------------------------------
    def overlay(self) -> LatentOverlay | None:
        """The open lesson's marks on the latent view (``None`` before the first)."""
        return self._overlay

    def marks(self) -> LatentOverlay:
        """The marks on the latent view, made on first use."""
        if self._overlay is None:
            self._overlay = LatentOverlay(self.w.latent_view.plot_widget.getPlotItem())
        return self._overlay

    def clear_marks(self) -> None:
        """The interpolation path, its dot, generated crosses and the manifold overlay go."""
        self.w.latent_view.set_path(None)
        if self._overlay is not None:
            self._overlay.clear()

    # -- filling the panel ---------------------------------------------------------------
    def refresh(self) -> None:
        """Recompute the lesson panel for the epoch on screen (cheap numpy)."""
        lesson, b, ds = self.lesson, self.behaviour, self.w.data.dataset
        snap = self.w.time_machine.view_snapshot()
        if lesson is None or ds is None or snap is None:
            return
        if snap.encoder.input_shape != ds.input_shape:
            return  # an epoch scrubbed back to, of a run on the data set shown before this one
        if lesson.course_point is not None and self.w.latent.clicked_point is None:
            x, y = lesson.course_point
            self.w.latent_view.set_click_marker(x, y)
            self.w.latent.decode_point(x, y)
        if b is None or self.update_reason():
            return
        if b.clears_message:
            b.panel.set_message("")
        b.refresh(ds, snap)

    def update_reason(self) -> str:
        """Say on the lesson panel why it cannot show the data set on screen (an image panel
        with points, the classifiers with one class), or clear that line.

        Returns
        -------
        str
            The reason, ``""`` when the panel can show the data set.
        """
        b, ds = self.behaviour, self.w.data.dataset
        if b is None or ds is None:
            return ""
        reason = panel_reason(b.lesson.panel, ds)
        b.panel.set_unavailable(reason)
        return reason

    def codes_shown(self, codes: np.ndarray) -> None:
        """The latent view shows new codes (live, between epoch ends too): for the sparse
        lesson's histograms."""
        if self.behaviour is not None:
            self.behaviour.codes_shown(codes)

    def sample_clicked(self, index: int) -> None:
        """A sample picked in the gallery (the interpolation's start and end)."""
        if self.behaviour is not None:
            self.behaviour.sample_clicked(index)

    def latent_clicked(self, x: float, y: float) -> None:
        """A click on the scatter (the interpolation picks the nearest sample shown)."""
        if self.behaviour is not None:
            self.behaviour.latent_clicked(x, y)

    # -- greedy stages: connected to the training thread's signals, so declared slots
    # (see PYSIDE-3124 in run.py)
    @Slot(str, str)
    def on_stage_changed(self, stage: str, title: str) -> None:
        """A greedy stage began: a new plot in the stages panel."""
        if self.behaviour is not None:
            self.behaviour.stage_changed(stage, title)

    @Slot(object)
    def on_batches_reported(self, chunk: Any) -> None:
        if self.behaviour is not None:
            self.behaviour.batches_reported(chunk)

    @Slot(float, object)
    def on_epoch_ended(self, x: float, report: Any) -> None:
        if self.behaviour is not None:
            self.behaviour.epoch_ended(x, report)

    # -- a run starts or ends ----------------------------------------------------------------
    def on_state_changed(self, state: str) -> None:
        """Forget the panel's results and marks when a run starts or is reset."""
        trainer = self.w.run.trainer
        if state in ("running", "paused") and trainer is not self._lesson_trainer:
            self._lesson_trainer = trainer  # a new run: its results replace the old ones
            self.clear_results(running=True)
        elif state in ("idle", "stopping") and trainer is None:
            self._lesson_trainer = None  # reset: the old run's results are stale
            self.clear_results(running=False)
            if state == "idle" and self._restart_pending:
                self._restart_pending = False
                QTimer.singleShot(0, self.w.run.start)

    def clear_results(self, running: bool) -> None:
        """The old run's results are stale (a new run, a reset, new data): forget them, and
        let the panel say what comes instead. Its own controls (mode, sliders) stay."""
        self.stop_jobs()
        b = self.behaviour
        if b is not None:
            b.clear()
        self.clear_marks()
        if b is not None:
            b.panel.set_message(b.waiting_message(running=running))
        self.update_reason()  # said at once, not after the first epoch

    def restart_with(self, change: Callable[[], Any]) -> None:
        """Reset, apply ``change`` to the control panel, and train again (once the reset run
        has ended, if one was running)."""
        if self.w.run.state.ongoing:
            self._restart_pending = True
            self.w.run.reset()
            change()
            return
        change()
        self.w.run.start()

    # -- jobs after the main run ---------------------------------------------------------
    def stop_jobs(self) -> None:
        """Ask the lesson's comparison trainings and classifiers to stop (thread-safe)."""
        stop, trainers = self._lesson_stop, self._lesson_trainers
        if stop is not None:
            stop.set()  # first: a trainer added after this sees it before it runs
        for t in list(trainers or []):
            t.stop()

    def job(self, name: str, fn: Any, then: Any, stop: Any) -> None:
        """Run ``fn`` on the training thread; ``then(result)`` only if the lesson and the
        run it was asked for are still the ones on screen."""
        opened, trainer = self._opened, self.w.run.trainer

        def done(result: Any) -> None:
            if not self._lessons.is_current(opened) or self.w.run.trainer is not trainer:
                return  # a reset, a new run or another lesson since: not this panel's result
            then(result)

        self.w.jobs.request(name, fn, done, stop)

    def start_followup(self) -> None:
        """After training: the behaviour's job (comparison models, or classifiers)."""
        lesson, trainer, ds = self.lesson, self.w.run.trainer, self.w.data.dataset
        b = self.behaviour
        if lesson is None or trainer is None or ds is None or trainer.ae is None:
            return
        self.stop_jobs()
        stop = threading.Event()
        trainers: list[Any] = []
        self._lesson_stop, self._lesson_trainers = stop, trainers
        followup = b.followup(ds, trainer, stop, trainers) if b is not None else None
        if followup is not None:
            self.job(followup.name, followup.fn, followup.then, self.stop_jobs)
