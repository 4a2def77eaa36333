"""The course's model zoo: named presets with good defaults (no Keras import here)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from aeviewer.core.models.options import ModelOptions, OptionsError


class Knob(NamedTuple):
    """The one option a preset lets the lecturer turn beside the common ones (the control
    panel's extra box): which :class:`ModelOptions` field, its label, range and step."""

    option: str
    label: str
    low: float
    high: float
    step: float


class ModelKind(NamedTuple):
    """What the app needs to know about a family of models, beside how to build it
    (:data:`aeviewer.core.models.registry.BUILDERS`)."""

    variational: bool = False  # Gaussian codes; the VAE class trains it
    convolutional: bool = False  # images only; ``ModelOptions.filters`` shape it


KINDS: dict[str, ModelKind] = {
    "dense": ModelKind(),
    "conv": ModelKind(convolutional=True),
    "vae": ModelKind(variational=True),
    "conv-vae": ModelKind(variational=True, convolutional=True),
}


@dataclass(frozen=True)
class Preset:
    """A named model of the course, with the defaults it trains well with."""

    name: str
    title: str
    summary: str
    defaults: ModelOptions
    kind: str = "dense"  # a key of KINDS
    supports_greedy: bool = False
    knob: Knob | None = None  # its own extra option, if it has one

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise OptionsError(f"preset {self.name!r}: unknown kind {self.kind!r}")

    @property
    def variational(self) -> bool:
        """Codes are Gaussian samples (a VAE): no coding layer, sparsity or greedy stages."""
        return KINDS[self.kind].variational

    @property
    def convolutional(self) -> bool:
        """The model takes images only, and its filters are a knob."""
        return KINDS[self.kind].convolutional

    def knob_value(self, options: ModelOptions) -> float | None:
        """The value of this preset's knob in ``options`` (None: the preset has no knob)."""
        return None if self.knob is None else float(getattr(options, self.knob.option))


_STACKED = ModelOptions(
    latent_dim=30,
    hidden=(100,),
    activation="selu",
    coding_activation="selu",
    loss="bce",
    optimizer="adam",
    learning_rate=2e-3,
    batch_size=32,
)

PRESETS: dict[str, Preset] = {
    p.name: p
    for p in [
        Preset(
            "vanilla",
            "Vanilla 784-500-300-2",
            "the course's deep tanh autoencoder with a 2-D latent space",
            ModelOptions(
                latent_dim=2,
                hidden=(500, 300),
                activation="tanh",
                coding_activation="linear",
                loss="bce",
                optimizer="adam",
                learning_rate=3e-3,
                batch_size=32,
            ),
        ),
        Preset(
            "stacked",
            "Stacked 784-100-30",
            "SELU stacked autoencoder, sigmoid output, binary cross-entropy",
            _STACKED,
            supports_greedy=True,
        ),
        Preset(
            "tied",
            "Tied weights",
            "stacked, with the decoder reusing the encoder's weights transposed",
            _STACKED.updated(tied=True),
        ),
        Preset(
            "denoising",
            "Denoising",
            "stacked, trained on inputs corrupted by Gaussian noise (or dropout)",
            _STACKED.updated(noise="gaussian", noise_std=0.2),
            knob=Knob("noise_std", "Noise σ", 0.0, 1.0, 0.05),
        ),
        Preset(
            "sparse",
            "Sparse",
            "300 sigmoid codings pushed toward 10% mean activation by a KL penalty",
            _STACKED.updated(
                latent_dim=300,
                coding_activation="sigmoid",
                sparsity="kl",
                sparsity_target=0.1,
                sparsity_weight=0.05,
            ),
            knob=Knob("sparsity_weight", "Sparsity weight", 0.0, 1.0, 0.01),
        ),
        Preset(
            "conv",
            "Convolutional",
            "conv + max-pool encoder, upsample + conv decoder, 16-D codes",
            ModelOptions(
                latent_dim=16,
                hidden=(),
                filters=(16, 32),
                activation="relu",
                coding_activation="linear",
                loss="bce",
                optimizer="adam",
                learning_rate=2e-3,
                batch_size=64,
            ),
            kind="conv",
        ),
        Preset(
            "linear",
            "Linear (PCA)",
            "no activations and MSE: learns the same subspace as PCA",
            ModelOptions(
                latent_dim=2,
                hidden=(),
                activation="linear",
                coding_activation="linear",
                output_activation="linear",
                loss="mse",
                optimizer="adam",
                learning_rate=1e-2,
                batch_size=32,
            ),
        ),
        Preset(
            "vae",
            "Variational (VAE)",
            "150-100 SELU encoder to a 10-D Gaussian code; reconstruction + KL loss",
            ModelOptions(
                latent_dim=10,
                hidden=(150, 100),
                activation="selu",
                loss="bce",
                optimizer="adam",
                learning_rate=2e-3,
                batch_size=64,
                beta=1.0,
            ),
            kind="vae",
            knob=Knob("beta", "β (KL weight)", 0.0, 10.0, 0.1),
        ),
        Preset(
            "conv-vae",
            "Convolutional VAE",
            "the course's next step: a conv encoder/decoder with a Gaussian latent space",
            ModelOptions(
                latent_dim=16,
                hidden=(),
                filters=(16, 32),
                activation="relu",
                loss="bce",
                optimizer="adam",
                learning_rate=2e-3,
                batch_size=64,
                beta=1.0,
            ),
            kind="conv-vae",
            knob=Knob("beta", "β (KL weight)", 0.0, 10.0, 0.1),
        ),
    ]
}


def get_preset(name: str) -> Preset:
    """The preset called ``name``; :class:`OptionsError` naming the choices otherwise."""
    try:
        return PRESETS[name]
    except KeyError:
        raise OptionsError(f"unknown model {name!r}; choose one of {', '.join(PRESETS)}") from None
