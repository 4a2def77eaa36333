"""Greedy layer-wise pretraining: train one shallow autoencoder at a time, then stack them.

Stage k trains encoder layer k together with its mirror decoder layer, on the codes of the
stages before it (kept frozen with ``stop_gradient``). The layers are the stacked model's own,
so after the last stage the whole stack is already in place for fine-tuning.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import keras
from keras import ops

from aeviewer.core.models import Autoencoder, OptionsError
from aeviewer.core.models.autoencoder import flat, reconstruction_loss
from aeviewer.core.stages import stage_heading

if TYPE_CHECKING:
    import numpy as np

    from aeviewer.core.datasets import Dataset


@dataclass
class Stage:
    name: str
    title: str
    variables: list[Any]
    loss_fn: Callable[[Any, bool], dict[str, Any]]
    x_train: np.ndarray
    x_val: np.ndarray


def _dense_layers(model: keras.Model) -> list[keras.layers.Dense]:
    return [layer for layer in model.layers if type(layer).__name__ == "Dense"]


def greedy_stages(ae: Autoencoder, dataset: Dataset) -> list[Stage]:
    """One stage per encoder layer, outermost first."""
    enc, dec = _dense_layers(ae.encoder), _dense_layers(ae.decoder)
    if ae.variational or ae.options.tied or not enc or len(enc) != len(dec):
        raise OptionsError("greedy pretraining needs a dense, untied, non-variational model")
    n = len(enc)
    stages = []
    for k in range(n):
        inner, outer = enc[k], dec[n - 1 - k]
        prefix = enc[:k]
        kind = ae.options.loss if k == 0 else "mse"

        def loss_fn(
            x: Any,
            training: bool,
            prefix: list = prefix,
            inner: Any = inner,
            outer: Any = outer,
            kind: str = kind,
        ) -> dict[str, Any]:
            h = flat(x)
            for layer in prefix:
                h = layer(h)
            h = ops.stop_gradient(h)
            rec = outer(inner(h))
            loss = reconstruction_loss(h, rec, kind)
            return {"loss": loss}

        sizes = f"{inner.kernel.shape[0]} → {inner.units} → {outer.units}"
        title = f"{stage_heading(k + 1, n + 1)}: a shallow autoencoder {sizes}" + (
            "" if k == 0 else f", on the codes of stage {k}"
        )
        stages.append(
            Stage(
                f"stage{k + 1}",
                title,
                [*inner.trainable_variables, *outer.trainable_variables],
                loss_fn,
                dataset.x_train,
                dataset.x_val,
            )
        )
    return stages
