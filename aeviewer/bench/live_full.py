"""Memory and epoch-end work while a real window trains on a full-size data set for minutes.

One session: the app's default preset trains on the MNIST-shaped 60,000/10,000 set
(:mod:`aeviewer.bench.fullsize`) in a shown (offscreen) MainWindow with every view live, the
scatter drawing all 10,000 validation codes at each epoch end. After the first epoch
(compilation) it clicks the latent view and draws on the canvas as the ``live`` session does
(not timed here: those latencies are ``live``'s rows), then keeps training. It measures:

- resident memory once a second from the end of the first epoch: its growth over the first
  2 minutes (``rss_growth_mb``; 10 with ``--long``) and over 5 minutes (``rss_growth_mb_60k``),
  and what the time machine keeps in memory and on disk meanwhile;
- the GUI thread's work at each epoch end (``epoch_view_ms_60k``, :mod:`.epoch_work`), p95
  over the epochs after the first that the window finished showing.
"""

from __future__ import annotations

import itertools
import math
import statistics
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer

from aeviewer.bench import qt
from aeviewer.bench.epoch_work import PIECES, EpochWork
from aeviewer.bench.history_usage import history_mb, spill_note
from aeviewer.bench.live import LiveSettings, clicks_on_latent, strokes_on_canvas
from aeviewer.bench.report import Results, percentile
from aeviewer.core.memory import rss_mb

if TYPE_CHECKING:
    from aeviewer.bench.data import BenchData
    from aeviewer.gui.main_window import MainWindow

RSS_WINDOW_S = 60  # each end of a memory growth: the median of this many seconds


@dataclass
class FullLiveSettings:
    preset: str = "vanilla"  # the app's default preset, as in ``live``
    memory_s: float = 120.0  # rss_growth_mb: the first 2 minutes (600 with --long)
    full_s: float = 300.0  # rss_growth_mb_60k: 5 minutes
    first_epoch_s: float = 600.0  # the longest the first epoch may take
    user: LiveSettings = field(default_factory=LiveSettings)  # the clicks and strokes


@dataclass(frozen=True)
class Checkpoint:
    """The session at one of its memory marks."""

    seconds: float  # since the end of the first epoch
    samples: int  # RSS samples taken until then
    heap: float  # RssAnon, MB
    files: float  # RssFile, MB
    history: float | None  # MB of arrays the time machine holds in memory
    spill: str  # what its snapshots take on disk
    epochs: int
    restarts: int


class RssSampler:
    """Resident memory once a second on the GUI thread's timer (MB)."""

    def __init__(self) -> None:
        self.mb: list[float] = [rss_mb()]
        self._timer = QTimer()
        self._timer.timeout.connect(lambda: self.mb.append(rss_mb()))
        self._timer.start(1000)

    def stop(self) -> None:
        self._timer.stop()


