"""The window fits every projector: a sweep of window sizes with and without lesson panels.

At each size (3840x2160 at a device-pixel ratio of 2 is 1920x1080 logical: its own test runs
the window in a subprocess at that ratio), :func:`layout_audit.all_problems` must find no clipped
label or button, no scroll bar on a view, no panel under its minimum size and no control out of
reach, with every dock behind a tab brought to the front in turn. The latent space, the loss and
the lesson's panel stay in front and large.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from layout_audit import all_problems, settle
from PIL import Image
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QDockWidget
from windows import TIMEOUT, open_window

from aeviewer.cli import gui_parser
from aeviewer.core.datasets import Dataset, load_dataset
from aeviewer.gui import palette
from aeviewer.gui.main_window import MainWindow

SIZES = [(1024, 768), (1280, 720), (1366, 768), (1600, 900), (1920, 1080)]
TESTS = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def tiny() -> Dataset:
    return load_dataset("digits", max_train=192, max_val=100)


@pytest.fixture
def window(qtbot, tiny: Dataset) -> Iterator[MainWindow]:
    w = open_window(qtbot, tiny, (1920, 1080))
    yield w
    if w.presenter.on:
        w.presenter.toggle()
    palette.set_font_scale(1.0)
    w.close()
    assert not w.training_thread().isRunning()


def train(w: MainWindow, qtbot) -> None:
    """One short epoch: the gallery, the denoising strip and a lesson's panel fill in."""
    w.controls.epochs_spin.setValue(1)
    w.controls.batch_spin.setValue(64)
    w.run.start()
    qtbot.waitUntil(lambda: w.run.state == "finished" and not w.run.busy(), timeout=TIMEOUT)
    w.exports.prepare_showcase()  # a decoded point, a drawing and its denoising


def front(dock: QDockWidget) -> bool:
    return dock.isVisible() and not dock.visibleRegion().isEmpty()


def check(w: MainWindow, size: tuple[int, int]) -> None:
    """Lay the window out at ``size`` and assert that everything fits and the views are large."""
    w.resize(*size)
    settle(w)
    where = f"at {size[0]}x{size[1]}"
    assert (w.width(), w.height()) == size, f"the window was forced to another size {where}"
    assert all_problems(w, latent_title=False) == [], where
    a = w.dock_layout.arrangement()
    assert a is not None
    for group in a.groups():  # the docks are where the arrangement says, tabbed as it says
        docks = [getattr(w, f"{name}_dock") for name in group]
        assert set(w.tabifiedDockWidgets(docks[0])) == set(docks[1:]), f"{group} {where}"
    latent = w.latent_view.size()
    assert latent.width() >= 360 and latent.height() >= 220, where
    assert front(w.loss_dock), f"the loss is behind a tab {where}"
    plot = w.loss_plot.size()
    assert plot.width() >= 0.2 * size[0] and plot.height() >= 0.25 * size[1], where
    if w.lessons.panel is not None:
        assert front(w.lesson_dock), f"the lesson's panel is behind a tab {where}"


def test_every_size_fits_without_a_lesson(window: MainWindow, qtbot) -> None:
    train(window, qtbot)
    for size in SIZES:
        check(window, size)
        if size[1] >= 1000:  # room for all: nothing shares tabs
            assert not any(len(g) > 1 for g in window.dock_layout.arrangement().groups())


@pytest.mark.parametrize("lesson", ["anomaly", "interpolation"])
def test_every_size_fits_a_lesson_panel_with_its_data(
    window: MainWindow, qtbot, lesson: str
) -> None:
    assert window.lessons.open(lesson)
    train(window, qtbot)
    assert not window.lessons.panel.message_visible()  # its data are in
    for size in SIZES:
        check(window, size)


def test_every_size_fits_a_lesson_panel_waiting_for_its_run(window: MainWindow) -> None:
    assert window.lessons.open("pretraining")  # a long message, wrapped, in place of the plots
    for size in SIZES:
        check(window, size)


def test_the_layout_recovers_after_a_resize_and_a_reset(window: MainWindow, qtbot) -> None:
    train(window, qtbot)

    def geometry() -> dict[str, QRect]:
        return {d.objectName(): d.geometry() for d in window.findChildren(QDockWidget) if front(d)}

    check(window, (1920, 1080))
    large = geometry()
    check(window, (1024, 768))
    assert geometry() != large
    check(window, (1920, 1080))
    assert geometry() == large  # re-balanced, as at first
    window.apply_default_layout()  # View → Reset layout
    settle(window)
    assert geometry() == large and all_problems(window, latent_title=False) == []
    tiles = window.noise_panel.tiles()
    assert all(t.isVisible() and t.image_rect().width() >= 64 for t in tiles)


