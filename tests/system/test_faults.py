"""Faults a lecture can meet, on the real window with tiny data: hammered controls, closing in
every state, data and lessons changed mid-run, a NaN loss, and an exception in the worker.

pytest-qt turns any exception raised in a Qt slot into a failure, and tests/conftest.py fails
a test that leaves a thread running: "no exception" and "no leaked thread" hold for each test.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer
from PySide6.QtWidgets import QFileDialog
from windows import TIMEOUT

from aeviewer.core.datasets import Dataset
from aeviewer.core.inference import ModelSnapshot
from aeviewer.core.training import Trainer
from aeviewer.gui.controllers.data import DataController
from aeviewer.gui.main_window import MainWindow
from aeviewer.soak import os_threads

STATES = {"loading", "idle", "running", "paused", "finished", "stopping"}


def open_window(qtbot, data: Dataset) -> MainWindow:
    w = MainWindow(data, restore=False)
    w.data.load_selected = lambda s: data  # type: ignore[method-assign]
    qtbot.addWidget(w)
    w.resize(1200, 800)
    w.show()
    qtbot.waitUntil(lambda: w.run.tf_ready, timeout=TIMEOUT)
    w.controls.set_preset("stacked")
    w.controls.batch_spin.setValue(32)
    return w


@pytest.fixture
def window(qtbot, tiny: Dataset) -> Iterator[MainWindow]:
    w = open_window(qtbot, tiny)
    yield w
    w.close()
    assert not w.training_thread().isRunning()


def finish(w: MainWindow, qtbot) -> None:
    qtbot.waitUntil(lambda: w.run.state in ("finished", "idle"), timeout=TIMEOUT)


def train_one_epoch(w: MainWindow, qtbot) -> None:
    """The app still trains: one epoch, shown in every view."""
    w.controls.epochs_spin.setValue(1)
    w.run.start()
    assert w.run.state == "running"
    qtbot.waitUntil(lambda: w.run.state == "finished", timeout=TIMEOUT)
    assert w.run.trainer is not None and w.run.trainer.epochs_done == 1
    assert len(w.time_machine.history) == 1 and w.loss_plot.epoch_count() == 1
    assert w.latent_view.point_count() > 0


def assert_consistent(w: MainWindow) -> None:
    c = w.controls
    assert w.run.state in STATES
    assert c.start_button.isEnabled() == (w.run.state in ("idle", "finished"))
    assert c.stop_button.isEnabled() == (w.run.state in ("running", "paused"))
    assert c.pause_button.isChecked() == (w.run.state == "paused")
    if w.run.state in ("running", "paused"):
        assert w.run.trainer is not None
    if w.run.state == "stopping":
        assert w.run.trainer is None


def test_hammering_start_stop_reset_step_pause(window: MainWindow, qtbot) -> None:
    """200 seeded random presses of the buttons and their keys, with no hang, no exception
    and no OS thread left over (TensorFlow's and XLA's pools exist after a first epoch)."""
    w, c = window, window.controls
    train_one_epoch(w, qtbot)
    qtbot.waitUntil(w.sessions.autosaver.idle, timeout=TIMEOUT)
    assert w.sessions.autosaver.wait(
        10
    )  # the save's thread may still be unwinding: not a baseline one
    threads_before = os_threads()
    w.controls.epochs_spin.setValue(3)
    buttons = {
        "start": c.start_button,
        "pause": c.pause_button,
        "step": c.step_button,
        "stop": c.stop_button,
        "reset": c.reset_button,
    }
    keys = {
        "Space": Qt.Key.Key_Space,
        "S": Qt.Key.Key_S,
        "R": Qt.Key.Key_R,
        "Esc": Qt.Key.Key_Escape,
    }
    rng = random.Random(20240611)
    done: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    w.run.state_changed.connect(lambda s: seen.update([s]))
    slowest = 0.0
    for _ in range(200):
        name = rng.choice([*buttons, *keys])
        t0 = time.perf_counter()
        if name in buttons:
            qtbot.mouseClick(buttons[name], Qt.MouseButton.LeftButton)  # disabled: ignored
        else:
            qtbot.keyClick(w, keys[name])
        slowest = max(slowest, time.perf_counter() - t0)
        done[name] += 1
        assert_consistent(w)
        qtbot.wait(rng.choice((0, 0, 2, 10, 30, 100)))
        assert_consistent(w)
    assert sum(done.values()) == 200 and len(done) == 9
    assert {"running", "paused"} <= set(seen) and {"stopping", "finished"} & set(seen), seen
    assert slowest < 2.0, f"an action blocked the GUI for {slowest:.2f} s"
    w.run.stop()
    finish(w, qtbot)
    assert_consistent(w)
    assert w.training_thread().isRunning()
    if w.run.state == "idle":  # the last run was reset: nothing of it is left on screen
        assert w.loss_plot.batch_count() == 0 and w.live.snapshot is None
    train_one_epoch(w, qtbot)
    qtbot.waitUntil(w.sessions.autosaver.idle, timeout=TIMEOUT)
    # Savers' daemon threads end soon after their result arrives: wait for them, not a time.
    qtbot.waitUntil(lambda: os_threads() <= threads_before, timeout=30_000)
    assert os_threads() == threads_before


def test_reset_twice_then_start_does_not_lose_the_new_run(window: MainWindow, qtbot) -> None:
    """R, R, Space fast: the reset run's end must not end (or orphan) the new one."""
    w = window
    w.controls.epochs_spin.setValue(200)
    w.run.start()
    qtbot.waitUntil(lambda: w.run.trainer is not None and w.run.trainer.steps > 0, timeout=TIMEOUT)
    w.run.reset()
    w.run.reset()
    assert w.run.state == "stopping"
    w.run.start()  # refused until the old run has ended
    assert w.run.trainer is None
    qtbot.waitUntil(lambda: w.run.state == "idle", timeout=TIMEOUT)
    assert w.loss_plot.batch_count() == 0
    train_one_epoch(w, qtbot)


