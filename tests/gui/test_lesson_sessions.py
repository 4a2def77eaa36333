"""A reopened session brings back each lesson panel's state: the anomaly threshold, the
interpolation pair and its a, the VAE's β slider, the manifold's grid and overlay, the
generated samples' draw, the noise ladder's kind and the 3-D cloud's viewpoint.

Two windows serve every lesson (a window takes seconds to start): the first trains the
lesson one epoch on tiny data and the user's changes are made in it; the second opens the
saved session, once with the restore skipped (so each case is shown to need it) and once
as the app does.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import aeviewer.gui.main_window as main_window_module
from aeviewer.core.datasets import Dataset, load_dataset, parse_classes
from aeviewer.core.history import RunHistory
from aeviewer.core.lessons import LADDER_LEVELS, get_lesson
from aeviewer.core.session import load_session
from aeviewer.gui.files_mixin import session_view
from aeviewer.gui.main_window import MainWindow
from aeviewer.gui.widgets import lesson_panels as panels
from aeviewer.gui.widgets.lesson_panels.beta import BETA_STEPS

TIMEOUT = 120_000


def tiny_for(name: str) -> Dataset:
    lesson = get_lesson(name)
    classes = parse_classes(lesson.classes) if lesson.classes else None
    return load_dataset(lesson.dataset, classes=classes, max_train=240, max_val=100)


@pytest.fixture(scope="module")
def windows(qapp) -> Iterator[tuple[MainWindow, MainWindow]]:
    """The window a lesson trains in, and the one its session opens in."""
    source, target = MainWindow(restore=False), MainWindow(restore=False)
    for w in (source, target):
        w.resize(1400, 900)
        w.show()
    # The comparison models trained after a run (the ladder's) hold no state of the panel.
    source.start_lesson_followup = lambda: None  # type: ignore[method-assign]
    yield source, target
    for w in (source, target):
        w.close()
        assert not w.training_thread().isRunning()


#: Both interpolation lessons train the VAE with the same β: XLA compiles its steps once.
SAME_BETA = {"interpolation": 5.0}


def train_lesson(w: MainWindow, qtbot, name: str, data: Dataset) -> None:
    qtbot.waitUntil(lambda: w.tf_ready, timeout=TIMEOUT)
    assert w.open_lesson(name)
    if name in SAME_BETA:
        w.controls.extra_spin.setValue(SAME_BETA[name])
    w.load_selected_dataset = lambda s: data  # type: ignore[method-assign]
    w.controls.epochs_spin.setValue(1)
    w.start()
    qtbot.waitUntil(lambda: w.state == "finished", timeout=TIMEOUT)


# -- what the user changes in each lesson, and what the reopened window must show ----------
def _drag_threshold(w: MainWindow) -> None:
    panel = w.lesson_panel
    panel.threshold_line().setValue(0.5 * panel.threshold())  # as a drag: it emits


def _threshold_shown(a: MainWindow, b: MainWindow) -> None:
    assert b.lesson_panel.threshold() == a.lesson_panel.threshold()
    assert b.lesson_panel.note() == a.lesson_panel.note()  # "N of M samples above ..."


def _pick_pair_and_alpha(w: MainWindow) -> None:
    w.lesson_sample_clicked(5)
    w.lesson_sample_clicked(17)
    w.lesson_panel.slider().setValue(80)  # a = 0.8, as the user drags it


def _pair_shown(a: MainWindow, b: MainWindow) -> None:
    pa, pb = a.lesson_panel, b.lesson_panel
    assert b.pair == [5, 17] and pb.alpha() == pytest.approx(0.8)
    assert pb.hint() == pa.hint()  # "From a 3 (#5) to ..."
    for which in ("decoded", "crossfade"):
        for ta, tb in zip(pa.strip_tiles(which), pb.strip_tiles(which), strict=True):
            np.testing.assert_allclose(tb.image(), ta.image(), atol=1e-6)
    np.testing.assert_allclose(
        pb.current_tiles()[0].image(), pa.current_tiles()[0].image(), atol=1e-6
    )


def _move_beta_and_alpha(w: MainWindow) -> None:
    panel = w.lesson_panel
    panel.beta_control().slider().setValue(BETA_STEPS.index(2.0))  # the lesson's is 5
    panel.slider().setValue(30)


def _beta_shown(a: MainWindow, b: MainWindow) -> None:
    assert b.lesson_panel.beta_control().beta() == 2.0
    assert b.lesson_panel.alpha() == pytest.approx(0.3)


def _small_grid_no_overlay(w: MainWindow) -> None:
    panel = w.lesson_panel
    panel.spin_box().setValue(9)
    panel.overlay_box().setChecked(False)


def _grid_shown(a: MainWindow, b: MainWindow) -> None:
    pa, pb = a.lesson_panel, b.lesson_panel
    assert pb.grid_size() == 9 and not pb.overlay()
    assert pb.mosaic() is not None and pb.mosaic().shape == pa.mosaic().shape
    overlay = b.lesson_overlay()
    assert overlay is None or overlay.image_shown() is None  # not drawn under the scatter


def _new_samples_twice(w: MainWindow) -> None:
    for _ in range(2):
        w.lesson_panel.resample_button().click()


def _samples_shown(a: MainWindow, b: MainWindow) -> None:
    pa, pb = a.lesson_panel, b.lesson_panel
    assert pb.mode() == pa.mode() == "ae"
    assert pb.image_count() == pa.image_count() > 0
    for ta, tb in zip(pa.tiles(), pb.tiles(), strict=True):
        np.testing.assert_allclose(tb.image(), ta.image(), atol=1e-5)


def _switch_to_dropout(w: MainWindow) -> None:
    w.lesson_panel.kind_button("mask").click()


def _dropout_shown(a: MainWindow, b: MainWindow) -> None:
    pb = b.lesson_panel
    assert pb.kind() == "mask"
    for name in pb.series_names():
        np.testing.assert_allclose(pb.series_data(name)[0], LADDER_LEVELS["mask"])


def _turn_cloud(w: MainWindow) -> None:
    w.lesson_panel.findChild(panels.CloudView).set_view(123.0, 40.0)


def _cloud_shown(a: MainWindow, b: MainWindow) -> None:
    cloud = b.lesson_panel.findChild(panels.CloudView)
    assert cloud.view() == pytest.approx((123.0, 40.0))
    assert cloud.point_count() > 0


CASES: dict[str, tuple[Callable[[MainWindow], None], Callable[[MainWindow, MainWindow], None]]] = {
    "anomaly": (_drag_threshold, _threshold_shown),
    "interpolation": (_pick_pair_and_alpha, _pair_shown),
    "vae": (_move_beta_and_alpha, _beta_shown),
    "manifold": (_small_grid_no_overlay, _grid_shown),
    "generation": (_new_samples_twice, _samples_shown),
    "denoising": (_switch_to_dropout, _dropout_shown),
    "linear-pca": (_turn_cloud, _cloud_shown),
}


@pytest.mark.parametrize("name", list(CASES))
def test_a_reopened_session_shows_the_lesson_panel_as_it_was(
    windows: tuple[MainWindow, MainWindow], qtbot, monkeypatch, tmp_path: Path, name: str
) -> None:
    source, target = windows
    change, check = CASES[name]
    data = tiny_for(name)
    train_lesson(source, qtbot, name, data)
    qtbot.waitUntil(source.autosaver.idle, timeout=TIMEOUT)  # the run's end was autosaved...
    autosaved = load_session(source.autosaver.path())[0].settings["view"]["lesson"]
    assert autosaved == source.lesson_state()  # ... with the lesson's state
    change(source)
    saved = source.lesson_state()
    json.dumps(saved)  # plain JSON values
    path = tmp_path / f"{name}.aevsession"
    source.save_session(path)
    qtbot.waitUntil(path.exists, timeout=TIMEOUT)
    assert load_session(path)[0].settings["view"]["lesson"] == saved

    # The session names the lesson's data set: the target loads the same tiny one.
    monkeypatch.setattr(main_window_module, "load_dataset", lambda *a, **k: data)
    with monkeypatch.context() as m:
        m.setattr(target, "restore_lesson_state", lambda state: None)
        assert target.open_session(path)
        assert target.lesson_state() != saved  # the changes differ from the defaults
    assert target.open_session(path)
    assert target.lesson_state() == saved
    check(source, target)


def test_the_window_side_ignores_damaged_values(
    windows: tuple[MainWindow, MainWindow],
) -> None:
    _, w = windows
    assert w.open_lesson("interpolation")
    w.dataset = tiny_for("interpolation")
    fresh = w.lesson_state()
    for pair in ([1], [1, 2, 3], [True, 2], [1.0, 2], [-1, 2], [0, 100], "0,1", None):
        for moved in (1, "yes", None):
            for seed in (-1, 2**40, 1.5, True, "7"):
                w.restore_lesson_state(
                    {
                        "lesson": "interpolation",
                        "panel": {"alpha": float("nan"), "beta": "x", "junk": 1},
                        "pair": pair,
                        "threshold_moved": moved,
                        "generation_seed": seed,
                        "unknown": [1, 2],
                    }
                )
                assert w.lesson_state() == fresh
    junks: tuple[Any, ...] = (None, [], "x", 3, {"panel": "x"})
    for junk in junks:
        w.restore_lesson_state(junk)
        assert w.lesson_state() == fresh
    # Another lesson's state does not apply; this one's valid values do.
    w.restore_lesson_state({**fresh, "lesson": "anomaly", "pair": [3, 4]})
    assert w.pair == fresh["pair"]
    w.restore_lesson_state({**fresh, "pair": [3, 99], "generation_seed": 7})
    assert w.pair == [3, 99] and w.lesson_state()["generation_seed"] == 7


@pytest.mark.parametrize("junk", ["x", [1, 2], 3, None])
def test_a_damaged_lesson_state_does_not_stop_a_session_from_opening(junk: Any) -> None:
    history = RunHistory(settings={"preset": "stacked", "view": {"lesson": junk}})
    assert session_view(history).lesson_state is None
    good = {"lesson": "anomaly", "panel": {"threshold": 0.1}}
    history = RunHistory(settings={"preset": "stacked", "view": {"lesson": good}})
    assert session_view(history).lesson_state == good
