"""Thread-safe controls of a training run: pause, step, stop, learning rate and slow motion.

The training thread runs no event loop, so requests are ``threading`` primitives that the
loop reads between compiled calls (a queued call would never run while it trains).
"""

from __future__ import annotations

import math
import threading


class TrainingControls:
    """Requests from any thread to the loop of one :class:`~aeviewer.core.training.Trainer`.

    Parameters
    ----------
    paused
        Begin paused.
    """

    def __init__(self, paused: bool = False) -> None:
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self.paused = paused
        self._step_budget = 0
        self._pending_lr: float | None = None
        self.delay = 0.0  # seconds to wait after every batch (slow motion)

    # -- from any thread ---------------------------------------------------------------
    def pause(self) -> None:
        with self._lock:
            self.paused = True

    def resume(self) -> None:
        with self._lock:
            self.paused = False
            self._step_budget = 0
        self._wake.set()

    def step(self, batches: int) -> None:
        """Allow exactly ``batches`` more batches, then stay paused."""
        with self._lock:
            self.paused = True
            self._step_budget += batches
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def rearm(self, paused: bool) -> None:
        """Forget a stop and any steps left, for another run (``paused``: begin paused)."""
        with self._lock:
            self._stop.clear()
            self.paused = paused
            self._step_budget = 0
        self._wake.set()

    def set_learning_rate(self, lr: float) -> None:
        if not (math.isfinite(lr) and lr > 0):
            raise ValueError(f"learning rate must be a positive number, not {lr!r}")
        with self._lock:
            self._pending_lr = float(lr)

    def set_delay(self, seconds: float) -> None:
        self.delay = max(0.0, float(seconds))

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    # -- from the training loop --------------------------------------------------------
    def gate(self, full_speed: int) -> int:
        """How many batches may run now: 0 when stopping (it blocks while paused), 1 when
        stepping (one step consumed) or in slow motion, ``full_speed`` otherwise."""
        while not self._stop.is_set():
            with self._lock:
                if not self.paused:
                    return 1 if self.delay > 0 else full_speed
                if self._step_budget > 0:
                    self._step_budget -= 1
                    return 1
            self._wake.wait(0.05)
            self._wake.clear()
        return 0

    def take_learning_rate(self) -> float | None:
        """The learning rate asked for since the last call, if any."""
        with self._lock:
            lr, self._pending_lr = self._pending_lr, None
        return lr

    def wait_delay(self) -> None:
        """Slow motion: wait :attr:`delay` seconds, or less if a stop comes."""
        if self.delay > 0:
            self._stop.wait(self.delay)
