"""Presenter mode (F11): full screen, type sized for the screen, high contrast, the essentials.

The menu bar and the Controls dock go; a toolbar (``Menus.presenter_bar``) holds Start/pause,
Step, Reset, Replay and the keys' help, and every action keeps its shortcut.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QTimer
from PySide6.QtWidgets import QApplication

from aeviewer.gui import palette

if TYPE_CHECKING:
    from aeviewer.gui.main_window import MainWindow


class Presenter:
    """Enters and leaves presenter mode, restoring the window as it was."""

    def __init__(self, w: MainWindow) -> None:
        self.w = w
        self.on = False
        self._state: QByteArray | None = None
        self._maximized = False

    def toggle(self) -> None:
        w = self.w
        self.on = not self.on
        if self.on:
            self._state = w.saveState()
            self._maximized = w.isMaximized()
            w.menuBar().hide()
            w.controls_dock.hide()
            w.menus.presenter_bar.show()
            w.showFullScreen()
        else:
            w.menuBar().show()
            if self._maximized:
                w.showMaximized()
            else:
                w.showNormal()
            if self._state is not None:
                w.restoreState(self._state)
            w.menus.presenter_bar.hide()
        screen = w.screen() or QApplication.primaryScreen()
        lines = screen.geometry().height() if screen is not None else 1080
        palette.set_font_scale(palette.presenter_scale(lines) if self.on else 1.0)
        w.set_theme(w.theme_name)  # restyles every view
        QTimer.singleShot(0, w.apply_default_layout)
        if self.on:
            w.statusBar().showMessage("Presenter mode: F1 lists the keys, Esc leaves", 6000)

    def escape(self) -> None:
        """Esc: close the keys' help, else leave presenter mode, else stop the run."""
        if self.w.help_overlay.isVisible():
            self.w.help_overlay.close_help()
        elif self.on:
            self.toggle()
        else:
            self.w.run.stop()
