"""No stale views: after Reset, a new data set or opening a lesson, no view shows the old run;
after a new preset, the finished run's views stay but are plainly marked as the previous run."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import pytest
from windows import TIMEOUT, open_window

from aeviewer.core.datasets import Dataset, load_dataset
from aeviewer.gui.main_window import MainWindow


@pytest.fixture
def trained(qtbot, tiny: Dataset, tmp_path, monkeypatch) -> Iterator[MainWindow]:
    """A window whose run has finished, with a clicked point and a drawing decoded."""
    monkeypatch.setenv("AEVIEWER_AUTOSAVE_DIR", str(tmp_path))
    w = open_window(qtbot, tiny, (1400, 900))
    w.controls.set_preset("stacked")
    w.controls.batch_spin.setValue(32)
    w.controls.epochs_spin.setValue(2)
    w.run.start()
    qtbot.waitUntil(lambda: w.run.state == "finished", timeout=TIMEOUT)
    w.latent.decode_point(0.0, 0.0)
    assert w.gallery.pair_count() > 0 and w.preview.image() is not None
    assert w.preview.caption().startswith("z = ")
    assert w.timeline.label.text() == "epoch 2 (latest)"
    assert "epoch" in w.status_label.text()
    yield w
    w.close()


def assert_cleared(w: MainWindow) -> None:
    assert w.gallery.pair_count() == 0 and w.gallery.generated_count() == 0
    assert w.preview.image() is None and w.preview.caption() == ""
    assert w.timeline.epochs() == 0 and w.timeline.label.text() == "no epochs yet"
    assert "epoch" not in w.status_label.text()
    assert w.latent_view.point_count() == 0
    assert w.latent_view.title() == ""  # no projection named over an empty plot
    assert w.loss_plot.epoch_count() == 0
    assert w.noise_panel.tiles()[2].image() is None  # no reconstruction by an old model


def reset(w: MainWindow, qtbot) -> None:
    w.run.reset()


def new_data(w: MainWindow, qtbot) -> None:
    other = load_dataset("digits", max_train=96, max_val=40, classes=[1, 5, 6])
    w.data.load_selected = lambda s: other  # type: ignore[method-assign]
    w.controls.classes_edit.setText("1,5,6")
    w.controls.set_dataset("digits")
    w.data.on_choice_changed()


def open_lesson(w: MainWindow, qtbot) -> None:
    assert w.lessons.open("anomaly")


@pytest.mark.parametrize("trigger", [reset, new_data, open_lesson], ids=lambda f: f.__name__)
def test_old_views_are_cleared(trained: MainWindow, qtbot, trigger: Callable) -> None:
    trigger(trained, qtbot)
    qtbot.waitUntil(lambda: trained.run.state in ("idle", "finished"), timeout=TIMEOUT)
    assert_cleared(trained)


def test_a_lesson_panel_shows_nothing_of_the_old_run_after_reset(
    trained: MainWindow, qtbot
) -> None:
    w = trained
    assert w.lessons.open("anomaly")
    w.controls.epochs_spin.setValue(1)
    w.run.start()
    qtbot.waitUntil(lambda: w.run.state == "finished", timeout=TIMEOUT)
    panel = w.lessons.panel
    assert panel is not None and panel.shows_content()
    w.run.reset()
    assert w.lessons.panel is panel  # its own controls stay
    assert not panel.shows_content()
    assert "Start" in panel.shown_message()


def test_a_new_preset_marks_the_views_as_the_previous_run(trained: MainWindow, qtbot) -> None:
    w = trained
    w.controls.set_preset("vanilla")
    assert w.status_label.text().startswith("Previous run: ")
    assert "next Start begins a new model" in w.notice.text()
    assert w.gallery.pair_count() > 0  # still there to look at until the next Start
    w.controls.set_preset("stacked")
    w.controls.batch_spin.setValue(32)
    assert not w.status_label.text().startswith("Previous run")


def test_decoded_point_code_is_the_new_runs(trained: MainWindow, qtbot) -> None:
    """The decoded point and its code after a new run come from the new model."""
    w = trained
    w.run.reset()
    w.controls.epochs_spin.setValue(1)
    w.run.start()
    qtbot.waitUntil(lambda: w.run.state == "finished", timeout=TIMEOUT)
    assert w.preview.image() is None  # nothing clicked in this run yet
    image = w.latent.decode_point(0.0, 0.0)
    assert image is not None and np.array_equal(w.preview.image(), image)
