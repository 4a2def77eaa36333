"""What a training run trains and how it reports (no Keras, no Qt)."""

from __future__ import annotations

from dataclasses import dataclass

from aeviewer.core.models import ModelOptions, get_preset


@dataclass(frozen=True)
class TrainingConfig:
    """What to train and how to report it."""

    preset: str = "stacked"
    options: ModelOptions | None = None
    epochs: int = 10
    seed: int = 0
    greedy: bool = False
    pretrain_epochs: int = 1
    batch_report_every: int = 1
    latent_sample_size: int = 2000
    snapshot_interval: float = 0.0  # seconds between weight snapshots during an epoch (0: off)
    live_latent_size: int = 0  # with snapshots: also encode this many validation samples
    #: XLA for the compiled steps; None: on, except for models with convolutions (XLA's CPU
    #: convolutions trained the conv preset at 40 samples/s here, against 2k without it).
    jit_compile: bool | None = None

    def model_options(self) -> ModelOptions:
        return (self.options or get_preset(self.preset).defaults).validate()
