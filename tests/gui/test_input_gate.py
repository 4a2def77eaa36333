"""InputGate: the live views' redraws wait while a hand is on the canvas or the latent space."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QEvent, QObject, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QWidget

from aeviewer.gui import input_gate
from aeviewer.gui.input_gate import HOLD_MS, InputGate
from aeviewer.gui.throttle import Throttle


def _mouse(widget: QWidget, kind: QEvent.Type, held: bool) -> None:
    pos = QPointF(10, 10)
    left = Qt.MouseButton.LeftButton
    button = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseMove else left
    buttons = left if held else Qt.MouseButton.NoButton
    event = QMouseEvent(kind, pos, pos, button, buttons, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


_KEEP: list[QWidget] = []  # the gates' owners live until the next test's


def _gate(qtbot) -> tuple[InputGate, QWidget]:
    owner = QWidget()
    qtbot.addWidget(owner)
    _KEEP[:] = [owner]
    gate = InputGate(owner)
    surface = QWidget(owner)
    gate.watch(surface)
    return gate, surface


def test_open_gate_lets_a_redraw_run_now(qtbot) -> None:
    gate, _ = _gate(qtbot)
    calls: list[int] = []
    assert gate.is_open() and not gate.held()

    def redraw() -> None:
        calls.append(1)

    assert gate.defer(redraw) is False  # the caller draws now
    assert not gate.waiting(redraw)  # not kept: it is not drawn a second time later
    qtbot.wait(50)
    assert not calls  # defer never calls it itself when open


def test_redraws_wait_while_pressed_and_run_once_after_release(qtbot) -> None:
    gate, surface = _gate(qtbot)
    calls: list[str] = []

    def scatter() -> None:
        calls.append("scatter")

    def loss() -> None:
        calls.append("loss")

    _mouse(surface, QEvent.Type.MouseButtonPress, held=True)
    assert gate.held() and not gate.is_open()
    assert gate.defer(scatter) and gate.defer(loss) and gate.defer(scatter)
    assert gate.waiting(scatter) and gate.waiting(loss)
    _mouse(surface, QEvent.Type.MouseMove, held=True)
    qtbot.wait(HOLD_MS + 100)
    assert calls == []  # still down: nothing drawn
    released = time.monotonic()
    _mouse(surface, QEvent.Type.MouseButtonRelease, held=False)
    qtbot.waitUntil(lambda: len(calls) == 2, timeout=2000)
    assert time.monotonic() - released >= HOLD_MS / 1000 * 0.9  # after the hold, not before
    assert calls == ["scatter", "loss"]  # each once, in the order first deferred
    qtbot.wait(50)
    assert calls == ["scatter", "loss"] and not gate.waiting(scatter)


def test_call_runs_now_when_open_and_once_after_release_when_held(qtbot) -> None:
    gate, surface = _gate(qtbot)
    calls: list[str] = []

    def redraw() -> None:
        calls.append("redraw")

    gate.call(redraw)
    assert calls == ["redraw"]  # open: at once, nothing kept
    _mouse(surface, QEvent.Type.MouseButtonPress, held=True)
    gate.call(redraw)
    gate.call(redraw)
    assert calls == ["redraw"] and gate.waiting(redraw)
    _mouse(surface, QEvent.Type.MouseButtonRelease, held=False)
    qtbot.waitUntil(lambda: len(calls) == 2, timeout=2000)
    qtbot.wait(HOLD_MS)
    assert calls == ["redraw", "redraw"]  # the two held calls were one


@pytest.mark.parametrize("redraws", [1, 3])
def test_a_long_hold_lets_the_views_through_every_max_hold(qtbot, monkeypatch, redraws) -> None:
    """While the button stays down; a still hand (no move to wait for a gap after) gets every
    waiting redraw."""
    monkeypatch.setattr(input_gate, "MAX_HOLD_MS", 200)
    gate, surface = _gate(qtbot)
    calls: list[float] = []
    _mouse(surface, QEvent.Type.MouseButtonPress, held=True)
    t0 = time.monotonic()
    for _ in range(redraws):
        assert gate.defer(lambda: calls.append(time.monotonic() - t0))
    qtbot.waitUntil(lambda: len(calls) == redraws, timeout=2000)
    assert calls[0] >= 0.15 and calls[-1] < 1.0  # the longest hold, then at once
    assert gate.held()


def test_unwatched_widgets_do_not_hold(qtbot) -> None:
    gate, _ = _gate(qtbot)
    other = QWidget()
    qtbot.addWidget(other)
    _mouse(other, QEvent.Type.MouseButtonPress, held=True)
    assert gate.is_open()


def test_throttle_with_a_gate_waits_and_flush_still_calls_now(qtbot) -> None:
    gate, surface = _gate(qtbot)
    calls: list[int] = []
    owner = QObject()
    throttle = Throttle(lambda: calls.append(1), 10, owner)
    throttle.set_gate(gate)
    _mouse(surface, QEvent.Type.MouseButtonPress, held=True)
    throttle.request()
    qtbot.wait(60)
    assert calls == [] and throttle.pending()  # due, but held by the gate
    throttle.request()  # merged with the held one
    throttle.flush()
    assert calls == [1] and not throttle.pending()
    throttle.request()
    qtbot.wait(60)
    throttle.cancel()
    _mouse(surface, QEvent.Type.MouseButtonRelease, held=False)
    qtbot.wait(HOLD_MS + 100)
    assert calls == [1]  # cancelled while held: never called


def test_flush_runs_everything_waiting(qtbot) -> None:
    gate, surface = _gate(qtbot)
    calls: list[int] = []
    _mouse(surface, QEvent.Type.MouseButtonPress, held=True)
    redraws = [lambda i=i: calls.append(i) for i in range(3)]
    for fn in redraws:
        assert gate.defer(fn)
    gate.flush()
    assert calls == [0, 1, 2]  # all of them, at once, in order
    assert not any(gate.waiting(fn) for fn in redraws)
    _mouse(surface, QEvent.Type.MouseButtonRelease, held=False)
    qtbot.wait(HOLD_MS + 100)
    assert calls == [0, 1, 2]  # flushed ones do not run again when the gate opens


class _Answering(QWidget):
    """A watched widget that answers each move with a repaint, and counts its paints."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.moves = 0
        self.paints = 0
        self.paints_at_move = 0  # paints done when the last move arrived

    def mouseMoveEvent(self, event) -> None:
        self.moves += 1
        self.paints_at_move = self.paints
        self.update()

    def paintEvent(self, event) -> None:
        self.paints += 1