# -- closing in every state -----------------------------------------------------------------


def _close_timed(w: MainWindow) -> float:
    t0 = time.perf_counter()
    w.close()
    assert w.training_thread().wait(5000)
    return time.perf_counter() - t0


def _running(w: MainWindow, qtbot, epochs: int = 500) -> None:
    w.controls.epochs_spin.setValue(epochs)
    w.run.start()
    qtbot.waitUntil(lambda: w.run.trainer is not None and w.run.trainer.steps > 3, timeout=TIMEOUT)


@pytest.mark.parametrize(
    "state", ["idle", "training", "paused", "stepping", "tsne", "exporting", "saving-model"]
)
def test_closing_in_every_state_takes_under_2_s(
    state: str, qtbot, tiny: Dataset, tmp_path: Path
) -> None:
    w = open_window(qtbot, tiny)
    took: list[float] = []
    if state == "training":
        _running(w, qtbot)
    elif state == "paused":
        _running(w, qtbot)
        w.run.pause(True)
        assert w.run.state == "paused"
    elif state == "stepping":  # Step from idle, then Step again and close with it in flight
        w.run.step()
        qtbot.waitUntil(
            lambda: w.run.trainer is not None and w.run.trainer.steps == 1, timeout=TIMEOUT
        )
        w.run.step()
    elif state == "tsne":  # 30-D codes; t-SNE runs in a daemon thread nobody waits for
        w.controls.epochs_spin.setValue(1)
        w.run.start()
        finish(w, qtbot)
        w.latent.set_kind("tsne")
        assert w.latent.tsne_busy
    elif state == "exporting":
        # export_gif renders one frame per epoch on the GUI thread and lets events run between
        # frames: the close lands there, between two frames.
        w.controls.epochs_spin.setValue(3)
        w.run.start()
        finish(w, qtbot)
        flag = {"exporting": False, "closed_during": False}

        def close_now() -> None:
            flag["closed_during"] = flag["exporting"]
            took.append(_close_timed(w))

        QTimer.singleShot(0, close_now)
        flag["exporting"] = True
        w.exports.export_gif(tmp_path / "run.gif")
        flag["exporting"] = False
        assert flag["closed_during"]
    elif state == "saving-model":  # the save runs on the training thread; close waits for it
        w.controls.epochs_spin.setValue(1)
        w.run.start()
        finish(w, qtbot)
        w.sessions.save_model(tmp_path / "m.keras")
        assert w.run.busy()
    if not took:
        took.append(_close_timed(w))
    assert took[0] < 2.0, f"closing while {state} took {took[0]:.2f} s"
    assert not w.training_thread().isRunning()
    if state == "saving-model":  # either the whole file or none, never a part
        from aeviewer.core.persistence import load_model

        assert sorted(p.name for p in tmp_path.iterdir()) in ([], ["m.keras"])
        if (tmp_path / "m.keras").exists():
            assert load_model(tmp_path / "m.keras").ae.preset == "stacked"


