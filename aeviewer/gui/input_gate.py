"""Input first: the live views hold their redraws while a hand is on a view that answers it.

A click on the latent space is decoded on release, a stroke on the canvas is reconstructed at
every move. A redraw of a live view during training (the scatter, the loss curves, the
gallery, with the paint it brings) takes the GUI thread longer than the answer itself, and an
input event that arrives meanwhile waits for it: that wait made the slow clicks and strokes
(docs/performance.md, *Clicks and strokes*).

So while a mouse button or a pen is down on a watched widget, and for :data:`HOLD_MS` after it
is lifted, the gated redraws wait. Each runs once when the gate opens, one per turn of the
event loop (an event that arrives then waits for one of them, not for all); they read the state
of then, so the latest data is shown. A hand that stays down lets them through every
:data:`MAX_HOLD_MS`: the views never stand still longer than that. Data is never held, only
its drawing: the run history records every epoch as it comes.

While the hand stays down and moves, those redraws run in the gaps of the stroke: one right
after each of its events has been answered and painted, not back to back at a moment the next
move may arrive (a moving hand sends an event every 8-30 ms; a redraw takes 5-7 ms). A hand
that stays still for :data:`STILL_MS` gets them at once.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

__all__ = ["HOLD_MS", "MAX_HOLD_MS", "InputGate", "input_held"]

HOLD_MS = 120  # after a release: the decoded image's paint, and the next press of a click train
MAX_HOLD_MS = 1000  # the longest the views stand still while a hand stays down
STILL_MS = 50  # a hand down without an event for this long is still: no gap to wait for
STUCK_S = 10.0  # a press whose release never came (another filter ate it) ends after this

_PRESS = (QEvent.Type.MouseButtonPress, QEvent.Type.TabletPress)
_RELEASE = (QEvent.Type.MouseButtonRelease, QEvent.Type.TabletRelease)
_MOVE = (QEvent.Type.MouseMove, QEvent.Type.TabletMove)
_GATES: weakref.WeakSet[InputGate] = weakref.WeakSet()  # every live gate (one per window)


def input_held() -> bool:
    """Whether some window's gate holds its redraws now: other GUI-thread work that can wait
    (the garbage collector's turn, ``gui/collector.py``) waits too."""
    return any(not gate.is_open() for gate in list(_GATES))


class InputGate(QObject):
    """Holds deferred redraws while the pointer is pressed on the watched widgets.

    :meth:`defer` is the one call a view makes: ``if gate.defer(self.redraw): return``.
    """

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._down = False
        self._last_input = -1e9  # time.monotonic() of the last watched press, move or release
        self._last_turn = time.monotonic()  # when the waiting redraws last ran (or none waited)
        self._waiting: dict[Callable[[], None], None] = {}  # in order of first deferral
        self._in_gaps = False  # a long hold's redraws run one after each input event
        self._after_event = False  # the turn comes right after an input event was handled
        self._turn = QTimer(self)  # the next redraw's turn
        self._turn.setSingleShot(True)
        self._turn.timeout.connect(self._on_turn)
        _GATES.add(self)

    # ----------------------------------------------------------------- watching
    def watch(self, widget: QWidget) -> None:
        """Hold redraws while a button or a pen is down on ``widget`` (and just after)."""
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in _PRESS:
            self._touch(down=True)
        elif kind in _RELEASE:
            self._touch(down=False)
        elif kind in _MOVE and self._down:
            self._touch(down=True)
        return False  # only watches: the widget handles the event as before

    def _touch(self, down: bool) -> None:
        now = time.monotonic()
        if not self.held(now):
            self._last_turn = now  # the views were current: the longest hold counts from here
        self._down = down
        self._last_input = now
        if not down:
            self._in_gaps = False
        if self._waiting:
            if self._in_gaps:
                self._after_event = True
                self._turn.start(0)  # runs once this event has been handled
            else:
                self._schedule()

    # ----------------------------------------------------------------- state
    def held(self, now: float | None = None) -> bool:
        """Whether a hand is on a watched widget, or left it less than HOLD_MS ago."""
        now = time.monotonic() if now is None else now
        since = now - self._last_input
        if self._down:
            return since < STUCK_S
        return since < HOLD_MS / 1000

    def is_open(self) -> bool:
        """Whether a redraw may run now: no hand held, or held for MAX_HOLD_MS already."""
        now = time.monotonic()
        return not self.held(now) or now - self._last_turn >= MAX_HOLD_MS / 1000

    # ----------------------------------------------------------------- deferral
    def defer(self, fn: Callable[[], None]) -> bool:
        """Keep ``fn`` for when the gate opens and return True; False (``fn`` not kept) when
        it is open: the caller redraws now. A ``fn`` already waiting waits once."""
        if fn in self._waiting:
            return True
        if self.is_open() and not self._waiting:
            self._last_turn = time.monotonic()
            return False
        self._waiting[fn] = None
        self._schedule()
        return True

    def call(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` now if the gate is open, else when it opens (:meth:`defer`)."""
        if not self.defer(fn):
            fn()

    def waiting(self, fn: Callable[[], None]) -> bool:
        """Whether ``fn`` waits for the gate."""
        return fn in self._waiting

    def discard(self, fn: Callable[[], None]) -> None:
        """Forget ``fn`` if it waits (it ran another way, or is no longer wanted)."""
        self._waiting.pop(fn, None)
        if not self._waiting:
            self._turn.stop()
            self._in_gaps = False

    def flush(self) -> None:
        """Run every waiting redraw now (a run's end, a close)."""
        while self._waiting:
            self._run_next()
        self._turn.stop()
        self._in_gaps = False

    def _schedule(self) -> None:
        now = time.monotonic()
        if self.is_open():
            delay = 0.0  # one per turn of the event loop
        elif self.held(now) and not self._down:
            delay = HOLD_MS / 1000 - (now - self._last_input)
        else:
            delay = MAX_HOLD_MS / 1000 - (now - self._last_turn)
        self._turn.start(max(0, round(1000 * delay)))

    def _on_turn(self) -> None:
        if not self._waiting:
            return
        if not self.is_open():
            self._schedule()  # a new press since: wait for its release, or the longest hold
            return
        after_event, self._after_event = self._after_event, False
        if self._down:  # held for MAX_HOLD_MS: the redraws go in the gaps of the stroke
            moving = time.monotonic() - self._last_input < STILL_MS / 1000
            if moving and not after_event:
                self._in_gaps = True
                self._turn.start(STILL_MS)  # after the next event, or once the hand is still
                return
            # Right after an event: Qt has delivered its paint request (posted events go before
            # timers), so its answer is on screen; one redraw, the next waits for the next gap.
            self._run_next()
            if self._waiting:
                self._in_gaps = True
                self._turn.start(STILL_MS)
                return
        else:
            self._run_next()
            if self._waiting:
                self._turn.start(0)  # the next at the next turn
                return
        self._in_gaps = False
        self._last_turn = time.monotonic()  # every view is current again

    def _run_next(self) -> None:
        fn = next(iter(self._waiting))
        del self._waiting[fn]
        fn()
