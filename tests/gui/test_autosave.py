"""Autosave: during training, at each run's end, after a reset; and File → Open last autosave."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from bad_inputs import tiny_history
from windows import TIMEOUT, open_window

from aeviewer.core.datasets import Dataset
from aeviewer.core.session import load_session
from aeviewer.gui.autosave import AUTOSAVE_NAME, Autosaver, autosave_copy, autosave_path
from aeviewer.gui.main_window import MainWindow


@pytest.fixture
def window(qtbot, tiny: Dataset, folder: Path) -> Iterator[MainWindow]:
    w = open_window(qtbot, tiny)
    w.controls.set_preset("stacked")
    w.controls.batch_spin.setValue(32)
    yield w
    w.close()
    assert w.sessions.autosaver.wait(5)


def test_autosave_location_follows_the_environment(folder: Path) -> None:
    assert autosave_path() == folder / AUTOSAVE_NAME


def test_a_finished_run_is_autosaved_and_reopens(window: MainWindow, qtbot, folder: Path) -> None:
    window.controls.epochs_spin.setValue(2)
    window.run.start()
    qtbot.waitUntil(lambda: window.run.state == "finished", timeout=TIMEOUT)
    qtbot.waitUntil(lambda: window.sessions.autosaver.saves == 1, timeout=10_000)
    saved = window.sessions.autosaver.path()
    assert saved.parent == folder and saved.name.startswith("run-")
    assert sorted(p.name for p in folder.iterdir()) == sorted(  # no temporary left
        [saved.name, saved.with_suffix(".json").name]
    )
    history, model = load_session(window.sessions.autosaver.path())
    assert len(history) == 2 and model is None
    np.testing.assert_array_equal(history.batches()[1], window.time_machine.history.batches()[1])
    other = MainWindow(restore=False)
    qtbot.addWidget(other)
    try:
        next(a for a in other.actions() if a.text() == "Open last autosave").trigger()
        assert other.run.state == "finished" and len(other.time_machine.history) == 2
        assert other.latent_view.point_count() == 60
    finally:
        other.close()


def test_autosave_runs_during_training_without_blocking(
    window: MainWindow, qtbot, folder: Path
) -> None:
    window.sessions.autosaver._timer.setInterval(300)  # two minutes in the app
    window.controls.epochs_spin.setValue(500)
    window.run.start()
    qtbot.waitUntil(lambda: window.sessions.autosaver.saves >= 2, timeout=TIMEOUT)
    assert window.run.state == "running"
    history, _ = load_session(window.sessions.autosaver.path())
    assert len(history) >= 1
    t0 = time.perf_counter()
    window.sessions.autosaver.save_now()  # the GUI's share: a shallow copy, then a thread writes
    assert time.perf_counter() - t0 < 0.5  # about 1 ms idle; the machine may be loaded
    window.run.reset()
    qtbot.waitUntil(lambda: window.run.state == "idle", timeout=TIMEOUT)
    saver = window.sessions.autosaver
    qtbot.waitUntil(saver.idle, timeout=60_000)  # seconds when the machine is loaded
    # The reset run is kept whole: R pressed by mistake loses nothing.
    history, _ = load_session(window.sessions.autosaver.path())
    records = window.time_machine.history.records
    shown = len(records) - (records[-1].snapshot is None)  # an epoch cut short by the reset
    assert len(history) == shown >= 1
    np.testing.assert_array_equal(history.batches()[1], window.time_machine.history.batches()[1])
    assert not saver.running()


class _Unwinding:
    """A save's thread that has delivered its result but not yet ended: it is still alive
    when the result's callback runs (``threading.Thread.is_alive`` says True until then)."""

    def __init__(self, thread: threading.Thread) -> None:
        self.thread = thread

    def is_alive(self) -> bool:
        return True

    def join(self, timeout: float | None = None) -> None:
        self.thread.join(timeout)


