"""The one training thread: it owns the trainer and the training model.

Only numpy copies and plain values cross to the GUI, through queued signals. Per-batch losses
are gathered and sent in chunks at most ~20 times a second, so a fast model cannot flood the
event loop. Controls (pause, step, stop, learning rate, speed) call the trainer directly: they
are thread-safe flags, because the thread is inside the training loop and runs no event loop.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import sys
import threading
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QThread, Signal, Slot

from aeviewer.core.datasets import Dataset
from aeviewer.core.errors import typed_first_line
from aeviewer.core.inference import ModelSnapshot
from aeviewer.core.training import (
    BatchReport,
    EpochReport,
    FinishReport,
    LatentReport,
    Trainer,
    TrainingConfig,
    TrainingListener,
)

EMIT_INTERVAL = 0.05  # seconds between batch chunks sent to the GUI (20 Hz)
#: Validation samples encoded at each epoch end: the whole set, up to this many. The scatter
#: redraws 10,000 points in about 10 ms (``aeviewer bench``); MNIST's test set is 10,000.
EPOCH_END_LATENT_MAX = 10_000
TRAINING_NICE = 10  # Linux: the training thread's (and TensorFlow's threads') nice value


@dataclass(frozen=True)
class BatchChunk:
    """Per-batch losses since the last chunk (x in fractional epochs)."""

    epochs: np.ndarray
    losses: np.ndarray
    last: BatchReport


class _Bridge(TrainingListener):
    """Turns trainer callbacks (training thread) into the worker's signals."""

    def __init__(self, worker: TrainingWorker) -> None:
        self.w = worker
        self._x: list[float] = []
        self._y: list[float] = []
        self._last_emit = 0.0
        self._last: BatchReport | None = None
        self._offset = 0  # epochs of earlier greedy stages, so stages follow each other on x
        self._done = 0

    def on_stage(self, stage: str, title: str) -> None:
        self._offset = self._done
        self.w.stage_changed.emit(stage, title)

    def on_batch(self, report: BatchReport) -> None:
        self._x.append(self._offset + report.epoch - 1 + report.batch / report.batches)
        self._y.append(report.losses["loss"])
        self._last = report
        now = time.perf_counter()
        if now - self._last_emit >= EMIT_INTERVAL:
            self.flush()
            self._last_emit = now

    def flush(self) -> None:
        if self._x and self._last is not None:
            self.w.batches_reported.emit(
                BatchChunk(np.array(self._x, np.float32), np.array(self._y, np.float32), self._last)
            )
            self._x, self._y = [], []

    def on_epoch(self, report: EpochReport) -> None:
        self.flush()
        self._done = self._offset + report.epoch
        self.w.epoch_ended.emit(float(self._done), report)

    def on_latent(self, report: LatentReport) -> None:
        self.w.latent_updated.emit(report)

    def on_weights(self, snapshot: ModelSnapshot) -> None:
        self.w.weights_updated.emit(snapshot)

    def on_start(self, ae: Any, config: TrainingConfig) -> None:
        # The first snapshot: the untrained model already decodes clicks and drawings.
        self.w.weights_updated.emit(ModelSnapshot.capture(ae.encoder, ae.decoder, 0, 0))
        self.w.model_built.emit(
            {
                "preset": ae.preset,
                "params": ae.count_params(),
                "variational": ae.variational,
                "latent_dim": ae.options.latent_dim,
            }
        )

    def on_finished(self, report: FinishReport) -> None:
        self.flush()


class TrainingWorker(QObject):
    """Lives in the training QThread and runs one training run at a time there."""

    ready = Signal()  # TensorFlow is imported: training can start without a pause
    model_built = Signal(object)  # dict: preset, params, variational, latent_dim
    stage_changed = Signal(str, str)
    batches_reported = Signal(object)  # BatchChunk
    epoch_ended = Signal(float, object)  # x (epochs, counting greedy stages), EpochReport
    latent_updated = Signal(object)  # LatentReport
    weights_updated = Signal(object)  # ModelSnapshot
    run_finished = Signal(object)  # FinishReport

    def make_trainer(
        self, dataset: Dataset, config: TrainingConfig, start_paused: bool = False
    ) -> Trainer:
        """A trainer reporting through this worker (cheap: the model is built in :meth:`run`).

        The window shows the whole validation set at every epoch end (up to
        :data:`EPOCH_END_LATENT_MAX` samples), and a subsample of it live during the epoch
        (``config.live_latent_size``, the first of those samples).
        """
        full = min(EPOCH_END_LATENT_MAX, len(dataset.x_val))
        config = dataclasses.replace(config, latent_sample_size=full)
        return Trainer(dataset, config, _Bridge(self), start_paused=start_paused)

    @Slot()
    def warm_up(self) -> None:
        """Import TensorFlow and Keras off the GUI thread (seconds), then say so."""
        from aeviewer.runtime import configure_tensorflow

        configure_tensorflow()
        import aeviewer.core.models.registry  # noqa: F401  (Keras and the model code)

        self.ready.emit()

    @Slot(object)
    def run(self, trainer: Trainer) -> None:
        """Train until done or stopped; always ends with ``run_finished``."""
        from aeviewer.runtime import configure_tensorflow

        try:
            configure_tensorflow()
            report = trainer.run()
        except Exception as exc:  # run() reports its own errors; this is for the rest
            # Without a run_finished the window would stay "running" for good.
            report = FinishReport(
                "error", typed_first_line(exc), trainer.epochs_done, trainer.steps
            )
        self.run_finished.emit(report)


class TrainingThread(QThread):
    """A QThread with room for TensorFlow's deep tracing (macOS gives threads 512 KB).

    ``run`` is Python on purpose: the thread then keeps ONE Python thread state for its whole
    life, and every queued slot runs inside it. With the default C++ ``run``, PySide makes a
    new thread state per slot call and drops it after, while TensorFlow's pybind11 code caches
    the first one per OS thread and later takes the GIL with it: a segfault in ``take_gil`` on
    the first tensor-to-numpy conversion of the second slot (seen here with PySide6 6.11,
    TensorFlow 2.21, Python 3.11).
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aeviewer-training")
        self.setStackSize(8 * 1024 * 1024)

    def run(self) -> None:
        self._yield_to_gui()
        self.exec()

    def _yield_to_gui(self) -> None:
        """Run below the GUI's priority, and so do the threads TensorFlow starts from here.

        Training keeps both cores of a small machine busy; a click on the latent space or a
        stroke on the canvas must not queue behind it: a lower priority made them faster for about
        a tenth of the samples/s, nice 10 more so than 5 (docs/performance.md). Linux nice values
        are per thread and inherited by threads created later (TensorFlow's pools start with its
        import, in ``warm_up``, on this thread); elsewhere Qt's priority.
        """
        if sys.platform.startswith("linux"):
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), TRAINING_NICE)
        else:
            self.setPriority(QThread.Priority.LowPriority)
