"""LatestRequest: only the newest ticket is current; cancel makes none current."""

from __future__ import annotations

import threading

from aeviewer.core.requests import LatestRequest


def test_a_new_ticket_replaces_the_earlier_ones() -> None:
    latest = LatestRequest()
    first = latest.new()
    assert latest.is_current(first)
    second = latest.new()
    assert second != first
    assert latest.is_current(second) and not latest.is_current(first)


def test_nothing_is_current_before_the_first_request_or_after_cancel() -> None:
    latest = LatestRequest()
    assert not latest.is_current(0) and not latest.is_current(1)
    ticket = latest.new()
    latest.cancel()
    assert not latest.is_current(ticket) and not latest.is_current(0)
    again = latest.new()  # a request after a cancel is current, and new
    assert latest.is_current(again) and again != ticket


def test_tickets_are_not_shared_between_instances() -> None:
    a, b = LatestRequest(), LatestRequest()
    ticket = a.new()
    b.new()
    b.new()
    assert a.is_current(ticket)  # b's requests do not replace a's


def test_tickets_taken_on_many_threads_are_unique() -> None:
    latest = LatestRequest()
    tickets: list[int] = []
    lock = threading.Lock()

    def take() -> None:
        mine = [latest.new() for _ in range(500)]
        with lock:
            tickets.extend(mine)

    threads = [threading.Thread(target=take) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(tickets)) == len(tickets) == 2000
    assert sum(latest.is_current(t) for t in tickets) == 1
    assert latest.is_current(max(tickets))