def _caught_signals(pid: int) -> int:
    """The process's mask of caught signals (bit n-1 for signal n), from /proc."""
    with open(f"/proc/{pid}/status") as f:
        line = next(x for x in f if x.startswith("SigCgt:"))
    return int(line.split()[1], 16)


def _thread_names(pid: int) -> set[str]:
    names = set()
    for tid in os.listdir(f"/proc/{pid}/task"):
        with contextlib.suppress(OSError), open(f"/proc/{pid}/task/{tid}/comm") as f:
            names.add(f.read().strip())
    return names


def _tensorflow_mapped(pid: int) -> bool:
    with open(f"/proc/{pid}/maps") as f:
        return "libtensorflow" in f.read()


def _poll(proc: subprocess.Popen[str], ready: Callable[[], bool], what: str) -> None:
    """Watch the child until ``ready()`` (polling /proc, not waiting for a set time)."""
    deadline = time.monotonic() + 180
    while not ready():
        assert proc.poll() is None, f"the app ended before {what}: {proc.communicate()[1][-2000:]}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="watches the app through /proc")
@pytest.mark.parametrize("state", ["loading", "just-started"])
def test_the_app_exits_within_2_s_of_sigterm(state: str, tmp_path: Path) -> None:
    """``python -m aeviewer --autostart`` closed while TensorFlow is still importing, and while
    its first run builds and compiles (neither can be interrupted): the process still exits
    cleanly within 2 s. SIGTERM closes the window as its close button does."""
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "AEVIEWER_SETTINGS": str(tmp_path / "settings.ini"),
        "AEVIEWER_AUTOSAVE_DIR": str(tmp_path),
    }
    args = ["--model", "stacked", "--max-samples", "300", "--autostart", "--no-restore"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "aeviewer", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        sigterm = 1 << (signal.SIGTERM - 1)
        _poll(proc, lambda: bool(_caught_signals(proc.pid) & sigterm), "the window to open")
        if state == "loading":  # its import has begun: the library is mapped
            _poll(proc, lambda: _tensorflow_mapped(proc.pid), "TensorFlow's import to begin")
            assert "tf_Compute" not in _thread_names(proc.pid), "TensorFlow had loaded already"
        else:  # XLA's thread pool appears with the run's first compile
            _poll(proc, lambda: "tf_XLAEigen" in _thread_names(proc.pid), "the first compile")
        t0 = time.perf_counter()
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=60)
        took = time.perf_counter() - t0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err[-3000:]
    assert "Traceback" not in err and "QThread: Destroyed" not in err, err[-3000:]
    assert took < 2.0, f"the app took {took:.2f} s to exit after SIGTERM ({state})"
    assert (tmp_path / "settings.ini").exists()  # closed as by its button: settings saved


# -- what the user can change while training -------------------------------------------------


def test_choosing_a_lesson_while_training(window: MainWindow, qtbot) -> None:
    w = window
    _running(w, qtbot)
    assert w.lessons.open("generation")
    assert w.run.state == "stopping" and w.run.trainer is None
    qtbot.waitUntil(lambda: w.run.state == "idle", timeout=TIMEOUT)
    assert w.controls.preset() == "vanilla" and w.loss_plot.batch_count() == 0
    train_one_epoch(w, qtbot)


def test_open_data_while_training_applies_at_the_next_start(
    window: MainWindow, qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = window
    vectors = tmp_path / "points.npz"
    rng = np.random.default_rng(0)
    np.savez(vectors, x_train=rng.random((80, 5)), x_test=rng.random((20, 5)))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(vectors), ""))
    _running(w, qtbot)
    before, trainer = w.data.dataset, w.run.trainer
    assert trainer is not None
    action = next(a for a in w.actions() if a.text() == "Open data…")
    action.trigger()  # Ctrl+O works while the panel's Open button is disabled
    steps = trainer.steps
    # The file is read and checked in the background: the hint comes once it has loaded.
    qtbot.waitUntil(
        lambda: "points.npz is used from the next Start" in w.controls.hint.text(),
        timeout=TIMEOUT,
    )
    qtbot.waitUntil(lambda: trainer.steps > steps + 3, timeout=TIMEOUT)  # still training
    assert w.data.dataset is before and w.run.state == "running" and w.run.trainer is trainer
    w.run.stop()
    finish(w, qtbot)
    w.data.load_selected = DataController.load_selected.__get__(w.data)  # type: ignore[method-assign]
    w.controls.set_preset("linear")
    train_one_epoch(w, qtbot)
    assert w.data.dataset is not None and w.data.dataset.input_shape == (5,)


