"""What a training run trains and how it reports (no Keras, no Qt)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from aeviewer.core.models import ModelOptions, get_preset


@dataclass(frozen=True)
class TrainingConfig:
    """What to train and how to report it.

    With ``model_files`` (a user's ``.keras`` / ``.h5`` file, or an encoder file and a decoder
    file) the trainer opens that model on its own thread instead of building ``preset``;
    ``split_at`` names the layer its encoder ends with when the bottleneck is not clear, and
    ``options``, when given, say only how to train it (loss, optimizer, learning rate, batch
    size: see :meth:`aeviewer.core.user_models.UserModel.autoencoder_for`).
    """

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
    model_files: tuple[str, ...] = ()
    split_at: str | None = None

    def model_options(self) -> ModelOptions:
        if self.model_files:  # the file shapes the model: only the training knobs matter
            options = self.options or ModelOptions()
            dataclasses.replace(options, latent_dim=1, hidden=()).validate()
            return options
        return (self.options or get_preset(self.preset).defaults).validate()
