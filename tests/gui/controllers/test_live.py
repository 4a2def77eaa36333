"""LiveController: the training thread's codes and weights drawn as they come, the epoch-end
views one per turn of the event loop, then ``epoch_shown``; nothing of a reset run is drawn.

One window trains two epochs with its epoch-end views logged; later tests play the training
thread's part, sending the reports of further epochs as it would (epoch, codes, weights).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication
from shared_window import shared_window, train

from aeviewer.core.datasets import Dataset
from aeviewer.core.training import EpochReport, LatentReport
from aeviewer.gui.main_window import MainWindow

EPOCH_VIEWS = ["gallery pairs", "generated", "trails", "lesson"]


@dataclasses.dataclass
class Logged:
    window: MainWindow
    events: list[str | int]  # a view's name as it refreshes, an epoch as it is announced


def _logging(events: list[str | int], name: str, view: Callable[[], None]) -> Callable[[], None]:
    def logged() -> None:
        events.append(name)
        view()

    return logged


@pytest.fixture(scope="module")
def logged(qapp, tiny: Dataset) -> Iterator[Logged]:
    with shared_window(tiny) as w:
        events: list[str | int] = []
        # The views are looked up when an epoch ends: log each one as it runs.
        s, tm, lessons = w.samples, w.time_machine, w.lessons
        for obj, attr, name in zip(
            (s, s, tm, lessons),
            ("refresh_gallery_pairs", "refresh_gallery_generated", "update_trails", "refresh"),
            EPOCH_VIEWS,
            strict=True,
        ):
            setattr(obj, attr, _logging(events, name, getattr(obj, attr)))
        w.live.epoch_shown.connect(events.append)
        train(w, epochs=2)
        yield Logged(w, events)


def announced(events: list[str | int]) -> list[int]:
    return [e for e in events if isinstance(e, int)]


def send_epoch(w: MainWindow, epoch: int) -> None:
    """What the training thread sends at the end of ``epoch``: its report, its codes, and
    its weights (the latest snapshot's, renumbered)."""
    snap, indices = w.live.snapshot, w.time_machine.history.latent_indices
    assert snap is not None and indices is not None
    dim = snap.decoder.input_shape[0]
    codes = np.random.default_rng(epoch).normal(size=(len(indices), dim)).astype(np.float32)
    w.run.on_epoch_ended(float(epoch), EpochReport(epoch, epoch, {"loss": 0.1}, 0.1, 1000.0))
    w.live.on_latent_updated(LatentReport(epoch, codes, indices))
    w.live.on_weights_updated(dataclasses.replace(snap, epoch=epoch))


def test_a_runs_epochs_are_announced_in_order_each_after_its_views(logged: Logged) -> None:
    events = logged.events
    shown = announced(events)
    assert shown[-1] == 2 and shown == sorted(set(shown))  # each once, the last one surely
    for epoch in shown:
        at = events.index(epoch)
        assert events[at - len(EPOCH_VIEWS) : at] == EPOCH_VIEWS  # every view first, in turn
    assert not logged.window.live.epoch_views


def test_each_epoch_is_announced_once_its_views_had_their_turns(logged: Logged, qtbot) -> None:
    w, events = logged.window, logged.events
    for epoch in (3, 4):
        events.clear()
        send_epoch(w, epoch)
        assert len(w.live.epoch_views) == len(EPOCH_VIEWS) and events == []  # not yet
        qtbot.waitUntil(lambda: not w.live.epoch_views, timeout=10_000)  # one per turn
        assert events == [*EPOCH_VIEWS, epoch]


def test_an_epoch_whose_views_were_overtaken_is_not_announced(logged: Logged, qtbot) -> None:
    """The next epoch's weights came before its views had their turns: the views show the
    newer epoch, and only that one is announced."""
    w, events = logged.window, logged.events
    events.clear()
    send_epoch(w, 5)
    send_epoch(w, 6)
    qtbot.waitUntil(lambda: not w.live.epoch_views, timeout=10_000)
    assert events == [*EPOCH_VIEWS, 6]


def test_flush_epoch_views_runs_the_waiting_views_now(logged: Logged) -> None:
    w, events = logged.window, logged.events
    events.clear()
    w.gallery.clear()
    send_epoch(w, 7)
    assert len(w.live.epoch_views) == len(EPOCH_VIEWS)  # waiting for their turns
    assert events == [] and w.gallery.pair_count() == 0
    w.live.flush_epoch_views()
    assert events == [*EPOCH_VIEWS, 7]
    assert not w.live.epoch_views and w.gallery.pair_count() > 0
    for _ in range(3):
        QApplication.processEvents()
    assert events == [*EPOCH_VIEWS, 7]  # none runs again, nor is the epoch announced twice
    rec = w.time_machine.history.record(7)
    assert rec is not None and rec.snapshot is w.live.snapshot


def test_an_older_epoch_on_screen_keeps_new_reports_recorded_but_not_drawn(
    logged: Logged,
) -> None:
    w, events = logged.window, logged.events
    w.timeline.select(1)
    assert w.time_machine.view_epoch == 1
    first = w.time_machine.history.record(1)
    assert first is not None and w.latent.state.codes is first.codes
    drawn = [w.latent_view.point(r) for r in range(3)]
    events.clear()
    send_epoch(w, 8)
    rec = w.time_machine.history.record(8)
    assert rec is not None and rec.codes is not None and rec.snapshot is w.live.snapshot
    assert w.latent.state.codes is first.codes  # epoch 1 still on screen
    assert [w.latent_view.point(r) for r in range(3)] == drawn
    assert events == [8]  # announced at once: no view redraws for it
    assert w.time_machine.view_snapshot() is not w.live.snapshot
    w.timeline.select(w.timeline.epochs())  # back to live: the latest codes
    assert w.time_machine.is_live() and w.latent.state.codes is rec.codes


def test_reports_of_a_reset_run_are_not_drawn(logged: Logged) -> None:
    w, events = logged.window, logged.events
    history = w.time_machine.history
    last = history.records[-1]
    kept_codes, kept_snapshot = last.codes, last.snapshot
    w.run.reset()
    assert w.run.trainer is None and w.latent_view.point_count() == 0
    events.clear()
    indices = history.latent_indices
    assert indices is not None and kept_codes is not None and kept_snapshot is not None
    w.live.on_latent_updated(LatentReport(last.epoch, kept_codes * 2, indices))
    w.live.on_weights_updated(dataclasses.replace(kept_snapshot, epoch=last.epoch + 1))
    for _ in range(3):
        QApplication.processEvents()
    assert w.latent_view.point_count() == 0 and w.latent.state.codes is None
    assert w.live.snapshot is None and not w.live.epoch_views
    assert w.gallery.pair_count() == 0 and events == []
    assert last.codes is kept_codes  # the old run's record is not written to either
