"""A notebook's autoencoder in the window: opened by File → Open model…, a drop or
``aeviewer FILE``, shown at once (latent space, click, drawing), fine-tuned by Start, saved in
a session; what is not an autoencoder is refused in one line and changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keras
import numpy as np
import pytest
from notebook_models import NotebookModel, blog_conv, blog_dense, course_sub_models
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication
from shared_window import shared_window, wait_for

from aeviewer.core.datasets import Dataset, load_dataset
from aeviewer.gui.main_window import MainWindow


@pytest.fixture(scope="module")
def data() -> Dataset:
    return load_dataset("mnist_test", max_train=256, max_val=64)


@pytest.fixture(scope="module")
def window(qapp, data: Dataset) -> Iterator[MainWindow]:
    with shared_window(data, size=(1400, 900)) as w:
        yield w


def _opened(w: MainWindow, nb: NotebookModel) -> None:
    """Wait until the model's own latent space is on screen (a paused run at epoch 0)."""
    wait_for(lambda: w.user_model.opened is not None and w.run.state == "paused")
    wait_for(lambda: w.latent.state.codes is not None and w.live.snapshot is not None)
    assert w.latent.state.codes is not None
    assert w.latent.state.codes.shape[1] == nb.code_size


def _drop(w: MainWindow, paths: list[Path]) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(
        QPointF(300, 300),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    w.drops.eventFilter(w, event)  # Qt delivers drops only inside a real drag


def test_open_model_shows_the_files_own_model_then_start_fine_tunes_it(
    window: MainWindow, data: Dataset, tmp_path: Path
) -> None:
    w = window
    nb = blog_conv(tmp_path)
    w.user_model.ask_paths = lambda: [str(p) for p in nb.paths]  # type: ignore[method-assign]
    w.controls.epochs_spin.setValue(1)  # what the opened run will train when started
    action = next(a for a in w.actions() if a.text() == "Open model…")
    assert action.shortcut().toString() == "Ctrl+M"
    action.trigger()
    _opened(w, nb)
    assert "your model" in w.windowTitle() and nb.paths[0].name in w.windowTitle()
    assert f"your model: {nb.paths[0].name}" in w.status_label.text()
    snap = w.live.snapshot
    assert snap is not None
    x = np.asarray(data.x_val[:4], np.float32)
    np.testing.assert_allclose(snap.reconstruct(x), nb.reference(x), atol=1e-4)
    # A click decodes through the numpy copy of the file's decoder.
    shown = w.latent.decode_point(0.0, 0.0)
    assert shown is not None and shown.shape == (28, 28)
    # A drawing is reconstructed by it.
    canvas = w.canvas_panel.canvas
    drawing = np.zeros((280, 280), np.float32)
    drawing[60:220, 130:160] = 1.0
    canvas.set_image(drawing)
    clean, _, recon = (t.image() for t in w.noise_panel.tiles())
    assert clean is not None and recon is not None
    np.testing.assert_allclose(recon, nb.reference(clean[None])[0], atol=1e-4)
    canvas.clear()
    # Start (Space) fine-tunes it: an epoch, and the weights move.
    w.run.toggle_start_pause()
    wait_for(lambda: w.run.state == "finished")
    assert w.run.finish is not None and w.run.finish.reason == "completed"
    after = w.live.snapshot
    assert after is not None and after.epoch == 1
    assert not np.allclose(after.reconstruct(x), nb.reference(x), atol=1e-4)
    # Saved in a session, with what was opened.
    path = tmp_path / "mine.aevsession"
    w.sessions.save(path)
    wait_for(path.exists)
    assert w.time_machine.history.settings["model_files"] == tuple(str(p) for p in nb.paths)


def test_a_dropped_model_and_two_files_open_and_a_preset_choice_closes_it(
    window: MainWindow, tmp_path: Path
) -> None:
    w = window
    w.run.reset()
    wait_for(lambda: not w.run.state.ongoing)
    nb = course_sub_models(tmp_path)
    _drop(w, nb.paths)
    _opened(w, nb)
    w.run.stop()
    wait_for(lambda: not w.run.state.ongoing)
    assert w.controls.preset_combo.currentText() == f"Your model: {nb.paths[0].name}"
    w.controls.set_preset("vanilla")  # the lecturer picks a preset in the box
    assert w.user_model.opened is None
    assert w.controls.preset() == "vanilla"
    assert not any(
        w.controls.preset_combo.itemText(i).startswith("Your model")
        for i in range(w.controls.preset_combo.count())
    )
    assert "your model" not in w.status_label.text()


def test_what_is_not_an_autoencoder_gets_one_line_and_changes_nothing(
    window: MainWindow, tmp_path: Path
) -> None:
    w = window
    w.run.reset()
    wait_for(lambda: not w.run.state.ongoing)
    inputs = keras.Input((28, 28))
    x = keras.layers.Flatten()(inputs)
    classifier = keras.Model(inputs, keras.layers.Dense(10, activation="softmax")(x))
    path = tmp_path / "classifier.keras"
    classifier.save(path)
    state = w.run.state
    w.user_model.open([str(path)])
    wait_for(lambda: "classifier.keras: " in w.controls.hint.text())
    hint = w.controls.hint.text()
    assert "classifier" in hint and "\n" not in hint
    assert w.user_model.opened is None and w.run.state == state
    # A file of another kind dropped on the window: one line too.
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    _drop(w, [notes])
    assert w.controls.hint.text().startswith("notes.txt: open a model")


def test_aeviewer_file_opens_the_model(qapp, tmp_path: Path) -> None:
    """``aeviewer FILE``: the command line's positional file reaches the window."""
    from aeviewer.cli import gui_parser

    nb = blog_dense(tmp_path)
    args = gui_parser().parse_args([str(nb.paths[0]), "--split-at", "dense"])
    assert args.files == [str(nb.paths[0])] and args.split_at == "dense"
    data = load_dataset("mnist_test", max_train=64, max_val=32)
    with shared_window(data) as w:
        from aeviewer.gui.drops import open_files

        assert open_files(w, args.files)
        _opened(w, nb)
        QApplication.processEvents()