def test_changing_data_and_preset_while_training_applies_at_the_next_start(
    window: MainWindow, qtbot
) -> None:
    w, c = window, window.controls
    _running(w, qtbot)
    trainer, before = w.run.trainer, w.data.dataset
    assert trainer is not None and trainer.ae is not None and before is not None
    params = trainer.ae.count_params()
    w.data.load_selected = DataController.load_selected.__get__(w.data)  # type: ignore[method-assign]
    rates: list[float] = []
    c.learning_rate_changed.connect(rates.append)
    assert c.dataset_combo.isEnabled() and c.preset_combo.isEnabled()
    c.set_dataset("synthetic3d")
    expected = f"3-D point cloud is used from the next Start; training goes on with {before.name}."
    assert c.hint.text() == expected and w.statusBar().currentMessage() == expected
    c.set_preset("linear")
    assert c.hint.text() == "Linear (PCA) is used from the next Start; this run goes on unchanged."
    steps = trainer.steps
    qtbot.waitUntil(lambda: trainer.steps > steps + 3, timeout=TIMEOUT)  # still training
    assert w.run.state == "running" and w.run.trainer is trainer and w.data.dataset is before
    assert trainer.dataset is before and trainer.config.preset == "stacked"
    assert trainer.ae.count_params() == params and not rates  # the run's model is untouched
    assert w.latent_view.point_count() > 0  # its views too
    w.run.stop()
    finish(w, qtbot)
    train_one_epoch(w, qtbot)
    assert w.data.dataset is not None and w.data.dataset.input_shape == (3,)
    assert w.run.trainer is not None and w.run.trainer.config.preset == "linear"


def _fake_mnist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exists: bool = True) -> None:
    """Point the MNIST download at a small local file (as tests/core/test_datasets_remote)."""
    from aeviewer.core.datasets import REMOTE_SOURCES, RemoteFile

    src = tmp_path / "server" / "mnist.npz"
    if exists:
        rng = np.random.default_rng(0)
        src.parent.mkdir()
        np.savez(
            src,
            x_train=rng.integers(0, 256, (40, 28, 28), dtype=np.uint8),
            y_train=(np.arange(40) % 10).astype(np.uint8),
            x_test=rng.integers(0, 256, (20, 28, 28), dtype=np.uint8),
            y_test=(np.arange(20) % 10).astype(np.uint8),
        )
    monkeypatch.setitem(REMOTE_SOURCES, "mnist", (RemoteFile("mnist.npz", src.as_uri(), None),))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))


