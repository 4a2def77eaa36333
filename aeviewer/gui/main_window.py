"""The main window: docks and menus, and the wiring between widgets and the training thread.

No maths here: projections, noise, preprocessing and decoding are core functions; decoding
uses the latest :class:`~aeviewer.core.inference.ModelSnapshot` (numpy copies published by the
training thread), never the live Keras model and never ``predict()``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QByteArray, QSettings, Qt, QThread, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from aeviewer.core.datasets import Dataset, DatasetError, load_dataset, parse_classes
from aeviewer.core.history import RunHistory
from aeviewer.core.inference import ModelSnapshot
from aeviewer.core.latent import (
    Projection,
    fit_pca,
    plane_xy,
)
from aeviewer.core.lessons import LESSONS
from aeviewer.core.models import OptionsError, get_preset
from aeviewer.core.training import EpochReport, FinishReport, LatentReport, Trainer, TrainingConfig
from aeviewer.gui import palette
from aeviewer.gui.autosave import Autosaver, describe_autosave, new_run_id, recent_autosaves
from aeviewer.gui.background import BackgroundJobs
from aeviewer.gui.collector import install_gui_collector
from aeviewer.gui.files_mixin import FilesMixin
from aeviewer.gui.input_gate import InputGate
from aeviewer.gui.layout import DockLayout, scrollable, tab_docks_on_top
from aeviewer.gui.lesson_view import LessonMixin
from aeviewer.gui.relay import run_in_thread, strand
from aeviewer.gui.throttle import Throttle
from aeviewer.gui.time_machine import TimeMachineMixin
from aeviewer.gui.training_worker import BatchChunk, TrainingThread, TrainingWorker
from aeviewer.gui.views_mixin import ViewsMixin
from aeviewer.gui.widgets.controls import ControlPanel, RunSettings
from aeviewer.gui.widgets.drawing_canvas import CanvasPanel
from aeviewer.gui.widgets.image_tile import ImageTile
from aeviewer.gui.widgets.latent_view import LatentView
from aeviewer.gui.widgets.loss_plot import LossPlot
from aeviewer.gui.widgets.noise_panel import NoisePanel
from aeviewer.gui.widgets.overlays import HelpOverlay, TrailsOverlay
from aeviewer.gui.widgets.sample_gallery import SampleGallery
from aeviewer.gui.widgets.status_text import StatusText
from aeviewer.gui.widgets.timeline import TimelineBar

SNAPSHOT_INTERVAL = 0.4  # seconds between weight snapshots during an epoch
LIVE_LATENT = 1000  # validation samples re-encoded with each live snapshot


def settings_store() -> QSettings:
    """The app's QSettings (tests point ``AEVIEWER_SETTINGS`` at a file of their own)."""
    path = os.environ.get("AEVIEWER_SETTINGS")
    if path:
        return QSettings(path, QSettings.Format.IniFormat)
    return QSettings("aeviewer", "aeviewer")


WARM_UP_FALLBACK_MS = 1000  # a window not shown (tests, scripts) still loads TensorFlow