def growth_ends(mb: list[float]) -> tuple[list[float], list[float]]:
    """The first and the last ``span`` samples of ``mb`` (one a second, ``mb[0]`` taken at
    the end of the first epoch), ``span`` a minute or a quarter of a shorter run.

    The heap swings 30-70 MB between its trims (every 5 s at an epoch end, core/memory.py):
    the median of a minute of samples spans a dozen swings, where one of 5 s lands anywhere.
    """
    span = max(5, min(RSS_WINDOW_S, len(mb) // 4))
    return mb[1 : 1 + span] or mb[:1], mb[-span:]


def run(data: BenchData, results: Results, s: FullLiveSettings) -> None:
    window = qt.open_window(data.dataset)
    work = EpochWork(window).install()
    try:
        _session(window, work, data, results, s)
    finally:
        work.remove()
        if window.run.state in ("running", "paused"):
            qt.stop_training(window)
        qt.close_window(window)


def _session(
    window: MainWindow, work: EpochWork, data: BenchData, results: Results, s: FullLiveSettings
) -> None:
    epochs_seen: list[int] = []
    window.live.epoch_shown.connect(epochs_seen.append)
    qt.start_training(window, s.preset, epochs=1000)
    qt.wait_until(lambda: len(epochs_seen) >= 1, s.first_epoch_s, what="the first epoch")
    rss = RssSampler()
    t0, hist0 = time.monotonic(), history_mb(window)
    parts0 = rss_mb("RssAnon"), rss_mb("RssFile")

    phases = []  # single samples at the end of each: where a growth happens
    clicks_on_latent(window, s.user)
    phases.append(rss_mb())
    strokes_on_canvas(window, s.user)
    phases.append(rss_mb())

    restarts = 0
    marks: dict[float, Checkpoint] = {}
    for mark in sorted({s.memory_s, s.full_s}):
        while time.monotonic() - t0 < mark:
            if window.run.state == "finished":  # a lecturer presses Start again
                qt.start_training(window, s.preset, epochs=1000)
                restarts += 1
            qt.run_for(min(2.0, max(0.05, mark - (time.monotonic() - t0))))
        rss.mb.append(rss_mb())
        marks[mark] = Checkpoint(
            time.monotonic() - t0,
            len(rss.mb),
            rss_mb("RssAnon") - parts0[0],
            rss_mb("RssFile") - parts0[1],
            history_mb(window),
            spill_note(window),
            len(epochs_seen),
            restarts,
        )
    rss.stop()
    where = f"{s.preset} on {data.label}"
    longer = " (10 with --long)" if s.memory_s < 600 else ""
    for key, mark, how in (
        ("rss_growth_mb", s.memory_s, f"the session's first {s.memory_s / 60:g} min{longer}"),
        ("rss_growth_mb_60k", s.full_s, f"the session's first {s.full_s / 60:g} min"),
    ):
        _set_growth(results, key, rss.mb, marks[mark], phases, hist0, f"{how}; {where}")
    codes = window.time_machine.history.latent_indices  # those of the epoch-end reports
    _set_epoch_view(results, work, epochs_seen, 0 if codes is None else len(codes), where)


def _set_growth(
    results: Results,
    key: str,
    mb: list[float],
    at: Checkpoint,
    phases: list[float],
    hist0: float | None,
    where: str,
) -> None:
    upto = mb[: at.samples]
    first, last = growth_ends(upto)
    rss0, end = statistics.median(first), statistics.median(last)
    steps = [b - a for a, b in itertools.pairwise([rss0, *phases, end])]
    held = (
        f"; the time machine's history in memory grew {at.history - hist0:.0f} MB of it"
        if hist0 is not None and at.history is not None
        else ""
    )
    restarts = f", {at.restarts} restarts" if at.restarts else ""
    results.set(
        key,
        end - rss0,
        f"{at.seconds / 60:.1f} min of live training, {where}: {rss0:.0f} -> {end:.0f} MB "
        f"(peak {max(upto):.0f}; medians of the first and last {len(last)} s after epoch 1; their "
        f"lowest, after a trim: {min(first):.0f} -> {min(last):.0f}; heap {at.heap:+.0f}, "
        f"mapped files {at.files:+.0f} at the end; by phase (single samples): clicks "
        f"{steps[0]:+.0f}, strokes {steps[1]:+.0f}, the rest {steps[2]:+.0f}), "
        f"{at.epochs} epochs{restarts}{held}; {at.spill}",
    )


def _set_epoch_view(
    results: Results, work: EpochWork, shown: list[int], points: int, where: str
) -> None:
    """p95 over the epochs after the first whose views were all on screen; fails when the
    window lacks a piece the probe times (a renamed method would otherwise time nothing)."""
    totals = {e: ms for e, ms in work.totals().items() if e in shown}
    ms = list(totals.values())
    by_piece = {
        p.label: statistics.median([work.ms[e].get(p.label, 0.0) for e in totals])
        for p in PIECES
        if totals
    }
    worst, worst_ms = work.worst_piece()
    first = sum(work.ms[1].values()) if 1 in work.ms else math.nan
    note = (
        f"GUI-thread work per epoch end, {len(ms)} epochs after the first ({where}, the scatter "
        f"drawing {points:,} codes): p50 {percentile(ms, 50):.1f}, max "
        f"{max(ms, default=math.nan):.1f} ms (epoch 1: {first:.0f} ms); median by piece: "
        + ", ".join(f"{label} {v:.1f}" for label, v in by_piece.items())
        + f"; slowest single piece {worst} {worst_ms:.1f} ms"
    )
    if work.missing:
        note += f"; FAILED: the window has no {', '.join(work.missing)} to time"
    results.set("epoch_view_ms_60k", percentile(ms, 95), note, failed=bool(work.missing))
