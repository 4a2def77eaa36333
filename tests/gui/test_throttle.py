"""Throttle: requests merged into one call per interval, flush now, cancel."""

from __future__ import annotations

from PySide6.QtCore import QObject

from aeviewer.gui.throttle import Throttle


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
