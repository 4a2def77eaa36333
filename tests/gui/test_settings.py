"""Settings: the store AEVIEWER_SETTINGS names, the theme, the window's geometry and docks
(damaged values ignored), and the first launch's geometry; on plain Qt windows."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDockWidget, QLabel, QMainWindow

from aeviewer.gui.settings import Settings, default_geometry


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's settings file (not yet written)."""
    path = tmp_path / "settings.ini"
    monkeypatch.setenv("AEVIEWER_SETTINGS", str(path))
    return path


@pytest.fixture
def make_window(qtbot) -> Iterator[Callable[[], QMainWindow]]:
    """Plain main windows with two docks, as the app's (restoreState needs object names)."""

    def make() -> QMainWindow:
        w = QMainWindow()
        w.setCentralWidget(QLabel("centre"))
        areas = Qt.DockWidgetArea
        for name, area in (
            ("left", areas.LeftDockWidgetArea),
            ("right", areas.RightDockWidgetArea),
        ):
            dock = QDockWidget(name, w)
            dock.setObjectName(name)
            dock.setWidget(QLabel(name))
            w.addDockWidget(area, dock)
        qtbot.addWidget(w)
        return w

    yield make


def dock(w: QMainWindow, name: str) -> QDockWidget:
    found = w.findChild(QDockWidget, name)
    assert found is not None
    return found


def test_the_theme_is_dark_until_one_is_chosen_then_remembered(store: Path) -> None:
    assert Settings().theme == "dark"
    Settings().theme = "light"
    assert Settings().theme == "light"  # another window, another launch
    assert "theme=light" in store.read_text()  # in the file AEVIEWER_SETTINGS names


def test_a_first_launch_restores_nothing(store: Path, make_window) -> None:
    w = make_window()
    w.resize(900, 600)
    assert not Settings().restore_window(w)
    assert (w.width(), w.height()) == (900, 600)


def test_the_windows_size_and_docks_come_back(store: Path, make_window) -> None:
    first = make_window()
    first.resize(700, 500)
    first.show()
    first.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock(first, "left"))
    dock(first, "right").hide()
    Settings().save_window(first)
    assert store.exists()  # written at once (sync), not at exit

    second = make_window()
    second.show()
    assert Settings().restore_window(second)
    assert (second.width(), second.height()) == (700, 500)
    assert second.dockWidgetArea(dock(second, "left")) == Qt.DockWidgetArea.BottomDockWidgetArea
    assert dock(second, "right").isHidden()


def test_damaged_geometry_and_docks_are_ignored(store: Path, make_window) -> None:
    store.write_text("[General]\ngeometry=not a geometry\ndock_state=@ByteArray(garbage)\n")
    w = make_window()
    w.resize(800, 600)
    assert not Settings().restore_window(w)
    assert (w.width(), w.height()) == (800, 600)


def test_the_first_geometry_fills_most_of_the_screen_centred(qapp: QApplication) -> None:
    screen = QApplication.primaryScreen()
    assert screen is not None
    area = screen.availableGeometry()
    w = QMainWindow()
    try:
        default_geometry(w)
        assert w.width() <= area.width() and w.height() <= area.height()
        # Most of the screen, and at least 1024 x 700 where the screen has room.
        assert w.width() >= min(max(1024, 0.9 * area.width()), area.width())
        assert w.height() >= min(max(700, 0.9 * area.height()), area.height())
        left, right = w.x() - area.x(), area.x() + area.width() - (w.x() + w.width())
        top, bottom = w.y() - area.y(), area.y() + area.height() - (w.y() + w.height())
        assert abs(left - right) <= 1 and abs(top - bottom) <= 1
    finally:
        w.deleteLater()
