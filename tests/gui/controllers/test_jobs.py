"""JobsController: callables run on the training thread, their results come back to the GUI
thread, one token per request, and a failing job says so in one line."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from shared_window import shared_window

from aeviewer.core.datasets import Dataset
from aeviewer.gui.main_window import MainWindow


@pytest.fixture(scope="module")
def window(qapp, tiny: Dataset) -> Iterator[MainWindow]:
    with shared_window(tiny) as w:
        yield w


def test_a_job_runs_on_the_training_thread_and_its_result_comes_back_here(
    window: MainWindow, qtbot
) -> None:
    ran_on: list[str] = []
    got: list[tuple[object, str]] = []

    def job() -> int:
        ran_on.append(threading.current_thread().name)
        return 42

    token = window.jobs.request(
        "sum-up", job, lambda r: got.append((r, threading.current_thread().name))
    )
    assert token.startswith("sum-up#") and token in window.jobs.callbacks
    qtbot.waitUntil(lambda: bool(got), timeout=30_000)
    main = threading.main_thread().name
    assert ran_on and ran_on[0] != main  # the thread that owns the Keras models
    assert got == [(42, main)]
    assert token not in window.jobs.callbacks  # answered once, then forgotten


def test_a_failing_job_says_so_in_one_line_and_then_is_not_called(
    window: MainWindow, qtbot
) -> None:
    called: list[object] = []

    def job() -> None:
        raise ValueError("the disk is full\nTraceback (most recent call last): ...")

    token = window.jobs.request("save-model", job, called.append)
    qtbot.waitUntil(lambda: token not in window.jobs.callbacks, timeout=30_000)
    assert window.controls.hint.text() == "save model: the disk is full"
    assert called == []
    window.controls.set_hint("")


def test_two_jobs_of_one_name_each_get_their_own_result(window: MainWindow, qtbot) -> None:
    first: list[object] = []
    second: list[object] = []
    a = window.jobs.request("compare", lambda: "first", first.append)
    b = window.jobs.request("compare", lambda: "second", second.append)
    assert a != b
    qtbot.waitUntil(lambda: bool(first) and bool(second), timeout=30_000)
    assert (first, second) == (["first"], ["second"])
    assert not window.jobs.callbacks
