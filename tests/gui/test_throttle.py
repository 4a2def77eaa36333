"""Throttle and Pace: requests merged into one call per interval, flush now, cancel."""

from __future__ import annotations

from PySide6.QtCore import QObject

from aeviewer.gui.throttle import Pace, Throttle


def test_requests_within_an_interval_make_one_call(qtbot) -> None:
    calls: list[int] = []
    owner = QObject()
    t = Throttle(lambda: calls.append(1), 30, owner)
    for _ in range(20):
        t.request()
    assert calls == [] and t.pending()
    qtbot.waitUntil(lambda: calls == [1], timeout=1000)
    qtbot.wait(90)
    assert calls == [1] and not t.pending()  # merged: one call, not twenty


def test_flush_calls_now_and_cancel_forgets(qtbot) -> None:
    calls: list[int] = []
    owner = QObject()
    t = Throttle(lambda: calls.append(1), 30, owner)
    t.request()
    t.flush()
    assert calls == [1] and not t.pending()
    t.request()
    t.cancel()
    qtbot.wait(90)
    assert calls == [1]


def test_pace_answers_a_first_request_at_once_and_merges_fast_ones(qtbot) -> None:
    calls: list[int] = []
    owner = QObject()
    p = Pace(lambda: calls.append(len(calls)), 120, owner)
    p.request()
    assert calls == [0] and not p.pending()  # after a quiet period: at once
    for _ in range(10):  # an epoch every few milliseconds
        p.request()
    assert calls == [0] and p.pending()
    qtbot.waitUntil(lambda: calls == [0, 1], timeout=1000)  # the latest, once, after the gap
    qtbot.wait(250)
    assert calls == [0, 1] and not p.pending()
    p.request()  # the gap has passed: at once again
    assert calls == [0, 1, 2]


def test_pace_flush_makes_the_waiting_call_and_cancel_forgets_it(qtbot) -> None:
    calls: list[int] = []
    owner = QObject()
    p = Pace(lambda: calls.append(1), 5000, owner)
    p.request()
    p.flush()  # nothing waits: no call
    assert calls == [1]
    p.request()
    assert calls == [1] and p.pending()
    p.flush()
    assert calls == [1, 1] and not p.pending()
    p.request()
    p.cancel()
    assert not p.pending()
    p.request()  # a cancel starts afresh: at once
    assert calls == [1, 1, 1]