def test_a_download_runs_off_the_gui_thread_and_start_waits_for_it(
    window: MainWindow, qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import keras

    w, c = window, window.controls
    w.data.load_selected = DataController.load_selected.__get__(w.data)  # type: ignore[method-assign]
    _fake_mnist(tmp_path, monkeypatch)
    entered, release = threading.Event(), threading.Event()
    real = keras.utils.get_file

    def slow_download(*args: Any, **kwargs: Any) -> Any:  # the network, as slow as the test says
        entered.set()
        assert release.wait(120)
        return real(*args, **kwargs)

    monkeypatch.setattr(keras.utils, "get_file", slow_download)
    before = w.data.dataset
    c.epochs_spin.setValue(1)
    c.set_dataset("mnist")
    assert w.data.loading() == "MNIST"
    assert c.start_button.text() == "Loading MNIST…" and not c.start_button.isEnabled()
    assert w.statusBar().currentMessage() == "Loading MNIST…"
    qtbot.waitUntil(entered.is_set, timeout=TIMEOUT)  # the download is under way...
    ticks: list[int] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(5)
    qtbot.waitUntil(lambda: len(ticks) >= 10, timeout=TIMEOUT)  # ...and the event loop runs
    timer.stop()
    w.set_theme("light")  # the window answers meanwhile
    w.run.start()  # Space: waits for the data
    assert w.run.state == "idle" and w.run.trainer is None and w.data.dataset is before
    assert c.hint.text() == "Starting as soon as MNIST has loaded…"
    release.set()
    qtbot.waitUntil(lambda: w.run.trainer is not None, timeout=TIMEOUT)  # the waiting Start ran
    assert (
        w.data.dataset is not None
        and w.data.dataset.name == "mnist"
        and w.data.dataset.n_train == 40
    )
    assert w.run.trainer.dataset is w.data.dataset and w.data.loading() is None
    assert c.start_button.text() == "Start"
    finish(w, qtbot)
    assert w.run.state == "finished" and w.run.trainer.epochs_done == 1
    assert w.latent_view.point_count() == 20


def test_a_failed_download_is_one_line_and_changes_nothing(
    window: MainWindow, qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    w, c = window, window.controls
    w.data.load_selected = DataController.load_selected.__get__(w.data)  # type: ignore[method-assign]
    _fake_mnist(tmp_path, monkeypatch, exists=False)
    before = w.data.dataset
    c.set_dataset("mnist")
    w.run.start()
    qtbot.waitUntil(lambda: w.data.loading() is None, timeout=TIMEOUT)
    hint = c.hint.text()
    assert hint.startswith("dataset 'mnist': could not download mnist from file:"), hint
    assert "\n" not in hint
    assert w.statusBar().currentMessage() == hint
    assert w.run.state == "idle" and w.run.trainer is None and w.data.dataset is before
    assert c.start_button.isEnabled() and c.start_button.text() == "Start"
    w.data.load_selected = lambda s: before  # type: ignore[method-assign]
    c.set_dataset("digits")
    train_one_epoch(w, qtbot)


def test_two_jobs_of_one_name_each_get_their_own_result(window: MainWindow, qtbot) -> None:
    got: list[tuple[str, int]] = []
    first = window.jobs.request("compare", lambda: 1, lambda r: got.append(("first", r)))
    second = window.jobs.request("compare", lambda: 2, lambda r: got.append(("second", r)))
    assert first != second and window.run.busy()
    qtbot.waitUntil(lambda: not window.run.busy(), timeout=TIMEOUT)
    assert got == [("first", 1), ("second", 2)]


def test_closing_stops_a_training_job(qtbot, tiny: Dataset) -> None:
    """A lesson's comparison model trains as a job on the training thread: closing stops it
    (it used to run on, and the window was destroyed with its thread running: an abort)."""
    from aeviewer.core.training import TrainingConfig

    w = open_window(qtbot, tiny)
    job = Trainer(tiny, TrainingConfig(preset="stacked", epochs=500))
    w.jobs.request("compare", job.run, lambda _r: None, stop=job.stop)
    qtbot.waitUntil(lambda: job.steps > 3, timeout=TIMEOUT)
    took = _close_timed(w)
    assert took < 2.0, f"closing during a job took {took:.2f} s"
    assert job.stopping and not w.training_thread().isRunning()


def test_a_thread_that_cannot_stop_is_never_destroyed_running(qtbot, tiny: Dataset) -> None:
    """A job that ignores stop: the close still ends in time, and the window can be deleted
    while the thread runs on (deleting a running QThread aborts the process)."""
    import shiboken6

    w = MainWindow(tiny, restore=False)  # not qtbot's: this test deletes it
    w.show()
    qtbot.waitUntil(lambda: w.run.tf_ready, timeout=TIMEOUT)
    started, release = threading.Event(), threading.Event()

    def stuck() -> bool:
        started.set()
        return release.wait(120)

    w.jobs.request("stuck", stuck, lambda _r: None)
    qtbot.waitUntil(started.is_set, timeout=TIMEOUT)
    thread = w.training_thread()
    t0 = time.perf_counter()
    w.close()
    took = time.perf_counter() - t0
    assert took < 2.0 and thread.isRunning()
    w.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not shiboken6.isValid(w) and shiboken6.isValid(thread) and thread.isRunning()
    release.set()
    assert thread.wait(10_000)


def test_reset_then_change_data_and_preset(window: MainWindow, qtbot) -> None:
    w = window
    _running(w, qtbot)
    w.run.reset()
    qtbot.waitUntil(lambda: w.run.state == "idle", timeout=TIMEOUT)
    w.data.load_selected = DataController.load_selected.__get__(w.data)  # type: ignore[method-assign]
    w.controls.set_dataset("synthetic3d")
    w.controls.set_preset("linear")
    assert w.data.dataset is not None and w.data.dataset.input_shape == (3,)
    train_one_epoch(w, qtbot)


def test_what_stays_live_while_training(window: MainWindow, qtbot, tmp_path: Path) -> None:
    """Learning rate, speed, noise, theme and opening a session, during a run."""
    w = window
    _running(w, qtbot)
    trainer = w.run.trainer
    assert trainer is not None
    w.controls.lr_spin.setValue(5e-4)
    w.controls.speed_slider.setValue(30)
    w.controls.speed_slider.setValue(0)
    w.noise_panel.set_noise(0.4, 0.2, 0.1)
    w.set_theme("light")
    w.set_theme("dark")
    asked: list[str] = []
    w.ask = lambda question, yes: asked.append(question) or False  # type: ignore[method-assign]
    assert not w.sessions.open(tmp_path / "x.aevsession")  # declined: the run goes on
    assert len(asked) == 1 and "Stop it and open x.aevsession" in asked[0]
    steps = trainer.steps
    qtbot.waitUntil(lambda: trainer.steps > steps + 3, timeout=TIMEOUT)
    w.run.stop()
    finish(w, qtbot)
    assert w.run.state == "finished"


# -- NaN and worker errors -------------------------------------------------------------------


def _finite(w: MainWindow) -> bool:
    snap = w.live.snapshot
    assert snap is not None
    weights = [x for m in (snap.encoder, snap.decoder) for op in m.ops for x in op.weights]
    return all(np.all(np.isfinite(x)) for x in weights)


def test_nan_learning_rate_stops_with_a_message_and_keeps_good_weights(
    window: MainWindow, qtbot
) -> None:
    w = window
    w.controls.set_preset("vae")
    w.controls.batch_spin.setValue(32)
    w.controls.lr_spin.setValue(10.0)  # the spin box's maximum: the VAE's KL term overflows
    w.controls.epochs_spin.setValue(3)
    w.run.start()
    finish(w, qtbot)
    hint = w.controls.hint.text()
    assert "NaN" in hint and "learning rate 10" in hint and "\n" not in hint
    assert "NaN" in w.statusBar().currentMessage()
    assert w.run.state == "finished" and _finite(w)
    assert w.run.trainer is not None and w.run.trainer.ae is not None
    assert all(np.all(np.isfinite(x)) for x in w.run.trainer.ae.model.get_weights())
    # The model kept is exactly the one on screen (a saved model decodes as the views did).
    ae, shown = w.run.trainer.ae, w.live.snapshot
    assert shown is not None
    kept = ModelSnapshot.capture(ae.encoder, ae.decoder, shown.epoch, shown.step)
    for mine, theirs in ((kept.encoder, shown.encoder), (kept.decoder, shown.decoder)):
        assert len(mine.ops) == len(theirs.ops)
        for a, b in zip(mine.ops, theirs.ops, strict=True):
            assert len(a.weights) == len(b.weights)
            for x, y in zip(a.weights, b.weights, strict=True):
                np.testing.assert_array_equal(x, y)
    image = w.latent.decode_point(0.0, 0.0)
    assert image is not None and np.all(np.isfinite(image))
    w.controls.lr_spin.setValue(2e-3)
    train_one_epoch(w, qtbot)


def test_exceptions_in_the_worker_are_a_message_and_the_next_start_works(
    window: MainWindow, qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One inside the training loop, then one after it (a listener failing: without
    run_finished the window used to stay "running" for good)."""
    from aeviewer.core import training
    from aeviewer.gui import training_worker

    w = window

    def broken_eval(*args: object) -> dict[str, float]:
        raise RuntimeError("simulated failure in evaluation\nwith a second line")

    def broken_listener(self: object, report: object) -> None:
        raise OSError(28, "No space left on device")

    w.controls.epochs_spin.setValue(2)
    for target, name, broken, expected in (
        (training, "evaluate", broken_eval, "RuntimeError: simulated failure in evaluation"),
        (training_worker._Bridge, "on_finished", broken_listener, "No space left on device"),
    ):
        monkeypatch.setattr(target, name, broken)
        w.run.start()
        finish(w, qtbot)
        hint = w.controls.hint.text()
        assert expected in hint and "\n" not in hint, hint
        assert w.run.state == "finished"
        monkeypatch.undo()
    train_one_epoch(w, qtbot)
