"""Lessons: set the app up for one demonstration of the course, and fill the lesson's panel.

A mixin of MainWindow. A lesson (aeviewer.core.lessons) names its data, model and panel; the
panel's numbers come from core.analysis using the weight snapshot of the epoch on screen.
Comparison models and classifiers train as jobs on the training thread after the main run;
their results carry the lesson and run they were asked for, and are dropped when either has
changed by the time they arrive.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Mapping
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QTimer, Slot
from PySide6.QtWidgets import QDockWidget, QWidget

from aeviewer.core import analysis
from aeviewer.core.datasets import Dataset
from aeviewer.core.inference import ModelSnapshot
from aeviewer.core.latent import identity_projection, interpolate_codes
from aeviewer.core.lesson_needs import CLOUD_3D, WORST_RECONSTRUCTIONS, panel_reason, sample_parts
from aeviewer.core.lessons import LADDER_LEVELS, LESSONS, Lesson, get_lesson
from aeviewer.core.models import get_preset
from aeviewer.gui import palette
from aeviewer.gui.layout import scrollable
from aeviewer.gui.widgets import lesson_panels as panels
from aeviewer.gui.widgets.lesson_panels.latent_overlay import LatentOverlay
from aeviewer.gui.window_state import WindowState

STRIP = 9
GENERATED = 16  # images in the generation panel
TRAIN_CODES_MAX = 2000  # training samples encoded to fit the generation lesson's Gaussian
ANOMALY_MAX = 2000  # validation samples scored at each epoch end (MNIST has 10,000)
TOP_K = 6  # worst reconstructions shown
ERROR_RANGE = (0.0, 1.0)  # the reconstruction MSE of samples in [0, 1]
LADDER_SAMPLES = 100
MANIFOLD_DEBOUNCE_MS = 250  # after the scatter stops moving, decode the grid again
START_MESSAGE = "Press Start: this panel fills in after the first epoch"
RUN_MESSAGE = "This panel fills in after the first epoch"
#: Panels that fill in only after the run (their comparison trains then)
AFTER_RUN = {
    "pretraining": "the two classifiers train once the autoencoder has finished",
}


def waiting_message(lesson: Lesson | None, running: bool) -> str:
    """What the lesson panel says before its data arrive."""
    after = AFTER_RUN.get(lesson.panel or "") if lesson is not None else None
    if after:
        return ("Training: " if running else "Press Start: ") + after
    return RUN_MESSAGE if running else START_MESSAGE


def _pca_plane(x: np.ndarray) -> np.ndarray:
    """``(N, 2)`` PCA codes of ``x``; 1-D samples lie on the first axis."""
    flat = np.asarray(x, np.float32).reshape(len(x), -1)
    k = min(2, *flat.shape)
    codes = analysis.pca_fit(flat, k)[2]
    return np.pad(codes, ((0, 0), (0, 2 - k)))


class LessonRelay(QObject):
    """Takes the training thread's reports for the lesson panel, in the GUI thread.

    A QObject of its own, with its own slots: connected to ``@Slot`` methods of the window's
    mixin, the worker's signals ran those methods in the training thread (PySide6 6.11, even
    with a queued connection), and the greedy lesson's plots were created there.
    """

    def __init__(self, window: LessonMixin, parent: QObject) -> None:
        super().__init__(parent)
        self._window = window

    @Slot(str, str)
    def on_stage_changed(self, stage: str, title: str) -> None:
        self._window.lesson_stage_changed(stage, title)

    @Slot(object)
    def on_batches_reported(self, chunk: Any) -> None:
        self._window.lesson_batches_reported(chunk)

    @Slot(float, object)
    def on_epoch_ended(self, x: float, report: Any) -> None:
        self._window.lesson_epoch_ended(x, report)


class LessonMixin(WindowState):
    """The Lessons menu and the lesson panel (mixed into MainWindow)."""

    lesson: Lesson | None
    lesson_panel: Any
    lesson_dock: QDockWidget
    gallery_dock: QDockWidget
    draw_dock: QDockWidget
    model_info: dict[str, Any]
    pair: list[int]
    compare: dict[str, Any] | None
    subspace_angle: float | None = None
    _threshold_moved: bool = False
    _pick: int | None = None  # the first sample of a pair being picked
    _errors: np.ndarray | None = None
    _lesson_serial: int = 0  # bumped by every open and close: results of older requests drop
    _lesson_trainer: Any = None  # the run the panel's data belong to
    _lesson_stop: threading.Event | None = None
    _lesson_trainers: list[Any] | None = None  # comparison trainers of the running job
    _overlay: LatentOverlay | None = None
    _manifold_timer: QTimer | None = None
    _manifold_vb: Any = None
    _cloud: Any = None
    _cache: dict[str, Any] | None = None
    _restart_pending: bool = False
    _generation_seed: int = 0
    _stage_x0: dict[str, float] | None = None
    _last_epoch_x: float = 0.0
    _lesson_relay: LessonRelay | None = None

    # -- opening a lesson ---------------------------------------------------------------
    def open_lesson(self, name: str) -> bool:
        """Set data, model, views and caption for lesson ``name``."""
        try:
            lesson = get_lesson(name)
        except ValueError as exc:
            self.show_error(str(exc))
            return False
        if self.state in ("running", "paused"):
            self.reset()  # type: ignore[attr-defined]
        self.stop_lesson_jobs()
        self._lesson_serial += 1
        self.lesson = lesson
        self._apply_lesson_controls(lesson)
        self.noise_panel.set_noise(*lesson.noise)
        self.set_projection_kind(lesson.projection)  # type: ignore[attr-defined]
        number = LESSONS.index(lesson) + 1
        self.caption.setText(f"Lesson {number}: {lesson.title}. {lesson.caption}")
        self.caption.show()
        self._forget_results()
        self._install_panel(lesson)
        self.clear_views()  # type: ignore[attr-defined]
        self.setWindowTitle(f"aeviewer: lesson {number}, {lesson.title}")  # type: ignore[attr-defined]
        return True

    def close_lesson(self) -> None:
        self.stop_lesson_jobs()
        self._lesson_serial += 1
        self.lesson = None
        self.caption.hide()
        self._forget_results()
        self._install_panel(None)

    def _forget_results(self) -> None:
        self.pair = []
        self._pick = None
        self.compare = None
        self.subspace_angle = None
        self._errors = None
        self._cache = {}
        self._stage_x0 = {}
        self._last_epoch_x = 0.0
        self._clear_lesson_marks()

    # -- what a session keeps ------------------------------------------------------------
    def lesson_state(self) -> dict[str, Any]:
        """What the user chose in the open lesson, as plain JSON data for a session: the
        panel's controls (:meth:`LessonPanel.state`), the interpolation's pair, whether the
        anomaly threshold was dragged, and the draw of the generated samples (``{}`` with no
        lesson open)."""
        lesson, panel = self.lesson, self.lesson_panel
        if lesson is None:
            return {}
        return {
            "lesson": lesson.name,
            "panel": panel.state() if isinstance(panel, panels.LessonPanel) else {},
            "pair": [int(i) for i in self.pair[:2]],
            "threshold_moved": bool(self._threshold_moved),
            "generation_seed": int(self._generation_seed),
        }

    def restore_lesson_state(self, state: Mapping[str, Any]) -> None:
        """Bring back a :meth:`lesson_state` saved with the lesson now open (after
        :meth:`open_lesson` and the session's data), silently: no refresh, run or job starts,
        so the caller's one refresh draws it. A state of another lesson is ignored; a damaged
        value keeps its default (a session file may be old or hostile)."""
        lesson, panel, ds = self.lesson, self.lesson_panel, self.dataset
        if lesson is None or not isinstance(state, Mapping) or state.get("lesson") != lesson.name:
            return
        saved = state.get("panel")
        if isinstance(panel, panels.LessonPanel) and isinstance(saved, Mapping):
            panel.restore_state(saved)
        pair = state.get("pair")
        n = ds.n_val if ds is not None else 0
        # Two rows of the data (ints, not bools): another data set's rows keep the default pair.
        if (
            isinstance(pair, list)
            and len(pair) == 2
            and all(type(i) is int and 0 <= i < n for i in pair)
        ):
            self.pair = list(pair)
        moved = panels.saved_flag(state, "threshold_moved")
        if moved is not None:
            self._threshold_moved = moved
        seed = panels.saved_int(state, "generation_seed", 0, 2**31 - 1)
        if seed is not None:
            self._generation_seed = seed

    def _apply_lesson_controls(self, lesson: Lesson) -> None:
        c = self.controls
        c.set_dataset(lesson.dataset)
        c.classes_edit.setText(lesson.classes)
        self._apply_preset(lesson.preset, lesson.options)
        c.epochs_spin.setValue(lesson.epochs)

    def _apply_preset(self, preset: str, options: dict[str, Any]) -> None:
        """Select ``preset`` with its defaults and ``options`` over them, in every box.

        Explicit, not left to the preset box's change signal: when the preset is already
        selected that signal does not fire, and a latent dim, batch size, learning rate or β
        the user had changed would survive into the lesson.
        """
        from aeviewer.gui.widgets.controls import EXTRA_KNOB

        c = self.controls
        c.set_preset(preset)
        d = get_preset(preset).defaults.updated(**options)
        c.latent_spin.setValue(d.latent_dim)
        c.batch_spin.setValue(d.batch_size)
        c.lr_spin.blockSignals(True)  # not a live change of a run: there is none now
        c.lr_spin.setValue(d.learning_rate)
        c.lr_spin.blockSignals(False)
        knob = EXTRA_KNOB.get(preset)
        if knob is not None:
            c.extra_spin.setValue(float(getattr(d, knob[0])))

    def _install_panel(self, lesson: Lesson | None) -> None:
        kind = lesson.panel if lesson else None
        self._watch_latent_range(False)
        self._cloud = None
        panel: QWidget | None = None
        if kind == "interpolation":
            p = panels.InterpolationPanel()
            p.alpha_changed.connect(self._on_lesson_panel_alpha_changed)
            p.set_alpha(0.5)  # the midpoint, where the morph and the blend differ most
            p.set_title("")  # the dock's title names the lesson: the room goes to the images
            p.set_hint("Click two samples in the gallery or the latent space")
            if lesson is not None and lesson.beta_slider:
                beta = p.beta_control()
                beta.set_beta(self.controls.extra_spin.value())
                beta.set_note("a new β applies to a new run")
                beta.beta_changed.connect(self._on_beta_control_beta_changed)
                beta.retrain_clicked.connect(self._on_beta_control_retrain_clicked)
                p.show_beta(True)
            panel = p
        elif kind == "manifold":
            m = panels.ManifoldPanel()
            m.grid_size_changed.connect(self._on_manifold_panel_grid_size_changed)
            m.refresh_clicked.connect(self.refresh_lesson)
            m.set_overlay(True)
            m.overlay_toggled.connect(self._on_manifold_panel_overlay_toggled)
            panel = m
        elif kind == "histogram-sparse":
            panel = panels.HistogramPanel()
        elif kind == "histogram-anomaly":
            h = panels.HistogramPanel(examples_beside=True, threshold_range=ERROR_RANGE)
            h.threshold_changed.connect(self._on_lesson_panel_threshold_changed)
            self._threshold_moved = False
            panel = h
        elif kind == "pca-compare":
            cp = panels.ComparePanel()
            self._cloud = panels.CloudView("")
            cp.add_leading(self._cloud, 1)
            panel = cp
        elif kind == "pca-codes":
            panel = panels.ComparePanel()
        elif kind == "ladder":
            lp = panels.LadderPanel()
            lp.show_kinds(True)
            lp.kind_changed.connect(self._on_ladder_panel_kind_changed)
            panel = lp
        elif kind == "side-by-side":
            panel = panels.SideBySidePanel()
        elif kind == "pretraining":
            panel = panels.AccuracyPanel()
        elif kind == "generation":
            g = panels.GenerationPanel()
            g.mode_changed.connect(self._on_generation_panel_mode_changed)
            g.resample_clicked.connect(self._on_generation_panel_resample_clicked)
            panel = g
        elif kind == "stages":
            panel = panels.StagesPanel()
        old = self.lesson_dock.widget()
        self.lesson_panel = panel
        # A non-image lesson has nothing to show in the gallery or the canvas: its panel
        # takes the whole bottom row instead of sitting beside an empty box.
        images = lesson is None or lesson.dataset != "synthetic3d"
        self.gallery_dock.setVisible(images)
        self.draw_dock.setVisible(images)
        if panel is None:
            self.lesson_dock.setWidget(QWidget())
            self.lesson_dock.hide()
        else:
            if hasattr(panel, "set_message"):
                panel.set_message(waiting_message(lesson, running=False))
            self.lesson_dock.setWidget(scrollable(panel))
            self.lesson_dock.setWindowTitle(f"Lesson: {lesson.title if lesson else ''}")
            self.lesson_dock.show()
        if old is not None:
            old.deleteLater()  # setWidget keeps the old panel alive otherwise
        if kind == "manifold":
            self._watch_latent_range(True)
        self.apply_default_layout()  # type: ignore[attr-defined]

    # -- marks on the latent view --------------------------------------------------------
    def lesson_overlay(self) -> LatentOverlay | None:
        """The open lesson's marks on the latent view (``None`` before the first)."""
        return self._overlay

    def _marks(self) -> LatentOverlay:
        if self._overlay is None:
            self._overlay = LatentOverlay(self.latent_view.plot_widget.getPlotItem())
        return self._overlay

    def _clear_lesson_marks(self) -> None:
        """The interpolation path, its dot, generated crosses and the manifold overlay go."""
        self.latent_view.set_path(None)
        if self._overlay is not None:
            self._overlay.clear()

    def _watch_latent_range(self, on: bool) -> None:
        vb = self.latent_view.plot_widget.getPlotItem().vb
        if self._manifold_vb is not None:
            self._manifold_vb.sigRangeChanged.disconnect(self._on_latent_vb_range_changed)
            self._manifold_vb = None
        if on:
            if self._manifold_timer is None:
                self._manifold_timer = QTimer(self)  # type: ignore[arg-type]
                self._manifold_timer.setSingleShot(True)
                self._manifold_timer.setInterval(MANIFOLD_DEBOUNCE_MS)
                self._manifold_timer.timeout.connect(self.refresh_lesson)
            vb.sigRangeChanged.connect(self._on_latent_vb_range_changed)
            self._manifold_vb = vb

    def _on_latent_vb_range_changed(self, *_: Any) -> None:
        if self._manifold_timer is not None:
            self._manifold_timer.start()  # restarts: one decode once the view settles

    # -- filling the panel ---------------------------------------------------------------
    def refresh_lesson(self) -> None:
        """Recompute the lesson panel for the epoch on screen (cheap numpy)."""
        lesson, panel, ds = self.lesson, self.lesson_panel, self.dataset
        snap = self.view_snapshot()  # type: ignore[attr-defined]
        if lesson is None or ds is None or snap is None:
            return
        if snap.encoder.input_shape != ds.input_shape:
            return  # an epoch scrubbed back to, of a run on the data set shown before this one
        if lesson.course_point is not None and self.clicked_point is None:
            x, y = lesson.course_point
            self.latent_view.set_click_marker(x, y)
            self.decode_point(x, y)
        if panel is None or self.update_lesson_reason():
            return
        kind = lesson.panel
        if kind not in ("side-by-side", "pretraining", "pca-codes") and hasattr(
            panel, "set_message"
        ):
            panel.set_message("")
        if kind == "interpolation":
            self._interpolation(panel, ds, snap)
        elif kind == "manifold":
            self._manifold(panel, snap)
        elif kind == "histogram-sparse" and self.latent_codes is not None:
            self.show_sparse_histograms(self.latent_codes)
        elif kind == "histogram-anomaly":
            self._anomaly(panel, ds, snap)
        elif kind == "pca-compare":
            self._pca_compare(panel, ds, snap)
        elif kind == "pca-codes":
            self._pca_codes(panel, ds)
        elif kind == "ladder":
            self._ladder(panel, ds, snap)
        elif kind == "side-by-side":
            self._side_by_side(panel, ds, snap)
        elif kind == "pretraining":
            self._pretraining(panel)
        elif kind == "generation":
            self._generation(panel, ds, snap)

    def update_lesson_reason(self) -> str:
        """Say on the lesson panel why it cannot show the data set on screen (an image panel
        with points, the classifiers with one class), or clear that line.

        Returns
        -------
        str
            The reason, ``""`` when the panel can show the data set.
        """
        lesson, panel, ds = self.lesson, self.lesson_panel, self.dataset
        if lesson is None or panel is None or ds is None:
            return ""
        reason = panel_reason(lesson.panel, ds)
        panel.set_unavailable(reason)
        return reason

    def show_sparse_histograms(self, codes: np.ndarray) -> None:
        """The sparse lesson's histograms: every activation, and each unit's mean."""
        panel = self.lesson_panel
        if panel is None or not hasattr(panel, "set_histograms"):
            return
        e1, c1, e2, c2 = analysis.activation_histograms(codes)
        n, k = codes.shape
        panel.set_histograms(
            [
                (f"all {n * k:,} activations ({n:,} samples × {k} units)", e1, c1),
                (f"mean activation of each of the {k} units", e2, c2),
            ]
        )
        panel.set_note(
            f"mean activation {float(np.mean(codes)):.3f} · "
            f"{100 * float(np.mean(codes < 0.05)):.0f}% below 0.05"
        )

    def _labels(self, ds: Dataset, rows: np.ndarray | None = None) -> np.ndarray | None:
        if ds.y_val is None:
            return None
        y = np.asarray(ds.y_val)
        return y if rows is None else y[rows]

    def _name_of(self, ds: Dataset, index: int) -> str:
        y = self._labels(ds)
        if y is None or not ds.class_names:
            return f"#{index}"
        return f"a {ds.class_names[int(y[index])]} (#{index})"

    # -- 4. interpolation ----------------------------------------------------------------
    def _interpolation(self, panel: Any, ds: Dataset, snap: ModelSnapshot) -> None:
        if len(self.pair) < 2:
            self.pair = self._default_pair(ds)
        i, j = self.pair[:2]
        x = np.asarray(ds.x_val[[i, j]], np.float32)
        za, zb = snap.encoder(x)
        path = interpolate_codes(za, zb, STRIP)
        panel.set_strips(snap.decoder(path), analysis.pixel_crossfade(x[0], x[1], STRIP))
        a = panel.alpha()
        z = (1 - a) * za + a * zb
        panel.set_current(snap.decoder(z), (1 - a) * x[0] + a * x[1])
        if self._pick is None:
            panel.set_hint(
                f"From {self._name_of(ds, i)} to {self._name_of(ds, j)} · pick others in the "
                "gallery or on the scatter"
            )
        proj = self.projection
        if proj is not None and proj.kind != "tsne":
            self.latent_view.set_path(proj.transform(path))
            xy = proj.transform(z[None])[0]
            self._marks().set_dot((float(xy[0]), float(xy[1])))
        else:  # a t-SNE map has no place for codes that are not samples
            self.latent_view.set_path(None)
            self._marks().set_dot(None)

    def _default_pair(self, ds: Dataset) -> list[int]:
        """Two samples of different classes, so the path crosses from one digit to another."""
        y = self._labels(ds)
        if y is None or len(y) < 2:
            return [0, min(1, ds.n_val - 1)]
        other = np.flatnonzero(y != y[0])
        return [0, int(other[0])] if len(other) else [0, 1]

    def lesson_sample_clicked(self, index: int) -> None:
        """A sample picked (gallery, or the scatter's nearest point): in the interpolation
        lessons, the start and then the end of the path."""
        if self.lesson is None or self.lesson.panel != "interpolation" or self.dataset is None:
            return
        if self._pick is None:
            # Kept apart from the pair shown: an epoch ending between the two clicks
            # refreshes the old pair and must not forget this first pick.
            self._pick = int(index)
            if self.lesson_panel is not None:
                self.lesson_panel.set_hint(
                    f"Start: {self._name_of(self.dataset, index)}. Now pick the end sample."
                )
            return
        self.pair = [self._pick, int(index)]
        self._pick = None
        self.refresh_lesson()

    def lesson_latent_clicked(self, x: float, y: float) -> None:
        """A click on the scatter: the nearest sample shown, for the interpolation lessons."""
        if self.lesson is None or self.lesson.panel != "interpolation":
            return
        shown = self.shown_indices
        row = self.latent_view.nearest(x, y, max_px=math.inf)
        if shown is None or row < 0 or row >= len(shown):
            return
        self.lesson_sample_clicked(int(shown[row]))

    def _on_lesson_panel_alpha_changed(self, _a: float) -> None:
        self.refresh_lesson()

    # -- 10. the VAE's β -------------------------------------------------------------------
    def _on_beta_control_beta_changed(self, beta: float) -> None:
        from aeviewer.gui.widgets.controls import EXTRA_KNOB

        knob = EXTRA_KNOB.get(self.controls.preset())
        panel = self.lesson_panel
        if knob is None or knob[0] != "beta":
            return
        running = self.state in ("running", "paused")
        if not running:
            self.controls.extra_spin.setValue(beta)  # the next Start trains with it
        if panel is not None and hasattr(panel, "beta_control"):
            panel.beta_control().set_note(
                "applies when you retrain" if running else "press Retrain (or Start) to apply"
            )

    def _on_beta_control_retrain_clicked(self) -> None:
        panel = self.lesson_panel
        if panel is None or not hasattr(panel, "beta_control"):
            return
        self._restart_with(lambda: self.controls.extra_spin.setValue(panel.beta_control().beta()))

    def _restart_with(self, change: Any) -> None:
        """Reset, apply ``change`` to the control panel, and train again (once the reset run
        has ended, if one was running)."""
        if self.state in ("running", "paused", "stopping"):
            self._restart_pending = True
            self.reset()  # type: ignore[attr-defined]
            change()
            return
        change()
        self.start()  # type: ignore[attr-defined]

    # -- 5. manifold -----------------------------------------------------------------------
    def _on_manifold_panel_grid_size_changed(self, _n: int) -> None:
        self.refresh_lesson()

    def _on_manifold_panel_overlay_toggled(self, on: bool) -> None:
        if not on and self._overlay is not None:
            self._overlay.set_image(None, (0, 0, 0, 0))
        self.refresh_lesson()

    def _manifold(self, panel: Any, snap: ModelSnapshot) -> None:
        proj = self.projection or identity_projection(snap.decoder.input_shape[0])
        if not proj.invertible:
            panel.set_message("The manifold needs an invertible projection: choose PCA")
            return
        vb = self.latent_view.plot_widget.getPlotItem().vb
        (x0, x1), (y0, y1) = vb.viewRange()
        n = panel.grid_size()
        images = snap.decoder(proj.inverse(analysis.manifold_grid((x0, x1), (y0, y1), n)))
        ax, ay = proj.axis_labels()
        caption = f"{ax} {x0:.1f} … {x1:.1f}, {ay} {y0:.1f} … {y1:.1f}"
        panel.set_mosaic(analysis.tile_mosaic(images, n), caption)
        marks = self._marks()
        if not panel.overlay():
            marks.set_image(None, (0, 0, 0, 0))
            return
        # Under the scatter: as many rows as keep the tiles square on screen.
        px, py = vb.viewPixelSize()
        width_px, height_px = (x1 - x0) / (px or 1.0), (y1 - y0) / (py or 1.0)
        rows = max(2, round(n * height_px / max(width_px, 1.0)))
        grid = analysis.manifold_grid((x0, x1), (y0, y1), n, rows)
        tiles = snap.decoder(proj.inverse(grid))
        dx, dy = (x1 - x0) / (n - 1), (y1 - y0) / (rows - 1)
        marks.set_image(
            analysis.tile_mosaic(tiles, n), (x0 - dx / 2, y0 - dy / 2, x1 - x0 + dx, y1 - y0 + dy)
        )

    # -- 12. anomaly -----------------------------------------------------------------------
    def _anomaly(self, panel: Any, ds: Dataset, snap: ModelSnapshot) -> None:
        # At most ANOMALY_MAX samples, the same ones every epoch: the GUI thread reconstructs
        # them at each epoch end (about 20 ms for 2,000 digits through the stacked model).
        rows = analysis.subsample(ds.n_val, ANOMALY_MAX, seed=11)
        x = np.asarray(ds.x_val[rows], np.float32)
        recon = snap.reconstruct(x)
        errors = analysis.reconstruction_errors(x, recon)
        counts, edges = np.histogram(errors, bins=40)
        scored = "" if len(rows) == ds.n_val else f" ({len(rows):,} samples)"
        panel.set_histograms([(f"Reconstruction error (MSE){scored}", edges, counts)])
        if panel.threshold() is None or not self._threshold_moved:
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
        self._anomaly_note()

    def _on_lesson_panel_threshold_changed(self, _value: float) -> None:
        self._threshold_moved = True
        self._anomaly_note()

    def _anomaly_note(self) -> None:
        panel, errors = self.lesson_panel, self._errors
        if panel is None or errors is None or panel.threshold() is None:
            return
        above = int(np.sum(errors > panel.threshold()))
        if hasattr(panel, "set_note"):
            panel.set_note(f"{above} of {len(errors)} samples above the threshold")

    # -- 1. linear autoencoder = PCA ---------------------------------------------------------
    def _reference_pca(self, ds: Dataset) -> tuple[np.ndarray, np.ndarray]:
        """scikit-learn PCA of the training data (what the autoencoder trained on), cached."""
        cache = self._cache if self._cache is not None else {}
        key = ("pca-train", id(ds))
        if cache.get("pca-key") != key:
            x = np.asarray(ds.x_train, np.float32).reshape(ds.n_train, -1)
            mean, comps, _ = analysis.pca_fit(x, 2)
            cache.update({"pca-key": key, "pca": (mean, comps)})
            self._cache = cache
        mean, comps = cache["pca"]
        return mean, comps

    def _pca_compare(self, panel: Any, ds: Dataset, snap: ModelSnapshot) -> None:
        if self.latent_codes is None or self.latent_indices is None:
            return
        k = self.latent_codes.shape[1]
        if k != 2:  # the plane of a 2-D code against PCA's two components
            panel.set_unavailable(f"The comparison with PCA needs a 2-D code: this one has {k}")
            return
        mean, comps = self._reference_pca(ds)
        x_val = np.asarray(ds.x_val, np.float32).reshape(ds.n_val, -1)[self.latent_indices]
        panel.set_left(self.latent_codes, None, "Linear autoencoder: 2-D codes", ("z₁", "z₂"))
        panel.set_right(
            (x_val - mean) @ comps.T, None, "scikit-learn PCA: 2-D codes", ("PC 1", "PC 2")
        )
        op = snap.decoder.ops[0]
        kernel = op.weights[0] if op.kind == "dense" else None
        t = palette.theme()
        planes = [panels.Plane("PCA", mean, comps, palette.CLASS_HEX[4], dashed=True)]
        if kernel is not None and kernel.shape == comps.shape:
            angle = analysis.subspace_angle_degrees(kernel, comps)
            panel.set_note(f"Angle between the two planes: {angle:.1f}°")
            self.subspace_angle = angle
            bias = op.weights[1]
            # The decoder's outputs fill bias + span(kernel): its point nearest the data mean.
            origin = bias + ((mean - bias) @ np.linalg.pinv(kernel)) @ kernel
            planes.insert(0, panels.Plane("autoencoder", origin, kernel, t.val))
        if self._cloud is not None:
            reason = CLOUD_3D.reason(ds)
            self._cloud.set_unavailable(reason)
            if reason:
                return
            if self._cloud.point_count() != ds.n_train:
                self._cloud.set_points(np.asarray(ds.x_train, np.float64))
            self._cloud.set_planes(planes)

    # -- 11. t-SNE and PCA -------------------------------------------------------------------
    def _pca_codes(self, panel: Any, ds: Dataset) -> None:
        if self.latent_codes is None or self.latent_indices is None:
            return
        idx = self.latent_indices
        labels = self._labels(ds, idx)
        panel.set_class_names(ds.class_names)
        cache = self._cache if self._cache is not None else {}
        key = (id(ds), idx.tobytes())
        if cache.get("pixels-key") != key:  # the same samples every epoch: one SVD per run
            x = np.asarray(ds.x_val, np.float32)[idx].reshape(len(idx), -1)
            cache.update({"pixels-key": key, "pixels": _pca_plane(x)})
            self._cache = cache
        panel.set_left(cache["pixels"], labels, f"PCA of the {sample_parts(ds)}", ("PC 1", "PC 2"))
        models = (self.compare or {}).get("models") or []
        if models:
            m = models[0]
            x = np.asarray(ds.x_val, np.float32)[idx]
            codes = m["snapshot"].encoder(x)
            panel.set_right(codes[:, :2], labels, m["title"], ("z₁", "z₂"))
            panel.set_message("")
        else:
            k = self.latent_codes.shape[1]
            codes = _pca_plane(self.latent_codes)
            title = f"PCA of the {k}-D codes, for now"
            panel.set_right(codes, labels, title, ("PC 1", "PC 2"))
            panel.set_message("")

    # -- 8. denoising ----------------------------------------------------------------------
    def _on_ladder_panel_kind_changed(self, _kind: str) -> None:
        self.refresh_lesson()

    def _ladder(self, panel: Any, ds: Dataset, snap: ModelSnapshot) -> None:
        clean = np.asarray(ds.x_val[:LADDER_SAMPLES], np.float32)
        fns = {get_preset(self.controls.preset()).title: snap.reconstruct}
        for m in (self.compare or {}).get("models") or []:
            fns[m["title"]] = m["snapshot"].reconstruct
        kind = panel.kind()
        levels = np.asarray(LADDER_LEVELS[kind])
        series = analysis.psnr_ladder(clean, list(levels), fns, kind=kind)
        parts = sample_parts(ds)
        x_label = "Gaussian noise σ" if kind == "gaussian" else f"fraction of {parts} switched off"
        panel.set_series(levels, series, x_label=x_label)
        if not (self.compare or {}).get("models"):
            panel.set_note("The comparison autoencoders train after this one")
        else:
            panel.set_note("")

    # -- 6. stacked vs tied ------------------------------------------------------------------
    def _side_by_side(self, panel: Any, ds: Dataset, snap: ModelSnapshot) -> None:
        x = np.asarray(ds.x_val[:8], np.float32)
        title = get_preset(self.controls.preset()).title
        params = self.model_info.get("params") if self.model_info else None
        rec = self.history.records[-1] if self.history.records else None
        loss = rec.logs.get("val_loss") if rec is not None else None
        rows = [("Original", x), (self._model_title(title, params, loss), snap.reconstruct(x))]
        for m in (self.compare or {}).get("models") or []:
            name = self._model_title(m["title"], m["params"], m["val_loss"])
            rows.append((name, m["snapshot"].reconstruct(x)))
        panel.set_rows(rows)
        if not (self.compare or {}).get("models"):
            panel.set_note("")
            if self.state == "finished":
                panel.set_message("")

    @staticmethod
    def _model_title(title: str, params: int | None, val_loss: float | None) -> str:
        parts = [title]
        if params:
            parts.append(f"{params:,} parameters")
        if val_loss is not None and math.isfinite(val_loss):
            parts.append(f"validation loss {val_loss:.4f}")
        return " · ".join(parts)

    # -- 13. pretraining -------------------------------------------------------------------
    def _pretraining(self, panel: Any) -> None:
        r = (self.compare or {}).get("pretraining")
        if r is None:
            return
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

    # -- 3. generation ---------------------------------------------------------------------
    def _on_generation_panel_resample_clicked(self) -> None:
        self._generation_seed += 1
        self.refresh_lesson()

    def _on_generation_panel_mode_changed(self, mode: str) -> None:
        lesson = self.lesson
        if lesson is None:
            return
        preset = lesson.alt_preset if mode == "vae" and lesson.alt_preset else lesson.preset
        options = lesson.alt_options if mode == "vae" else lesson.options
        self._restart_with(lambda: self._apply_preset(preset, options))

    def _training_codes(self, ds: Dataset, snap: ModelSnapshot) -> np.ndarray:
        """Codes of (up to TRAIN_CODES_MAX) training samples, cached per snapshot."""
        cache = self._cache if self._cache is not None else {}
        key = (id(snap), id(ds))
        if cache.get("codes-key") != key:
            rows = analysis.subsample(ds.n_train, TRAIN_CODES_MAX, seed=5)
            encoded = snap.encoder(np.asarray(ds.x_train[rows], np.float32))
            cache.update({"codes-key": key, "codes": encoded})
            self._cache = cache
        codes: np.ndarray = cache["codes"]
        return codes

    def _generation(self, panel: Any, ds: Dataset, snap: ModelSnapshot) -> None:
        k = snap.decoder.input_shape[0]
        vae = self.variational
        panel.set_mode("vae" if vae else "ae")
        if vae:
            mean, std = np.zeros(k), np.ones(k)
            panel.set_hint("Codes drawn from the prior N(0, I) the VAE was trained towards")
        else:
            mean, std = analysis.fit_diagonal_gaussian(self._training_codes(ds, snap))
            shown = ", ".join(f"{m:.1f} ± {s:.1f}" for m, s in zip(mean[:3], std[:3], strict=True))
            more = ", …" if k > 3 else ""
            panel.set_hint(
                f"Codes drawn from N(m, diag(s²)) fitted to {min(ds.n_train, TRAIN_CODES_MAX):,} "
                f"training codes: per dimension m ± s = {shown}{more}"
            )
        codes = analysis.sample_gaussian(mean, std, GENERATED, seed=100 + self._generation_seed)
        panel.set_images(snap.decoder(codes))
        proj = self.projection
        if proj is not None and proj.kind != "tsne":
            self._marks().set_crosses(proj.transform(codes))

    # -- 7. greedy stages (signals of the training thread) -----------------------------------
    def connect_lesson_worker(self, worker: Any) -> None:
        """Route the worker's stage, batch and epoch reports to the lesson panel (through a
        :class:`LessonRelay` living in the GUI thread)."""
        relay = LessonRelay(self, self.as_widget())
        self._lesson_relay = relay
        worker.stage_changed.connect(relay.on_stage_changed)
        worker.batches_reported.connect(relay.on_batches_reported)
        worker.epoch_ended.connect(relay.on_epoch_ended)

    def lesson_stage_changed(self, stage: str, title: str) -> None:
        """A greedy stage began: a new plot in the stages panel."""
        panel = self.lesson_panel
        if self.trainer is None or not isinstance(panel, panels.StagesPanel):
            return
        if self._stage_x0 is None:
            self._stage_x0 = {}
        self._stage_x0[stage] = self._last_epoch_x
        # The heading of a small plot: "Stage 1 of 3: 784 → 100 → 784" is enough there.
        short = title.replace("a shallow autoencoder ", "")
        short = re.sub(r", on the codes of stage (\d+)", r" on stage \1's codes", short)
        panel.set_stage(stage, short)

    def lesson_batches_reported(self, chunk: Any) -> None:
        panel = self.lesson_panel
        if self.trainer is None or not isinstance(panel, panels.StagesPanel):
            return
        stage = chunk.last.stage
        x0 = (self._stage_x0 or {}).setdefault(stage, self._last_epoch_x)
        if stage not in panel.stage_names():
            panel.set_stage(stage, "Training")
        panel.add_batches(stage, np.asarray(chunk.epochs) - x0, chunk.losses)

    def lesson_epoch_ended(self, x: float, report: Any) -> None:
        panel = self.lesson_panel
        if self.trainer is None or not isinstance(panel, panels.StagesPanel):
            return
        x0 = (self._stage_x0 or {}).get(report.stage, self._last_epoch_x)
        panel.add_epoch(report.stage, x - x0, report.logs.get("val_loss"))
        self._last_epoch_x = float(x)

    # -- a run starts or ends ----------------------------------------------------------------
    def _on_window_state_changed(self, state: str) -> None:
        """Forget the panel's results and marks when a run starts or is reset."""
        trainer = self.trainer
        if state in ("running", "paused") and trainer is not self._lesson_trainer:
            self._lesson_trainer = trainer  # a new run: its results replace the old ones
            self.clear_lesson_results(running=True)
        elif state in ("idle", "stopping") and trainer is None:
            self._lesson_trainer = None  # reset: the old run's results are stale
            self.clear_lesson_results(running=False)
            if state == "idle" and self._restart_pending:
                self._restart_pending = False
                QTimer.singleShot(0, self.start)  # type: ignore[attr-defined]

    def clear_lesson_results(self, running: bool) -> None:
        """The old run's results are stale (a new run, a reset, new data): forget them, and
        let the panel say what comes instead. Its own controls (mode, sliders) stay."""
        self.stop_lesson_jobs()
        self._forget_results()
        panel = self.lesson_panel
        if isinstance(panel, panels.StagesPanel):
            panel.clear()
        if panel is not None and hasattr(panel, "set_message"):
            panel.set_message(waiting_message(self.lesson, running=running))
        self.update_lesson_reason()  # said at once, not after the first epoch

    # -- comparison runs after the main one ---------------------------------------------
    def stop_lesson_jobs(self) -> None:
        """Ask the lesson's comparison trainings and classifiers to stop (thread-safe)."""
        stop, trainers = self._lesson_stop, self._lesson_trainers
        if stop is not None:
            stop.set()  # first: a trainer added after this sees it before it runs
        for t in list(trainers or []):
            t.stop()

    def _lesson_job(self, name: str, fn: Any, then: Any, stop: Any) -> None:
        """Run ``fn`` on the training thread; ``then(result)`` only if the lesson and the
        run it was asked for are still the ones on screen."""
        token = (self._lesson_serial, self.trainer)

        def done(result: Any) -> None:
            if self._lesson_serial != token[0] or self.trainer is not token[1]:
                return  # a reset, a new run or another lesson since: not this panel's result
            then(result)

        self.request_job(name, fn, done, stop)

    def start_lesson_followup(self) -> None:
        """After training: train the comparison models, or the pretraining classifiers."""
        lesson, trainer, ds = self.lesson, self.trainer, self.dataset
        if lesson is None or trainer is None or ds is None or trainer.ae is None:
            return
        panel = self.lesson_panel
        self.stop_lesson_jobs()
        stop = threading.Event()
        trainers: list[Any] = []
        self._lesson_stop, self._lesson_trainers = stop, trainers
        if lesson.compare:
            from aeviewer.core.inference import ModelSnapshot as Snap
            from aeviewer.core.training import Trainer, TrainingConfig

            epochs = trainer.epochs_done or lesson.epochs
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
                            "snapshot": Snap.capture(t.ae.encoder, t.ae.decoder, epochs, t.steps),
                        }
                    )
                return out

            if panel is not None and hasattr(panel, "set_note"):
                names = " and ".join(title for title, _, _ in specs)
                panel.set_note(f"Training {names} for comparison…")
            self._lesson_job("compare", job, self._on_compare_ready, self.stop_lesson_jobs)
        elif (
            lesson.panel == "pretraining"
            and not panel_reason(lesson.panel, ds)
            and ds.y_train is not None
            and ds.y_val is not None
        ):
            from aeviewer.core.pretraining import compare_pretraining

            encoder = trainer.ae.encoder
            y_train, y_val = ds.y_train, ds.y_val

            def job2() -> Any:
                return compare_pretraining(encoder, ds.x_train, y_train, ds.x_val, y_val, stop=stop)

            if panel is not None:
                panel.set_message("Training two small classifiers on 10 labels per class…")
            self._lesson_job("pretraining", job2, self._on_pretraining_ready, self.stop_lesson_jobs)

    def _on_compare_ready(self, result: list[dict[str, Any]]) -> None:
        if not result:
            return  # stopped
        self.compare = {"models": result}
        if self.lesson_panel is not None and hasattr(self.lesson_panel, "set_note"):
            self.lesson_panel.set_note("")
        self.refresh_lesson()

    def _on_pretraining_ready(self, r: Any) -> None:
        if getattr(r, "stopped", False):
            return
        self.compare = {"pretraining": r}
        self.refresh_lesson()
