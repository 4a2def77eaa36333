"""Colour data in the window: the picture input takes the canvas's place, an opened picture
is reconstructed and noised, and the gallery shows colour."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from colour_folder import colour_folder
from PIL import Image
from PySide6.QtCore import Qt
from shared_window import shared_window, train, wait_for

from aeviewer.core.datasets import Dataset, load_dataset
from aeviewer.core.pictures import fit_picture, read_picture
from aeviewer.gui.main_window import MainWindow


@pytest.fixture(scope="module")
def photos(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return colour_folder(tmp_path_factory.mktemp("photos"))


@pytest.fixture(scope="module")
def colour(photos: Path) -> Dataset:
    return load_dataset(path=photos)


@pytest.fixture(scope="module")
def window(qapp, colour: Dataset) -> Iterator[MainWindow]:
    with shared_window(colour, size=(1400, 900)) as w:
        train(w, epochs=1)
        yield w


def test_colour_data_shows_the_picture_input_instead_of_the_canvas(window: MainWindow) -> None:
    w = window
    assert w.input_stack.currentWidget() is w.picture_panel
    assert w.draw_dock.windowTitle() == "Picture"
    assert w.picture_panel.input.is_empty()


def test_the_gallery_shows_colour_originals_and_reconstructions(
    window: MainWindow, colour: Dataset
) -> None:
    w = window
    snap = w.live.snapshot
    assert snap is not None
    idx = w.gallery.indices()
    first = w.gallery.reconstruction_tiles()[0].image()
    assert first is not None and first.shape == (32, 32, 3)
    np.testing.assert_allclose(
        first, snap.reconstruct(np.asarray(colour.x_val[idx[:1]]))[0], atol=1e-5
    )


def test_an_opened_picture_is_fitted_reconstructed_and_noised(
    window: MainWindow, tmp_path: Path
) -> None:
    w = window
    photo = np.zeros((90, 120, 3), np.uint8)
    photo[:, :, 0] = 200  # a wide red photo with a green square in the middle
    photo[25:65, 40:80] = (20, 200, 20)
    path = tmp_path / "holiday.png"
    Image.fromarray(photo).save(path)
    w.picture_panel.ask_path = lambda: str(path)  # type: ignore[method-assign]
    try:
        qtbot_click(w.picture_panel.open_button)
        want = fit_picture(read_picture(path), (32, 32, 3))
        clean, noisy, recon = (tile.image() for tile in w.noise_panel.tiles())
        assert clean is not None and noisy is not None and recon is not None
        np.testing.assert_array_equal(clean, want)
        snap = w.time_machine.view_snapshot()
        assert snap is not None
        np.testing.assert_allclose(recon, snap.reconstruct(noisy[None])[0], atol=1e-5)
        w.noise_panel.gaussian_slider.setValue(40)
        _, noisy2, _ = (tile.image() for tile in w.noise_panel.tiles())
        assert noisy2 is not None and noisy2.shape == (32, 32, 3)
        assert not np.array_equal(noisy2, clean)  # the picture is noised, in colour
    finally:
        w.noise_panel.gaussian_slider.setValue(0)
        w.picture_panel.clear_button.click()
    assert w.picture_panel.input.is_empty()


def test_a_bad_picture_gets_one_line_and_grey_data_brings_the_canvas_back(
    window: MainWindow, tmp_path: Path, tiny: Dataset
) -> None:
    w = window
    bad = tmp_path / "notes.png"
    bad.write_text("not a picture")
    w.picture_panel.ask_path = lambda: str(bad)  # type: ignore[method-assign]
    qtbot_click(w.picture_panel.open_button)
    assert w.controls.hint.text().startswith("notes.png: ")
    w.data.show(tiny)  # runs last: the window now shows grey digits
    assert w.input_stack.currentWidget() is w.canvas_panel
    assert w.draw_dock.windowTitle() == "Draw"


def test_image_size_and_grey_hold_for_start_and_for_the_saved_session(
    window: MainWindow, photos: Path, tmp_path: Path
) -> None:
    """``aeviewer --data PHOTOS --image-size 16 --grey``: each Start reads the folder so, and
    the session reopens on data its model fits."""
    w = window
    w.data.load_selected = type(w.data).load_selected.__get__(w.data)  # read from disk again
    w.data.set_image_options(16, True)
    w.controls.set_settings(data_path=str(photos))
    w.controls.epochs_spin.setValue(1)
    w.run.start()  # the folder loads on a thread, then the run starts
    wait_for(lambda: w.data.dataset is not None and w.data.dataset.input_shape == (16, 16))
    wait_for(lambda: w.run.state == "finished")
    assert w.input_stack.currentWidget() is w.canvas_panel  # grey: the drawing canvas
    path = tmp_path / "grey.aevsession"
    w.sessions.save(path)
    wait_for(path.exists)
    w.data.set_image_options(None, False)  # another window's options do not matter
    assert w.sessions.open(path)
    reopened = w.data.dataset
    assert reopened is not None and reopened.input_shape == (16, 16)


def qtbot_click(button) -> None:
    from PySide6.QtTest import QTest

    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
