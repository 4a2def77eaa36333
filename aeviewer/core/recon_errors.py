"""Per-sample reconstruction errors, and the anomaly lesson's worst samples and threshold."""

from __future__ import annotations

import numpy as np


def flat_samples(x: np.ndarray, name: str) -> np.ndarray:
    """``x`` as float64 ``(N, D)``: one flattened sample per row."""
    a = np.asarray(x, dtype=np.float64)
    if a.ndim < 1 or a.shape[0] == 0:
        raise ValueError(f"{name} needs at least one sample, got shape {a.shape}")
    return a.reshape(a.shape[0], -1)


def reconstruction_errors(x: np.ndarray, recon: np.ndarray) -> np.ndarray:
    """Per-sample mean squared error.

    Parameters
    ----------
    x, recon : np.ndarray
        ``(N, ...)`` originals and reconstructions with the same number of values per sample
        (``(N, 28, 28)`` against ``(N, 784)`` is fine); a colour sample's error is the mean
        over all its values, every channel of every pixel.

    Returns
    -------
    np.ndarray
        ``(N,)`` float64 errors.
    """
    a, b = flat_samples(x, "x"), flat_samples(recon, "recon")
    if a.shape != b.shape:
        raise ValueError(f"x and recon differ: {np.shape(x)} vs {np.shape(recon)}")
    out: np.ndarray = np.mean((a - b) ** 2, axis=1)
    return out


def top_k_worst(errors: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` largest errors, largest first (ties keep index order).

    Parameters
    ----------
    errors : np.ndarray
        ``(N,)`` errors.
    k : int
        How many; more than ``N`` returns all ``N``, 0 returns none.

    Returns
    -------
    np.ndarray
        ``(min(k, N),)`` int64 indices.
    """
    e = np.asarray(errors, dtype=np.float64).reshape(-1)
    if k < 0:
        raise ValueError(f"k must be >= 0, got {k}")
    order = np.argsort(-e, kind="stable")
    out: np.ndarray = order[: min(k, e.size)].astype(np.int64)
    return out


def threshold_for_fraction(errors: np.ndarray, fraction: float) -> float:
    """The error above which a ``fraction`` of the samples lie: the ``1 - fraction`` quantile.

    Parameters
    ----------
    errors : np.ndarray
        ``(N,)`` errors, ``N >= 1``.
    fraction : float
        In [0, 1]; 0.05 flags the worst 5% as anomalies.

    Returns
    -------
    float
        The threshold (linear interpolation between samples, numpy's default quantile).
    """
    e = np.asarray(errors, dtype=np.float64).reshape(-1)
    if e.size == 0:
        raise ValueError("threshold_for_fraction needs at least one error")
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"fraction must be between 0 and 1, got {fraction}")
    return float(np.quantile(e, 1.0 - fraction))
