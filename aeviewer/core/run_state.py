"""Where a training run stands, as the window and its controls see it (no Qt).

A ``str`` enum, so that ``state == "running"`` and a state sent through a ``Signal(str)`` keep
working; the questions the window asks of a state are named here once, as properties.
"""

from __future__ import annotations

import enum


class RunState(str, enum.Enum):
    """The window's run state.

    ``LOADING``: TensorFlow is loading, nothing can train yet. ``IDLE``: no run (or a reset
    one). ``RUNNING`` / ``PAUSED``: a trainer is training. ``STOPPING``: a run was told to end
    (a reset) and has not finished yet. ``FINISHED``: the run ended; its model is kept.
    """

    LOADING = "loading"
    IDLE = "idle"
    RUNNING = "running"
    PAUSED = "paused"
    STOPPING = "stopping"
    FINISHED = "finished"

    def __str__(self) -> str:  # "running", not "RunState.RUNNING" (f-strings, labels)
        return str(self.value)

    @property
    def active(self) -> bool:
        """A trainer is training: running or paused (Pause, Stop and live changes apply)."""
        return self in _ACTIVE

    @property
    def can_start(self) -> bool:
        """Start may begin a run: idle or finished (no run in the way)."""
        return self in _CAN_START

    @property
    def ending(self) -> bool:
        """A run was told to stop and its trainer has not finished yet."""
        return self is RunState.STOPPING

    @property
    def ongoing(self) -> bool:
        """A run still holds the training thread: running, paused or stopping. A new run, a
        reset or an opened file must wait for (or stop) it."""
        return self in _ONGOING

    @property
    def can_step(self) -> bool:
        """Step may train one batch: anything but loading or stopping."""
        return self not in (RunState.LOADING, RunState.STOPPING)


_ACTIVE = frozenset({RunState.RUNNING, RunState.PAUSED})
_CAN_START = frozenset({RunState.IDLE, RunState.FINISHED})
_ONGOING = _ACTIVE | {RunState.STOPPING}

__all__ = ["RunState"]
