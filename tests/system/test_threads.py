"""Qt objects die in the GUI thread: worker threads never hold the last reference to one, and
Python's cyclic collector runs in the GUI thread only (gui/relay.py, gui/collector.py).

A window destroyed from a worker thread left its timers registered in the GUI thread, which
then fired one at freed memory: a segfault one run in two of the lesson tests.
"""

from __future__ import annotations

import gc
import threading
import weakref

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication, QWidget

import aeviewer.core.latent as latent
from aeviewer.gui.collector import install_gui_collector
from aeviewer.gui.main_window import MainWindow
from aeviewer.gui.relay import run_in_thread


class Owner(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.results: list[tuple[object, str, str]] = []

    def done(self, result: object, error: str) -> None:
        self.results.append((result, error, threading.current_thread().name))


def test_results_and_errors_come_back_in_the_gui_thread(qtbot) -> None:
    owner = Owner()
    qtbot.addWidget(owner)
    run_in_thread(owner, "t-ok", lambda: np.arange(3), owner.done)
    run_in_thread(owner, "t-bad", lambda: 1 / 0, owner.done)
    qtbot.waitUntil(lambda: len(owner.results) == 2, timeout=10_000)
    by_error = {error: (result, thread) for result, error, thread in owner.results}
    result, thread = by_error[""]
    assert np.array_equal(result, [0, 1, 2]) and thread == "MainThread"
    assert by_error["division by zero"] == (None, "MainThread")


def _thread_name() -> str:
    return threading.current_thread().name


def test_a_closed_owner_is_freed_in_the_gui_thread_not_the_worker(qtbot) -> None:
    release = threading.Event()
    owner = Owner()
    owner.show()
    thread = run_in_thread(owner, "t-slow", lambda: release.wait(30), owner.done)
    freed: list[str] = []
    probe = weakref.ref(owner, lambda _: freed.append(_thread_name()))
    results = owner.results
    owner.close()
    owner.deleteLater()
    del owner
    qtbot.wait(50)  # the deferred delete
    release.set()
    thread.join(10)
    qtbot.waitUntil(lambda: probe() is None, timeout=10_000)
    assert freed == ["MainThread"]
    assert results == []  # no result for a deleted owner, and no crash


@pytest.fixture
def not_the_first_window(qtbot) -> None:
    """Show and close a window first: the first MainWindow of a process is never freed.

    After its close its wrapper keeps two references that no Python object holds (PySide6
    6.11.3; with TensorFlow never loaded too; a plain QMainWindow subclass with signals and
    slots is freed; the holder was not found). Later windows are freed. Alone, the test below
    failed on that, not on its own point. Only tests see it: the app's one window closes as
    the process ends.
    """
    w = MainWindow(restore=False)
    w.show()
    qtbot.wait(50)
    w.close()
    w.deleteLater()
    qtbot.wait(50)


@pytest.mark.usefixtures("not_the_first_window")
def test_window_closed_during_tsne_is_freed_in_the_gui_thread(
    qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    started = threading.Event()

    def slow_tsne(codes: np.ndarray, seed: int = 0) -> tuple[object, np.ndarray]:
        started.set()
        release.wait(30)
        return latent.identity_projection(2), codes[:, :2]

    monkeypatch.setattr(latent, "fit_tsne", slow_tsne)
    w = MainWindow(restore=False)
    w.show()
    w.latent.state.codes = np.random.default_rng(0).normal(size=(50, 5)).astype(np.float32)
    w.latent.state.indices = np.arange(50)
    w.latent.start_tsne()
    assert started.wait(10)
    freed: list[str] = []
    probe = weakref.ref(w, lambda _: freed.append(_thread_name()))
    w.close()
    w.deleteLater()
    del w
    qtbot.wait(100)
    release.set()
    qtbot.waitUntil(
        lambda: not any(t.name == "aeviewer-tsne" for t in threading.enumerate()), timeout=10_000
    )
    # Cycles are the GUI thread's collector's to free: collect now rather than wait for it.
    qtbot.waitUntil(lambda: gc.collect() >= 0 and probe() is None, timeout=10_000)
    assert freed == ["MainThread"]
    qtbot.wait(1200)  # timers keep firing: none points at a window freed in another thread


def test_cycles_are_collected_in_the_gui_thread_only(qtbot) -> None:
    collector = install_gui_collector()
    assert collector is not None and install_gui_collector() is collector
    assert not gc.isenabled()
    freed_in: list[str] = []

    class Cycle:
        def __init__(self) -> None:
            self.me = self

        def __del__(self) -> None:
            freed_in.append(threading.current_thread().name)

    def allocate() -> None:
        Cycle()  # garbage at once, but only a collection frees a cycle
        junk = [[i] for i in range(200_000)]  # far past gen-0's threshold
        del junk

    t = threading.Thread(target=allocate, name="allocator")
    t.start()
    t.join()
    assert freed_in == []  # the allocating thread did not collect
    alive = [[i] for i in range(5000)]  # what a GUI allocates meanwhile: the timer collects
    qtbot.waitUntil(lambda: bool(freed_in), timeout=10_000)
    del alive
    assert freed_in == ["MainThread"]
    assert QApplication.instance() is not None


def test_the_collector_waits_while_a_hand_is_on_a_watched_view(qtbot) -> None:
    """A collection during a stroke delayed its reconstruction: it waits for the release."""
    from PySide6.QtCore import QEvent, QPointF, Qt
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QWidget

    from aeviewer.gui.input_gate import HOLD_MS, InputGate

    collector = install_gui_collector()
    assert collector is not None
    owner = QWidget()
    qtbot.addWidget(owner)
    gate = InputGate(owner)
    gate.watch(owner)
    left, pos = Qt.MouseButton.LeftButton, QPointF(5, 5)

    def mouse(kind: QEvent.Type, buttons: Qt.MouseButton) -> None:
        event = QMouseEvent(kind, pos, pos, left, buttons, Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(owner, event)

    mouse(QEvent.Type.MouseButtonPress, left)
    junk = [[i] for i in range(5000)]  # past gen-0's threshold
    before = collector.collections
    collector.check()
    assert collector.collections == before  # held: no collection
    mouse(QEvent.Type.MouseButtonRelease, Qt.MouseButton.NoButton)
    qtbot.wait(HOLD_MS + 30)
    collector.check()
    assert collector.collections == before + 1
    del junk
