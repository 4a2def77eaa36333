"""Nothing a lecturer did is lost: a finished or stopped run goes on with Start, Space or Step;
only Reset or a new model's settings begin a new run; every run keeps its own autosave."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from bad_inputs import tiny_history
from PySide6.QtCore import Qt
from windows import TIMEOUT, open_window

from aeviewer.core.datasets import Dataset
from aeviewer.core.session import load_session
from aeviewer.gui.autosave import (
    KEEP_RUNS,
    Autosaver,
    autosave_path,
    describe_autosave,
    recent_autosaves,
)
from aeviewer.gui.main_window import MainWindow


@pytest.fixture
def window(qtbot, tiny: Dataset, folder: Path) -> Iterator[MainWindow]:
    w = open_window(qtbot, tiny)
    w.controls.set_preset("stacked")
    w.controls.batch_spin.setValue(32)
    w.controls.epochs_spin.setValue(2)
    yield w
    w.close()
    assert w.sessions.autosaver.wait(5)


def finish(w: MainWindow, qtbot) -> None:
    qtbot.waitUntil(lambda: w.run.state == "finished", timeout=TIMEOUT)
    qtbot.waitUntil(w.sessions.autosaver.idle, timeout=30_000)


def saved_then_training(w: MainWindow, qtbot) -> Path:
    """A finished run's autosave, and a long new run training: what a lecturer opens then."""
    w.run.start()
    finish(w, qtbot)
    saved = w.sessions.autosaver.path()
    w.run.reset()
    w.controls.epochs_spin.setValue(500)
    w.run.start()
    qtbot.waitUntil(lambda: w.run.trainer is not None and w.run.trainer.steps > 0, timeout=TIMEOUT)
    return saved


def key(w: MainWindow, name: str) -> None:
    """A key as the lecturer presses it (the window's shortcuts)."""
    w.activateWindow()
    act = next(a for a in w.actions() if a.shortcut().toString() == name)
    act.trigger()


def test_start_after_done_continues_the_same_model(window: MainWindow, qtbot) -> None:
    w = window
    qtbot.mouseClick(w.controls.start_button, Qt.MouseButton.LeftButton)
    finish(w, qtbot)
    trainer, history = w.run.trainer, w.time_machine.history
    assert trainer is not None and trainer.epochs_done == 2
    assert w.controls.start_button.text() == "Continue"
    batches = w.loss_plot.batch_count()
    qtbot.mouseClick(w.controls.start_button, Qt.MouseButton.LeftButton)
    assert "Continuing the same model: epochs 3-4" in w.notice.text()
    finish(w, qtbot)
    assert w.run.trainer is trainer and w.time_machine.history is history  # same model, same record
    assert trainer.epochs_done == 4 and len(history) == 4
    assert [r.epoch for r in history.records] == [1, 2, 3, 4]
    assert w.loss_plot.epoch_count() == 4 and w.loss_plot.batch_count() > batches
    assert w.timeline.epochs() == 4


@pytest.mark.parametrize("press", ["S", "Space"])
def test_a_key_after_done_does_not_lose_the_run(window: MainWindow, qtbot, press: str) -> None:
    w = window
    w.run.start()
    finish(w, qtbot)
    trainer, saved = w.run.trainer, w.sessions.autosaver.path()
    assert trainer is not None
    steps = trainer.steps
    key(w, press)
    if press == "S":  # one batch of the same model, then paused
        qtbot.waitUntil(lambda: trainer.steps == steps + 1, timeout=TIMEOUT)
        assert w.run.state == "paused"
        w.run.stop()
    finish(w, qtbot)
    assert w.run.trainer is trainer and trainer.steps > steps
    assert len(w.time_machine.history) >= 3  # epochs 1, 2 and the one the key added
    assert w.sessions.autosaver.path() == saved  # the same run's file, grown
    assert len(load_session(saved)[0]) == len(w.time_machine.history)


