"""Presenter mode beyond what tests/system/test_toolkit.py checks: the light theme's contrast
variant, the window restored exactly as the lecturer had it, and the toolbar's keys."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from shared_window import shared_window, wait_for

from aeviewer.core.datasets import Dataset
from aeviewer.gui import palette
from aeviewer.gui.main_window import MainWindow
from aeviewer.gui.settings import Settings
from aeviewer.gui.widgets.overlays import shortcut_keys


@pytest.fixture(scope="module")
def window(qapp, tiny: Dataset) -> Iterator[MainWindow]:
    with shared_window(tiny) as w:
        yield w


@pytest.fixture(autouse=True)
def presenter_left(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A 1080-line projector's type (the offscreen screen has 800 lines); the palette is
    global: each test leaves presenter mode, the dark theme and plain type behind."""
    monkeypatch.setattr(palette, "presenter_scale", lambda lines: palette.PRESENTER_SCALE)
    yield
    if window.presenter.on:
        window.presenter.toggle()
    window.set_theme("dark")
    palette.set_font_scale(1.0)


def test_the_light_theme_presents_in_its_contrast_variant(window: MainWindow) -> None:
    window.set_theme("light")
    window.presenter.toggle()
    assert palette.theme().name == "light-contrast"
    assert palette.font_scale() == palette.PRESENTER_SCALE
    assert Settings().theme == "light"  # the next launch opens in the lecturer's theme
    window.menus.theme_actions["dark"].trigger()  # switched while presenting: contrast still
    assert palette.theme().name == "dark-contrast" and Settings().theme == "dark"
    window.presenter.toggle()
    assert palette.theme().name == "dark" and palette.font_scale() == 1.0


def test_leaving_restores_the_window_as_the_lecturer_had_it(window: MainWindow) -> None:
    window.draw_dock.setFloating(True)  # floated by the lecturer before presenting
    assert window.lesson_dock.isHidden()  # no lesson open
    wait_for(window.dock_layout.settled, 5000)
    before = window.dock_layout.arrangement()
    assert before is not None
    try:
        window.presenter.toggle()
        wait_for(window.isFullScreen, 5000)
        assert "Esc leaves" in window.statusBar().currentMessage()
        window.presenter.toggle()
        wait_for(lambda: not window.isFullScreen(), 5000)
        wait_for(window.dock_layout.settled, 5000)  # the layout for the normal window ran
        assert window.dock_layout.arrangement() == before
        assert window.draw_dock.isFloating() and not window.draw_dock.isHidden()
        assert window.lesson_dock.isHidden()
        assert not window.controls_dock.isHidden() and not window.menuBar().isHidden()
        assert window.menus.presenter_bar.isHidden()
    finally:
        window.draw_dock.setFloating(False)


def test_the_toolbar_names_keys_that_work_and_leaves_presenter_mode(window: MainWindow) -> None:
    bar = window.menus.presenter_bar
    window.presenter.toggle()
    assert not bar.isHidden()
    for action in bar.actions():
        key = re.fullmatch(r".+ \((.+)\)", action.toolTip())
        assert key is not None and key.group(1) in shortcut_keys(), action.toolTip()
    leave = next(a for a in bar.actions() if a.text() == "Leave presenter mode")
    leave.trigger()
    assert not window.presenter.on and bar.isHidden()
