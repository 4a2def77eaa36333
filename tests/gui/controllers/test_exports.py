"""ExportsController: plots as PNG and SVG, screenshots, the time machine as a GIF, and the
File → Export → Plot menu; on one window trained two epochs."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyqtgraph as pg
import pytest
from PIL import Image
from PySide6.QtWidgets import QMenu
from shared_window import shared_window, train, wait_for

from aeviewer.core.datasets import Dataset
from aeviewer.gui.main_window import MainWindow

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def window(qapp, tiny: Dataset) -> Iterator[MainWindow]:
    with shared_window(tiny) as w:
        train(w, epochs=2)
        yield w


@pytest.mark.parametrize("which", ["loss", "latent"])
def test_a_plot_exports_as_png_and_svg(window: MainWindow, tmp_path: Path, which: str) -> None:
    png, svg = tmp_path / f"{which}.png", tmp_path / f"{which}.svg"
    assert window.exports.export_plot(which, png)
    assert png.read_bytes().startswith(PNG_MAGIC)
    with Image.open(png) as img:
        assert img.width >= 1600  # sharp on a projector, whatever the dock's size
    assert window.exports.export_plot(which, svg)
    root = ET.parse(svg).getroot()  # well-formed XML, or this raises
    assert root.tag.endswith("svg")
    assert sum(1 for _ in root.iter()) > 20  # axes, ticks and data, not an empty page


def test_an_unknown_plot_is_refused_with_a_message(window: MainWindow, tmp_path: Path) -> None:
    target = tmp_path / "nope.png"
    assert not window.exports.export_plot("nope", target)
    assert not target.exists()
    assert window.controls.hint.text() == "No plot called 'nope' is on screen."
    window.controls.set_hint("")


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_an_unwritable_path_is_refused_with_a_message(
    window: MainWindow, tmp_path: Path, suffix: str
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    target = blocker / f"loss{suffix}"
    window.controls.set_hint("")
    assert not window.exports.export_plot("loss", target)
    hint = window.controls.hint.text()
    assert str(target) in hint and "\n" not in hint
    window.controls.set_hint("")


def test_a_screenshot_is_a_png_of_the_whole_window(window: MainWindow, tmp_path: Path) -> None:
    path = tmp_path / "shot.png"
    assert window.exports.save_screenshot(path)
    assert path.read_bytes().startswith(PNG_MAGIC)
    ratio = window.devicePixelRatioF()
    with Image.open(path) as img:
        assert img.size == (round(window.width() * ratio), round(window.height() * ratio))


def test_a_screenshot_that_cannot_be_written_says_so(window: MainWindow, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    window.controls.set_hint("")
    assert not window.exports.save_screenshot(blocker / "shot.png")
    assert "could not write the screenshot" in window.controls.hint.text()
    window.controls.set_hint("")


def test_the_time_machine_exports_as_a_gif_of_every_epoch(
    window: MainWindow, tmp_path: Path
) -> None:
    w = window
    w.timeline.select(1)  # the epoch on screen comes back afterwards
    try:
        path = tmp_path / "run.gif"
        assert w.exports.export_gif(path)
        assert path.read_bytes()[:4] == b"GIF8"
        with Image.open(path) as gif:
            assert gif.n_frames == len(w.time_machine.history) == 2
            frames = []
            for k in range(gif.n_frames):
                gif.seek(k)
                frames.append(np.asarray(gif.convert("RGB"), np.int16))
        assert np.abs(frames[0] - frames[1]).max() > 0  # epoch 1's scatter, then epoch 2's
        assert w.timeline.current() == 1 and w.time_machine.view_epoch == 1
    finally:
        w.timeline.select(2)
    assert w.time_machine.is_live()


def test_the_plot_menu_lists_the_plots_and_exports_the_chosen_one(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    menu = QMenu(window)
    menu.addAction("stale entry")
    window.exports.fill_plot_menu(menu)
    assert [a.text() for a in menu.actions()] == ["Loss curves…", "Latent space…"]
    target = tmp_path / "from-menu.png"
    asked: list[str] = []

    def ask(title: str, default: str, filters: str) -> str:
        asked.append(default)
        return str(target)

    monkeypatch.setattr(window, "ask_save_name", ask)
    menu.actions()[1].trigger()
    assert asked == ["latent-space.png"]  # the plot's name as the file's
    assert target.read_bytes().startswith(PNG_MAGIC)


def test_the_plot_menu_lists_the_lessons_plots_too(window: MainWindow) -> None:
    """Last: opening a lesson begins a new run."""
    w = window
    assert w.lessons.open("sparse")  # histograms of the codes, once a run has some
    w.controls.batch_spin.setValue(32)
    w.controls.epochs_spin.setValue(1)
    w.run.start()
    wait_for(lambda: w.run.state == "finished")
    panel = w.lessons.panel
    assert panel is not None
    wait_for(lambda: any(p.isVisible() for p in panel.findChildren(pg.PlotWidget)))
    shown = [p for p in panel.findChildren(pg.PlotWidget) if p.isVisible()]
    w.menus.plot_export_menu.aboutToShow.emit()  # File → Export → Plot, as it opens
    entries = [a.text() for a in w.menus.plot_export_menu.actions()]
    assert entries[:2] == ["Loss curves…", "Latent space…"]
    assert len(entries) == 2 + len(shown)
    assert [p for _, p in w.exports.plots_on_screen()[2:]] == shown
