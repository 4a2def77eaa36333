"""Timed input events, posted from a plain thread as a user's hand posts them, and their images.

See :mod:`aeviewer.bench.live` for how the benchmark uses them and what the times include.
"""

from __future__ import annotations

import contextlib
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QEvent, QObject, Qt, Signal, Slot
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from aeviewer.bench import qt

if TYPE_CHECKING:
    from aeviewer.gui.widgets.image_tile import ImageTile


@dataclass
class Trial:
    """One timed input event, in ``time.perf_counter()`` seconds (NaN until known).

    ``due`` and ``posted`` are written by the posting thread before it posts; the rest by the
    GUI thread: ``set_at`` when the tile's image was set while the event was handled,
    ``shown_at`` at the tile's next paint; ``missed`` says why the event showed no image."""

    due: float = math.nan
    posted: float = math.nan
    set_at: float = math.nan
    shown_at: float = math.nan
    changed: bool = False
    missed: str = ""
    #: A move merged into a later one still queued (see :func:`_strokes`): its image is that
    #: one's, and so are its times.
    into: Trial | None = None

    def final(self) -> Trial:
        t = self
        while t.into is not None:
            t = t.into
        return t

    def done(self, end: str) -> bool:
        t = self.final()
        return bool(t.missed) or math.isfinite(getattr(t, end))


@dataclass
class Step:
    """Something the GUI thread does ``gap_s`` after the previous step's moment."""

    gap_s: float
    act: Callable[[], None]
    trial: Trial | None = None  # a timed step


class TileWatch(QObject):
    """Times one image tile: when an armed trial's image is set in it, and the next paint.

    It wraps the tile's ``set_image`` (an instance attribute shadowing the method, removed by
    :meth:`close`) and watches its paint events.
    """

    def __init__(self, tile: ImageTile) -> None:
        super().__init__()
        self.tile = tile
        self.armed: Trial | None = None  # the trial whose event is being handled
        self._unpainted: list[Trial] = []
        self._set_image = tile.set_image
        tile.set_image = self._on_set_image  # type: ignore[method-assign]
        tile.installEventFilter(self)

    def _on_set_image(self, image: Any) -> None:
        trial = self.armed
        before = self.tile.image() if trial is not None else None
        self._set_image(image)
        if trial is not None and image is not None and math.isnan(trial.set_at):
            trial.set_at = time.perf_counter()  # after the tile has converted and stored it
            after = self.tile.image()
            trial.changed = before is None or after is None or not np.array_equal(before, after)
            self._unpainted.append(trial)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._unpainted:
            now = time.perf_counter()  # the paint of the new image begins
            for trial in self._unpainted:
                trial.shown_at = now
            self._unpainted.clear()
        return False

    def close(self) -> None:
        self.tile.removeEventFilter(self)
        with contextlib.suppress(AttributeError):
            del self.tile.set_image  # the class's method again


def send_timed(
    watch: TileWatch, trial: Trial, receiver: QObject, event: QMouseEvent, missing: str
) -> None:
    """Send ``event`` with ``trial`` armed: an image set in the tile meanwhile is its image."""
    watch.armed = trial
    try:
        QApplication.sendEvent(receiver, event)
    finally:
        watch.armed = None
    if math.isnan(trial.set_at):
        trial.missed = missing


class Feeder(QObject):
    """Lives in the GUI thread; :func:`post_steps` emits ``fired`` from a plain thread, and the
    queued slot runs the step when the GUI thread's event loop reaches it."""

    fired = Signal(int)

    def __init__(self, steps: list[Step]) -> None:
        super().__init__()
        self.steps = steps
        self.fired.connect(self._on_fired, Qt.ConnectionType.QueuedConnection)

    @Slot(int)  # a declared slot: it is reached from another thread
    def _on_fired(self, index: int) -> None:
        self.steps[index].act()


def post_steps(feeder: Feeder, gaps: list[float], trials: list[Trial | None], stop: Any) -> None:
    """The posting thread: emit step ``i`` ``gaps[i]`` seconds after step ``i - 1`` was due.

    It gets plain data and the feeder, which the GUI thread keeps alive until it has joined
    this thread (so this thread never holds the last reference to it). The schedule does not
    wait for the GUI: a user's hand does not either."""
    due = time.perf_counter()
    for i, gap in enumerate(gaps):
        due += gap
        wait = due - time.perf_counter()
        if wait > 0 and stop.wait(wait):
            return
        trial = trials[i]
        if trial is not None:
            trial.due = due
            trial.posted = time.perf_counter()
        try:
            feeder.fired.emit(i)
        except RuntimeError:  # the application is gone
            return


def merge_if_queued(trial: Trial, then: Trial | None) -> bool:
    """Merge ``trial`` into ``then`` (the next move of the same stroke) if that one is queued
    already, as Qt does with mouse moves (``AA_CompressHighFrequencyEvents``, on by default on
    X11: only the latest queued move is delivered). A real mouse never makes the GUI thread
    work through a backlog of moves; the merged move is timed to the later one's image."""
    if then is None or not math.isfinite(then.posted):
        return False
    trial.into = then
    return True


def drive(steps: list[Step], end: str, timeout_s: float | None = None) -> list[Trial]:
    """Run ``steps`` from a posting thread with the event loop running; wait until every
    trial has its ``end`` time (``"set_at"`` or ``"shown_at"``) or was missed; return the trials.
    Trials still unfinished after ``timeout_s`` are missed ("not ... within")."""
    trials = [s.trial for s in steps if s.trial is not None]
    feeder = Feeder(steps)
    stop = threading.Event()
    poster = threading.Thread(
        target=post_steps,
        args=(feeder, [s.gap_s for s in steps], [s.trial for s in steps], stop),
        name="aeviewer-bench-input",
        daemon=True,
    )
    limit = timeout_s if timeout_s is not None else 30 + 4 * sum(s.gap_s for s in steps)
    poster.start()
    try:
        qt.wait_until(
            lambda: not poster.is_alive() and all(t.done(end) for t in trials),
            limit,
            what="the input events' images",
        )
    except TimeoutError:
        for t in trials:
            if not t.done(end):
                t.final().missed = f"not {end.removesuffix('_at')} within {limit:.0f} s"
    finally:
        stop.set()
        poster.join(10)
    return trials
