"""Opening a user's model: read the file(s), find encoder and decoder, choose how to train."""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from aeviewer.core.models.options import OptionsError
from aeviewer.core.persistence import ModelFileError
from aeviewer.core.user_models.assemble import output_activation, shape_of
from aeviewer.core.user_models.compiled import from_options, training_choice
from aeviewer.core.user_models.files import read_model_file
from aeviewer.core.user_models.shapes import as_images
from aeviewer.core.user_models.splitting import find_parts
from aeviewer.core.user_models.user_model import UserModel

if TYPE_CHECKING:
    from aeviewer.core.models import Autoencoder
    from aeviewer.core.training_config import TrainingConfig

VAE_NOTE = "VAE encoder: code is z_mean"


def open_user_model(
    paths: Sequence[str | os.PathLike[str]],
    split_at: str | None = None,
    data_shape: tuple[int, ...] | None = None,
) -> UserModel:
    """Open a notebook's Keras autoencoder safely and find its encoder and decoder.

    Parameters
    ----------
    paths
        One ``.keras`` or ``.h5`` file, or an encoder file then a decoder file.
    split_at
        The layer the encoder ends with, for a model whose bottleneck is not clear.
    data_shape
        The shape of the data it will take (its :attr:`UserModel.ae` is built for it); the
        model's own input shape, without a grey channel axis, when None.

    Raises
    ------
    ModelFileError
        One line saying why it cannot be used and what to do instead.
    """
    if not 1 <= len(paths) <= 2:
        raise ModelFileError("give one model file, or an encoder file and then a decoder file")
    files = [read_model_file(p) for p in paths]
    parts = find_parts(files, split_at)
    meta = files[0].meta if len(files) == 1 else {}
    saved = meta.get("options")
    compiled = from_options(saved) if isinstance(saved, dict) else {}
    compiled = compiled or next((f.compiled for f in files if f.compiled), {})
    model_in = shape_of(parts.encoder.inputs[0])
    code_shape = shape_of(parts.encoder.outputs[0])
    activation = output_activation(parts.decoder)
    options, note = training_choice(
        compiled, activation == "sigmoid", code_size=math.prod(code_shape)
    )
    user = UserModel(
        paths=tuple(str(p) for p in paths),
        layout=f"{parts.layout}; {VAE_NOTE}" if parts.variational else parts.layout,
        split_at=parts.split_at,
        variational=parts.variational,
        model_input_shape=model_in,
        code_shape=code_shape,
        output_activation=activation,
        options=options,
        training_note=note,
        parts=parts,
        meta=meta,
    )
    user.ae = user.autoencoder_for(data_shape or as_images(model_in))
    return user


def open_for_training(config: TrainingConfig, data_shape: tuple[int, ...]) -> Autoencoder:
    """The model of ``config.model_files`` for data of ``data_shape``, trained with
    ``config.options``' loss, optimizer, learning rate and batch size, or the file's when
    ``config.options`` is None. Call it on the thread that trains the model."""
    if config.greedy:
        raise OptionsError("greedy pretraining builds a preset layer by layer; not a model file")
    user = open_user_model(config.model_files, config.split_at, data_shape=data_shape)
    return user.ae if config.options is None else user.autoencoder_for(data_shape, config.options)
