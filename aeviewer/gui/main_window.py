"""The main window: the composition root.

It builds the widgets, the docks, the menus, the training thread and the controllers
(``gui/controllers/``: each owns one concern's state and slots), and ``_connect`` lists every
signal-to-slot connection. No maths and no state of its own beyond what it is built of.
"""

from __future__ import annotations

import os
from typing import Any

from PySide6.QtCore import QMetaObject, Qt, QThread, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from aeviewer.core.datasets import Dataset
from aeviewer.core.errors import first_line
from aeviewer.gui import palette
from aeviewer.gui.background import BackgroundJobs
from aeviewer.gui.collector import install_gui_collector
from aeviewer.gui.controllers.data import DataController
from aeviewer.gui.controllers.exports import ExportsController
from aeviewer.gui.controllers.jobs import JobsController
from aeviewer.gui.controllers.latent import LatentController
from aeviewer.gui.controllers.lessons import LessonController
from aeviewer.gui.controllers.live import LiveController
from aeviewer.gui.controllers.run import RunController
from aeviewer.gui.controllers.samples import SamplesController
from aeviewer.gui.controllers.sessions import SessionsController
from aeviewer.gui.controllers.time_machine import TimeMachineController
from aeviewer.gui.controllers.user_model import UserModelController
from aeviewer.gui.docks import build_docks
from aeviewer.gui.drops import DropOpener
from aeviewer.gui.input_gate import InputGate
from aeviewer.gui.layout import DockLayout
from aeviewer.gui.menus import Menus
from aeviewer.gui.presenter import Presenter
from aeviewer.gui.settings import Settings, default_geometry
from aeviewer.gui.shutdown import Shutdown
from aeviewer.gui.training_worker import TrainingThread, TrainingWorker
from aeviewer.gui.widgets.controls import ControlPanel
from aeviewer.gui.widgets.drawing_canvas import CanvasPanel
from aeviewer.gui.widgets.image_tile import ImageTile
from aeviewer.gui.widgets.latent_view import LatentView
from aeviewer.gui.widgets.loss_plot import LossPlot
from aeviewer.gui.widgets.noise_panel import NoisePanel
from aeviewer.gui.widgets.overlays import HelpOverlay, TrailsOverlay
from aeviewer.gui.widgets.picture_input import PicturePanel
from aeviewer.gui.widgets.sample_gallery import SampleGallery
from aeviewer.gui.widgets.status_text import StatusText
from aeviewer.gui.widgets.timeline import TimelineBar

WARM_UP_FALLBACK_MS = 1000  # a window not shown (tests, scripts) still loads TensorFlow
PRESS_START = "Press Start: the codes of the validation digits appear here"


