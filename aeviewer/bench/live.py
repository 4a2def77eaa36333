"""GUI latency and memory while a real main window trains with every view live.

One session: the app's default preset trains on the benchmark data in a shown (offscreen)
MainWindow, with its normal live updates (latent scatter at every snapshot, loss plot, gallery
at epoch ends). After the first epoch (compilation) it measures, in turn:

1. the lateness of a 16 ms GUI timer (``ui_late_*``), with no input events;
2. clicks on the latent view, real QMouseEvents on the plot's viewport, to the decoded image
   in the preview (``decode_p95_ms``): the handler is synchronous, so the time around
   ``sendEvent`` of press and release is the whole latency;
3. strokes on the canvas, mouse moves with the left button held, to the reconstruction tile
   (``canvas_p95_ms``), also synchronous;
4. resident memory from the end of the first epoch until the session has trained for the
   memory duration (``rss_growth_mb``).
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QPointF, Qt, QTimer
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from aeviewer.bench import qt
from aeviewer.bench.report import Results, percentile, rss_mb

if TYPE_CHECKING:
    from aeviewer.bench.data import BenchData
    from aeviewer.gui.main_window import MainWindow

TICK_MS = 16


@dataclass
class LiveSettings:
    preset: str = "vanilla"  # the app's default preset, and its heaviest dense decoder
    lateness_s: float = 20.0
    clicks: int = 100
    click_interval_ms: int = 60
    moves: int = 200
    move_interval_ms: int = 30
    memory_s: float = 120.0


@dataclass
class _Pen:
    pos: QPointF
    moves: int = 0


@dataclass
class _Samples:
    values: list[float] = field(default_factory=list)
    unchanged: int = 0


def run(data: BenchData, results: Results, s: LiveSettings) -> None:
    window = qt.open_window(data.dataset)
    try:
        _session(window, data, results, s)
    finally:
        if window.state in ("running", "paused"):
            qt.stop_training(window)
        qt.close_window(window)


def _session(window: MainWindow, data: BenchData, results: Results, s: LiveSettings) -> None:
    epochs_seen: list[int] = []
    window.epoch_shown.connect(epochs_seen.append)
    qt.start_training(window, s.preset, epochs=1000)
    qt.wait_until(lambda: len(epochs_seen) >= 1, 300, what="the first epoch")
    rss0, t0, hist0 = rss_mb(), time.monotonic(), _history_mb(window)
    where = f"{s.preset} on {data.label}, window {qt.WINDOW_SIZE[0]}x{qt.WINDOW_SIZE[1]}"

    late = _lateness(window, s.lateness_s)
    batches = window.loss_plot.batch_count()
    results.set("ui_late_p99_ms", percentile(late, 99), f"{len(late)} ticks in {s.lateness_s:g} s")
    results.set(
        "ui_late_max_ms",
        max(late) if late else None,
        f"{where}; p50 {percentile(late, 50):.1f} ms; {batches} batches plotted",
    )

    clicks = _clicks(window, s.clicks, s.click_interval_ms)
    results.set("decode_p95_ms", percentile(clicks.values, 95), _note(clicks, "clicks"))

    moves = _strokes(window, s.moves, s.move_interval_ms)
    results.set("canvas_p95_ms", percentile(moves.values, 95), _note(moves, "moves"))

    rss: list[float] = []
    sampler = QTimer()
    sampler.timeout.connect(lambda: rss.append(rss_mb()))
    sampler.start(1000)
    restarts = 0
    while time.monotonic() - t0 < s.memory_s:
        if window.state == "finished":  # a lecturer presses Start again
            qt.start_training(window, s.preset, epochs=1000)
            restarts += 1
        qt.run_for(min(2.0, max(0.05, s.memory_s - (time.monotonic() - t0))))
    sampler.stop()
    rss.append(rss_mb())
    end = float(np.median(rss[-5:]))
    minutes = (time.monotonic() - t0) / 60
    hist1 = _history_mb(window)
    held = (
        f"; the time machine's history in memory grew {hist1 - hist0:.0f} MB of it"
        if hist0 is not None and hist1 is not None
        else ""
    )
    results.set(
        "rss_growth_mb",
        end - rss0,
        f"{minutes:.1f} min of live training{' (10 with --long)' if s.memory_s < 600 else ''}: "
        f"{rss0:.0f} -> {end:.0f} MB (peak {max(rss):.0f}) from the end of epoch 1, "
        f"{len(epochs_seen)} epochs{f', {restarts} restarts' if restarts else ''}{held}",
    )


def _history_mb(window: MainWindow) -> float | None:
    """Megabytes of arrays the window's run history holds in memory (snapshots, codes,
    losses); snapshots kept on disk (memory-mapped, ``core/spill.py``) do not count."""
    history = getattr(window, "history", None)
    if history is None:
        return None
    try:
        total, seen = 0, set()
        for rec in history.records:
            if rec.codes is not None:
                total += rec.codes.nbytes
            snap = rec.snapshot
            if snap is not None and id(snap) not in seen:
                seen.add(id(snap))
                models = (snap.encoder, snap.decoder)
                weights = [w for m in models for op in m.ops for w in op.weights]
                total += sum(w.nbytes for w in weights if not isinstance(w, np.memmap))
        total += sum(a.nbytes for a in (*history.batch_x, *history.batch_loss))
    except (AttributeError, TypeError):  # another history layout: no breakdown
        return None
    return total / 2**20


def _note(samples: _Samples, what: str) -> str:
    v = samples.values
    text = f"{len(v)} {what} during training; p50 {percentile(v, 50):.2f}, max {max(v):.2f} ms"
    return text + (f"; {samples.unchanged} left the image unchanged" if samples.unchanged else "")


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


def _mouse(kind: QMouseEvent.Type, pos: QPointF, button: Qt.MouseButton) -> QMouseEvent:
    held = Qt.MouseButton.NoButton if kind == QMouseEvent.Type.MouseButtonRelease else button
    if kind == QMouseEvent.Type.MouseMove:
        button = Qt.MouseButton.NoButton
    return QMouseEvent(kind, pos, pos, button, held, Qt.KeyboardModifier.NoModifier)


def _paced(count: int, interval_ms: int, action: object) -> None:
    """Call ``action()`` ``count`` times, every ``interval_ms``, with the event loop running."""
    done = [0]
    timer = QTimer()
    timer.setInterval(interval_ms)

    def tick() -> None:
        if done[0] < count:
            action()  # type: ignore[operator]
            done[0] += 1

    timer.timeout.connect(tick)
    timer.start()
    qt.wait_until(lambda: done[0] >= count, 30 + count * interval_ms / 1000 * 4, what="events")
    timer.stop()


def _clicks(window: MainWindow, count: int, interval_ms: int) -> _Samples:
    view = window.latent_view
    plot = view.plot_widget
    port = plot.viewport()
    vb = plot.getPlotItem().vb
    rng = np.random.default_rng(0)
    out = _Samples()
    left = Qt.MouseButton.LeftButton

    def click() -> None:
        (x0, x1), (y0, y1) = vb.viewRange()
        x = x0 + (x1 - x0) * rng.uniform(0.15, 0.85)
        y = y0 + (y1 - y0) * rng.uniform(0.15, 0.85)
        pos = QPointF(plot.mapFromScene(vb.mapViewToScene(QPointF(x, y))))
        before = window.preview.image()
        press = _mouse(QMouseEvent.Type.MouseButtonPress, pos, left)
        release = _mouse(QMouseEvent.Type.MouseButtonRelease, pos, left)
        t = time.perf_counter()
        QApplication.sendEvent(port, press)
        QApplication.sendEvent(port, release)
        dt = 1000 * (time.perf_counter() - t)
        after = window.preview.image()
        if after is None or (before is not None and np.array_equal(before, after)):
            out.unchanged += 1
        else:
            out.values.append(dt)

    _paced(count, interval_ms, click)
    return out


def _strokes(window: MainWindow, count: int, interval_ms: int) -> _Samples:
    canvas = window.canvas_panel.canvas
    tile = window.noise_panel.tiles()[2]
    rect = canvas.canvas_rect()
    rng = np.random.default_rng(1)
    out = _Samples()
    left = Qt.MouseButton.LeftButton
    state = _Pen(QPointF(rect.center()))

    def point_near(p: QPointF) -> QPointF:
        step = rng.uniform(6, 14) * np.array([np.cos(a := rng.uniform(0, 2 * np.pi)), np.sin(a)])
        x = min(max(p.x() + step[0], rect.left() + 20), rect.right() - 20)
        y = min(max(p.y() + step[1], rect.top() + 20), rect.bottom() - 20)
        return QPointF(x, y)

    def move() -> None:
        if state.moves % 40 == 0:  # a new digit: clear, and put the pen down (untimed)
            if state.moves:
                QApplication.sendEvent(
                    canvas, _mouse(QMouseEvent.Type.MouseButtonRelease, state.pos, left)
                )
            canvas.clear()
            state.pos = QPointF(rect.center())
            QApplication.sendEvent(
                canvas, _mouse(QMouseEvent.Type.MouseButtonPress, state.pos, left)
            )
        state.moves += 1
        state.pos = pos = point_near(state.pos)
        before = tile.image()
        ev = _mouse(QMouseEvent.Type.MouseMove, pos, left)
        t = time.perf_counter()
        QApplication.sendEvent(canvas, ev)
        dt = 1000 * (time.perf_counter() - t)
        after = tile.image()
        if after is None or (before is not None and np.array_equal(before, after)):
            out.unchanged += 1
        else:
            out.values.append(dt)

    _paced(count, interval_ms, move)
    QApplication.sendEvent(canvas, _mouse(QMouseEvent.Type.MouseButtonRelease, state.pos, left))
    canvas.clear()
    return out
