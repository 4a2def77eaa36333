"""What a :class:`~aeviewer.core.training.Trainer` reports, and the listener it reports to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from aeviewer.core.inference import ModelSnapshot
    from aeviewer.core.models import Autoencoder
    from aeviewer.core.training_config import TrainingConfig


@dataclass(frozen=True)
class BatchReport:
    epoch: int  # 1-based epoch being trained
    batch: int  # 1-based batch within the epoch
    batches: int
    step: int  # global batch counter
    losses: dict[str, float]
    samples_per_s: float
    stage: str = "train"


@dataclass(frozen=True)
class EpochReport:
    epoch: int
    epochs: int
    logs: dict[str, float]  # train metrics, and val_<metric> for validation
    seconds: float
    samples_per_s: float
    stage: str = "train"
    partial: bool = False  # stopped before the end of the epoch


@dataclass(frozen=True)
class LatentReport:
    epoch: int
    codes: np.ndarray  # (n, latent_dim) codes of the fixed validation sample
    indices: np.ndarray  # rows of dataset.x_val that were encoded
    partial: bool = False  # a live subsample during an epoch, not the epoch-end full set


@dataclass(frozen=True)
class FinishReport:
    reason: str  # completed | stopped | nan | error
    message: str
    epochs_done: int
    steps: int


class TrainingListener:
    """Override what you need; every method is called on the training thread."""

    def on_start(self, ae: Autoencoder, config: TrainingConfig) -> None: ...
    def on_stage(self, stage: str, title: str) -> None: ...
    def on_batch(self, report: BatchReport) -> None: ...
    def on_epoch(self, report: EpochReport) -> None: ...
    def on_latent(self, report: LatentReport) -> None: ...
    def on_weights(self, snapshot: ModelSnapshot) -> None: ...
    def on_finished(self, report: FinishReport) -> None: ...
