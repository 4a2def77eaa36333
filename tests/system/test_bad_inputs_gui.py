"""Bad files through the window's own menus, and absurd settings typed into its panel.

The file dialogs are replaced by the path (``QFileDialog.getOpenFileName -> (path, "")``) and
the File menu's actions are triggered, so the code under test is exactly what a click runs.
Each bad file must give a one-line message naming it, write nothing, and leave the window as
it was; at the end the same window still trains.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from bad_inputs import DATA, SESSIONS, SESSIONS_GUI, good_session, listing
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractSpinBox, QFileDialog
from shared_window import shared_window
from windows import TIMEOUT

from aeviewer.core.datasets import Dataset, load_dataset
from aeviewer.gui.controllers.data import DataController
from aeviewer.gui.main_window import MainWindow


@pytest.fixture(scope="module")
def window(tiny: Dataset) -> Iterator[MainWindow]:
    """One window for the whole module: each case must leave it usable for the next."""
    with shared_window(tiny) as w:
        yield w


def _action(w: MainWindow, text: str) -> QAction:
    return next(a for a in w.actions() if a.text() == text)


def _open_through_menu(
    w: MainWindow, monkeypatch: pytest.MonkeyPatch, action: str, path: Path
) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    w.controls.set_hint("")
    _action(w, action).trigger()


def _refused(w: MainWindow, path: Path, state: str, dataset: object) -> None:
    hint = w.controls.hint.text()
    assert path.name in hint and "\n" not in hint and "Traceback" not in hint, hint
    assert w.statusBar().currentMessage() == hint
    assert w.run.state == state and w.data.dataset is dataset


@pytest.mark.parametrize("case", list(DATA))
def test_open_data_refuses_bad_files(
    case: str, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qtbot
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    path = DATA[case](folder)
    before = listing(tmp_path.parent)
    state, dataset = window.run.state, window.data.dataset
    title = window.controls.dataset_combo.currentText()
    _open_through_menu(window, monkeypatch, "Open data…", path)
    assert window.data.loading() == path.name  # files load on a thread
    qtbot.waitUntil(lambda: window.data.loading() is None, timeout=TIMEOUT)
    _refused(window, path, state, dataset)
    assert window.controls.dataset_combo.currentText() == title  # the panel did not change
    assert window.controls.start_button.text() == "Start"
    assert listing(tmp_path.parent) == before


@pytest.mark.parametrize("case", [*SESSIONS, *SESSIONS_GUI])
def test_open_session_refuses_bad_files(
    case: str, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    path = {**SESSIONS, **SESSIONS_GUI}[case](folder)
    before = listing(tmp_path.parent)
    state, dataset, history = window.run.state, window.data.dataset, window.time_machine.history
    _open_through_menu(window, monkeypatch, "Open session…", path)
    _refused(window, path, state, dataset)
    assert window.time_machine.history is history
    assert listing(tmp_path.parent) == before


def test_open_last_autosave_refuses_a_damaged_autosave(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AEVIEWER_AUTOSAVE_DIR", str(tmp_path))
    _action(window, "Open last autosave").trigger()
    assert "No autosave yet" in window.controls.hint.text()
    SESSIONS["truncated"](tmp_path).rename(tmp_path / "autosave.aevsession")
    state = window.run.state
    _action(window, "Open last autosave").trigger()
    assert "autosave.aevsession" in window.controls.hint.text() and window.run.state == state


def test_a_good_session_opens_after_all_the_bad_ones(window: MainWindow, tmp_path: Path) -> None:
    assert window.sessions.open(good_session(tmp_path))
    assert window.run.state == "finished" and len(window.time_machine.history) == 2
    assert window.latent_view.point_count() == 50


# -- settings ----------------------------------------------------------------------------------


def test_spin_boxes_cannot_hold_absurd_values(window: MainWindow, qtbot) -> None:
    c = window.controls
    for spin, low in ((c.latent_spin, 1), (c.batch_spin, 1), (c.epochs_spin, 1)):
        spin.setValue(0)
        assert spin.value() == low
        spin.setValue(-5)
        assert spin.value() == low
    for value, held in ((-1.0, 1e-5), (0.0, 1e-5), (1e9, 10.0), (float("inf"), 10.0)):
        c.lr_spin.setValue(value)
        assert c.lr_spin.value() == pytest.approx(held)
    c.lr_spin.setValue(float("nan"))
    assert 1e-5 <= c.lr_spin.value() <= 10.0
    c.set_preset("stacked")  # back to its defaults


def _type(spin: QAbstractSpinBox, text: str, qtbot) -> None:
    spin.setFocus()
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin, text)
    qtbot.keyClick(spin, Qt.Key.Key_Return)


@pytest.mark.parametrize(
    ("box", "typed", "reason"),
    [
        ("latent_spin", "0", "Latent dim must be at least 1, not 0"),
        ("latent_spin", "-3", "Latent dim must be at least 1, not -3"),
        ("latent_spin", "9999", "Latent dim must be at most 512, not 9999"),
        ("batch_spin", "0", "Batch size must be at least 1, not 0"),
        ("batch_spin", "100000", "Batch size must be at most 4096, not 100000"),
        ("epochs_spin", "0", "Epochs must be at least 1, not 0"),
        ("lr_spin", "-3", "Learning rate must be at least 1e-05, not -3"),
        ("lr_spin", "0", "Learning rate must be at least 1e-05, not 0"),
        ("lr_spin", "1e9", "Learning rate must be at most 10, not 1e9"),
        ("lr_spin", "nan", "Learning rate must be a number from 1e-05 to 10, not nan"),
        ("lr_spin", "inf", "Learning rate must be at most 10, not inf"),
    ],
)
def test_absurd_typed_values_are_refused_with_the_reason(
    box: str, typed: str, reason: str, window: MainWindow, qtbot
) -> None:
    """Typed, not set: the box keeps its previous value and the hint says why."""
    spin = getattr(window.controls, box)
    before = spin.value()
    rates: list[float] = []
    window.controls.learning_rate_changed.connect(rates.append)
    window.controls.set_hint("")
    try:
        _type(spin, typed, qtbot)
    finally:
        window.controls.learning_rate_changed.disconnect(rates.append)
    hint = window.controls.hint.text()
    kept = spin.textFromValue(before)
    assert hint == f"{reason}: kept {kept}.", hint
    assert spin.value() == before and spin.text() == kept and not rates


def test_values_in_range_are_taken_as_typed(window: MainWindow, qtbot) -> None:
    c = window.controls
    c.set_hint("")
    _type(c.batch_spin, "64", qtbot)
    _type(c.lr_spin, "2.5e-4", qtbot)
    assert c.batch_spin.value() == 64 and c.lr_spin.value() == pytest.approx(2.5e-4)
    assert c.hint.text() == ""
    c.set_preset("stacked")  # back to its defaults


@pytest.mark.parametrize(
    ("classes", "needle"),
    [("x", "'x'"), ("42", "42"), ("-1", "-1"), (" , ", "no class"), ("1.5", "1.5")],
)
def test_class_subsets_that_select_nothing_are_refused(
    classes: str, needle: str, window: MainWindow
) -> None:
    w = window
    w.data.load_selected = DataController.load_selected.__get__(w.data)  # type: ignore[method-assign]
    try:
        w.controls.classes_edit.setText(classes)
        state = w.run.state
        w.run.start()
        assert w.run.state == state
        hint = w.controls.hint.text()
        assert needle in hint and "\n" not in hint, hint
    finally:
        w.controls.classes_edit.setText("")
        w.data.load_selected = lambda s, d=w.data.dataset: d  # type: ignore[method-assign, misc]


def test_empty_classes_text_means_all_classes(window: MainWindow) -> None:
    w = window
    w.controls.classes_edit.setText("")
    ds = DataController.load_selected(w.data, w.controls.settings())
    assert sorted(set(ds.y_train.tolist())) == list(range(10))  # type: ignore[union-attr]


def test_the_window_still_trains_after_every_bad_input(window: MainWindow, qtbot) -> None:
    w, tiny = window, window.data.dataset
    assert tiny is not None
    w.controls.set_preset("stacked")
    w.controls.epochs_spin.setValue(1)
    w.data.load_selected = lambda s: load_dataset("digits", max_train=128, max_val=60)  # type: ignore[method-assign]
    w.run.start()
    assert w.run.state == "running"
    qtbot.waitUntil(lambda: w.run.state == "finished", timeout=TIMEOUT)
    assert w.run.trainer is not None and w.run.trainer.epochs_done == 1
    assert os.environ.get("AEVIEWER_AUTOSAVE_DIR")  # tests never write the user's autosave