@pytest.mark.parametrize("press", ["Start", "S", "Space"])
def test_after_stop_start_step_and_space_continue(window: MainWindow, qtbot, press: str) -> None:
    w = window
    w.controls.epochs_spin.setValue(200)
    w.run.start()
    qtbot.waitUntil(lambda: len(w.time_machine.history) >= 1, timeout=TIMEOUT)
    key(w, "Esc")
    finish(w, qtbot)
    trainer = w.run.trainer
    assert trainer is not None
    done, steps = trainer.epochs_done, trainer.steps
    w.controls.epochs_spin.setValue(1)
    if press == "Start":
        qtbot.mouseClick(w.controls.start_button, Qt.MouseButton.LeftButton)
    else:
        key(w, press)
    if press == "S":
        qtbot.waitUntil(lambda: trainer.steps == steps + 1, timeout=TIMEOUT)
        assert w.run.state == "paused"
        w.run.pause(False)
    finish(w, qtbot)
    assert w.run.trainer is trainer and trainer.epochs_done == done + 1


def test_a_new_preset_says_the_next_start_begins_a_new_run(window: MainWindow, qtbot) -> None:
    w = window
    w.run.start()
    finish(w, qtbot)
    first, first_file = w.run.trainer, w.sessions.autosaver.path()
    w.controls.set_preset("vanilla")
    assert w.controls.start_button.text() == "Start new run"
    assert "next Start begins a new model" in w.notice.text()
    assert w.notice.isVisible()
    assert "next Start begins a new model" in w.statusBar().currentMessage()
    w.controls.set_preset("stacked")  # back as it was: the run goes on again
    w.controls.batch_spin.setValue(32)
    assert w.controls.start_button.text() == "Continue"
    w.controls.set_preset("vanilla")
    w.controls.epochs_spin.setValue(1)
    w.run.start()
    finish(w, qtbot)
    assert w.run.trainer is not first and len(w.time_machine.history) == 1
    # Two runs, two files: the short new run did not replace the first.
    assert w.sessions.autosaver.path() != first_file
    assert len(load_session(first_file)[0]) == 2
    assert recent_autosaves()[:2] == [w.sessions.autosaver.path(), first_file]


def test_reset_begins_a_new_run(window: MainWindow, qtbot) -> None:
    w = window
    w.run.start()
    finish(w, qtbot)
    first = w.run.trainer
    w.say("Continuing the same model: epochs 2-3.")  # as Continue says
    key(w, "R")
    assert w.run.state == "idle" and w.controls.start_button.text() == "Start"
    assert w.notice.isHidden()  # the banner spoke of the run that is gone
    w.controls.epochs_spin.setValue(1)
    w.run.start()
    finish(w, qtbot)
    assert w.run.trainer is not first and len(w.time_machine.history) == 1


def test_a_run_stopped_by_a_nan_loss_is_not_continued(window: MainWindow, qtbot) -> None:
    w = window
    w.controls.set_preset("vae")
    w.controls.batch_spin.setValue(32)
    w.controls.lr_spin.setValue(10.0)  # the VAE's KL term overflows (tests/system/test_faults.py)
    w.run.start()
    finish(w, qtbot)
    assert w.run.finish is not None and w.run.finish.reason == "nan"
    assert not w.run.continues() and w.controls.start_button.text() == "Start new run"
    first = w.run.trainer
    w.controls.lr_spin.setValue(1e-3)
    w.controls.epochs_spin.setValue(1)
    w.run.start()
    finish(w, qtbot)
    assert w.run.trainer is not first


def test_recent_runs_menu_lists_and_opens_each_run(window: MainWindow, qtbot) -> None:
    w = window
    w.run.start()
    finish(w, qtbot)
    w.run.reset()
    qtbot.waitUntil(lambda: w.run.state == "idle", timeout=TIMEOUT)
    w.controls.epochs_spin.setValue(1)
    w.run.start()
    finish(w, qtbot)
    w.sessions.fill_recent_menu()
    entries = [a.text() for a in w.menus.recent_menu.actions()]
    assert len(entries) == 2
    assert entries[0].endswith(", 1 epoch") and "on digits" in entries[0]
    assert "2 epochs" in entries[1]
    w.menus.recent_menu.actions()[1].trigger()  # the older, longer run
    assert w.run.state == "finished" and len(w.time_machine.history) == 2
    assert w.run.trainer is None and w.controls.start_button.text() == "Start"


