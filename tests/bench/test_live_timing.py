"""How ``aeviewer.bench.live`` times clicks and strokes: queue time counts, nothing is dropped.

Real widgets (an ImageTile fed by a widget's mouse handler), real posting thread; the only
time figure asserted is a lower bound the test itself creates by blocking the GUI thread.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QHBoxLayout, QWidget

from aeviewer.bench.live import (
    Step,
    TileWatch,
    Trial,
    drive,
    merge_if_queued,
    send_timed,
    set_latency,
)
from aeviewer.bench.report import Results
from aeviewer.gui.widgets.image_tile import ImageTile


class _Decoder(QWidget):
    """Sets ``image()`` in ``tile`` on every left release, as the latent view's click does;
    ``image()`` returning None sets nothing."""

    def __init__(self, tile: ImageTile, image: Callable[[], np.ndarray | None]) -> None:
        super().__init__()
        self.tile, self.image = tile, image
        self.setMinimumSize(100, 100)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        img = self.image()
        if img is not None:
            self.tile.set_image(img)


_KEEP: list[QWidget] = []  # qtbot.addWidget closes the window at teardown, but holds no reference


def _window(qtbot, image: Callable[[], np.ndarray | None]) -> tuple[_Decoder, ImageTile]:
    box = QWidget()
    _KEEP[:] = [box]
    tile = ImageTile("out", min_size=64)
    decoder = _Decoder(tile, image)
    row = QHBoxLayout(box)
    row.addWidget(decoder)
    row.addWidget(tile)
    qtbot.addWidget(box)
    box.show()
    qtbot.waitExposed(box)
    return decoder, tile


def _release(watch: TileWatch, trial: Trial, target: QWidget) -> Callable[[], None]:
    def act() -> None:
        pos = QPointF(10, 10)
        event = QMouseEvent(
            QEvent.Type.MouseButtonRelease,
            pos,
            pos,
            Qt.MouseButton.LeftButton,
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
        )
        send_timed(watch, trial, target, event, "no image")

    return act


def test_queue_time_behind_a_busy_gui_thread_counts(qtbot) -> None:
    rng = np.random.default_rng(0)
    decoder, tile = _window(qtbot, lambda: rng.random((28, 28)))
    watch = TileWatch(tile)
    trial = Trial()
    blocked: list[float] = []

    def busy() -> None:  # the GUI thread is busy (a scatter refresh) when the click comes
        end = time.monotonic() + 10
        while math.isnan(trial.posted) and time.monotonic() < end:
            time.sleep(0.001)
        time.sleep(0.05)
        blocked.append(time.perf_counter())

    steps = [Step(0.0, busy), Step(0.01, _release(watch, trial, decoder), trial)]
    try:
        drive(steps, "shown_at", timeout_s=30)
    finally:
        watch.close()
    assert not trial.missed
    assert trial.due <= trial.posted < blocked[0] < trial.set_at <= trial.shown_at
    # The click waited in the queue while the GUI thread was busy: that wait is in its time.
    assert 1000 * (trial.set_at - trial.due) >= 50
    assert trial.changed
    assert tile.set_image.__func__ is ImageTile.set_image  # type: ignore[attr-defined]


def test_an_event_without_image_fails_the_row_and_later_images_do_not_count(qtbot) -> None:
    decoder, tile = _window(qtbot, lambda: None)
    watch = TileWatch(tile)
    trials = [Trial(), Trial()]

    def unrelated() -> None:  # a live refresh sets the tile, outside any click
        tile.set_image(np.full((28, 28), 0.5, np.float32))

    steps = [
        Step(0.0, _release(watch, trials[0], decoder), trials[0]),
        Step(0.01, unrelated),
        Step(0.01, _release(watch, trials[1], decoder), trials[1]),
    ]
    try:
        drive(steps, "set_at", timeout_s=30)
    finally:
        watch.close()
    assert [t.missed for t in trials] == ["no image", "no image"]
    assert all(math.isnan(t.set_at) for t in trials)
    r = Results()
    set_latency(r, "decode_p95_ms", trials, "set_at", "clicks", "the image set")
    assert r.status("decode_p95_ms") == "FAIL"
    assert "2 clicks showed no image" in r.rows["decode_p95_ms"].note


def test_unchanged_images_keep_their_times(qtbot) -> None:
    same = np.full((28, 28), 0.25, np.float32)
    decoder, tile = _window(qtbot, lambda: same)
    watch = TileWatch(tile)
    trials = [Trial() for _ in range(3)]
    steps = [Step(0.01, _release(watch, t, decoder), t) for t in trials]
    try:
        drive(steps, "shown_at", timeout_s=30)
    finally:
        watch.close()
    assert [t.changed for t in trials] == [True, False, False]
    r = Results()
    set_latency(r, "canvas_p95_ms", trials, "shown_at", "moves", "painted")
    row = r.rows["canvas_p95_ms"]
    assert row.value is not None and not row.failed
    assert "3 moves" in row.note and "2 left the image unchanged" in row.note


def test_a_move_queued_behind_a_later_one_is_merged_and_timed_to_its_image(qtbot) -> None:
    rng = np.random.default_rng(1)
    decoder, tile = _window(qtbot, lambda: rng.random((28, 28)))
    watch = TileWatch(tile)
    first, second = Trial(), Trial()
    send_second = _release(watch, second, decoder)

    def busy() -> None:  # both moves arrive while the GUI thread is busy
        end = time.monotonic() + 10
        while math.isnan(second.posted) and time.monotonic() < end:
            time.sleep(0.001)
        time.sleep(0.05)

    def move_first() -> None:
        if not merge_if_queued(first, second):
            _release(watch, first, decoder)()

    def move_second() -> None:
        if not merge_if_queued(second, None):  # the stroke's last move: never merged
            send_second()

    steps = [Step(0.0, busy), Step(0.005, move_first, first), Step(0.005, move_second, second)]
    try:
        trials = drive(steps, "shown_at", timeout_s=30)
    finally:
        watch.close()
    assert first.into is second and second.into is None
    assert math.isnan(first.set_at) and first.final() is second and first.done("shown_at")
    r = Results()
    set_latency(r, "canvas_p95_ms", trials, "shown_at", "moves", "painted")
    row = r.rows["canvas_p95_ms"]
    assert not row.failed and row.value is not None
    assert row.value >= 1000 * (second.shown_at - second.due) >= 50  # the first waited longer
    assert "2 moves" in row.note and "1 merged" in row.note
