"""GUI latency and memory while a real main window trains with every view live.

One session: the app's default preset trains on the benchmark data in a shown (offscreen)
MainWindow, with its normal live updates (latent scatter at every snapshot, loss plot, gallery
at epoch ends). After the first epoch (compilation) it measures, in turn:

1. the lateness of a 16 ms GUI timer (``ui_late_*``), with no input events;
2. clicks on the latent view, real QMouseEvents on the plot's viewport, from the moment of
   the click to the decoded image set in the preview (``decode_p95_ms``);
3. strokes on the canvas, mouse moves with the left button held, from the moment of the move
   to the reconstruction tile's next paint, i.e. shown (``canvas_p95_ms``).

Memory over minutes of such training is ``live_full``'s (the MNIST-shaped 60k set).

Clicks and strokes come from a plain Python thread at random moments, whatever the GUI thread
is doing, as a user's do: each is a queued signal (a posted event) that waits in the GUI
thread's queue behind a scatter refresh or a paint exactly as a posted mouse event would, and
its slot then sends the mouse event. So the queue time counts, from the moment the thread was
due to post (if it woke late, the lateness counts too; the note says how much). The thread
posts a signal rather than the QMouseEvent itself so that it never holds a Qt object (see
``gui/relay.py``), and so that the event's handling is bracketed: an image counts for an event
only when set while that event is handled. A move still queued when the next one of its stroke
is posted is merged into it, as Qt merges queued mouse moves, and timed to its image. An event
that shows no image is counted in the note and fails the row; none is dropped, and images left
unchanged count with their times.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QEvent, QPointF, Qt, QTimer
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from aeviewer.bench import qt
from aeviewer.bench.report import Results, percentile
from aeviewer.bench.timed_input import (
    Feeder,
    Step,
    TileWatch,
    Trial,
    drive,
    merge_if_queued,
    post_steps,
    send_timed,
)

if TYPE_CHECKING:
    from aeviewer.bench.data import BenchData
    from aeviewer.gui.main_window import MainWindow

__all__ = [
    "TICK_MS",
    "Feeder",
    "LiveSettings",
    "Step",
    "TileWatch",
    "Trial",
    "clicks_on_latent",
    "drive",
    "merge_if_queued",
    "post_steps",
    "run",
    "send_timed",
    "set_latency",
    "strokes_on_canvas",
]

TICK_MS = 16


@dataclass
class LiveSettings:
    preset: str = "vanilla"  # the app's default preset, and its heaviest dense decoder
    lateness_s: float = 20.0
    clicks: int = 100
    click_gap_ms: tuple[float, float] = (30.0, 150.0)  # from a release to the next press
    click_hold_ms: tuple[float, float] = (40.0, 100.0)  # the button held down
    moves: int = 200
    move_gap_ms: tuple[float, float] = (8.0, 30.0)  # between moves: 33-125 per second
    moves_per_digit: int = 40


def run(data: BenchData, results: Results, s: LiveSettings) -> None:
    window = qt.open_window(data.dataset)
    try:
        _session(window, data, results, s)
    finally:
        if window.run.state in ("running", "paused"):
            qt.stop_training(window)
        qt.close_window(window)


def _session(window: MainWindow, data: BenchData, results: Results, s: LiveSettings) -> None:
    epochs_seen: list[int] = []
    window.live.epoch_shown.connect(epochs_seen.append)
    qt.start_training(window, s.preset, epochs=1000)
    qt.wait_until(lambda: len(epochs_seen) >= 1, 300, what="the first epoch")
    where = f"{s.preset} on {data.label}, window {qt.WINDOW_SIZE[0]}x{qt.WINDOW_SIZE[1]}"

    late = _lateness(window, s.lateness_s)
    batches = window.loss_plot.batch_count()
    results.set("ui_late_p99_ms", percentile(late, 99), f"{len(late)} ticks in {s.lateness_s:g} s")
    results.set(
        "ui_late_max_ms",
        max(late) if late else None,
        f"{where}; p50 {percentile(late, 50):.1f} ms; {batches} batches plotted",
    )

    clicks = clicks_on_latent(window, s)
    set_latency(results, "decode_p95_ms", clicks, "set_at", "clicks", "the decoded image set")
    moves = strokes_on_canvas(window, s)
    set_latency(results, "canvas_p95_ms", moves, "shown_at", "moves", "the reconstruction painted")


def _lateness(window: MainWindow, seconds: float) -> list[float]:
    """Actual interval of a 16 ms precise timer minus 16 ms, in ms, for ``seconds``."""
    stamps: list[float] = []
    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(TICK_MS)
    timer.timeout.connect(lambda: stamps.append(time.perf_counter()))
    timer.start()
    qt.run_for(seconds)
    timer.stop()
    return [max(0.0, 1000 * (b - a) - TICK_MS) for a, b in itertools.pairwise(stamps)]


def set_latency(
    results: Results,
    key: str,
    trials: list[Trial],
    end: str,
    what: str,
    end_text: str,
    where: str = "",
) -> None:
    """One latency row: p95 over every event that showed an image (unchanged ones included);
    the row fails when any event showed none. ``where`` starts the note."""
    ok = [t for t in trials if not t.final().missed]
    ms = [1000 * (getattr(t.final(), end) - t.due) for t in ok]
    lag = [1000 * (t.posted - t.due) for t in trials if math.isfinite(t.posted)]
    missed = [t for t in trials if t.final().missed]
    note = where + (
        f"{len(trials)} {what} at random moments during training, from the event (queue "
        f"included) to {end_text}; p50 {percentile(ms, 50):.2f}, max "
        f"{max(ms, default=math.nan):.2f} ms"
    )
    merged = sum(t.into is not None for t in trials)
    if merged:
        note += (
            f"; {merged} merged into a later move while queued, as Qt merges mouse moves "
            "(timed to its image)"
        )
    unchanged = sum(not t.changed for t in ok if t.into is None)
    if unchanged:
        note += f"; {unchanged} left the image unchanged (counted)"
    if end == "set_at":
        shown = [1000 * (t.final().shown_at - t.due) for t in ok]
        shown = [v for v in shown if math.isfinite(v)]
        if shown:
            note += f"; to its paint p95 {percentile(shown, 95):.2f} ms"
    posted = [1000 * (getattr(t.final(), end) - t.posted) for t in ok]
    note += (
        f"; the posting thread was late p95 {percentile(lag, 95):.2f} ms, counted (from the "
        f"post: p95 {percentile(posted, 95):.2f} ms)"
    )
    if missed:
        reasons = sorted({t.final().missed for t in missed})
        note += f"; FAILED: {len(missed)} {what} showed no image ({', '.join(reasons)})"
    results.set(key, percentile(ms, 95), note, failed=bool(missed))


def _mouse(kind: QEvent.Type, pos: QPointF, button: Qt.MouseButton) -> QMouseEvent:
    held = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseButtonRelease else button
    if kind == QEvent.Type.MouseMove:
        button = Qt.MouseButton.NoButton
    return QMouseEvent(kind, pos, pos, button, held, Qt.KeyboardModifier.NoModifier)


def _uniform(rng: np.random.Generator, ms: tuple[float, float]) -> float:
    return float(rng.uniform(*ms)) / 1000


def clicks_on_latent(window: MainWindow, s: LiveSettings) -> list[Trial]:
    """``s.clicks`` timed clicks at random places of the latent view while it trains."""
    view = window.latent_view
    plot = view.plot_widget
    port = plot.viewport()
    vb = plot.getPlotItem().vb
    rng = np.random.default_rng(0)
    left = Qt.MouseButton.LeftButton
    watch = TileWatch(window.preview)
    at = [QPointF()]

    item = plot.getPlotItem()

    def covered(scene_pos: QPointF) -> bool:
        """On the legend or the "A" button: a click there is theirs, not the latent space's
        (and a legend click hides a class for the rest of the session)."""
        others = (getattr(item, "legend", None), getattr(item, "autoBtn", None))
        return any(
            o is not None and o.isVisible() and o.sceneBoundingRect().contains(scene_pos)
            for o in others
        )

    def press() -> None:  # where, from the view as it is now (it moves with the codes)
        (x0, x1), (y0, y1) = vb.viewRange()
        for _ in range(20):
            x = x0 + (x1 - x0) * rng.uniform(0.15, 0.85)
            y = y0 + (y1 - y0) * rng.uniform(0.15, 0.85)
            scene_pos = vb.mapViewToScene(QPointF(x, y))
            if not covered(scene_pos):
                break
        at[0] = QPointF(plot.mapFromScene(scene_pos))
        QApplication.sendEvent(port, _mouse(QEvent.Type.MouseButtonPress, at[0], left))

    def release(trial: Trial) -> Callable[[], None]:
        def act() -> None:  # the click's image is decoded on release
            event = _mouse(QEvent.Type.MouseButtonRelease, at[0], left)
            covers = covered(plot.mapToScene(at[0].toPoint()))
            why = "no image decoded" + (" (on the legend)" if covers else "")
            send_timed(watch, trial, port, event, why)

        return act

    steps: list[Step] = []
    for _ in range(s.clicks):
        steps.append(Step(_uniform(rng, s.click_gap_ms), press))
        trial = Trial()
        steps.append(Step(_uniform(rng, s.click_hold_ms), release(trial), trial))
    try:
        return drive(steps, "set_at")
    finally:
        watch.close()


def strokes_on_canvas(window: MainWindow, s: LiveSettings, end: str = "shown_at") -> list[Trial]:
    """``s.moves`` timed pen moves on the drawing canvas, a new digit every
    ``s.moves_per_digit``, each timed to its reconstruction's paint (``end="set_at"``: to the
    image set, for a tile that is not on screen and so never paints)."""
    canvas = window.canvas_panel.canvas
    rect = canvas.canvas_rect()
    rng = np.random.default_rng(1)
    left = Qt.MouseButton.LeftButton
    watch = TileWatch(window.noise_panel.tiles()[2])
    pen = [QPointF(rect.center())]

    def point_near(p: QPointF) -> QPointF:
        step = rng.uniform(6, 14) * np.array([np.cos(a := rng.uniform(0, 2 * np.pi)), np.sin(a)])
        x = min(max(p.x() + step[0], rect.left() + 20), rect.right() - 20)
        y = min(max(p.y() + step[1], rect.top() + 20), rect.bottom() - 20)
        return QPointF(x, y)

    def new_digit() -> None:  # clear, and put the pen down in the middle (untimed)
        canvas.clear()
        pen[0] = QPointF(rect.center())
        QApplication.sendEvent(canvas, _mouse(QEvent.Type.MouseButtonPress, pen[0], left))

    def lift() -> None:
        QApplication.sendEvent(canvas, _mouse(QEvent.Type.MouseButtonRelease, pen[0], left))

    def move(trial: Trial, then: Trial | None) -> Callable[[], None]:
        def act() -> None:
            pen[0] = point_near(pen[0])
            if merge_if_queued(trial, then):
                return
            event = _mouse(QEvent.Type.MouseMove, pen[0], left)
            send_timed(watch, trial, canvas, event, "no reconstruction")

        return act

    digits = [
        [Trial() for _ in range(min(s.moves_per_digit, s.moves - i))]
        for i in range(0, s.moves, s.moves_per_digit)
    ]
    steps: list[Step] = []
    for n, stroke in enumerate(digits):
        if n:
            steps.append(Step(0.02, lift))
        steps.append(Step(0.05, new_digit))
        for trial, then in zip(stroke, [*stroke[1:], None], strict=True):
            steps.append(Step(_uniform(rng, s.move_gap_ms), move(trial, then), trial))
    steps.append(Step(0.02, lift))
    try:
        return drive(steps, end)
    finally:
        watch.close()
        canvas.clear()