def test_opening_a_run_while_training_offers_to_stop_it(
    window: MainWindow, qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = window
    saved = saved_then_training(w, qtbot)
    asked: list[str] = []
    monkeypatch.setattr(w, "ask", lambda q, yes: asked.append(yes) or False)
    assert not w.sessions.open(saved)  # declined: training goes on
    assert asked == ["Stop and open"] and w.run.state == "running"
    monkeypatch.setattr(w, "ask", lambda q, yes: True)
    w.sessions.open(saved)  # one click: stop, then open
    qtbot.waitUntil(lambda: w.run.state == "finished" and w.run.trainer is None, timeout=TIMEOUT)
    assert (
        len(w.time_machine.history) == 2 and w.time_machine.history.settings["run_id"] in saved.name
    )


def test_autosaves_rotate_and_keep_the_newest_runs(qtbot, folder: Path) -> None:
    paths = []
    for i in range(KEEP_RUNS + 2):
        h = tiny_history(epochs=1 + i % 2)
        h.settings["run_id"] = f"20261206-1200{i:02d}-abcd"
        h.settings["preset"] = "stacked"
        saver = Autosaver(lambda h=h: h)
        assert saver.save_now()
        qtbot.waitUntil(saver.idle, timeout=30_000)
        assert saver.failures == 0
        path = autosave_path(h)
        age = time.time() - 100 + i  # distinct ages on coarse clocks, all before the next save
        os.utime(path, (age, age))
        paths.append(path)
    kept = recent_autosaves()
    assert kept == paths[::-1][:KEEP_RUNS]
    assert not paths[0].exists() and not paths[0].with_suffix(".json").exists()
    line = describe_autosave(kept[0])
    assert "Stacked" in line and "2 epochs" in line


def test_an_opened_session_is_not_saved_over_another_file(
    window: MainWindow, qtbot, tiny: Dataset, folder: Path
) -> None:
    """Opening a run and closing the window writes nothing: the file stays as it was."""
    w = window
    w.run.start()
    finish(w, qtbot)
    saved = w.sessions.autosaver.path()
    before = (saved.stat().st_mtime_ns, saved.read_bytes())
    other = open_window(qtbot, tiny)
    assert other.sessions.open(saved)
    other.close()  # the close's save: nothing new was recorded
    assert other.sessions.autosaver.wait(5)
    assert (saved.stat().st_mtime_ns, saved.read_bytes()) == before
    assert other.sessions.autosaver.saves == 0


def test_stop_and_open_when_the_run_ended_during_the_question(
    window: MainWindow, qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The run may end while the question is up: the run is opened at once, and nothing
    is left waiting to open over the next run."""
    w = window
    saved = saved_then_training(w, qtbot)

    def ask(question: str, yes: str) -> bool:
        w.run.stop()  # the lecturer stopped it meanwhile (Esc), or it finished
        qtbot.waitUntil(lambda: w.run.state == "finished", timeout=TIMEOUT)
        return True

    monkeypatch.setattr(w, "ask", ask)
    assert w.sessions.open(saved)
    assert w.run.after_run is None and len(w.time_machine.history) == 2


def test_a_greedy_run_stopped_in_pretraining_is_not_continued(window: MainWindow, qtbot) -> None:
    w = window
    assert w.lessons.open("greedy")
    w.controls.batch_spin.setValue(32)
    w.run.step()  # one batch of the first pretraining stage, then paused
    qtbot.waitUntil(lambda: w.run.trainer is not None and w.run.trainer.steps == 1, timeout=TIMEOUT)
    w.run.stop()
    finish(w, qtbot)
    assert w.run.trainer is not None and w.run.trainer.epochs_done == 0
    assert not w.run.continues()  # Start trains the stages from the start, not fine-tuning alone


def test_continuing_stops_the_lessons_comparison_job(window: MainWindow, qtbot) -> None:
    w = window
    assert w.lessons.open("denoising")  # a comparison model trains after the run
    w.controls.batch_spin.setValue(32)
    w.controls.epochs_spin.setValue(1)
    w.run.start()
    qtbot.waitUntil(lambda: w.run.state == "finished" and bool(w.jobs.callbacks), timeout=TIMEOUT)
    trainer, comparison = w.run.trainer, w.lessons._lesson_stop
    assert comparison is not None and not comparison.is_set()
    w.run.start()  # Continue: the comparison of the old weights is not waited for
    assert w.run.trainer is trainer and comparison.is_set()
    finish(w, qtbot)
    assert trainer is not None and trainer.epochs_done == 2


def test_the_status_bar_names_the_training_device(window: MainWindow, qtbot) -> None:
    qtbot.waitUntil(lambda: window.run.tf_ready, timeout=TIMEOUT)
    window.run.update_status()
    text = window.status_label.text()
    assert "training on CPU" in text or "training on GPU (" in text
