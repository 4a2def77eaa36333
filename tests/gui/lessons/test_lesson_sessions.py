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
from windows import TIMEOUT

import aeviewer.gui.controllers.sessions as sessions_module
from aeviewer.core.datasets import Dataset, load_dataset, parse_classes
from aeviewer.core.history import RunHistory
from aeviewer.core.lessons import LADDER_LEVELS, get_lesson
from aeviewer.core.session import load_session
from aeviewer.core.session_view import session_view
from aeviewer.gui.main_window import MainWindow
from aeviewer.gui.widgets import lesson_panels as panels
from aeviewer.gui.widgets.lesson_panels.beta import BETA_STEPS


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
    source.lessons.start_followup = lambda: None  # type: ignore[method-assign]
    yield source, target
    for w in (source, target):
        w.close()
        assert not w.training_thread().isRunning()


#: Both interpolation lessons train the VAE with the same β: XLA compiles its steps once.
SAME_BETA = {"interpolation": 5.0}


def train_lesson(w: MainWindow, qtbot, name: str, data: Dataset) -> None:
    qtbot.waitUntil(lambda: w.run.tf_ready, timeout=TIMEOUT)
    assert w.lessons.open(name)
    if name in SAME_BETA:
        w.controls.extra_spin.setValue(SAME_BETA[name])
    w.data.load_selected = lambda s: data  # type: ignore[method-assign]
    w.controls.epochs_spin.setValue(1)
    w.run.start()
    qtbot.waitUntil(lambda: w.run.state == "finished", timeout=TIMEOUT)


# -- what the user changes in each lesson, and what the reopened window must show ----------
def _drag_threshold(w: MainWindow) -> None:
    panel = w.lessons.panel
    panel.threshold_line().setValue(0.5 * panel.threshold())  # as a drag: it emits


def _threshold_shown(a: MainWindow, b: MainWindow) -> None:
    assert b.lessons.panel.threshold() == a.lessons.panel.threshold()
    assert b.lessons.panel.note() == a.lessons.panel.note()  # "N of M samples above ..."


def _pick_pair_and_alpha(w: MainWindow) -> None:
    w.lessons.sample_clicked(5)
    w.lessons.sample_clicked(17)
    w.lessons.panel.slider().setValue(80)  # a = 0.8, as the user drags it


def _pair_shown(a: MainWindow, b: MainWindow) -> None:
    pa, pb = a.lessons.panel, b.lessons.panel
    assert b.lessons.behaviour.pair == [5, 17] and pb.alpha() == pytest.approx(0.8)
    assert pb.hint() == pa.hint()  # "From a 3 (#5) to ..."
    for which in ("decoded", "crossfade"):
        for ta, tb in zip(pa.strip_tiles(which), pb.strip_tiles(which), strict=True):
            np.testing.assert_allclose(tb.image(), ta.image(), atol=1e-6)
    np.testing.assert_allclose(
        pb.current_tiles()[0].image(), pa.current_tiles()[0].image(), atol=1e-6
    )


def _move_beta_and_alpha(w: MainWindow) -> None:
    panel = w.lessons.panel
    panel.beta_control().slider().setValue(BETA_STEPS.index(2.0))  # the lesson's is 5
    panel.slider().setValue(30)


def _beta_shown(a: MainWindow, b: MainWindow) -> None:
    assert b.lessons.panel.beta_control().beta() == 2.0
    assert b.lessons.panel.alpha() == pytest.approx(0.3)


def _small_grid_no_overlay(w: MainWindow) -> None:
    panel = w.lessons.panel
    panel.spin_box().setValue(9)
    panel.overlay_box().setChecked(False)


def _grid_shown(a: MainWindow, b: MainWindow) -> None:
    pa, pb = a.lessons.panel, b.lessons.panel
    assert pb.grid_size() == 9 and not pb.overlay()
    assert pb.mosaic() is not None and pb.mosaic().shape == pa.mosaic().shape
    overlay = b.lessons.overlay()
    assert overlay is None or overlay.image_shown() is None  # not drawn under the scatter


def _new_samples_twice(w: MainWindow) -> None:
    for _ in range(2):
        w.lessons.panel.resample_button().click()


