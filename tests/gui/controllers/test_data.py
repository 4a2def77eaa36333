"""File → Open data… and Open data folder…, and the panel's Open button, through the window.

The dialog is the window's ``ask_data_path`` method, replaced here by the path, so the code
under test is what a click runs up to the dialog, and no modal dialog opens.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from idx_files import mnist_like, write_idx
from PIL import Image
from PySide6.QtCore import Qt
from shared_window import shared_window
from windows import TIMEOUT

from aeviewer.core.datasets import load_dataset
from aeviewer.gui.main_window import MainWindow


@pytest.fixture(scope="module")
def window() -> Iterator[MainWindow]:
    """One window for the module: each test opens its own data over the last one's."""
    with shared_window(load_dataset("digits", max_train=64, max_val=30)) as w:
        yield w


def _answering(w: MainWindow, path: Path) -> list[bool]:
    """Make the window's dialog answer ``path``; the list fills with its ``folder`` arguments."""
    asked: list[bool] = []

    def ask(folder: bool = False) -> str:
        asked.append(folder)
        return str(path)

    w.data.ask_path = ask  # type: ignore[method-assign]
    return asked


def _open(w: MainWindow, qtbot, action: str, path: Path) -> list[bool]:
    """Trigger a File menu entry with the dialog answering ``path``, and wait for the load."""
    asked = _answering(w, path)
    next(a for a in w.actions() if a.text() == action).trigger()
    assert w.data.loading() == path.name  # files and folders load on a thread
    qtbot.waitUntil(lambda: w.data.loading() is None, timeout=TIMEOUT)
    return asked


def test_an_images_file_opens_labelled_and_the_status_bar_says_so(
    window: MainWindow, qtbot, tmp_path: Path
) -> None:
    x, y = mnist_like(40)
    images = write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", x)
    write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", y)
    assert _open(window, qtbot, "Open data…", images) == [False]
    ds = window.data.dataset
    assert ds is not None and ds.name == images.name and ds.is_labelled
    assert ds.n_train + ds.n_val == 40
    assert window.statusBar().currentMessage() == (
        "Opened t10k-images-idx3-ubyte.gz: 40 images, labels from t10k-labels-idx1-ubyte.gz"
    )
    assert window.controls.dataset_combo.currentText() == f"File: {images.name}"


def test_an_images_file_alone_says_it_has_no_labels(
    window: MainWindow, qtbot, tmp_path: Path
) -> None:
    images = write_idx(tmp_path / "train-images-idx3-ubyte", mnist_like(20)[0])
    _open(window, qtbot, "Open data…", images)
    assert window.data.dataset is not None and window.data.dataset.name == images.name
    assert not window.data.dataset.is_labelled
    assert window.statusBar().currentMessage() == (
        "Opened train-images-idx3-ubyte: 20 images, no labels beside it"
        " (looked for train-labels-idx1-ubyte[.gz]): all points one colour, no legend"
    )


def test_a_folder_opens_through_open_data_folder(window: MainWindow, qtbot, tmp_path: Path) -> None:
    x, _ = mnist_like(12)
    folder = tmp_path / "pets"
    for i, name in enumerate(["cat", "dog", "fox"] * 4):
        (folder / name).mkdir(parents=True, exist_ok=True)
        Image.fromarray(x[i]).save(folder / name / f"{i}.png")
    assert _open(window, qtbot, "Open data folder…", folder) == [True]
    ds = window.data.dataset
    assert ds is not None and ds.name == "pets" and ds.class_names == ("cat", "dog", "fox")
    assert window.statusBar().currentMessage() == (
        "Opened pets: 12 images, labels from its 3 class sub-folders"
    )


def test_the_panels_open_button_asks_for_a_file(window: MainWindow, qtbot, tmp_path: Path) -> None:
    x, y = mnist_like(10)
    write_idx(tmp_path / "t10k-images.idx3-ubyte", x)
    labels = write_idx(tmp_path / "t10k-labels.idx1-ubyte", y)
    asked = _answering(window, labels)
    qtbot.mouseClick(window.controls.open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.data.loading() is None, timeout=TIMEOUT)
    assert asked == [False]
    assert window.data.dataset is not None and window.data.dataset.name == "t10k-images.idx3-ubyte"
    assert window.data.dataset.is_labelled
    assert "labels from this file" in window.statusBar().currentMessage()
