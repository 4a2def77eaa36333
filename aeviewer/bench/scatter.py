"""A full refresh of the latent scatter: ``set_points`` with new positions, then its paint.

This is what every live snapshot costs the GUI thread: the same samples (labels unchanged)
at new positions, the view's auto-range, and the paint the event loop then makes (the scene
schedules it; the time ends when the plot's viewport has painted).
"""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QEvent, QObject

from aeviewer.bench import qt
from aeviewer.bench.report import Results, median, percentile

SIZE = (1100, 750)  # the latent view's share of a 1600x1000 window


class _PaintCounter(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def _until_painted(counter: _PaintCounter, timeout_s: float = 5.0) -> None:
    app, before, end = qt.app(), counter.count, time.perf_counter() + timeout_s
    while counter.count == before and time.perf_counter() < end:
        app.processEvents()


def refresh_times(n: int, repeats: int) -> list[float]:
    """Milliseconds of ``repeats`` full refreshes of ``n`` points in 10 classes."""
    from aeviewer.gui.widgets.latent_view import LatentView

    qt.app()
    view = LatentView()
    view.resize(*SIZE)
    view.show()
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 10, n)
    centres = rng.normal(scale=4.0, size=(10, 2))
    base = centres[labels] + rng.normal(size=(n, 2))
    counter = _PaintCounter()
    view.plot_widget.viewport().installEventFilter(counter)
    view.set_points(base, labels)  # the first points: items, legend and styles are made here
    _until_painted(counter)
    times = []
    for i in range(repeats):
        xy = base * (1 + 0.01 * i) + rng.normal(scale=0.05, size=(n, 2))  # codes drift
        t = time.perf_counter()
        view.set_points(xy, labels)
        _until_painted(counter)
        times.append(1000 * (time.perf_counter() - t))
    view.close()
    view.deleteLater()
    qt.app().processEvents()
    return times


def run(results: Results, repeats: int = 15) -> None:
    for n, key in ((10_000, "scatter_10k_ms"), (60_000, "scatter_60k_ms")):
        t = refresh_times(n, repeats)
        results.set(
            key,
            median(t),
            f"median of {len(t)} refreshes (p90 {percentile(t, 90):.1f}); {n:,} points, "
            f"10 classes, view {SIZE[0]}x{SIZE[1]}",
        )
