"""The noise ladder: mean PSNR of each reconstructor at rising noise levels, and its y range."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from aeviewer.core import noise
from aeviewer.core.recon_errors import reconstruction_errors

PSNR_CAP_DB = 60.0  # a perfect reconstruction has infinite PSNR; a plot needs a number
NOISY_INPUT = "noisy input"  # the ladder's baseline series: the corrupted input itself


def _mean_psnr(clean: np.ndarray, other: np.ndarray) -> float:
    """Mean over images of :func:`aeviewer.core.noise.psnr` (range 1), each capped."""
    err = reconstruction_errors(clean, other)
    with np.errstate(divide="ignore"):
        db = 10.0 * np.log10(1.0 / err)  # noise.psnr's formula, vectorised; 1/0 -> inf
    return float(np.mean(np.minimum(db, PSNR_CAP_DB)))


#: Each kind of noise a ladder climbs, by the keyword of :func:`aeviewer.core.noise.corrupt`
#: whose level it raises.
NOISE_KINDS: dict[str, str] = {
    "gaussian": "gaussian_std",
    "mask": "mask_rate",
    "salt_pepper": "salt_pepper",
}


def _corrupt(clean: np.ndarray, kind: str, level: float, seed: int) -> np.ndarray:
    keyword = NOISE_KINDS.get(kind)
    if keyword is None:
        *most, last = (repr(k) for k in NOISE_KINDS)
        raise ValueError(f"unknown noise kind {kind!r}: use {', '.join(most)} or {last}")
    return noise.corrupt(clean, seed=seed, **{keyword: level})


def psnr_ladder(
    clean: np.ndarray,
    levels: Sequence[float] | np.ndarray,
    reconstruct: Mapping[str, Callable[[np.ndarray], np.ndarray]],
    kind: str = "gaussian",
    seed: int = 0,
) -> dict[str, np.ndarray]:
    """Mean PSNR of each reconstructor against the clean images, at rising noise levels.

    Parameters
    ----------
    clean : np.ndarray
        ``(N, H, W)`` grey or ``(N, H, W, 3)`` colour images in [0, 1].
    levels : sequence of float or np.ndarray
        Noise levels: the Gaussian σ for ``kind="gaussian"``, the zeroed fraction for
        ``"mask"``, the replaced fraction for ``"salt_pepper"``.
    reconstruct : mapping of str to callable
        Name -> function from a corrupted batch (the shape of ``clean``) to its
        reconstruction (any shape with as many values per image, e.g. a decoder's flat
        output).
    kind : str, default "gaussian"
        ``"gaussian"``, ``"mask"`` or ``"salt_pepper"`` (see :mod:`aeviewer.core.noise`).
    seed : int, default 0
        Seed of the corruption; the same seed at every level, so the curves are smooth (the
        noise pattern only grows).

    Returns
    -------
    dict of str to np.ndarray
        ``"noisy input"`` (the PSNR of the corrupted batch itself) first, then one entry per
        reconstructor in the given order; each a ``(len(levels),)`` float64 array in dB,
        averaged over the images, with each image capped at :data:`PSNR_CAP_DB` (a perfect
        reconstruction has infinite PSNR).
    """
    images = np.asarray(clean, dtype=np.float32)
    if images.ndim < 2 or images.shape[0] == 0:
        raise ValueError(f"psnr_ladder needs a batch of images, got shape {images.shape}")
    if NOISY_INPUT in reconstruct:
        raise ValueError(f"{NOISY_INPUT!r} is reserved for the corrupted input's own PSNR")
    names = [NOISY_INPUT, *reconstruct]
    out = {name: np.empty(len(levels), dtype=np.float64) for name in names}
    for i, level in enumerate(levels):
        noisy = _corrupt(images, kind, float(level), seed)
        out[NOISY_INPUT][i] = _mean_psnr(images, noisy)
        for name, fn in reconstruct.items():
            out[name][i] = _mean_psnr(images, np.asarray(fn(noisy)))
    return out


def psnr_axis_range(series: Mapping[str, np.ndarray], pad_db: float = 2.0) -> tuple[float, float]:
    """A y range (dB) for a noise ladder that keeps every line readable.

    The noisy input's PSNR at tiny noise is huge (capped at :data:`PSNR_CAP_DB`) and would
    squeeze the models' lines: the range covers the models' values fully and the baseline
    only up to a little above the best model.
    """
    models = [np.asarray(v, dtype=np.float64) for k, v in series.items() if k != NOISY_INPUT]
    every = [np.asarray(v, dtype=np.float64) for v in series.values()]
    if not every:
        raise ValueError("no series")
    pool = np.concatenate(models if models else every)
    pool = pool[np.isfinite(pool)]
    base = np.concatenate(every)
    base = base[np.isfinite(base)]
    if pool.size == 0:
        return 0.0, PSNR_CAP_DB
    lo = float(min(pool.min(), base.min() if base.size else pool.min())) - pad_db
    hi = float(pool.max()) + 2 * pad_db
    return max(0.0, lo), hi
