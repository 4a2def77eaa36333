"""A notebook's autoencoder in the window: opened by File → Open model…, a drop or
``aeviewer FILE``, shown at once (latent space, click, drawing), fine-tuned by Start, saved in
a session; what is not an autoencoder is refused in one line and changes nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import keras
import numpy as np
import pytest
from notebook_models import LAYOUTS, REFUSED, NotebookModel, blog_conv, course_sub_models
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from shared_window import shared_window, wait_for

from aeviewer.core.datasets import Dataset, load_dataset
from aeviewer.core.session import load_session
from aeviewer.gui.drops import open_files
from aeviewer.gui.main_window import MainWindow


@pytest.fixture(scope="module")
def data() -> Dataset:
    return load_dataset("mnist_test", max_train=256, max_val=64)


@pytest.fixture(scope="module")
def window(qapp, data: Dataset) -> Iterator[MainWindow]:
    with shared_window(data, size=(1400, 900)) as w:
        w.controls.epochs_spin.setValue(1)  # what an opened model trains when started
        yield w


@pytest.fixture
def idle(window: MainWindow) -> MainWindow:
    """The window with no run going (each test opens its own model)."""
    window.run.reset()
    wait_for(lambda: not window.run.state.ongoing)
    return window


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
    idle: MainWindow, data: Dataset, tmp_path: Path
) -> None:
    w = idle
    nb = blog_conv(tmp_path)
    w.user_model.ask_paths = lambda: [str(p) for p in nb.paths]  # type: ignore[method-assign]
    action = next(a for a in w.actions() if a.text() == "Open model…")
    assert action.shortcut().toString() == "Ctrl+M"
    action.trigger()
    _opened(w, nb)
    assert "your model" in w.windowTitle() and nb.paths[0].name in w.windowTitle()
    assert f"your model: {nb.paths[0].name}" in w.status_label.text()
    assert w.controls.preset_combo.currentText() == f"Your model: {nb.paths[0].name}"
    # The panel shows the file's code size (fixed: not editable) and learning rate.
    opened = w.user_model.opened
    assert opened is not None
    assert w.controls.latent_spin.value() == nb.code_size
    assert not w.controls.latent_spin.isEnabled()
    assert w.controls.lr_spin.value() == pytest.approx(opened.options.learning_rate)
    snap = w.live.snapshot
    assert snap is not None
    x = np.asarray(data.x_val[:4], np.float32)
    np.testing.assert_allclose(snap.reconstruct(x), nb.reference(x), atol=1e-4)
    # Start (Space) fine-tunes it: an epoch, and the weights move.
    w.run.toggle_start_pause()
    wait_for(lambda: w.run.state == "finished")
    assert w.run.finish is not None and w.run.finish.reason == "completed"
    after = w.live.snapshot
    assert after is not None and after.epoch == 1
    assert not np.allclose(after.reconstruct(x), nb.reference(x), atol=1e-4)
    assert w.controls.start_button.text() == "Continue"  # Start trains the same model on


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_every_notebook_layout_clicks_draws_trains_and_saves(
    idle: MainWindow, tmp_path: Path, layout: str
) -> None:
    w = idle
    nb = LAYOUTS[layout](tmp_path)
    _drop(w, nb.paths)  # one file, or an encoder and a decoder file
    _opened(w, nb)
    # A click decodes through the numpy copy of the file's decoder.
    shown = w.latent.decode_point(0.0, 0.0)
    assert shown is not None and shown.shape == (28, 28) and np.isfinite(shown).all()
    # A drawing is reconstructed by the file's model.
    canvas = w.canvas_panel.canvas
    drawing = np.zeros((280, 280), np.float32)
    drawing[60:220, 130:160] = 1.0
    canvas.set_image(drawing)
    try:
        clean, _, recon = (t.image() for t in w.noise_panel.tiles())
        assert clean is not None and recon is not None
        np.testing.assert_allclose(recon, nb.reference(clean[None])[0], atol=1e-4)
    finally:
        canvas.clear()
    w.run.toggle_start_pause()  # one epoch of fine-tuning
    wait_for(lambda: w.run.state == "finished")
    assert w.run.finish is not None and w.run.finish.reason == "completed", w.run.finish
    assert w.gallery.pair_count() > 0
    path = tmp_path / "mine.aevsession"
    w.sessions.save(path)
    wait_for(path.exists)
    history, model = load_session(path)
    assert history.settings["model_files"] == [str(p) for p in nb.paths]
    assert model is not None and history.records[-1].snapshot is not None


def test_a_preset_chosen_in_the_box_closes_the_model(idle: MainWindow, tmp_path: Path) -> None:
    w = idle
    nb = course_sub_models(tmp_path)
    assert open_files(w, [str(p) for p in nb.paths])
    _opened(w, nb)
    w.run.stop()
    wait_for(lambda: not w.run.state.ongoing)
    other = "stacked" if w.controls.preset() != "stacked" else "vanilla"
    w.controls.set_preset(other)  # the lecturer picks a preset in the box
    assert w.user_model.opened is None and w.controls.preset() == other
    assert w.controls.latent_spin.isEnabled()
    assert "your model" not in w.status_label.text()
    combo = w.controls.preset_combo
    assert not any(combo.itemText(i).startswith("Your model") for i in range(combo.count()))


def _input_of_17(d: Path) -> Path:
    path = d / "odd.keras"
    keras.Sequential([keras.Input((17,)), keras.layers.Dense(4), keras.layers.Dense(17)]).save(
        path
    )
    return path


WINDOW_REFUSES: dict[str, tuple[Callable[[Path], Path], str]] = {
    **{k: REFUSED[k] for k in ("classifier", "Lambda", "custom class", "notebook class")},
    "fits no data": (_input_of_17, "takes vectors of 17 values"),
}


@pytest.mark.parametrize("kind", list(WINDOW_REFUSES))
def test_what_cannot_be_shown_gets_one_line_and_changes_nothing(
    idle: MainWindow, tmp_path: Path, kind: str
) -> None:
    w = idle
    build, says = WINDOW_REFUSES[kind]
    path = build(tmp_path)
    state, title = w.run.state, w.windowTitle()
    w.controls.set_hint("")
    w.user_model.open([str(path)])
    wait_for(
        lambda: path.name in w.controls.hint.text()
        and not w.controls.hint.text().startswith("Opening")
    )
    hint = w.controls.hint.text()
    assert says in hint and "\n" not in hint and "Traceback" not in hint
    assert w.user_model.opened is None and w.run.state == state
    assert w.windowTitle() == title


def test_a_file_of_another_kind_dropped_on_the_window_gets_one_line(
    idle: MainWindow, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    _drop(idle, [notes])
    assert idle.controls.hint.text().startswith("notes.txt: open a model")
    sessions = [tmp_path / "a.aevsession", tmp_path / "b.aevsession"]
    _drop(idle, sessions)  # two at once: which one?
    assert idle.controls.hint.text() == "2 sessions: open one at a time."


def test_aeviewer_file_and_split_at_reach_the_window(idle: MainWindow, tmp_path: Path) -> None:
    """``aeviewer FILE --split-at LAYER``: the command line's positional file is opened."""
    from aeviewer.cli import gui_parser

    nb = LAYOUTS["blog dense"](tmp_path)
    args = gui_parser().parse_args([str(nb.paths[0]), "--split-at", "encoded"])
    assert args.files == [str(nb.paths[0])] and args.split_at == "encoded"
    assert open_files(idle, args.files, args.split_at)
    _opened(idle, nb)
    opened = idle.user_model.opened
    assert opened is not None and opened.split_at == "encoded"


def test_a_session_of_the_model_reopens_with_its_views_and_says_how_to_tune_it_again(
    idle: MainWindow, tmp_path: Path
) -> None:
    w = idle
    nb = course_sub_models(tmp_path)
    assert open_files(w, [str(p) for p in nb.paths])
    _opened(w, nb)
    w.run.toggle_start_pause()  # one epoch of fine-tuning
    wait_for(lambda: w.run.state == "finished")
    path = tmp_path / "mine.aevsession"
    w.sessions.save(path)
    wait_for(path.exists)
    codes = w.latent.state.codes
    assert w.sessions.open(path)
    assert w.run.state == "finished" and w.run.trainer is None
    assert w.latent.state.codes is not None and codes is not None
    np.testing.assert_allclose(w.latent.state.codes, codes, atol=1e-5)  # its own latent space
    hint = w.controls.hint.text()
    assert "your model" in hint and nb.paths[0].name in hint and "Ctrl+M" in hint, hint
    # Start trains what the box shows, a preset: the hint says how to tune the file again.
    assert w.user_model.opened is None
    assert not w.controls.preset_combo.currentText().startswith("Your model")