class MainWindow(QMainWindow):
    """The whole app window."""

    # Built by gui/docks.py:
    controls_dock: QDockWidget
    denoise_dock: QDockWidget
    loss_dock: QDockWidget
    preview_dock: QDockWidget
    draw_dock: QDockWidget
    gallery_dock: QDockWidget
    lesson_dock: QDockWidget
    dock_layout: DockLayout
    status_label: StatusText

    def __init__(self, dataset: Dataset | None = None, restore: bool = True) -> None:
        super().__init__()
        self.setWindowTitle("aeviewer: watch an autoencoder learn")
        self.settings = Settings()
        self.collector = install_gui_collector()  # before any thread starts (see collector.py)
        # A click or a stroke is answered before the live views redraw (gui/input_gate.py).
        self.input_gate = InputGate(self)
        self._build_widgets()
        self.run = RunController(self)
        self.jobs = JobsController(self)
        self.data = DataController(self)
        self.latent = LatentController(self)
        self.samples = SamplesController(self)
        self.live = LiveController(self)
        self.time_machine = TimeMachineController(self)
        self.lessons = LessonController(self)
        self.sessions = SessionsController(self)
        self.user_model = UserModelController(self)
        self.drops = DropOpener(self)  # models, sessions and pictures dropped on the window
        self.exports = ExportsController(self)
        self.presenter = Presenter(self)
        build_docks(self)
        self.menus = Menus(self)
        self.thread_ = TrainingThread(self)
        self.worker = TrainingWorker()
        self.worker.moveToThread(self.thread_)
        self.background = BackgroundJobs()
        self.background.moveToThread(self.thread_)
        self.thread_.start()
        self.shutdown = Shutdown(self)
        Shutdown.close_on_sigterm()  # closing saves the run: so does a logout's SIGTERM
        self._connect()
        self.set_theme(self.settings.theme)
        self._laid_out = False  # apply_default_layout once shown (unless a saved layout exists)
        default_geometry(self)
        if restore:
            self._laid_out = self.settings.restore_window(self)
        self.run.set_state("loading")
        if dataset is not None:
            self.data.show(dataset)
        # TensorFlow's import (seconds, in the training thread) takes the GIL from the first
        # paint: start it once the window has painted (paintEvent), or after a second.
        self.warm_up_started = False
        QTimer.singleShot(WARM_UP_FALLBACK_MS, self.worker_warm_up)

    # -- construction -----------------------------------------------------------------
    def _build_widgets(self) -> None:
        self.controls = ControlPanel()
        self.latent_view = LatentView()
        self.latent_view.set_message(PRESS_START)
        self.loss_plot = LossPlot()
        self.preview = ImageTile("", min_size=120, opaque=True)  # its dock's title names it
        self.preview.set_fit(True)
        self.preview.set_placeholder("Click the latent space")
        self.canvas_panel = CanvasPanel()
        self.canvas_panel.canvas.set_placeholder("Draw a digit here")
        # Small enough to share tabs at 1024x768; the layout gives it more where it can.
        self.canvas_panel.canvas.setMinimumSize(180, 180)
        self.picture_panel = PicturePanel()  # the canvas's place for colour data
        self.input_stack = QStackedWidget()
        self.input_stack.addWidget(self.canvas_panel)
        self.input_stack.addWidget(self.picture_panel)
        self.noise_panel = NoisePanel(tile_size=64)  # the tiles' floor: they grow with room
        self.gallery = SampleGallery(tile_size=28)  # ten columns in a 1024x768 window's tabs
        self.gallery.set_placeholder("Originals and reconstructions appear after the first epoch")
        self.stage_label = QLabel("")
        self.stage_label.setObjectName("hint")
        self.caption = QLabel("")  # the lesson's caption
        self.caption.setObjectName("banner")
        self.caption.setWordWrap(True)
        self.caption.hide()
        # Messages where the eye is: over the latent space, not only in the scrolled controls.
        self.notice = QLabel("")
        self.notice.setObjectName("banner")
        self.notice.setWordWrap(True)
        self.notice.hide()
        self._notice_timer = QTimer(self)
        self._notice_timer.setSingleShot(True)
        self._said_hint = ""  # the controls' hint the banner repeats
        self.timeline = TimelineBar()
        self.trails = TrailsOverlay(self.latent_view.plot_widget)
        centre = QWidget()
        cl = QVBoxLayout(centre)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.setSpacing(2)
        for widget, stretch in ((self.caption, 0), (self.notice, 0), (self.latent_view, 1)):
            cl.addWidget(widget, stretch)
        cl.addWidget(self.timeline)
        self.setCentralWidget(centre)
        self.help_overlay = HelpOverlay(self)

    def _connect(self) -> None:
        w, c, run, lessons = self.worker, self.controls, self.run, self.lessons
        run.run_requested.connect(w.run)
        self.jobs.job_requested.connect(self.background.run)
        self.background.job_finished.connect(self.jobs.on_finished)
        w.ready.connect(run.on_ready)
        w.model_built.connect(run.on_model_built)
        w.stage_changed.connect(run.on_stage_changed)
        w.batches_reported.connect(run.on_batches_reported)
        w.epoch_ended.connect(run.on_epoch_ended)
        w.run_finished.connect(run.on_run_finished)
        w.latent_updated.connect(self.live.on_latent_updated)
        w.weights_updated.connect(self.live.on_weights_updated)
        # The lesson panel's plots of greedy stages.
        w.stage_changed.connect(lessons.on_stage_changed)
        w.batches_reported.connect(lessons.on_batches_reported)
        w.epoch_ended.connect(lessons.on_epoch_ended)
        c.start_clicked.connect(run.start)
        c.pause_toggled.connect(run.pause)
        c.step_clicked.connect(run.step)
        c.stop_clicked.connect(run.stop)
        c.reset_clicked.connect(run.reset)
        c.learning_rate_changed.connect(run.set_learning_rate)
        c.speed_changed.connect(run.set_speed)
        c.open_data_requested.connect(self.data.open_requested)
        c.dataset_changed.connect(self.data.on_choice_changed)
        c.preset_changed.connect(self.user_model.close)  # a preset chosen: back to presets
        c.dataset_changed.connect(run.on_settings_changed)
        c.model_settings_changed.connect(run.on_settings_changed)
        c.hint_changed.connect(self._on_hint_changed)
        self.timeline.epoch_selected.connect(self.time_machine.on_epoch_selected)
        self.latent_view.latent_clicked.connect(self.latent.on_clicked)
        self.latent_view.latent_clicked.connect(lessons.latent_clicked)
        self.latent_view.sample_hovered.connect(self.latent.on_hovered)
        self.latent.tsne_computed.connect(self.latent.on_tsne_computed)
        self.canvas_panel.canvas.drawing_changed.connect(self.samples.refresh_denoise)
        self.picture_panel.picture_changed.connect(self.samples.refresh_denoise)
        self.picture_panel.failed.connect(self.show_error)
        self.noise_panel.noise_changed.connect(self.samples.on_noise_changed)
        self.gallery.sample_clicked.connect(self.samples.on_sample_clicked)
        self.gallery.sample_clicked.connect(lessons.sample_clicked)
        run.state_changed.connect(lessons.on_state_changed)
        run.state_changed.connect(self.sessions.autosaver.on_state_changed)
        self.sessions.autosaver.failed.connect(lambda t: self.statusBar().showMessage(t, 15000))
        self._notice_timer.timeout.connect(self.notice.hide)
        self.input_gate.watch(self.canvas_panel.canvas)
        self.input_gate.watch(self.latent_view.plot_widget.viewport())
        self.loss_plot.set_input_gate(self.input_gate)
        self.latent_view.set_input_gate(self.input_gate)

    def worker_warm_up(self) -> None:
        """Have the training thread import TensorFlow (once)."""
        if self.warm_up_started:
            return
        self.warm_up_started = True
        QMetaObject.invokeMethod(self.worker, "warm_up", Qt.ConnectionType.QueuedConnection)

    def paintEvent(self, event: Any) -> None:
        super().paintEvent(event)
        if not self.warm_up_started:
            QTimer.singleShot(0, self.worker_warm_up)  # after this paint and its children's

    def training_thread(self) -> QThread:
        return self.thread_

    # -- a new run --------------------------------------------------------------------
    def clear_views(self) -> None:
        """Nothing of the last run stays on screen: every controller forgets its part."""
        for part in (self.run, self.live, self.latent, self.samples, self.time_machine):
            part.reset_views()
        self.lessons.reset_views()  # marks drawn on the old codes, and its results
        self.loss_plot.clear()
        self.run.update_status()
        self.samples.refresh_denoise()

    # -- messages ---------------------------------------------------------------------
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

    def _on_hint_changed(self, text: str) -> None:
        if text:
            self.say(text)
        elif self.notice.text() == self._said_hint:  # outdated ("Starting as soon as…")
            self.say("")
        self._said_hint = text

    def show_error(self, message: str) -> None:
        """A clear one-line message; the app stays usable."""
        message = first_line(message)  # TF errors are long
        self.controls.set_hint(message)  # and where the eye is (say)
        if os.environ.get("QT_QPA_PLATFORM") != "offscreen":
            QMessageBox.warning(self, "aeviewer", message)

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

    def ask_save_name(self, title: str, default: str, filters: str) -> str:
        """A file name to save to; "" when cancelled (tests replace this)."""
        path, _ = QFileDialog.getSaveFileName(self, title, default, filters)
        return path

    # -- look -------------------------------------------------------------------------
    def set_theme(self, name: str) -> None:
        """Use the dark or light theme; presenter mode shows its high-contrast variant."""
        name = name.removesuffix("-contrast")
        name = name if name in ("dark", "light") else "dark"
        self.theme_name = name
        palette.set_theme(palette.contrast_theme(name) if self.presenter.on else name)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.setStyleSheet(palette.stylesheet(palette.theme()))  # at the current font scale
        views: list[Any] = [self.latent_view, self.loss_plot, self.preview, self.gallery]
        views += [self.canvas_panel.canvas, self.picture_panel, self.noise_panel]
        if self.lessons.panel is not None:
            views.append(self.lessons.panel)  # its labels' own style sheets and its plots' axes
        for view in views:
            view.apply_theme()
        self.help_overlay.update()
        if name in self.menus.theme_actions:
            self.menus.theme_actions[name].setChecked(True)
        self.settings.theme = name

    # -- lifetime ---------------------------------------------------------------------
    def apply_default_layout(self) -> None:
        """Lay the docks out for the window's size (gui/layout.py); the layout then
        re-balances itself after every resize, change of screen, or panel shown or hidden."""
        self.dock_layout.apply()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if not self._laid_out:
            self._laid_out = True
            QTimer.singleShot(0, self.apply_default_layout)
        else:  # a layout restored from the last session stays until the window's size changes
            self.dock_layout.follow()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        self.settings.save_window(self)
        super().closeEvent(event)
