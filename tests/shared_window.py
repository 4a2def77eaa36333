"""One real window for a whole test module: opened once, trained once, closed at the end.

qtbot is per test, so a module-scoped fixture waits with :func:`wait_for` instead of
``qtbot.waitUntil``. Tests sharing a window leave it as they found it, or run last.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from PySide6.QtWidgets import QApplication
from windows import TIMEOUT, new_window

from aeviewer.core.datasets import Dataset
from aeviewer.gui.main_window import MainWindow


def wait_for(condition: Callable[[], bool], timeout_ms: int = TIMEOUT) -> None:
    """Run the event loop until ``condition()`` holds; TimeoutError after ``timeout_ms``."""
    deadline = time.monotonic() + timeout_ms / 1000
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"still false after {timeout_ms} ms")
        QApplication.processEvents()
        time.sleep(0.01)  # lets the training thread have the GIL (QTest.qWait keeps it)


@contextmanager
def shared_window(data: Dataset, size: tuple[int, int] = (1200, 800)) -> Iterator[MainWindow]:
    """A shown window whose TensorFlow has loaded and whose every Start trains on ``data``;
    closed on exit, its training thread ended."""
    w = new_window(data, size)
    try:
        wait_for(lambda: w.run.tf_ready)
        yield w
    finally:
        w.close()
        assert not w.training_thread().isRunning()
        w.deleteLater()


def train(w: MainWindow, epochs: int, preset: str = "stacked") -> None:
    """A new run of ``epochs`` epochs (batches of 32), waited for until the window shows its
    end."""
    w.controls.set_preset(preset)
    w.controls.batch_spin.setValue(32)
    w.controls.epochs_spin.setValue(epochs)
    w.run.start()
    wait_for(lambda: w.run.state == "finished")
