"""The menus: every shortcut in the help and every key of the help bound once, the theme,
projection, log-scale and trails entries, and one Lessons entry per lesson."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QMenu
from shared_window import shared_window

from aeviewer.core.datasets import Dataset
from aeviewer.core.lessons import LESSONS
from aeviewer.gui import palette
from aeviewer.gui.main_window import MainWindow
from aeviewer.gui.settings import Settings
from aeviewer.gui.widgets.overlays import shortcut_keys


@pytest.fixture(scope="module")
def window(qapp, tiny: Dataset) -> Iterator[MainWindow]:
    with shared_window(tiny) as w:
        yield w


def menu_titled(w: MainWindow, title: str) -> QMenu:
    menu = next(a.menu() for a in w.menuBar().actions() if a.text() == title)
    assert isinstance(menu, QMenu)
    return menu


def test_the_help_lists_every_shortcut_and_each_key_is_bound_once(window: MainWindow) -> None:
    bound = [seq.toString() for a in window.actions() for seq in a.shortcuts()]
    assert set(bound) == shortcut_keys()  # nothing missing from the help, nothing it invents
    assert len(bound) == len(set(bound))  # Qt fires neither action of an ambiguous key


def test_the_theme_entries_switch_the_palette_and_are_remembered(window: MainWindow) -> None:
    themes = window.menus.theme_actions
    try:
        themes["light"].trigger()
        assert palette.theme().name == "light"
        assert themes["light"].isChecked() and not themes["dark"].isChecked()
        assert Settings().theme == "light"  # the next launch opens in it
        themes["dark"].trigger()
        assert palette.theme().name == "dark"
        assert themes["dark"].isChecked() and not themes["light"].isChecked()
        assert Settings().theme == "dark"
    finally:
        window.set_theme("dark")


def test_the_projection_entries_are_exclusive(window: MainWindow) -> None:
    kinds = window.menus.projection_actions
    assert kinds["pca"].isChecked() and not kinds["tsne"].isChecked()
    try:
        kinds["tsne"].trigger()
        assert window.latent.kind == "tsne"
        assert kinds["tsne"].isChecked() and not kinds["pca"].isChecked()
        kinds["pca"].trigger()
        assert window.latent.kind == "pca"
        assert kinds["pca"].isChecked() and not kinds["tsne"].isChecked()
        window.latent.set_kind("tsne")  # as a lesson chooses it: the menu follows
        assert kinds["tsne"].isChecked() and not kinds["pca"].isChecked()
    finally:
        window.latent.set_kind("pca")


def test_the_log_scale_and_trails_entries_toggle(window: MainWindow) -> None:
    log, trails = window.menus.log_action, window.menus.trails_action
    log.trigger()
    assert log.isChecked() and window.loss_plot.log_y()
    log.trigger()
    assert not log.isChecked() and not window.loss_plot.log_y()
    trails.trigger()
    assert window.time_machine.trails_on
    trails.trigger()
    assert not window.time_machine.trails_on


def test_the_lessons_menu_has_one_entry_per_lesson_and_each_opens_it(
    window: MainWindow,
) -> None:
    entries = menu_titled(window, "&Lessons").actions()
    assert [a.text() for a in entries] == [
        f"{i}. {lesson.title}" for i, lesson in enumerate(LESSONS, 1)
    ]
    try:
        for k in (len(LESSONS) - 1, 0):
            entries[k].trigger()
            assert window.lessons.lesson is not None
            assert window.lessons.lesson.name == LESSONS[k].name
    finally:
        window.lessons.close()
