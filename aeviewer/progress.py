"""Keras' progress bar for the headless trainer (``aeviewer train``)."""

from __future__ import annotations

from typing import Any

from aeviewer.core.training import BatchReport, EpochReport, TrainingListener


class ProgressListener(TrainingListener):
    """Prints ``Epoch i/n`` and a Keras progress bar per epoch, as ``fit(verbose=1)`` does."""

    def __init__(self) -> None:
        self._bar: Any = None
        self._key: tuple[str, int] | None = None

    def on_stage(self, stage: str, title: str) -> None:
        print(title)

    def on_batch(self, report: BatchReport) -> None:
        import keras

        key = (report.stage, report.epoch)
        if key != self._key:
            self._key = key
            print(f"Epoch {report.epoch}")
            self._bar = keras.utils.Progbar(
                report.batches, stateful_metrics=[f"val_{k}" for k in report.losses]
            )
        self._bar.update(report.batch, values=list(report.losses.items()))

    def on_epoch(self, report: EpochReport) -> None:
        if self._bar is not None and report.stage == (self._key or ("", 0))[0]:
            vals = [(k, v) for k, v in report.logs.items() if k.startswith("val_")]
            self._bar.update(self._bar.target, values=vals, finalize=True)
        self._key = None
