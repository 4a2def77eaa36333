"""Shared by the GUI tests: a real main window on a small data set, ready to train."""

from __future__ import annotations

from aeviewer.core.datasets import Dataset
from aeviewer.gui.main_window import MainWindow

TIMEOUT = 120_000  # ms: a first epoch compiles its steps, slowly on a loaded machine


def new_window(data: Dataset | None = None, size: tuple[int, int] | None = None) -> MainWindow:
    """A shown window; with ``data``, every Start trains on it (the panel's choice is not
    loaded from disk)."""
    w = MainWindow(data, restore=False)
    if data is not None:
        w.data.load_selected = lambda s: data  # type: ignore[method-assign]
    if size is not None:
        w.resize(*size)
    w.show()
    return w


def open_window(
    qtbot, data: Dataset | None = None, size: tuple[int, int] | None = None
) -> MainWindow:
    """:func:`new_window`, closed with the test, once its TensorFlow has loaded."""
    w = new_window(data, size)
    qtbot.addWidget(w)
    qtbot.waitUntil(lambda: w.run.tf_ready, timeout=TIMEOUT)
    return w