class MainWindow(ViewsMixin, TimeMachineMixin, LessonMixin, FilesMixin, QMainWindow):
    """The whole app window."""

    run_requested = Signal(object)  # Trainer, to the training thread
    job_requested = Signal(str, object)  # name, callable: run on the training thread
    tsne_computed = Signal(object, object, object)  # Projection, xy, indices (from a thread)
    epoch_shown = Signal(int)  # an epoch's results are on screen (for --quit-after-epochs)
    state_changed = Signal(str)

    def __init__(self, dataset: Dataset | None = None, restore: bool = True) -> None:
        super().__init__()
        self.setWindowTitle("aeviewer: watch an autoencoder learn")
        self.state = "loading"
        self.tf_ready = False
        self.dataset: Dataset | None = dataset
        self.trainer: Trainer | None = None
        self.snapshot: ModelSnapshot | None = None
        self.projection: Projection | None = None
        self.latent_codes: np.ndarray | None = None  # codes of latent_indices (full set)
        self.latent_indices: np.ndarray | None = None
        self.shown_indices: np.ndarray | None = None  # rows of x_val behind the points shown
        self.variational = False
        self.projection_kind = "pca"  # what the user asked for when codes have > 2 dims
        self.tsne_xy: np.ndarray | None = None
        self._tsne_busy = False
        self.gallery_indices = np.arange(0)
        self.selected_index: int | None = None
        self.clicked_point: tuple[float, float] | None = None
        self._pending_start: tuple[bool, int] | None = None
        # How the run on screen ended (None: none has, or its views were cleared) and what
        # made its model: Start trains that run on while the panel still asks for the same.
        self._finish: FinishReport | None = None
        self._run_key: tuple[Any, ...] | None = None
        self._after_run: Callable[[], None] | None = None  # waits for the run to end
        self._said_hint = ""  # the controls' hint the banner repeats
        self._progress = ""  # the last "epoch · batch · samples/s" line
        self._epochs_total = 0
        self._settings = settings_store()
        self.history = RunHistory()
        self.view_epoch = 0  # 0: live; k: the time machine shows epoch k
        self.trails_on = False
        self.presenting = False
        self.lesson = None
        self.lesson_panel = None
        self.model_info: dict[str, Any] = {}
        self.pair: list[int] = []
        self.compare = None
        self._epoch_views: list[Callable[[], None]] = []  # epoch-end views still to refresh
        self._epoch_views_shown: int | None = None  # the epoch to announce once they are
        self._epoch_view_turn = Throttle(self._next_epoch_view, 0, self)
        # A click or a stroke is answered before the live views redraw (gui/input_gate.py).
        self.input_gate = InputGate(self)
        self._epoch_view_turn.set_gate(self.input_gate)
        self._latent_pending: list[LatentReport] = []  # codes waiting to be drawn
        self.collector = install_gui_collector()  # before any thread starts (see collector.py)
        self._build_widgets()
        self.input_gate.watch(self.canvas_panel.canvas)
        self.input_gate.watch(self.latent_view.plot_widget.viewport())
        self.loss_plot.set_input_gate(self.input_gate)
        self.latent_view.set_input_gate(self.input_gate)
        self._build_docks()
        self._build_menus()
        self._build_thread()
        self.autosaver = Autosaver(lambda: self.history, self, view=self.view_state)
        self.close_on_sigterm()  # closing saves the run: so does a logout's SIGTERM
        self._connect()
        self.set_theme(str(self._settings.value("theme", "dark")))
        self._laid_out = False  # apply_default_layout once shown (unless a saved layout exists)
        self._default_geometry()
        if restore:
            self._laid_out = self._restore_settings()
        self._set_state("loading")
        if self.dataset is not None:
            self._show_dataset(self.dataset)
        # TensorFlow's import (seconds, in the training thread) takes the GIL from the first
        # paint: start it once the window has painted (paintEvent), or after a second.
        self._warm_up_started = False
        QTimer.singleShot(WARM_UP_FALLBACK_MS, self.worker_warm_up)

    # -- construction -----------------------------------------------------------------
    def _build_widgets(self) -> None:
        self.controls = ControlPanel()
        self.init_views()
        self.latent_view = LatentView()
        self.latent_view.set_message("Press Start: the codes of the validation digits appear here")
        # Hovering shows the sample itself beside its point (ViewsMixin maps the row).
        self.latent_view.sample_hovered.connect(self._on_latent_view_sample_hovered)
        self.loss_plot = LossPlot()
        self.preview = ImageTile("", min_size=120, opaque=True)  # its dock's title names it
        self.preview.set_fit(True)
        self.preview.set_placeholder("Click the latent space")
        self.canvas_panel = CanvasPanel()
        self.canvas_panel.canvas.set_placeholder("Draw a digit here")
        # Small enough to share tabs at 1024x768; the layout gives it more where it can.
        self.canvas_panel.canvas.setMinimumSize(180, 180)
        self.noise_panel = NoisePanel(tile_size=64)  # the tiles' floor: they grow with room
        self.gallery = SampleGallery(tile_size=28)  # ten columns in a 1024x768 window's tabs
        self.gallery.set_placeholder("Originals and reconstructions appear after the first epoch")
        self.stage_label = QLabel("")
        self.stage_label.setObjectName("hint")
        self.caption = QLabel("")
        self.caption.setObjectName("banner")
        self.caption.setWordWrap(True)
        self.caption.hide()
        self.timeline = TimelineBar()
        self.trails = TrailsOverlay(self.latent_view.plot_widget)
        centre = QWidget()
        cl = QVBoxLayout(centre)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.setSpacing(2)
        cl.addWidget(self.caption)
        # Messages where the eye is: over the latent space, not only in the scrolled controls.
        self.notice = QLabel("")
        self.notice.setObjectName("banner")
        self.notice.setWordWrap(True)
        self.notice.hide()
        self._notice_timer = QTimer(self)
        self._notice_timer.setSingleShot(True)
        self._notice_timer.timeout.connect(self.notice.hide)
        cl.addWidget(self.notice)
        cl.addWidget(self.latent_view, 1)
        cl.addWidget(self.timeline)
        self.setCentralWidget(centre)
        self.help_overlay = HelpOverlay(self)

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea, name: str) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(scrollable(widget))
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.addDockWidget(area, dock)
        return dock

    def _build_docks(self) -> None:
        self.setDockNestingEnabled(True)
        left, right = Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea
        bottom = Qt.DockWidgetArea.BottomDockWidgetArea
        # A large window's arrangement; self.dock_layout (gui/layout.py) re-arranges the docks
        # for the window's size. Left: the controls over the noise sliders and the denoising
        # strip. Right of the latent space: the loss over the decoded point. Below: the
        # drawing canvas beside the gallery.
        self.controls_dock = self._dock("Controls", self.controls, left, "controls")
        self.denoise_dock = self._dock("Denoising", self.noise_panel, left, "denoise")
        self.splitDockWidget(self.controls_dock, self.denoise_dock, Qt.Orientation.Vertical)
        self.loss_dock = self._dock("Loss", self.loss_plot, right, "loss")
        preview_box = QWidget()
        pl = QVBoxLayout(preview_box)
        pl.addWidget(self.preview, 1)
        self.preview_dock = self._dock("Decoded point", preview_box, right, "preview")
        self.splitDockWidget(self.loss_dock, self.preview_dock, Qt.Orientation.Vertical)
        self.draw_dock = self._dock("Draw", self.canvas_panel, bottom, "draw")
        self.gallery_dock = self._dock("Gallery", self.gallery, bottom, "gallery")
        self.lesson_dock = self._dock("Lesson", QWidget(), bottom, "lesson")
        self.splitDockWidget(self.draw_dock, self.gallery_dock, Qt.Orientation.Horizontal)
        self.splitDockWidget(self.gallery_dock, self.lesson_dock, Qt.Orientation.Horizontal)
        self.lesson_dock.hide()
        self.setCorner(Qt.Corner.BottomLeftCorner, left)  # the left column: the whole height
        tab_docks_on_top(self)
        names = ("controls", "denoise", "loss", "preview", "draw", "gallery", "lesson")
        docks = {n: getattr(self, f"{n}_dock") for n in names}
        self.dock_layout = DockLayout(
            self, docks, self.latent_view, lambda: self.presenting, caption=self.caption
        )
        controls_area = self.controls_dock.widget()
        assert isinstance(controls_area, QScrollArea)
        controls_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.status_label = StatusText()  # 20 changes a second: no relayout of the window
        self.statusBar().addPermanentWidget(self.stage_label)
        self.statusBar().addWidget(self.status_label, 1)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu("&File")
        open_data = self._on_controls_open_data_requested
        self._action(file, "Open data…", open_data, "Ctrl+O", args=())
        # A native file dialog picks files only: folders (IDX files, class sub-folders) here.
        self._action(file, "Open data folder…", open_data, args=(True,))
        self._action(file, "Open session…", self.open_session_dialog, "Ctrl+Shift+O")
        self._action(file, "Save session…", self.save_session_dialog, "Ctrl+S")
        self._action(file, "Open last autosave", self.open_last_autosave)
        # Every run keeps its own autosave: the newest few, listed afresh each time.
        self.recent_menu = file.addMenu("Recent runs")
        self.recent_menu.aboutToShow.connect(self.fill_recent_menu)
        file.addSeparator()
        self._action(file, "Save model (.keras)…", self.save_model_dialog, "Ctrl+Shift+S")
        export = file.addMenu("Export")
        # Every plot on screen, the lesson panel's too: listed afresh each time it opens.
        self.plot_export_menu = export.addMenu("Plot (PNG or SVG)")
        self.plot_export_menu.aboutToShow.connect(
            lambda: self.fill_plot_menu(self.plot_export_menu)
        )
        for text, slot in (
            ("Gallery (PNG)…", self.export_gallery_dialog),
            ("Interpolation strips (PNG)…", self.export_interpolation_dialog),
            ("Time machine (animated GIF)…", self.export_gif_dialog),
        ):
            self._action(export, text, slot)
        self._action(file, "Save screenshot…", self.screenshot_dialog)
        file.addSeparator()
        self._action(file, "Quit", self.close, "Ctrl+Q")

        view = bar.addMenu("&View")
        self.presenter_action = self._action(view, "Presenter mode", self.toggle_presenter, "F11")
        help_action = self._action(view, "Keyboard shortcuts", self.help_overlay.toggle, "F1")
        # "?" as a second key of the same action (a hidden action's shortcut never fires);
        # "Shift+?" too: most layouts type "?" with Shift, and Qt does not always drop it.
        help_action.setShortcuts([QKeySequence(k) for k in ("F1", "?", "Shift+?")])
        view.addSeparator()
        group = QActionGroup(self)
        self.theme_actions: dict[str, QAction] = {}
        for name in ("dark", "light"):
            act = self._action(view, f"{name.title()} theme", self.set_theme, args=(name,))
            act.setCheckable(True)
            group.addAction(act)
            self.theme_actions[name] = act
        self.log_action = self._action(view, "Log-scale loss", self._on_log_action_toggled, "L")
        self.log_action.setCheckable(True)
        self.trails_action = self._action(view, "Latent trails", self.set_trails, "T")
        self.trails_action.setCheckable(True)
        view.addSeparator()
        pgroup = QActionGroup(self)
        self.projection_actions: dict[str, QAction] = {}
        for kind, text in (("pca", "Project codes with PCA"), ("tsne", "Project codes with t-SNE")):
            act = self._action(view, text, self.set_projection_kind, args=(kind,))
            act.setCheckable(True)
            pgroup.addAction(act)
            self.projection_actions[kind] = act
        self.projection_actions["pca"].setChecked(True)
        view.addSeparator()
        self._action(view, "Reset layout", self.apply_default_layout)

        train = bar.addMenu("&Training")
        self._action(train, "Start / pause", self.toggle_start_pause, "Space")
        self._action(train, "Step one batch", self.step, "S")
        self._action(train, "Stop", self._on_escape, "Esc")
        self._action(train, "Reset", self.reset, "R")
        train.addSeparator()
        self._action(
            train,
            "Replay the run",
            lambda: self.timeline.play(not self.timeline.play_button.isChecked()),
            "P",
        )
        arrows = [
            self._action(train, "Back one epoch", lambda: self.timeline.step(-1), "Left"),
            self._action(train, "Forward one epoch", lambda: self.timeline.step(1), "Right"),
        ]
        from aeviewer.gui.widgets.overlays import SliderKeys

        self.slider_keys = SliderKeys(arrows, self)  # a focused slider keeps its arrow keys

        # Presenter mode keeps only the essential controls, in a toolbar.
        self.presenter_bar = QToolBar("Presenter", self)
        self.presenter_bar.setObjectName("presenter")
        self.presenter_bar.setMovable(False)
        for text, slot, key in (
            ("Start / pause", self.toggle_start_pause, "Space"),
            ("Step", self.step, "S"),
            ("Reset", self.reset, "R"),
            ("Replay", lambda: self.timeline.play(True), "P"),
            ("Keys", self.help_overlay.toggle, "F1"),
            ("Leave presenter mode", self.toggle_presenter, "Esc"),
        ):
            self.presenter_bar.addAction(text, slot).setToolTip(f"{text} ({key})")
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.presenter_bar)
        self.presenter_bar.hide()

        lessons = bar.addMenu("&Lessons")
        for i, lesson in enumerate(LESSONS, start=1):
            self._action(lessons, f"{i}. {lesson.title}", self.open_lesson, args=(lesson.name,))

    def _action(
        self,
        menu: Any,
        text: str,
        slot: Any,
        shortcut: str | None = None,
        args: tuple[Any, ...] | None = None,
    ) -> QAction:
        """A menu entry calling ``slot(checked)``, or ``slot(*args)`` when ``args`` is given.

        ``QAction.triggered`` passes ``checked``: a ``lambda n=name: ...`` slot would receive it
        as ``n`` (False), which is how the theme, projection and lesson entries once did nothing.
        """
        act = QAction(text, self)
        if shortcut:
            act.setShortcut(QKeySequence(shortcut))
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        if args is not None:
            act.triggered.connect(lambda _checked=False: slot(*args))
        else:
            act.triggered.connect(slot)
        menu.addAction(act)
        self.addAction(act)
        return act

    def _build_thread(self) -> None:
        self.thread_ = TrainingThread(self)
        self.worker = TrainingWorker()
        self.worker.moveToThread(self.thread_)
        self.jobs = BackgroundJobs()
        self.jobs.moveToThread(self.thread_)
        self._job_callbacks: dict[str, Any] = {}
        self.thread_.start()

    def _connect(self) -> None:
        w, c = self.worker, self.controls
        self.run_requested.connect(w.run)
        self.job_requested.connect(self.jobs.run)
        self.jobs.job_finished.connect(self._on_jobs_job_finished)
        self.timeline.epoch_selected.connect(self._on_timeline_epoch_selected)
        w.ready.connect(self._on_worker_ready)
        w.model_built.connect(self._on_worker_model_built)
        w.stage_changed.connect(self._on_worker_stage_changed)
        w.batches_reported.connect(self._on_worker_batches_reported)
        w.epoch_ended.connect(self._on_worker_epoch_ended)
        w.latent_updated.connect(self._on_worker_latent_updated)
        w.weights_updated.connect(self._on_worker_weights_updated)
        w.run_finished.connect(self._on_worker_run_finished)
        c.start_clicked.connect(self.start)
        c.pause_toggled.connect(self._on_controls_pause_toggled)
        c.step_clicked.connect(self.step)
        c.stop_clicked.connect(self.stop)
        c.reset_clicked.connect(self.reset)
        c.learning_rate_changed.connect(self._on_controls_learning_rate_changed)
        c.speed_changed.connect(self._on_controls_speed_changed)
        c.open_data_requested.connect(self._on_controls_open_data_requested)
        c.dataset_changed.connect(self._on_controls_dataset_changed)
        c.dataset_changed.connect(self._on_controls_model_settings_changed)
        c.model_settings_changed.connect(self._on_controls_model_settings_changed)
        c.hint_changed.connect(self._on_controls_hint_changed)
        self.latent_view.latent_clicked.connect(self._on_latent_view_latent_clicked)
        self.canvas_panel.canvas.drawing_changed.connect(self.refresh_denoise)
        self.noise_panel.noise_changed.connect(self._on_noise_panel_noise_changed)
        self.gallery.sample_clicked.connect(self._on_gallery_sample_clicked)
        # Lessons: picks from the gallery and the scatter, greedy stages, runs starting/ending.
        self.gallery.sample_clicked.connect(self.lesson_sample_clicked)
        self.latent_view.latent_clicked.connect(self.lesson_latent_clicked)
        self.connect_lesson_worker(w)
        self.state_changed.connect(self._on_window_state_changed)
        self.tsne_computed.connect(self._on_tsne_computed)
        self.state_changed.connect(self.autosaver.on_state_changed)
        self.autosaver.failed.connect(lambda text: self.statusBar().showMessage(text, 15000))

    def worker_warm_up(self) -> None:
        """Have the training thread import TensorFlow (once)."""
        from PySide6.QtCore import QMetaObject

        if self._warm_up_started:
            return
        self._warm_up_started = True
        QMetaObject.invokeMethod(self.worker, "warm_up", Qt.ConnectionType.QueuedConnection)

    def paintEvent(self, event: Any) -> None:
        super().paintEvent(event)
        if not self._warm_up_started:
            QTimer.singleShot(0, self.worker_warm_up)  # after this paint and its children's

    # -- state ------------------------------------------------------------------------
    def _set_state(self, state: str) -> None:
        self.state = state
        shown = "loading" if state == "idle" and not self.tf_ready else state
        self.controls.set_state(shown)
        self.state_changed.emit(state)
        self._update_status()

    def _update_status(self, progress: str | None = None) -> None:
        if progress is not None:
            self._progress = progress
        parts = []
        if not self.tf_ready:
            parts.append("Loading TensorFlow…")
        if self._progress:
            # A finished run whose model the panel no longer asks for is plainly the last one.
            stale = self.state == "finished" and self._finish is not None and not self.continues()
            parts.append(f"Previous run: {self._progress}" if stale else self._progress)
        if self.dataset is not None:
            d = self.dataset
            parts.append(f"{d.name}: {d.n_train:,} train / {d.n_val:,} validation")
        self.status_label.setText("   ·   ".join(parts))

    # -- data -------------------------------------------------------------------------
    # Files, folders and downloads load on a daemon thread (a download takes as long as the
    # network does, a big image folder seconds); the built-in sets load here, at once.
    _data_token = 0  # loads asked for so far
    # (key, title, token, then) of the load in flight
    _data_loading: tuple[tuple[str, str, str], str, int, Any] | None = None
    _data_kept: tuple[tuple[str, str, str], Dataset] | None = None  # the last set loaded that way

    def load_selected_dataset(self, s: RunSettings) -> Dataset:
        """Load the panel's choice here, in the GUI thread: for the sets that load at once
        (the rest goes through :meth:`request_dataset`)."""
        classes = parse_classes(s.classes) if s.classes else None
        name = None if s.data_path else s.dataset
        return load_dataset(name, path=s.data_path, classes=classes)

    @staticmethod
    def _selection_key(s: RunSettings) -> tuple[str, str, str]:
        return ("path", s.data_path, s.classes) if s.data_path else ("name", s.dataset, s.classes)

    @staticmethod
    def loads_slowly(s: RunSettings) -> bool:
        """Whether ``s`` loads on a thread: a file or folder, or a set that is downloaded."""
        return bool(s.data_path) or s.dataset in ("mnist", "fashion_mnist")

    def data_loading(self) -> str | None:
        """The title of the data set loading in a thread, if one is."""
        return self._data_loading[1] if self._data_loading is not None else None

    def request_dataset(self, s: RunSettings, then: Any) -> Dataset | None:
        """The data set ``s`` names, when it is at hand; else None, and ``then(ds)`` later.

        A set that loads slowly (:meth:`loads_slowly`) is loaded on a daemon thread while the
        window shows "Loading <name>…" and stays usable; the last one loaded is kept, so Start
        does not load it again. A newer request replaces an older one still loading.
        Raises :class:`DatasetError` at once for what fails at once (a bad class list).
        """
        key = self._selection_key(s)
        kept = self._data_kept
        if kept is not None and kept[0] == key:
            return kept[1]
        if not self.loads_slowly(s):
            return self.load_selected_dataset(s)
        loading = self._data_loading
        if loading is not None and loading[0] == key:
            self._data_loading = (*loading[:3], then)  # on its way: the latest use wins
            return None
        classes = parse_classes(s.classes) if s.classes else None
        name, path = (None, s.data_path) if s.data_path else (s.dataset, None)
        title = Path(path).name if path else self.controls.dataset_title()
        work = functools.partial(load_dataset, name, path=path, classes=classes)  # plain data
        self._data_token += 1
        token = self._data_token
        self._data_loading = (key, title, token, then)
        run_in_thread(
            self, "aeviewer-data", work, lambda ds, error: self._on_data_loaded(token, ds, error)
        )
        self.controls.set_loading(f"Loading {title}…")
        self.statusBar().showMessage(f"Loading {title}…")
        return None

    def _on_data_loaded(self, token: int, ds: Dataset | None, error: str) -> None:
        loading = self._data_loading
        if loading is None or loading[2] != token:
            return  # replaced by a newer choice, or a data set was shown meanwhile
        self._end_data_loading()
        if error or ds is None:
            self._pending_start = None  # the Start that waited for it
            self.show_error(error or f"could not load {loading[1]}")
            return
        self._data_kept = (loading[0], ds)
        loading[3](ds)
        if self._pending_start is not None and self.tf_ready:
            paused, steps = self._pending_start
            self._pending_start = None
            self.start(paused=paused, steps=steps)

    def _end_data_loading(self) -> None:
        loading = self._data_loading
        if loading is not None:
            self._data_loading = None
            self.controls.set_loading(None)
            if self.statusBar().currentMessage() == f"Loading {loading[1]}…":
                self.statusBar().clearMessage()

    def _apply_selected_dataset(self, ds: Dataset) -> None:
        """Show a newly chosen data set, or, during a run, say it waits for the next Start:
        the run keeps its data (its codes index it) and its model is untouched."""
        if self.state in ("running", "paused"):
            self._say_next_start(self.controls.dataset_title())
            return
        self._show_dataset(ds)
        if self.state in ("idle", "finished"):
            self.clear_views()

    def _say_next_start(self, title: str) -> None:
        current = self.dataset.name if self.dataset is not None else "the current data"
        message = f"{title} is used from the next Start; training goes on with {current}."
        self.controls.set_hint(message)  # and where the eye is (say)

    def _show_dataset(self, ds: Dataset) -> None:
        self._end_data_loading()  # a set shown here (Start, a session) outdates a load in flight
        self.dataset = ds
        images = ds.is_image
        for w in (self.canvas_panel, self.noise_panel, self.gallery, self.preview):
            w.setEnabled(images)
        self.denoise_dock.setVisible(images)  # empty image tiles would say nothing of points
        if not images:
            self.gallery.set_placeholder(
                f"{ds.name} holds {ds.input_shape[0]}-D points, not images"
            )
        self._update_status()

    # -- training control ---------------------------------------------------------------
    def start(self, paused: bool = False, steps: int = 0) -> None:
        """Start a new run with the panel's settings (queued until TensorFlow is ready)."""
        if self.state in ("running", "paused", "stopping"):
            return  # "stopping": a reset run is still ending; its finish must not end this one
        if not self.tf_ready:
            self._pending_start = (paused, steps)
            self.controls.set_hint("Starting as soon as TensorFlow has loaded…")
            return
        s = self.controls.settings()
        if self.continues():
            self._continue_run(s, paused, steps)
            return
        self._after_run = None  # an open waiting for an earlier run's end is not for this one
        try:
            # A data set loading on a thread is the one chosen last (an opened file is not in
            # the panel's settings until it has loaded): this Start goes on once it is there.
            busy = self._data_loading is not None
            ds = None if busy else self.request_dataset(s, self._apply_selected_dataset)
            if ds is None:
                self._pending_start = (paused, steps)
                self.controls.set_hint(f"Starting as soon as {self.data_loading()} has loaded…")
                return
            preset = get_preset(s.preset)
            opts = preset.defaults.updated(
                latent_dim=s.latent_dim, batch_size=s.batch_size, learning_rate=s.learning_rate
            )
            if s.extra:
                opts = opts.updated(**{s.extra[0]: s.extra[1]})
            opts.validate()
            if preset.kind == "conv" and not ds.is_image:
                raise OptionsError("the convolutional preset needs an image data set")
        except (DatasetError, OptionsError) as exc:
            self.show_error(str(exc))
            return
        self.clear_views()
        self._show_dataset(ds)
        batches = -(-ds.n_train // opts.batch_size)
        self.loss_plot.set_smoothing(max(0.0, 1.0 - 8.0 / batches))  # about 1/8 epoch
        config = TrainingConfig(
            preset=s.preset,
            options=opts,
            epochs=s.epochs,
            snapshot_interval=SNAPSHOT_INTERVAL,
            live_latent_size=min(LIVE_LATENT, ds.n_val),
            greedy=bool(self.lesson and self.lesson.greedy and s.preset == self.lesson.preset),
            pretrain_epochs=2,
        )
        self._epochs_total = s.epochs
        self.new_history(
            {
                "run_id": new_run_id(),  # its own autosave file
                "dataset": s.dataset,
                "data_path": s.data_path,
                "classes": s.classes,
                "preset": s.preset,
                "options": opts.to_dict(),
                "epochs": s.epochs,
                "greedy": config.greedy,
                "lesson": self.lesson.name if self.lesson else None,
                "dataset_name": ds.name,
                "variational": get_preset(s.preset).kind == "vae",
            }
        )
        self.trainer = self.worker.make_trainer(ds, config, start_paused=paused)
        self._run_key = self.run_key(s)
        self.trainer.set_batch_delay(self.controls.delay())
        if steps:
            self.trainer.step(steps)
        self.controls.set_hint("")
        self._set_state("paused" if paused else "running")
        self.run_requested.emit(self.trainer)

    def run_key(self, s: RunSettings) -> tuple[Any, ...]:
        """What makes a run's model: its data, preset, code size, knob and lesson. The epochs,
        batch size, learning rate and speed may change between Starts of one run."""
        lesson = self.lesson.name if self.lesson else None
        return (self._selection_key(s), s.preset, s.latent_dim, s.extra, lesson)

    def continues(self) -> bool:
        """Whether Start (Space, Step) trains the finished or stopped run on, rather than a
        new model: it ended well, its views are still up, and the panel asks for the same."""
        f = self._finish
        return (
            self.state == "finished"
            and self.trainer is not None
            and f is not None
            and f.reason in ("completed", "stopped")
            and self.trainer.epochs_done > 0  # not stopped in a greedy run's pretraining
            and self._run_key == self.run_key(self.controls.settings())
        )

    def _continue_run(self, s: RunSettings, paused: bool, steps: int) -> None:
        """More epochs of the same model, its history, curves and views kept."""
        trainer = self.trainer
        assert trainer is not None
        self._after_run = None  # an open waiting for an earlier run's end is not for this one
        self.clear_lesson_results(running=True)  # its comparison job would hold the thread
        first = trainer.epochs_done + 1
        trainer.extend(s.epochs, start_paused=paused, batch_size=s.batch_size)
        trainer.set_learning_rate(s.learning_rate)
        trainer.set_batch_delay(self.controls.delay())
        if steps:
            trainer.step(steps)
        self._finish = None
        self._epochs_total = trainer.config.epochs
        self.history.settings["epochs"] = trainer.config.epochs
        options = trainer.config.model_options().updated(learning_rate=s.learning_rate)
        self.history.settings["options"] = options.to_dict()  # a session reopens with them
        batches = -(-trainer.dataset.n_train // options.batch_size)
        self.loss_plot.set_smoothing(max(0.0, 1.0 - 8.0 / batches))  # about 1/8 epoch
        self.timeline.play(False)
        self.timeline.select(self.timeline.epochs())  # the run goes on at its newest epoch
        self.controls.set_hint("")
        self.say(f"Continuing the same model: epochs {first}-{trainer.config.epochs}.")
        self._set_state("paused" if paused else "running")
        self.run_requested.emit(trainer)

    def say(self, message: str, ms: int = 12_000) -> None:
        """One line where the eye is: a banner over the latent space and the status bar
        (``""`` takes the banner away)."""
        self.notice.setText(message)
        self.notice.setVisible(bool(message))
        if message:
            self._notice_timer.start(ms)
            self.statusBar().showMessage(message, ms)
        else:
            self._notice_timer.stop()

    def _on_controls_hint_changed(self, text: str) -> None:
        if text:
            self.say(text)
        elif self.notice.text() == self._said_hint:  # outdated ("Starting as soon as…")
            self.say("")
        self._said_hint = text

    def _on_controls_model_settings_changed(self) -> None:
        """Say once, when it flips, that the next Start begins a new model."""
        if self.state != "finished" or self.trainer is None or self._finish is None:
            return
        before = self.controls.start_button.text()
        self._update_start_label()
        if before == "Continue" and not self.continues():
            self.say(
                "Settings changed: the next Start begins a new model "
                "(the finished run stays in File → Recent runs)."
            )
        self._update_status()

    def _update_start_label(self) -> None:
        """Start reads "Continue" when it trains the run on screen on, "Start new run" when a
        finished run is on screen but the panel asks for another model, else "Start"."""
        ended = self.state == "finished" and self.trainer is not None and self._finish is not None
        label = "Continue" if self.continues() else "Start new run" if ended else "Start"
        self.controls.set_start_label(label)

    def toggle_start_pause(self) -> None:
        if self.state in ("idle", "finished"):
            self.start()
        elif self.state == "running":
            self.pause(True)
        elif self.state == "paused":
            self.pause(False)

    def pause(self, on: bool) -> None:
        if self.trainer is None or self.state not in ("running", "paused"):
            return
        if on:
            self.trainer.pause()
        else:
            self.trainer.resume()
        self._set_state("paused" if on else "running")

    def step(self) -> None:
        """One batch: from idle this starts a paused run that takes a single step."""
        if self.state in ("idle", "finished"):
            self.start(paused=True, steps=1)
        elif self.trainer is not None and self.state in ("running", "paused"):
            self.trainer.step()
            self._set_state("paused")

    def stop(self) -> None:
        if self.trainer is not None and self.state in ("running", "paused"):
            self.trainer.stop()

    def reset(self) -> None:
        """Stop, forget the model and clear every view."""
        self.stop()
        self.stop_lesson_jobs()  # a comparison still training belongs to the old run
        self._after_run = None
        self.trainer = None
        self.clear_views()
        if self.state in ("running", "paused", "stopping"):  # idle once the run has ended
            self._set_state("stopping")
        else:
            self._set_state("idle")

    def clear_views(self) -> None:
        self._finish = None  # the next Start begins a new model
        self.controls.set_start_label("Start")
        self._epoch_views.clear()  # a reset run's epoch-end views are not drawn
        self._latent_pending.clear()
        self.input_gate.discard(self._show_latent_reports)
        self.input_gate.discard(self._show_weights)
        self._epoch_views_shown = None
        self._epoch_view_turn.cancel()
        self.snapshot = None
        self.projection = None
        self.latent_codes = self.latent_indices = self.shown_indices = None
        self.clicked_point = None
        self.selected_index = None
        self.loss_plot.clear()
        self.latent_view.set_points(np.zeros((0, 2), np.float32), None)
        self.latent_view.set_message("Press Start: the codes of the validation digits appear here")
        self.latent_view.set_click_marker(None, None)
        self.latent_view.set_drawn_point(None, None)
        self.latent_view.set_highlight(None)
        self._clear_lesson_marks()  # a path or crosses drawn on the old codes mean nothing now
        self.preview.set_image(None)
        self.preview.set_caption("")
        self.gallery.clear()
        self.gallery_indices = np.arange(0)
        self.timeline.play(False)
        self.timeline.set_epochs(0)  # the old run's epochs are not this run's
        self.view_epoch = 0
        self.trails.clear()
        if self.lesson is not None:  # nothing of the old run's results
            self.clear_lesson_results(running=False)
        self.stage_label.setText("")
        self._progress = ""
        self._update_status()
        self.refresh_denoise()

    # -- worker signals ---------------------------------------------------------------
    # Every slot of a signal from another thread is a declared @Slot: PySide6 >= 6.8 can
    # segfault delivering a cross-thread signal to a plain Python callable (PYSIDE-3124).
    @Slot()
    def _on_worker_ready(self) -> None:
        self.tf_ready = True
        if self.collector is not None:
            self.collector.freeze_once()
        if self.state == "loading":
            self._set_state("idle")
        self._update_status()
        if self._pending_start is not None:
            paused, steps = self._pending_start
            self._pending_start = None
            self.start(paused=paused, steps=steps)

    @Slot(object)
    def _on_worker_model_built(self, info: dict) -> None:
        self.model_info = dict(info)
        self.variational = bool(info["variational"])
        title = get_preset(info["preset"]).title
        self.setWindowTitle(f"aeviewer: {title}, {info['params']:,} parameters")

    @Slot(str, str)
    def _on_worker_stage_changed(self, stage: str, title: str) -> None:
        self.stage_label.setText(title)
        if self.trainer is not None:  # the stage starts where the epochs so far end
            self.loss_plot.set_stage_marker(self.loss_plot.last_epoch_x(), title.split(":")[0])

    @Slot(object)
    def _on_worker_batches_reported(self, chunk: BatchChunk) -> None:
        if self.trainer is None:
            return  # a reset run still reporting: what it sends is forgotten
        self.loss_plot.add_batches(chunk.epochs, chunk.losses)
        self.history.add_batches(chunk.epochs, chunk.losses)
        r = chunk.last
        stage = "" if r.stage == "train" else f"{r.stage} · "
        self._update_status(
            f"{stage}epoch {r.epoch}/{self._epochs_total} · batch "
            f"{r.batch}/{r.batches} · {r.samples_per_s:,.0f} samples/s"
        )

    @Slot(float, object)
    def _on_worker_epoch_ended(self, x: float, report: EpochReport) -> None:
        if self.trainer is None:
            return  # a reset run still reporting: what it sends is forgotten
        self.loss_plot.add_epoch(x, report.logs, report.stage)  # greedy stages: their own curve
        self.history.add_epoch(report.epoch, x, report.logs, report.stage)
        if report.stage == "train":
            self.timeline.set_epochs(len(self.history))

    @Slot(object)
    def _on_worker_latent_updated(self, report: LatentReport) -> None:
        if self.dataset is None or self.trainer is None:
            return  # no data, or a reset run still reporting
        if not report.partial:
            self.history.set_codes(report.epoch, report.codes, report.indices)
        if not self.is_live():
            return  # the time machine shows an older epoch; the record keeps this one
        # The latest codes are drawn, after the epoch-end codes of the whole set if any came
        # since the last drawing (they set the projection and what a click decodes through).
        if not report.partial:
            self._latent_pending.clear()
        self._latent_pending = [r for r in self._latent_pending if not r.partial] + [report]
        if not self.input_gate.defer(self._show_latent_reports):
            self._show_latent_reports()

    def _show_latent_reports(self) -> None:
        reports, self._latent_pending = self._latent_pending, []
        if self.dataset is None or self.trainer is None or not self.is_live():
            return
        for report in reports:
            self._show_latent_report(report, draw=report is reports[-1])

    def _show_latent_report(self, report: LatentReport, draw: bool) -> None:
        if not report.partial:  # the epoch-end codes of the whole (capped) validation set
            self.latent_codes, self.latent_indices = report.codes, report.indices
            self.codes_epoch = report.epoch
        keep_map = False  # t-SNE: the last map stays on screen until the next one is ready
        if self.wants_tsne() and report.codes.shape[1] > 2:
            if not report.partial:
                self.start_tsne()  # one at a time: a running one restarts on these codes
            keep_map = self.projection is not None and self.projection.kind == "tsne"
        if keep_map:
            self._refresh_title()
        else:
            if not report.partial:
                pca = self.projection if self.projection and self.projection.kind == "pca" else None
                self.projection = fit_pca(report.codes, pca)
            elif self.projection is None or self.projection.kind == "tsne":
                self.projection = fit_pca(report.codes, None)  # the first live codes of a run
            if draw:
                xy = plane_xy(self.projection, report.codes, report.indices)
                self._show_codes(xy, report.indices)
        if not draw:
            return
        self.refresh_denoise()
        if self.lesson is not None and self.lesson.panel == "histogram-sparse":
            self.show_sparse_histograms(report.codes)  # live, between epoch ends too

    @Slot(object)
    def _on_worker_weights_updated(self, snapshot: ModelSnapshot) -> None:
        if self.trainer is None:
            return  # a reset run still reporting: what it sends is forgotten
        first = self.snapshot is None
        self.snapshot = snapshot
        rec = self.history.record(snapshot.epoch)
        epoch_end = rec is not None and rec.snapshot is None
        self.record_snapshot(snapshot)
        if self.is_live():
            if not self.input_gate.defer(self._show_weights):
                self._show_weights()
            if first or epoch_end:
                # The epoch-end views, one per turn of the event loop: a click or a stroke
                # queued meanwhile waits for one of them, not for all.
                self._epoch_views = [
                    self.refresh_gallery_pairs,
                    self.refresh_gallery_generated,
                    self.update_trails,
                    self.refresh_lesson,
                ]
                self._epoch_views_shown = snapshot.epoch if epoch_end else None
                self._epoch_view_turn.request()
                return
        if epoch_end:
            self.epoch_shown.emit(snapshot.epoch)  # every view shows this epoch now

    def _show_weights(self) -> None:
        """The views of the latest weights that are not epoch-end views."""
        if self.snapshot is None or not self.is_live():
            return
        if self.clicked_point is not None:
            self.decode_point(*self.clicked_point)
        self.refresh_denoise()

    def _next_epoch_view(self) -> None:
        if self._epoch_views:
            self._epoch_views.pop(0)()
        if self._epoch_views:
            self._epoch_view_turn.request()
        elif self._epoch_views_shown is not None:
            epoch, self._epoch_views_shown = self._epoch_views_shown, None
            self.epoch_shown.emit(epoch)  # every view shows this epoch now

    def flush_epoch_views(self) -> None:
        """Refresh now the epoch-end views still waiting for their turn."""
        while self._epoch_views or self._epoch_views_shown is not None:
            self._next_epoch_view()
        self._epoch_view_turn.cancel()

    @Slot(object)
    def _on_worker_run_finished(self, report: FinishReport) -> None:
        self.input_gate.flush()  # the end of a run shows every view of its last epoch
        self.flush_epoch_views()
        if report.reason in ("nan", "error"):
            self.show_error(report.message)
        elif report.reason == "completed":
            images = self.dataset is not None and self.dataset.is_image
            what = "Click the latent space or draw." if images else "Hover over the points."
            self.controls.set_hint(f"Done: {report.message} {what}")
        self.stage_label.setText("")
        if self.trainer is None:  # reset while it ran
            self._set_state("idle")
        else:
            self._finish = report
            self._set_state("finished")
            self._update_start_label()
            if self.wants_tsne() and self.is_live():
                self.start_tsne()  # the map of the final codes (a running one restarts on them)
            if report.reason in ("completed", "stopped") and report.epochs_done:
                self.start_lesson_followup()
        then, self._after_run = self._after_run, None
        if then is not None:
            then()

    # -- controls ------------------------------------------------------------------------
    def _on_controls_pause_toggled(self, on: bool) -> None:
        self.pause(on)

    def _on_controls_learning_rate_changed(self, lr: float) -> None:
        if self.trainer is not None and self.state in ("running", "paused"):
            self.trainer.set_learning_rate(lr)

    def _on_controls_speed_changed(self, delay: float) -> None:
        if self.trainer is not None:
            self.trainer.set_batch_delay(delay)

    def _on_controls_dataset_changed(self) -> None:
        s = self.controls.settings()
        if self.state in ("running", "paused"):
            # The run keeps its data (its codes index it): the choice applies at the next
            # Start. A download or a file starts loading now, so that Start is immediate.
            if self.loads_slowly(s):
                with contextlib.suppress(DatasetError):  # Start says what is wrong with it
                    self.request_dataset(s, self._apply_selected_dataset)
            else:
                self._end_data_loading()  # an earlier choice still loading is not wanted now
            self._say_next_start(self.controls.dataset_title())
            return
        try:
            ds = self.request_dataset(s, self._apply_selected_dataset)
        except DatasetError as exc:
            self.show_error(str(exc))
            return
        if ds is not None:
            self._apply_selected_dataset(ds)

    def ask_data_path(self, folder: bool = False) -> str:
        """The data file (or, with ``folder``, the folder) the user picks; "" when cancelled.

        Tests replace this method, so that no modal dialog opens.
        """
        if folder:
            return QFileDialog.getExistingDirectory(self, "Open data folder", "")
        path, _ = QFileDialog.getOpenFileName(
            self, "Open data", "", "Data (*.npz *.gz *-ubyte *idx*);;All files (*)"
        )
        return path

    def _on_controls_open_data_requested(self, folder: bool = False) -> None:
        path = self.ask_data_path(folder)
        if not path:
            return
        s = dataclasses.replace(self.controls.settings(), data_path=path)
        self._data_kept = None  # read the file again: it may have changed since
        try:  # checked in full before the panel shows the file: a bad one changes nothing
            ds = self.request_dataset(s, lambda ds: self._on_data_opened(path, ds))
        except DatasetError as exc:
            self.show_error(str(exc))
            return
        if ds is not None:
            self._on_data_opened(path, ds)

    def _on_data_opened(self, path: str, ds: Dataset) -> None:
        self.controls.blockSignals(True)  # its dataset_changed would load the file again
        try:
            self.controls.set_data_path(path)
        finally:
            self.controls.blockSignals(False)
        count = f"{ds.n_train + ds.n_val:,} {'images' if ds.is_image else 'samples'}"
        opened = f"Opened {Path(path).name}: {', '.join(filter(None, (count, ds.note)))}"
        if self.state in ("running", "paused"):  # File → Open data works during a run too
            self._say_next_start(Path(path).name)
            self.say(f"{opened} (used from the next Start)", 15000)
            return
        self._apply_selected_dataset(ds)
        self.say(opened, 15000)

    def _on_log_action_toggled(self, on: bool) -> None:
        self.loss_plot.set_log_y(on)

    # -- presenter mode, help, jobs ------------------------------------------------------------
    def toggle_presenter(self) -> None:
        """Full screen, large type, high contrast, only the essential controls (F11; Esc leaves).

        The menu bar and the Controls dock go; a toolbar holds Start/pause, Step, Reset,
        Replay and the keys' help (every action keeps its shortcut). Every view stays, its
        fonts scaled for the screen (``palette.presenter_scale``), in the theme's high-contrast
        variant.
        """
        self.presenting = not self.presenting
        if self.presenting:
            self._pre_presenter_state = self.saveState()
            self._pre_presenter_maximized = self.isMaximized()
            self.menuBar().hide()
            self.controls_dock.hide()
            self.presenter_bar.show()
            self.showFullScreen()
        else:
            self.menuBar().show()
            if getattr(self, "_pre_presenter_maximized", False):
                self.showMaximized()
            else:
                self.showNormal()
            self.restoreState(self._pre_presenter_state)
            self.presenter_bar.hide()
        screen = self.screen() or QApplication.primaryScreen()
        lines = screen.geometry().height() if screen is not None else 1080
        palette.set_font_scale(palette.presenter_scale(lines) if self.presenting else 1.0)
        self.set_theme(getattr(self, "_theme_name", "dark"))  # restyles every view
        QTimer.singleShot(0, self.apply_default_layout)
        if self.presenting:
            self.statusBar().showMessage("Presenter mode: F1 lists the keys, Esc leaves", 6000)

    def _on_escape(self) -> None:
        if self.help_overlay.isVisible():
            self.help_overlay.close_help()
        elif self.presenting:
            self.toggle_presenter()
        else:
            self.stop()

    def busy(self) -> bool:
        """Work still under way: training, a job on the training thread, or t-SNE."""
        return self.state in ("running", "paused") or bool(self._job_callbacks) or self._tsne_busy

    _job_serial = 0  # jobs requested so far: each gets its own token

    def request_job(self, name: str, fn: Any, then: Any, stop: Any = None) -> str:
        """Run ``fn`` on the training thread (after any run); ``then(result)`` here.

        Each request has its own token (returned), so two jobs of one name each get their
        own result. ``stop`` is called if the window closes first, and must make ``fn``
        return soon (a :class:`Trainer`'s ``stop``): closing waits only briefly for the thread.
        """
        self._job_serial += 1
        token = f"{name}#{self._job_serial}"
        self._job_callbacks[token] = (then, stop)
        self.job_requested.emit(token, fn)
        return token

    @Slot(str, object, str)
    def _on_jobs_job_finished(self, token: str, result: Any, error: str) -> None:
        then, _stop = self._job_callbacks.pop(token, (None, None))
        name = token.rpartition("#")[0] or token
        if error:
            self.show_error(f"{name.replace('-', ' ')}: {error}")
        elif then is not None:
            then(result)

    def set_state_from_session(self, history: RunHistory) -> None:
        """Show an opened session: its data, lesson, settings, curves, stage markers, noise
        levels and time machine, as they were when it was saved."""
        from aeviewer.gui.files_mixin import (
            batches_per_epoch,
            curve_events,
            session_view,
            stage_markers,
        )
        from aeviewer.gui.widgets.controls import EXTRA_KNOB

        st = history.settings
        ds = load_dataset(
            None if st.get("data_path") else st.get("dataset", "digits"),
            path=st.get("data_path"),
            classes=parse_classes(st["classes"]) if st.get("classes") else None,
        )
        if not history.records or history.records[-1].snapshot is None:
            raise ValueError("the session holds no trained epoch")
        shape = history.records[-1].snapshot.encoder.input_shape
        idx = history.latent_indices
        rows_fit = idx is None or not len(idx) or int(idx.max()) < ds.n_val
        if shape != tuple(ds.input_shape) or not rows_fit:
            raise ValueError(f"the session's model does not fit its data set {ds.name}")
        view = session_view(history)  # checked before anything changes: a bad file loses nothing
        self.trainer = None
        self.timeline.play(False)
        self.view_epoch = 0  # nothing decodes with the old run's snapshots from here on
        self.clear_views()
        if view.lesson is not None:
            self.open_lesson(view.lesson)  # its panel and caption; the session's settings follow
        elif self.lesson is not None:
            self.close_lesson()
        c = self.controls
        c.set_dataset(st.get("dataset", "digits"))
        if st.get("data_path"):
            c.set_data_path(st["data_path"])
        c.classes_edit.setText(st.get("classes", ""))
        c.set_preset(view.preset)  # first: a new preset resets the boxes below to its defaults
        c.epochs_spin.setValue(view.epochs)
        o = view.options
        c.latent_spin.setValue(o.latent_dim)
        c.batch_spin.setValue(o.batch_size)
        c.lr_spin.setValue(o.learning_rate)
        knob = EXTRA_KNOB.get(view.preset)
        if knob is not None:
            c.extra_spin.setValue(float(getattr(o, knob[0])))
        self._show_dataset(ds)
        self.history = history
        history.spill_snapshots()  # a long session's weights wait on disk, as in a live run
        self.variational = bool(st.get("variational", False))
        # The smoothing the run had (about 1/8 epoch), from its own batches: the data set on
        # disk may have grown since.
        batches = batches_per_epoch(history) or -(-ds.n_train // o.batch_size)
        self.loss_plot.set_smoothing(max(0.0, 1.0 - 8.0 / batches))
        history.stages = stage_markers(history)
        for event in curve_events(history):  # greedy stages' markers, batches, epochs in order
            if event[0] == "marker":
                self.loss_plot.set_stage_marker(*event[1:])
            elif event[0] == "batches":
                self.loss_plot.add_batches(*event[1:])
            else:
                self.loss_plot.add_epoch(*event[1:])
        self.snapshot = history.records[-1].snapshot
        self.view_epoch = 0
        if view.noise is not None:
            self.noise_panel.blockSignals(True)  # the views refresh once, below
            self.noise_panel.set_noise(*view.noise)
            self.noise_panel.blockSignals(False)
        self.timeline.set_epochs(len(history))
        self.timeline.blockSignals(True)
        self.timeline.select(view.epoch or len(history))
        self.timeline.blockSignals(False)
        if view.pca_axes is not None:  # the refit below keeps the axes as they were shown
            k = view.pca_axes.shape[1]
            self.projection = Projection("pca", np.zeros(k, np.float32), view.pca_axes)
        if view.point is not None:
            self.clicked_point = view.point
            self.latent_view.set_click_marker(*view.point)
        if view.lesson_state is not None:  # before the refresh below, which draws it
            self.restore_lesson_state(view.lesson_state)
        self._on_timeline_epoch_selected(self.timeline.current())
        if self.projection_kind == "tsne":
            self.start_tsne()
        self._set_state("finished")

    # -- look ----------------------------------------------------------------------------
    def _apply_style(self) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.setStyleSheet(palette.stylesheet(palette.theme()))  # at the current font scale

    def set_theme(self, name: str) -> None:
        """Use the dark or light theme; presenter mode shows its high-contrast variant."""
        name = name.removesuffix("-contrast")
        name = name if name in ("dark", "light") else "dark"
        self._theme_name = name
        palette.set_theme(palette.contrast_theme(name) if self.presenting else name)
        self._apply_style()
        views: list[Any] = [
            self.latent_view,
            self.loss_plot,
            self.preview,
            self.canvas_panel.canvas,
            self.noise_panel,
            self.gallery,
        ]
        panel = getattr(self, "lesson_panel", None)
        if panel is not None and hasattr(panel, "apply_theme"):
            views.append(panel)  # its labels' own style sheets and its plots' axes
        for w in views:
            w.apply_theme()
        self.help_overlay.update()
        if name in getattr(self, "theme_actions", {}):
            self.theme_actions[name].setChecked(True)
        self._settings.setValue("theme", name)

    def show_error(self, message: str) -> None:
        """A clear one-line message; the app stays usable."""
        lines = [line.strip() for line in str(message).splitlines() if line.strip()]
        message = (lines[0] if lines else "Something went wrong.")[:300]  # TF errors are long
        self.controls.set_hint(message)  # and where the eye is (say)
        if os.environ.get("QT_QPA_PLATFORM") != "offscreen":
            QMessageBox.warning(self, "aeviewer", message)

    # -- lifetime --------------------------------------------------------------------------
    def apply_default_layout(self) -> None:
        """Lay the docks out for the window's size (aeviewer/gui/layout.py); the layout then
        re-balances itself after every resize, change of screen, or panel shown or hidden.

        The latent space, the loss and a lesson's panel keep the most room; at small sizes the
        denoising strip, the canvas and gallery, the decoded point and then the controls give
        way to tabs.
        """
        self.dock_layout.apply()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if not self._laid_out:
            self._laid_out = True
            QTimer.singleShot(0, self.apply_default_layout)
        else:  # a layout restored from the last session stays until the window's size changes
            self.dock_layout.follow()

    def _default_geometry(self) -> None:
        """Most of the screen, centred: a projector shows nothing else."""
        screen = QApplication.primaryScreen()
        if screen is None:
            self.resize(1600, 1000)
            return
        area = screen.availableGeometry()
        w, h = int(area.width() * 0.94), int(area.height() * 0.94)
        # At least 1024x700, where the screen has room (the docks fit any size from 1024x720).
        self.resize(min(max(w, 1024), area.width()), min(max(h, 700), area.height()))
        self.move(
            area.x() + (area.width() - self.width()) // 2,
            area.y() + (area.height() - self.height()) // 2,
        )

    def _restore_settings(self) -> bool:
        geometry = self._settings.value("geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        state = self._settings.value("dock_state")
        if isinstance(state, QByteArray):
            return bool(self.restoreState(state))
        return False

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        self._settings.setValue("geometry", self.saveGeometry())
        self._settings.setValue("dock_state", self.saveState())
        self._settings.sync()  # now: with a thread left running the process skips destructors
        super().closeEvent(event)

    CLOSE_BUDGET_S = 1.5  # closing, the final autosave included, takes at most about this
    _shut_down = False

    def shutdown(self, timeout_ms: int = 1000) -> bool:
        """Stop training, jobs and the thread, and save the run as it stands, in about 1.5 s.

        True when the training thread stopped within ``timeout_ms``. One that does not
        (TensorFlow still importing, a first XLA compile, a job that cannot stop) is left to end
        on its own (``relay.strand``): destroying a running QThread aborts the process.
        """
        if self._shut_down:
            return not self.thread_.isRunning()
        self._shut_down = True
        t0 = time.monotonic()
        self._pending_start = None  # a Start queued for TensorFlow or data must not begin now
        if self.trainer is not None:
            self.trainer.stop()
        for _then, stop in list(self._job_callbacks.values()):
            if stop is not None:
                with contextlib.suppress(Exception):  # closing goes on whatever a job does
                    stop()
        self.thread_.quit()
        # The last autosave may be 2 minutes old: write the run as it stands, while the
        # thread stops (the GUI thread takes no more reports from it now).
        self.autosaver.save_on_close(0.4)
        if self.tf_ready or not self._warm_up_started:
            if self.trainer is not None and not self.trainer.steps and not self._job_callbacks:
                # Its first compile (seconds, XLA's) cannot be interrupted either: a short
                # wait, in case it is just ending; else the thread finishes on its own.
                timeout_ms = min(timeout_ms, 300)
            ok = bool(self.thread_.wait(timeout_ms))
        else:
            # TensorFlow is importing there: that cannot be interrupted, and it holds the GIL
            # for a second at a time (its libraries' start-up), so each wait here for the
            # thread, or for the GIL after one, only delays the close.
            ok = False
        self.autosaver.wait(max(0.0, self.CLOSE_BUDGET_S - (time.monotonic() - t0)))
        if not ok:
            strand(self.thread_, self.worker, self.jobs, grace_s=0.3 if self.tf_ready else 0.0)
        return ok

    @staticmethod
    def close_on_sigterm() -> None:
        """SIGTERM (a logout, a shutdown, ``kill``) closes the windows as the close button does:
        the run is saved and the process exits cleanly. Installed once, by the app itself (a
        QApplication named "aeviewer": never under pytest), when nothing else handles SIGTERM.
        """
        app = QApplication.instance()
        if (
            app is None
            or app.applicationName() != "aeviewer"
            or threading.current_thread() is not threading.main_thread()
            or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
        ):
            return

        asked = threading.Event()

        def on_sigterm(_signum: int, _frame: Any) -> None:
            # Python runs this between two bytecodes of the GUI thread, maybe deep in a slot:
            # only take note. A second SIGTERM ends the process at once.
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            asked.set()

        def on_wake() -> None:
            # Python sees a signal only when it runs: this timer's slot runs the handler, then
            # closes at once, holding the GIL (TensorFlow's import may hold it a second at a
            # time: each hand-over would delay the close by as much).
            if asked.is_set():
                wake.stop()
                QApplication.closeAllWindows()

        signal.signal(signal.SIGTERM, on_sigterm)
        wake = QTimer(app)
        wake.setObjectName("aeviewer-sigterm-wake")
        wake.timeout.connect(on_wake)
        wake.start(100)

    def open_last_autosave(self) -> bool:
        """File → Open last autosave: the newest run saved (every 2 minutes of training and
        at its end)."""
        runs = recent_autosaves()
        if not runs:
            self.show_error(
                "No autosave yet: a run is saved every 2 minutes of training and when it ends."
            )
            return False
        return self.open_session(runs[0])

    def fill_recent_menu(self) -> None:
        """File → Recent runs: each autosaved run, newest first."""
        menu = self.recent_menu
        menu.clear()
        runs = recent_autosaves()
        for path in runs:
            act = menu.addAction(describe_autosave(path))
            act.setToolTip(str(path))
            act.triggered.connect(lambda _checked=False, p=path: self.open_session(p))
        if not runs:
            menu.addAction("No run saved yet").setEnabled(False)

    def ask(self, question: str, yes: str) -> bool:
        """A yes/no question in one click (``yes`` names what Yes does). Headless: no."""
        if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
            return False
        box = QMessageBox(QMessageBox.Icon.Question, "aeviewer", question, parent=self)
        go = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(go)
        box.exec()
        return box.clickedButton() is go

    def training_thread(self) -> QThread:
        return self.thread_
