"""Reconstruction quality of the presets' defaults against the course's recipes.

``quality_<preset>`` = validation BCE of the preset's default options trained by the app's
own trainer for E epochs, divided by the validation BCE of the course's recipe
(:mod:`aeviewer.bench.recipes`) trained with plain ``model.fit`` on the same data for the same
epochs, in the same run. Both are scored by :func:`val_bce` on the validation images. Ours is
deterministic reconstructions on both sides: a VAE, the app's or the recipe's, decodes
``z_mean`` (a sampled code would add noise to one side's score).

The notes show the figure's limits: the vanilla recipe has a linear output trained on squared
error, which the BCE (after clipping to (0, 1)) punishes harder than the app's sigmoid output
trained on BCE, so its row also gives the ratio of the validation MSE; and where
:data:`aeviewer.bench.recipes.ALTERNATIVE_BATCH` names a second batch size for a recipe (the
VAE at 32 against the notes' 128), that recipe is trained too and its ratio given.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import numpy as np

from aeviewer.bench.report import Results

if TYPE_CHECKING:
    from aeviewer.bench.data import BenchData

PRESETS = ("stacked", "denoising", "vae", "vanilla")


def val_bce(x: np.ndarray, y: np.ndarray) -> float:
    """Mean per-pixel binary cross-entropy of predictions ``y`` (clipped to [1e-7, 1-1e-7])
    for images ``x``: the formula of :func:`aeviewer.core.models.evaluate_reconstruction`."""
    t = np.asarray(x, np.float64).reshape(len(x), -1)
    p = np.clip(np.asarray(y, np.float64).reshape(len(x), -1), 1e-7, 1 - 1e-7)
    return float(-np.mean(t * np.log(p) + (1 - t) * np.log(1 - p)))


def val_mse(x: np.ndarray, y: np.ndarray) -> float:
    """Mean per-pixel squared error of predictions ``y`` (as they are, unclipped) for ``x``."""
    t = np.asarray(x, np.float64).reshape(len(x), -1)
    return float(np.mean((np.asarray(y, np.float64).reshape(len(x), -1) - t) ** 2))


def ours(data: BenchData, preset: str, epochs: int) -> tuple[float, float, float]:
    """Validation BCE and MSE of the preset's defaults after ``epochs`` epochs of the app's
    trainer, and the seconds it took."""
    from aeviewer.core.training import Trainer, TrainingConfig

    ds = data.dataset
    t = time.perf_counter()
    trainer = Trainer(ds, TrainingConfig(preset=preset, epochs=epochs, seed=0))
    report = trainer.run()
    if report.reason != "completed" or trainer.ae is None:
        raise RuntimeError(f"{preset}: {report.message}")
    seconds = time.perf_counter() - t
    x = np.asarray(ds.x_val, np.float32)
    y = trainer.ae.reconstruct(x)
    return val_bce(x, y), val_mse(x, y), seconds


def recipe(
    data: BenchData, preset: str, epochs: int, batch_size: int | None = None
) -> tuple[float, float, float, str]:
    """Validation BCE and MSE of the course's recipe after ``epochs`` epochs of ``fit`` (at
    the notes' batch size unless ``batch_size`` is given), the seconds, and its summary."""
    from aeviewer.bench import recipes

    ds = data.dataset
    r = recipes.build(preset, ds.input_shape, batch_size)
    x = np.ascontiguousarray(ds.x_train, np.float32)
    t = time.perf_counter()
    r.model.fit(x, x, batch_size=r.batch_size, epochs=epochs, verbose=0, shuffle=True)
    seconds = time.perf_counter() - t
    xv = np.asarray(ds.x_val, np.float32)
    scored = r.scored or r.model
    y = scored.predict(xv, batch_size=1000, verbose=0)
    return val_bce(xv, y), val_mse(xv, y), seconds, r.summary


def run(data: BenchData, results: Results, epochs: int) -> None:
    from aeviewer.bench import recipes

    for preset in PRESETS:
        key = f"quality_{preset}"
        try:
            mine, mine_mse, t_mine = ours(data, preset, epochs)
            theirs, theirs_mse, t_theirs, summary = recipe(data, preset, epochs)
            extra = ""
            if preset == "vanilla":  # a linear MSE recipe: its own loss, beside the BCE
                extra = (
                    f"; MSE ratio {mine_mse / theirs_mse:.3f} ({mine_mse:.4f} vs {theirs_mse:.4f})"
                )
            alt = recipes.ALTERNATIVE_BATCH.get(preset)
            if alt is not None:
                alt_bce, _, t_alt, _ = recipe(data, preset, epochs, alt)
                extra += (
                    f"; against the recipe at batch {alt}: {mine / alt_bce:.3f} "
                    f"(BCE {alt_bce:.4f}, {t_alt:.0f} s)"
                )
        except Exception as exc:  # one row fails, the others still run
            results.skip(key, f"error: {type(exc).__name__}: {exc}")
            continue
        how = "both decode z_mean" if preset == "vae" else "deterministic"
        results.set(
            key,
            mine / theirs,
            f"BCE {mine:.4f} vs recipe {theirs:.4f} ({summary}); {epochs} epochs on "
            f"{data.label}; {how}; {t_mine:.0f} s vs {t_theirs:.0f} s{extra}",
        )
