"""TimeMachineController: the run's record, the epoch on screen and the weights the views decode
with, trails, and a new run's empty record; on one window trained two epochs."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import numpy as np
import pytest
from shared_window import shared_window, train

from aeviewer.core.datasets import Dataset
from aeviewer.gui.controllers.time_machine import TRAIL_SAMPLES
from aeviewer.gui.main_window import MainWindow


@pytest.fixture(scope="module")
def window(qapp, tiny: Dataset) -> Iterator[MainWindow]:
    with shared_window(tiny) as w:
        train(w, epochs=2)
        assert len(w.time_machine.history) == 2 and w.time_machine.is_live()
        yield w


def shown_xy(w: MainWindow) -> np.ndarray:
    view = w.latent_view
    return np.array([view.point(r) for r in range(view.point_count())])


def test_scrubbing_to_epoch_1_shows_and_decodes_with_epoch_1(window: MainWindow) -> None:
    w, tm = window, window.time_machine
    first, last = tm.history.record(1), tm.history.record(2)
    assert first is not None and first.snapshot is not None and first.codes is not None
    assert last is not None and last.codes is not None
    indices = tm.history.latent_indices
    assert indices is not None
    w.latent.decode_point(0.1, -0.1)  # a clicked point: decoded again with each epoch's weights
    try:
        w.timeline.select(1)
        assert tm.view_epoch == 1 and not tm.is_live()
        snap = tm.view_snapshot()
        assert snap is first.snapshot and snap is not w.live.snapshot
        state = w.latent.state
        assert state.codes is first.codes and state.codes_epoch == 1
        np.testing.assert_allclose(shown_xy(w), state.plane(first.codes, indices), atol=1e-5)
        proj = state.projection
        assert proj is not None
        code = proj.inverse(np.array([0.1, -0.1], np.float32))
        np.testing.assert_allclose(w.preview.image(), snap.decoder(code), atol=1e-6)
        clean = w.noise_panel.tiles()[0].image()
        np.testing.assert_allclose(
            w.noise_panel.tiles()[2].image(), snap.reconstruct(clean[None])[0], atol=1e-5
        )
        ds = w.data.dataset
        assert ds is not None
        originals = np.asarray(ds.x_val[w.gallery.indices()[:1]], np.float32)
        np.testing.assert_allclose(
            w.gallery.reconstruction_tiles()[0].image(), snap.reconstruct(originals)[0], atol=1e-5
        )
    finally:
        w.timeline.select(2)  # the latest: live again
        w.latent.clicked_point = None
    assert tm.view_epoch == 0 and tm.is_live()
    assert tm.view_snapshot() is w.live.snapshot
    assert w.latent.state.codes is last.codes


def test_an_epochs_first_snapshot_is_the_one_kept(window: MainWindow) -> None:
    tm = window.time_machine
    last = tm.history.records[-1]
    kept, first_ever = last.snapshot, tm.history.first_snapshot
    assert kept is not None and first_ever is not None
    later = dataclasses.replace(kept, step=kept.step + 1)  # published later in that epoch
    tm.record_snapshot(later)
    assert last.snapshot is kept
    tm.record_snapshot(dataclasses.replace(kept, epoch=0))
    assert tm.history.first_snapshot is first_ever  # the untrained model stays the first


def test_trails_follow_the_chosen_sample_and_go_when_off(window: MainWindow) -> None:
    w, tm = window, window.time_machine
    indices = tm.history.latent_indices
    assert indices is not None
    try:
        w.menus.trails_action.trigger()  # T
        assert tm.trails_on and w.trails.count() == TRAIL_SAMPLES
        assert tm.trail_rows() == list(range(TRAIL_SAMPLES))  # nothing chosen: the first few
        w.samples.selected_index = int(indices[9])
        tm.update_trails()
        assert tm.trail_rows() == [9] and w.trails.count() == 1
        tm.set_trails(False)
        assert not tm.trails_on and w.trails.count() == 0
        tm.set_trails(True)
        assert w.trails.count() == 1
    finally:
        w.samples.selected_index = None
        tm.set_trails(False)
        w.menus.trails_action.setChecked(False)
    assert w.trails.count() == 0


def test_new_history_starts_an_empty_record_live(window: MainWindow) -> None:
    w, tm = window, window.time_machine
    w.timeline.select(1)
    tm.set_trails(True)
    w.timeline.play(True)
    assert not tm.is_live() and w.trails.count() > 0
    old = tm.history
    tm.new_history({"run_id": "20260101-000000-test"})
    assert tm.history is not old and len(tm.history) == 0
    assert tm.history.settings == {"run_id": "20260101-000000-test"}
    assert tm.is_live() and tm.view_epoch == 0
    assert tm.view_snapshot() is w.live.snapshot
    assert w.timeline.epochs() == 0 and not w.timeline.playing()
    assert w.trails.count() == 0
    tm.set_trails(False)