def test_panels_that_grow_get_their_room_back(window: MainWindow, qtbot) -> None:
    """A lesson's panel is small while it waits and large with data: the layout follows."""
    check(window, (1280, 720))
    assert window.lessons.open("anomaly")
    check(window, (1280, 720))
    train(window, qtbot)  # the histogram and the worst reconstructions arrive
    settle(window)
    assert all_problems(window, latent_title=False) == []


def test_presenter_mode_gives_the_loss_more_room(
    window: MainWindow, qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Presenter type as on a 1080-line projector (the offscreen screen has 800 lines).
    monkeypatch.setattr(palette, "presenter_scale", lambda lines: palette.PRESENTER_SCALE)
    train(window, qtbot)
    check(window, (1920, 1080))
    normal = window.loss_plot.width() * window.loss_plot.height()
    window.presenter.toggle()
    window.showNormal()  # full screen is the offscreen screen's 800x800: test sizes explicitly
    check(window, (1920, 1080))
    assert window.controls_dock.isHidden() and not window.menus.presenter_bar.isHidden()
    assert window.loss_plot.width() * window.loss_plot.height() > 1.2 * normal
    check(window, (1280, 720))


def test_the_latent_title_fits_a_1280x720_window(window: MainWindow, qtbot) -> None:
    assert window.lessons.open("anomaly")  # "PCA of the 30-D codes (..% of variance): ..."
    train(window, qtbot)
    window.resize(1280, 720)
    settle(window)
    assert all_problems(window) == []


def test_3840x2160_at_a_pixel_ratio_of_2_lays_out_as_1920x1080(tmp_path: Path) -> None:
    """Qt sizes are logical: the same layout, drawn with twice the pixels."""
    screen = tmp_path / "uhd.json"
    uhd = {"name": "uhd", "x": 0, "y": 0, "width": 3840, "height": 2160, "logicalDpi": 96}
    screen.write_text(json.dumps({"screens": [{**uhd, "logicalBaseDpi": 96, "dpr": 1}]}))
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": f"offscreen:configfile={screen}",
        "AEVIEWER_SETTINGS": str(tmp_path / "settings.ini"),
    }
    reports = {}
    for ratio in ("1", "2"):
        proc = subprocess.run(
            [sys.executable, str(TESTS / "layout_audit.py"), "1920x1080", "anomaly"],
            capture_output=True,
            text=True,
            env={**env, "QT_SCALE_FACTOR": ratio},
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr[-2000:]
        reports[ratio] = json.loads(proc.stdout.strip().splitlines()[-1])
    one, two = reports["1"], reports["2"]
    assert one["dpr"] == 1 and two["dpr"] == 2
    assert two["size"] == [1920, 1080] and two["problems"] == []
    assert two["arrangement"] == one["arrangement"] and two["docks"] == one["docks"]

    shot = tmp_path / "uhd.png"
    proc = subprocess.run(  # the real app: --size, and a screenshot with every device pixel
        [sys.executable, "-m", "aeviewer", "--size", "1920x1080", "--screenshot", str(shot)],
        capture_output=True,
        text=True,
        env={**env, "QT_SCALE_FACTOR": "2"},
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    with Image.open(shot) as img:
        assert img.size == (3840, 2160)


def test_size_option_reads_width_by_height() -> None:
    assert gui_parser().parse_args(["--size", "1280x720"]).size == (1280, 720)
    assert gui_parser().parse_args([]).size is None
    for bad in ("1280", "1280x", "wide", "100x100", "0x720"):
        with pytest.raises(SystemExit) as exc:
            gui_parser().parse_args(["--size", bad])
        assert exc.value.code == 2


def test_presenter_mode_with_a_lesson_fits_a_1280x720_projector(
    window: MainWindow, qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """F11 on a 720-line projector: its type is the normal size there, and the lesson panel,
    the loss and the latent view all fit (at 1.4x the lesson panel scrolled)."""
    at_720 = palette.presenter_scale(720)
    monkeypatch.setattr(palette, "presenter_scale", lambda lines: at_720)
    assert window.lessons.open("anomaly")
    train(window, qtbot)
    window.presenter.toggle()
    window.showNormal()  # full screen is the offscreen screen's 800x800: test sizes explicitly
    check(window, (1280, 720))