def _samples_shown(a: MainWindow, b: MainWindow) -> None:
    pa, pb = a.lessons.panel, b.lessons.panel
    assert pb.mode() == pa.mode() == "ae"
    assert pb.image_count() == pa.image_count() > 0
    for ta, tb in zip(pa.tiles(), pb.tiles(), strict=True):
        np.testing.assert_allclose(tb.image(), ta.image(), atol=1e-5)


def _switch_to_dropout(w: MainWindow) -> None:
    w.lessons.panel.kind_button("mask").click()


def _dropout_shown(a: MainWindow, b: MainWindow) -> None:
    pb = b.lessons.panel
    assert pb.kind() == "mask"
    for name in pb.series_names():
        np.testing.assert_allclose(pb.series_data(name)[0], LADDER_LEVELS["mask"])


def _turn_cloud(w: MainWindow) -> None:
    w.lessons.panel.findChild(panels.CloudView).set_view(123.0, 40.0)


def _cloud_shown(a: MainWindow, b: MainWindow) -> None:
    cloud = b.lessons.panel.findChild(panels.CloudView)
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
    # The run's end was autosaved...
    qtbot.waitUntil(source.sessions.autosaver.idle, timeout=TIMEOUT)
    autosaved = load_session(source.sessions.autosaver.path())[0].settings["view"]["lesson"]
    assert autosaved == source.lessons.state()  # ... with the lesson's state
    change(source)
    saved = source.lessons.state()
    json.dumps(saved)  # plain JSON values
    path = tmp_path / f"{name}.aevsession"
    source.sessions.save(path)
    qtbot.waitUntil(path.exists, timeout=TIMEOUT)
    assert load_session(path)[0].settings["view"]["lesson"] == saved

    # The session names the lesson's data set: the target loads the same tiny one.
    monkeypatch.setattr(sessions_module, "load_dataset", lambda *a, **k: data)
    with monkeypatch.context() as m:
        m.setattr(target.lessons, "restore_state", lambda state: None)
        assert target.sessions.open(path)
        assert target.lessons.state() != saved  # the changes differ from the defaults
    assert target.sessions.open(path)
    assert target.lessons.state() == saved
    check(source, target)


def test_the_window_side_ignores_damaged_values(
    windows: tuple[MainWindow, MainWindow],
) -> None:
    _, w = windows
    # What a lesson keeps beside its panel's controls: damaged values of it, then a good one
    # (the interpolation's pair last, below).
    kept: dict[str, tuple[str, tuple[Any, ...], Any]] = {
        "anomaly": ("threshold_moved", (1, "yes", None), True),
        "generation": ("generation_seed", (-1, 2**40, 1.5, True, "7"), 7),
        "interpolation": (
            "pair",
            ([1], [1, 2, 3], [True, 2], [1.0, 2], [-1, 2], [0, 100], "0,1", None),
            None,
        ),
    }
    for name, (key, damaged, good) in kept.items():
        assert w.lessons.open(name)
        w.data.dataset = tiny_for(name)
        fresh = w.lessons.state()
        for value in damaged:
            w.lessons.restore_state(
                {
                    "lesson": name,
                    "panel": {"alpha": float("nan"), "beta": "x", "junk": 1},
                    key: value,
                    "unknown": [1, 2],
                }
            )
            assert w.lessons.state() == fresh
        if good is not None:
            w.lessons.restore_state({**fresh, key: good})
            assert w.lessons.state()[key] == good
    junks: tuple[Any, ...] = (None, [], "x", 3, {"panel": "x"})
    for junk in junks:
        w.lessons.restore_state(junk)
        assert w.lessons.state() == fresh
    # Another lesson's state does not apply; this one's valid values do.
    w.lessons.restore_state({**fresh, "lesson": "anomaly", "pair": [3, 4]})
    assert w.lessons.behaviour.pair == fresh["pair"]
    w.lessons.restore_state({**fresh, "pair": [3, 99]})
    assert w.lessons.behaviour.pair == [3, 99]


@pytest.mark.parametrize("junk", ["x", [1, 2], 3, None])
def test_a_damaged_lesson_state_does_not_stop_a_session_from_opening(junk: Any) -> None:
    history = RunHistory(settings={"preset": "stacked", "view": {"lesson": junk}})
    assert session_view(history).lesson_state is None
    good = {"lesson": "anomaly", "panel": {"threshold": 0.1}}
    history = RunHistory(settings={"preset": "stacked", "view": {"lesson": good}})
    assert session_view(history).lesson_state == good
