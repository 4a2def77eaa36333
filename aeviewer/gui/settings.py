"""The app's remembered settings, typed: every QSettings key is here and nowhere else."""

from __future__ import annotations

import os

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QApplication, QMainWindow


def settings_store() -> QSettings:
    """The app's QSettings (tests point ``AEVIEWER_SETTINGS`` at a file of their own)."""
    path = os.environ.get("AEVIEWER_SETTINGS")
    if path:
        return QSettings(path, QSettings.Format.IniFormat)
    return QSettings("aeviewer", "aeviewer")


class Settings:
    """The theme, and the window's geometry and dock arrangement of the last session."""

    THEME, GEOMETRY, DOCKS = "theme", "geometry", "dock_state"

    def __init__(self) -> None:
        self._store = settings_store()

    @property
    def theme(self) -> str:
        return str(self._store.value(self.THEME, "dark"))

    @theme.setter
    def theme(self, name: str) -> None:
        self._store.setValue(self.THEME, name)

    def restore_window(self, window: QMainWindow) -> bool:
        """The last session's geometry and docks; True when a dock arrangement was restored."""
        geometry = self._store.value(self.GEOMETRY)
        if isinstance(geometry, QByteArray):
            window.restoreGeometry(geometry)
        state = self._store.value(self.DOCKS)
        return isinstance(state, QByteArray) and bool(window.restoreState(state))

    def save_window(self, window: QMainWindow) -> None:
        self._store.setValue(self.GEOMETRY, window.saveGeometry())
        self._store.setValue(self.DOCKS, window.saveState())
        self._store.sync()  # now: with a thread left running the process skips destructors


def default_geometry(window: QMainWindow) -> None:
    """Most of the screen, centred: a projector shows nothing else."""
    screen = QApplication.primaryScreen()
    if screen is None:
        window.resize(1600, 1000)
        return
    area = screen.availableGeometry()
    w, h = int(area.width() * 0.94), int(area.height() * 0.94)
    # At least 1024x700, where the screen has room (the docks fit any size from 1024x720).
    window.resize(min(max(w, 1024), area.width()), min(max(h, 700), area.height()))
    window.move(
        area.x() + (area.width() - window.width()) // 2,
        area.y() + (area.height() - window.height()) // 2,
    )
