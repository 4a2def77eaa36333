"""Qt plumbing shared by the GUI benchmarks: the app, a real main window, waiting, memory."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

if TYPE_CHECKING:
    from aeviewer.core.datasets import Dataset
    from aeviewer.gui.main_window import MainWindow

WINDOW_SIZE = (1600, 1000)  # what a 1080p projector shows of a maximised window


def app() -> QApplication:
    instance = QApplication.instance()
    if isinstance(instance, QApplication):
        return instance
    return QApplication(["aeviewer-bench"])


def wait_until(
    done: Callable[[], bool], timeout_s: float, poll_ms: int = 10, what: str = "condition"
) -> None:
    """Run the event loop (as ``app.exec()`` would) until ``done()``; TimeoutError after
    ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    if done():
        return
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(poll_ms)

    def check() -> None:
        if done() or time.monotonic() > deadline:
            loop.quit()

    timer.timeout.connect(check)
    timer.start()
    loop.exec()
    timer.stop()
    if not done():
        raise TimeoutError(f"timed out after {timeout_s:g} s waiting for {what}")


def run_for(seconds: float) -> None:
    """Run the event loop for ``seconds``."""
    end = time.monotonic() + seconds
    wait_until(lambda: time.monotonic() >= end, seconds + 5, poll_ms=20)


def open_window(dataset: Dataset) -> MainWindow:
    """A real MainWindow, shown (offscreen), training on ``dataset``, TensorFlow loaded."""
    from aeviewer.gui.main_window import MainWindow

    app()
    window = MainWindow(dataset, restore=False)
    # As the GUI tests do: the data set comes from the benchmark, not from the panel's choice.
    window.data.load_selected = lambda _s: dataset  # type: ignore[method-assign,assignment]
    window.resize(*WINDOW_SIZE)
    window.show()
    wait_until(lambda: window.run.tf_ready, 120, what="TensorFlow to load")
    return window


def start_training(window: MainWindow, preset: str, epochs: int) -> None:
    """Press Start with ``preset`` and the preset's default batch size and learning rate."""
    # The preset first loads its defaults into the panel.
    window.controls.set_settings(preset=preset, epochs=epochs)
    window.run.start()
    if window.run.state != "running":
        raise RuntimeError(f"training did not start (state {window.run.state!r})")


def stop_training(window: MainWindow) -> None:
    window.run.stop()
    wait_until(lambda: window.run.state in ("finished", "idle"), 60, what="training to stop")


def close_window(window: MainWindow) -> None:
    window.close()
    window.deleteLater()
    app().processEvents()