def test_a_long_hold_runs_the_redraws_in_the_gaps_of_the_stroke(qtbot, monkeypatch) -> None:
    """While the hand moves, each waiting redraw runs right after one move, once that move's
    answer has been painted: never two between the same two moves, never before its paint."""
    monkeypatch.setattr(input_gate, "MAX_HOLD_MS", 200)
    owner = QWidget()
    qtbot.addWidget(owner)
    _KEEP[:] = [owner]
    owner.resize(200, 200)
    surface = _Answering(owner)
    surface.resize(200, 200)
    gate = InputGate(owner)
    gate.watch(surface)
    owner.show()
    qtbot.waitExposed(owner)
    runs: list[tuple[int, bool]] = []  # (moves handled, the last one's answer painted)
    redraws = [
        lambda: runs.append((surface.moves, surface.paints > surface.paints_at_move))
        for _ in range(3)
    ]
    _mouse(surface, QEvent.Type.MouseButtonPress, held=True)
    t0 = time.monotonic()
    for fn in redraws:
        assert gate.defer(fn)
    while len(runs) < 3 and time.monotonic() - t0 < 3:
        _mouse(surface, QEvent.Type.MouseMove, held=True)
        qtbot.wait(15)
        if time.monotonic() - t0 < 0.18:
            assert runs == []  # not before the longest hold
    assert len(runs) == 3
    moves = [m for m, _ in runs]
    assert len(set(moves)) == 3  # one per gap between two moves
    assert all(painted for _, painted in runs)  # after the answer to the move before it
    assert gate.held()