def test_a_save_asked_for_during_a_save_is_written_after_it(
    qtbot, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lost wake-up: the timer's save is being written when Reset ends the run; the
    run's last save must follow it, even though the first thread is still unwinding when its
    result arrives (it was skipped, and the reset run never autosaved whole)."""
    from aeviewer.gui import autosave

    real = autosave.run_in_thread
    monkeypatch.setattr(autosave, "run_in_thread", lambda *a: _Unwinding(real(*a)))
    h = tiny_history(epochs=1)
    saver = Autosaver(lambda: h)
    saver.on_state_changed("running")
    assert saver.save_now()  # the timer's save
    e = 2  # an epoch ends while it is written, then Reset
    snap = h.records[0].snapshot
    assert snap is not None
    h.add_epoch(e, float(e), {"loss": 0.5, "val_loss": 0.6})
    h.set_codes(e, np.zeros((50, 2)), np.arange(50))
    h.set_snapshot(dataclasses.replace(snap, epoch=e))
    saver.on_state_changed("idle")
    assert not saver.idle() and not saver.running()
    qtbot.waitUntil(lambda: saver.saves == 2 and saver.idle(), timeout=30_000)
    history, _ = load_session(folder / AUTOSAVE_NAME)
    assert len(history) == 2 and saver.failures == 0


def test_a_save_between_an_epoch_and_its_snapshot_is_followed(qtbot, folder: Path) -> None:
    """The epoch's snapshot arrives after its record, with no batch in between: the save at the
    run's end must not take the counts as unchanged (it was skipped, and that epoch was lost)."""
    h = tiny_history(epochs=1)
    saver = Autosaver(lambda: h)
    snap = h.records[0].snapshot
    assert snap is not None
    h.add_epoch(2, 2.0, {"loss": 0.5, "val_loss": 0.6})  # the record, not yet its snapshot
    assert saver.save_now()
    qtbot.waitUntil(lambda: saver.saves == 1 and saver.idle(), timeout=30_000)
    assert len(load_session(folder / AUTOSAVE_NAME)[0]) == 1  # epoch 2 was not whole yet
    h.set_snapshot(dataclasses.replace(snap, epoch=2))
    assert saver.save_now()  # the same record and batch counts: still something new
    qtbot.waitUntil(lambda: saver.saves == 2 and saver.idle(), timeout=30_000)
    assert len(load_session(folder / AUTOSAVE_NAME)[0]) == 2


def test_a_failing_save_still_ends(qtbot, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Even an exception that is not an Exception (SystemExit in the saving thread) reports
    back: the saver is idle again and counts a failure, and the next save is written."""
    from aeviewer.core import session

    real = session.save_session

    def broken(*a: object, **k: object) -> None:
        raise SystemExit("simulated exit in the saving thread")

    monkeypatch.setattr(session, "save_session", broken)
    h = tiny_history(epochs=1)
    saver = Autosaver(lambda: h)
    failures: list[str] = []
    saver.failed.connect(failures.append)
    assert saver.save_now()
    qtbot.waitUntil(saver.idle, timeout=30_000)
    assert saver.failures == 1 and saver.saves == 0
    assert failures == ["Autosave failed: simulated exit in the saving thread"]
    monkeypatch.setattr(session, "save_session", real)
    h.add_batches(np.array([1.5]), np.array([0.2]))  # something new to save
    assert saver.save_now()
    qtbot.waitUntil(lambda: saver.saves == 1, timeout=30_000)
    assert (folder / AUTOSAVE_NAME).exists()


def test_closing_mid_run_saves_the_run_as_it_stands(
    window: MainWindow, qtbot, folder: Path
) -> None:
    """The timer saves every 2 minutes; closing must not lose what came since."""
    window.controls.epochs_spin.setValue(500)
    window.run.start()
    # two epochs shown (each with its snapshot): under load the second record can come well
    # before its snapshot, and the close then saves one epoch
    qtbot.waitUntil(
        lambda: sum(r.snapshot is not None for r in window.time_machine.history.records) >= 2,
        timeout=TIMEOUT,
    )
    assert window.sessions.autosaver.saves == 0 and not any(folder.iterdir())
    t0 = time.perf_counter()
    window.close()
    took = time.perf_counter() - t0
    assert not window.training_thread().isRunning()
    assert took < 2.0, f"closing took {took:.2f} s"
    history, _ = load_session(window.sessions.autosaver.path())
    records = window.time_machine.history.records
    shown = len(records) - (records[-1].snapshot is None)  # an epoch cut short by the close
    assert len(history) == shown >= 2
    np.testing.assert_array_equal(history.batches()[1], window.time_machine.history.batches()[1])


def test_an_unwritable_autosave_folder_is_a_status_message(
    window: MainWindow, qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("AEVIEWER_AUTOSAVE_DIR", str(blocker))
    window.controls.epochs_spin.setValue(1)
    window.run.start()
    qtbot.waitUntil(lambda: window.run.state == "finished", timeout=TIMEOUT)
    qtbot.waitUntil(
        lambda: "Autosave failed" in window.statusBar().currentMessage(), timeout=10_000
    )
    assert window.run.state == "finished" and blocker.read_text() == "not a folder"


def test_autosave_copy_thins_snapshots_and_skips_an_unfinished_epoch() -> None:
    h = tiny_history(epochs=2)
    snap = h.records[0].snapshot
    for e in range(3, 41):
        h.add_epoch(e, float(e), {"loss": 0.1})
        h.set_codes(e, np.zeros((50, 2)), np.arange(50))
        h.records[-1].snapshot = snap
    h.add_epoch(41, 41.0, {"loss": 0.1})  # its snapshot has not arrived yet
    per = 2 * 784 * 2 * 4 + 2 * 4 + 784 * 4
    copy = autosave_copy(h, max_snapshot_bytes=10 * per)
    assert len(copy) == 40 and len(h) == 41
    kept = [r.epoch for r in copy.records if r.snapshot is not None]
    assert len(kept) == 10 and kept[0] == 1 and kept[-1] == 40
    assert all(r.snapshot is not None for r in h.records[:40])  # the window's record is intact


def test_nothing_to_save_before_the_first_epoch(qtbot, folder: Path) -> None:
    from aeviewer.core.history import RunHistory

    saver = Autosaver(RunHistory)
    assert not saver.save_now()
    assert not any(folder.iterdir())
