"""A user's own autoencoder as the app found it (no Keras import here)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aeviewer.core.models.options import ModelOptions, OptionsError
from aeviewer.core.models.shapes import describe_shape
from aeviewer.core.user_models.shapes import as_images, data_hint, fits, takes_words, ways_words

if TYPE_CHECKING:
    from aeviewer.core.models import Autoencoder


@dataclass
class UserModel:
    """A notebook's autoencoder, cut into encoder and decoder, ready for the app.

    Attributes
    ----------
    paths
        The file, or the encoder file and the decoder file.
    layout
        What was found, in words: ``"two sub-models"``, ``"named encoder/decoder"``,
        ``"encoder and decoder files"``, ``"flat chain split at 'dense_2' (32 values)"``,
        ``"split at 'x' (...)"``; ``"; VAE encoder: code is z_mean"`` follows for a VAE.
    split_at
        The layer the encoder ends with where the model was cut; None for given parts.
    variational
        The encoder returns ``[z_mean, z_log_var, z]``: ``z_mean`` is the code, and
        generating samples codes from N(0, I).
    model_input_shape, code_shape
        As the file's model has them, e.g. ``(28, 28, 1)`` and ``(4, 4, 8)``; the app sees
        flat codes of :attr:`code_size` values.
    output_activation
        The activation of the model's last layer (``"sigmoid"``, ``"linear"``...).
    options
        How it trains: ``loss``, ``optimizer``, ``learning_rate`` (``latent_dim`` is the
        code size); :attr:`training_note` says where they came from.
    ae
        The :class:`Autoencoder` (preset ``"custom"``) for the data shape it was opened for;
        :meth:`autoencoder_for` gives one for another shape, sharing the same weights.
    """

    paths: tuple[str, ...]
    layout: str
    split_at: str | None
    variational: bool
    model_input_shape: tuple[int, ...]
    code_shape: tuple[int, ...]
    output_activation: str
    options: ModelOptions
    training_note: str
    parts: Any = field(repr=False)
    meta: dict[str, Any] = field(default_factory=dict, repr=False)
    ae: Autoencoder = field(init=False, repr=False)
    _by_shape: dict[tuple[int, ...], Autoencoder] = field(
        default_factory=dict, init=False, repr=False
    )

    @property
    def code_size(self) -> int:
        """Values in a code, as the app's latent views show it (flattened)."""
        return math.prod(self.code_shape)

    @property
    def name(self) -> str:
        """The file name(s), for titles: ``conv.keras`` or ``enc.keras + dec.keras``."""
        return " + ".join(Path(p).name for p in self.paths)

    @property
    def data_hint(self) -> str:
        """What data it takes and how to open some, in one line."""
        return data_hint(self.model_input_shape)

    def fits(self, data_input_shape: tuple[int, ...]) -> bool:
        """Whether samples of ``data_input_shape`` reach the model by a reshape (784 values,
        28x28 and 28x28x1 are one another's reshapes)."""
        return fits(self.model_input_shape, data_input_shape)

    def check(self, data_input_shape: tuple[int, ...], data_name: str = "the data") -> None:
        """Raise :class:`OptionsError` in one line when the data cannot reach the model,
        naming the data that would."""
        if not self.fits(data_input_shape):
            raise OptionsError(
                f"{self.name} takes {takes_words(self.model_input_shape)}, but {data_name} "
                f"holds {describe_shape(data_input_shape)}: open "
                f"{ways_words(self.model_input_shape)}"
            )

    def autoencoder_for(
        self, data_input_shape: tuple[int, ...], options: ModelOptions | None = None
    ) -> Autoencoder:
        """The :class:`Autoencoder` taking and giving ``data_input_shape`` (reshapes only),
        with flat codes, compiled with ``options`` (its loss, optimizer, learning rate and
        batch size; :attr:`options` when None). Models for one shape and the file's options
        are kept and given again."""
        from aeviewer.core.user_models.assemble import assemble

        shape = tuple(int(s) for s in data_input_shape)
        self.check(shape)
        if options is not None:
            return assemble(self.parts, shape, self.training_options(options))
        if shape not in self._by_shape:
            self._by_shape[shape] = assemble(self.parts, shape, self.options)
        return self._by_shape[shape]

    def training_options(self, options: ModelOptions) -> ModelOptions:
        """:attr:`options` with the loss, optimizer, learning rate and batch size of
        ``options`` (the file shapes the model); :class:`OptionsError` for a loss the model's
        output cannot take."""
        chosen = self.options.updated(
            loss=options.loss,
            optimizer=options.optimizer,
            learning_rate=options.learning_rate,
            batch_size=options.batch_size,
        )
        if chosen.loss == "bce" and chosen.output_activation != "sigmoid":
            raise OptionsError(
                f"binary cross-entropy needs a sigmoid output; {self.name} ends with "
                f"{self.output_activation}: use the mse loss"
            )
        return chosen

    def describe(self) -> list[str]:
        """Human lines for ``aeviewer info``."""
        shape = self.model_input_shape
        code = f"{self.code_size} values"
        if len(self.code_shape) > 1:
            code = (
                f"{' x '.join(map(str, self.code_shape))} = {code} (flattened for the latent view)"
            )
        lines = [
            f"model:        your own ({self.name})",
            f"layout:       {self.layout}",
            f"input shape:  {' x '.join(map(str, shape))} ({describe_shape(shape)})",
            f"code:         {code}",
            f"parameters:   {self.ae.count_params():,}",
            f"output:       {self.output_activation}",
            f"training:     {self.training_note}",
            f"data:         {self.data_hint}",
        ]
        if as_images(shape) != self.ae.input_shape:
            lines.insert(3, f"data shape:   {describe_shape(self.ae.input_shape)} (reshaped)")
        return lines
