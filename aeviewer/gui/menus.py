"""The menu bar, its shortcuts, and presenter mode's toolbar."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QToolBar

from aeviewer.core.lessons import LESSONS
from aeviewer.gui.widgets.overlays import SliderKeys

if TYPE_CHECKING:
    from aeviewer.gui.main_window import MainWindow


class Menus:
    """File, View, Training and Lessons menus; the checkable actions are kept here."""

    def __init__(self, w: MainWindow) -> None:
        self.w = w
        self.theme_actions: dict[str, QAction] = {}
        self.projection_actions: dict[str, QAction] = {}
        bar = w.menuBar()
        self._file(bar.addMenu("&File"))
        self._view(bar.addMenu("&View"))
        self._training(bar.addMenu("&Training"))
        self._presenter_bar()
        lessons = bar.addMenu("&Lessons")
        for i, lesson in enumerate(LESSONS, start=1):
            self.action(lessons, f"{i}. {lesson.title}", w.lessons.open, args=(lesson.name,))

    def action(
        self,
        menu: Any,
        text: str,
        slot: Callable[..., Any],
        shortcut: str | None = None,
        args: tuple[Any, ...] | None = None,
    ) -> QAction:
        """A menu entry calling ``slot(checked)``, or ``slot(*args)`` when ``args`` is given.

        ``QAction.triggered`` passes ``checked``: a ``lambda n=name: ...`` slot would receive it
        as ``n`` (False), which is how the theme, projection and lesson entries once did nothing.
        """
        act = QAction(text, self.w)
        if shortcut:
            act.setShortcut(QKeySequence(shortcut))
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        if args is not None:
            act.triggered.connect(lambda _checked=False: slot(*args))
        else:
            act.triggered.connect(slot)
        menu.addAction(act)
        self.w.addAction(act)
        return act

    def _file(self, file: Any) -> None:
        w, sessions, exports = self.w, self.w.sessions, self.w.exports
        open_data = w.data.open_requested
        self.action(file, "Open data…", open_data, "Ctrl+O", args=())
        # A native file dialog picks files only: folders (IDX files, class sub-folders) here.
        self.action(file, "Open data folder…", open_data, args=(True,))
        self.action(file, "Open model…", w.user_model.open_dialog, "Ctrl+M")
        self.action(file, "Open session…", sessions.open_dialog, "Ctrl+Shift+O")
        self.action(file, "Save session…", sessions.save_dialog, "Ctrl+S")
        self.action(file, "Open last autosave", sessions.open_last)
        # Every run keeps its own autosave: the newest few, listed afresh each time.
        self.recent_menu = file.addMenu("Recent runs")
        self.recent_menu.aboutToShow.connect(sessions.fill_recent_menu)
        file.addSeparator()
        self.action(file, "Save model (.keras)…", sessions.save_model_dialog, "Ctrl+Shift+S")
        export = file.addMenu("Export")
        # Every plot on screen, the lesson panel's too: listed afresh each time it opens.
        self.plot_export_menu = export.addMenu("Plot (PNG or SVG)")
        self.plot_export_menu.aboutToShow.connect(
            lambda: exports.fill_plot_menu(self.plot_export_menu)
        )
        for text, slot in (
            ("Gallery (PNG)…", exports.export_gallery_dialog),
            ("Interpolation strips (PNG)…", exports.export_interpolation_dialog),
            ("Time machine (animated GIF)…", exports.export_gif_dialog),
        ):
            self.action(export, text, slot)
        self.action(file, "Save screenshot…", exports.screenshot_dialog)
        file.addSeparator()
        self.action(file, "Quit", w.close, "Ctrl+Q")

    def _view(self, view: Any) -> None:
        w = self.w
        self.action(view, "Presenter mode", w.presenter.toggle, "F11")
        help_action = self.action(view, "Keyboard shortcuts", w.help_overlay.toggle, "F1")
        # "?" as a second key of the same action (a hidden action's shortcut never fires);
        # "Shift+?" too: most layouts type "?" with Shift, and Qt does not always drop it.
        help_action.setShortcuts([QKeySequence(k) for k in ("F1", "?", "Shift+?")])
        view.addSeparator()
        self._group(
            view,
            self.theme_actions,
            w.set_theme,
            (("dark", "Dark theme"), ("light", "Light theme")),
        )
        self.log_action = self.action(view, "Log-scale loss", w.loss_plot.set_log_y, "L")
        self.log_action.setCheckable(True)
        self.trails_action = self.action(view, "Latent trails", w.time_machine.set_trails, "T")
        self.trails_action.setCheckable(True)
        view.addSeparator()
        kinds = (("pca", "Project codes with PCA"), ("tsne", "Project codes with t-SNE"))
        self._group(view, self.projection_actions, w.latent.set_kind, kinds)
        self.projection_actions["pca"].setChecked(True)
        view.addSeparator()
        self.action(view, "Reset layout", w.apply_default_layout)

    def _group(
        self, menu: Any, into: dict[str, QAction], slot: Callable[[str], Any], items: Any
    ) -> None:
        """Checkable entries of which one is checked, each calling ``slot(name)``."""
        group = QActionGroup(self.w)
        for name, text in items:
            act = self.action(menu, text, slot, args=(name,))
            act.setCheckable(True)
            group.addAction(act)
            into[name] = act

    def _training(self, train: Any) -> None:
        w, run, timeline = self.w, self.w.run, self.w.timeline
        self.action(train, "Start / pause", run.toggle_start_pause, "Space")
        self.action(train, "Step one batch", run.step, "S")
        self.action(train, "Stop", w.presenter.escape, "Esc")
        self.action(train, "Reset", run.reset, "R")
        train.addSeparator()
        replay = lambda: timeline.play(not timeline.play_button.isChecked())  # noqa: E731
        self.action(train, "Replay the run", replay, "P")
        arrows = [
            self.action(train, "Back one epoch", lambda: timeline.step(-1), "Left"),
            self.action(train, "Forward one epoch", lambda: timeline.step(1), "Right"),
        ]
        self.slider_keys = SliderKeys(arrows, w)  # a focused slider keeps its arrow keys

    def _presenter_bar(self) -> None:
        """Presenter mode keeps only the essential controls, in a toolbar."""
        w = self.w
        bar = self.presenter_bar = QToolBar("Presenter", w)
        bar.setObjectName("presenter")
        bar.setMovable(False)
        for text, slot, key in (
            ("Start / pause", w.run.toggle_start_pause, "Space"),
            ("Step", w.run.step, "S"),
            ("Reset", w.run.reset, "R"),
            ("Replay", lambda: w.timeline.play(True), "P"),
            ("Keys", w.help_overlay.toggle, "F1"),
            ("Leave presenter mode", w.presenter.toggle, "Esc"),
        ):
            bar.addAction(text, slot).setToolTip(f"{text} ({key})")
        w.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        bar.hide()
