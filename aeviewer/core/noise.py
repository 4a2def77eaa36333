"""Corruptions for denoising autoencoders, and image-quality measures (pure numpy).

Every corruption returns a new float32 array clipped to [0, 1] and never modifies its input.
Results depend only on the input and on the random generator (or seed) passed in. On colour
images (a last axis of 3) masking and salt-and-pepper act on whole pixels, all three channels
at once, so a dropped pixel is black and a salt grain white, as on grey images.
"""

from __future__ import annotations

import math

import numpy as np

from aeviewer.core.images import is_colour

__all__ = ["corrupt", "gaussian", "masking", "mse", "psnr", "salt_and_pepper"]


def _as_float(x: np.ndarray) -> np.ndarray:
    """Return a float32 copy of ``x`` (never a view of the caller's array)."""
    return np.array(x, dtype=np.float32, copy=True)


def _pixel_shape(x: np.ndarray) -> tuple[int, ...]:
    """The shape to draw one random number per pixel for: ``x``'s without its colour axis."""
    return x.shape[:-1] if is_colour(x) else x.shape


def _check_fraction(value: float, what: str) -> None:
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{what} must be between 0 and 1, got {value}")


def gaussian(x: np.ndarray, std: float, rng: np.random.Generator) -> np.ndarray:
    """Add zero-mean Gaussian noise.

    Parameters
    ----------
    x : np.ndarray
        Images or vectors with values in [0, 1].
    std : float
        Standard deviation of the noise (>= 0).
    rng : np.random.Generator
        Source of randomness.

    Returns
    -------
    np.ndarray
        ``clip(x + N(0, std**2), 0, 1)`` as float32.
    """
    if not std >= 0.0:
        raise ValueError(f"std must be >= 0, got {std}")
    out = _as_float(x)
    if std > 0.0:
        out += rng.standard_normal(out.shape, dtype=np.float32) * np.float32(std)
    return np.clip(out, 0.0, 1.0, out=out)


def masking(x: np.ndarray, rate: float, rng: np.random.Generator) -> np.ndarray:
    """Set each value to 0 with probability ``rate`` (dropout-style, without rescaling).

    Parameters
    ----------
    x : np.ndarray
        Images or vectors with values in [0, 1]; a colour pixel (all its channels) is zeroed
        as one value.
    rate : float
        Probability in [0, 1] that a value is zeroed.
    rng : np.random.Generator
        Source of randomness.

    Returns
    -------
    np.ndarray
        Masked copy of ``x`` as float32, clipped to [0, 1].
    """
    _check_fraction(rate, "rate")
    out = _as_float(x)
    if rate > 0.0:
        out[rng.random(_pixel_shape(out)) < rate] = 0.0
    return np.clip(out, 0.0, 1.0, out=out)


def salt_and_pepper(x: np.ndarray, amount: float, rng: np.random.Generator) -> np.ndarray:
    """Set a fraction ``amount`` of the values to 0 or 1, half of each on average.

    Parameters
    ----------
    x : np.ndarray
        Images or vectors with values in [0, 1]; a colour pixel (all its channels) is set as
        one value, to black or white.
    amount : float
        Expected fraction in [0, 1] of values replaced.
    rng : np.random.Generator
        Source of randomness.

    Returns
    -------
    np.ndarray
        Corrupted copy of ``x`` as float32, clipped to [0, 1].
    """
    _check_fraction(amount, "amount")
    out = _as_float(x)
    if amount > 0.0:
        u = rng.random(_pixel_shape(out))
        out[u < amount / 2.0] = 0.0
        out[(u >= amount / 2.0) & (u < amount)] = 1.0
    return np.clip(out, 0.0, 1.0, out=out)


def corrupt(
    x: np.ndarray,
    *,
    gaussian_std: float = 0.0,
    mask_rate: float = 0.0,
    salt_pepper: float = 0.0,
    seed: int = 0,
) -> np.ndarray:
    """Apply Gaussian noise, then masking, then salt-and-pepper noise.

    Parameters
    ----------
    x : np.ndarray
        Images or vectors with values in [0, 1].
    gaussian_std : float, default 0.0
        Standard deviation for :func:`gaussian` (0 skips it).
    mask_rate : float, default 0.0
        Rate for :func:`masking` (0 skips it).
    salt_pepper : float, default 0.0
        Amount for :func:`salt_and_pepper` (0 skips it).
    seed : int, default 0
        Seed of the ``numpy.random.default_rng`` shared by the three steps.

    Returns
    -------
    np.ndarray
        Corrupted float32 copy; equal to ``x`` (as float32, clipped) when all settings are 0.
    """
    if gaussian_std < 0.0 or mask_rate < 0.0 or salt_pepper < 0.0:
        raise ValueError(
            "noise settings must be >= 0, got "
            f"gaussian_std={gaussian_std}, mask_rate={mask_rate}, salt_pepper={salt_pepper}"
        )
    rng = np.random.default_rng(seed)
    out = np.clip(_as_float(x), 0.0, 1.0)
    if gaussian_std > 0.0:
        out = gaussian(out, gaussian_std, rng)
    if mask_rate > 0.0:
        out = masking(out, mask_rate, rng)
    if salt_pepper > 0.0:
        out = salt_and_pepper(out, salt_pepper, rng)
    return out


def mse(a: np.ndarray, b: np.ndarray) -> float:
    """Mean squared error between two arrays of the same shape.

    Parameters
    ----------
    a, b : np.ndarray
        Arrays of identical shape.

    Returns
    -------
    float
        ``mean((a - b) ** 2)`` computed in float64.
    """
    a64 = np.asarray(a, dtype=np.float64)
    b64 = np.asarray(b, dtype=np.float64)
    if a64.shape != b64.shape:
        raise ValueError(f"shapes differ: {a64.shape} vs {b64.shape}")
    if a64.size == 0:
        raise ValueError("mse of empty arrays is undefined")
    return float(np.mean((a64 - b64) ** 2))


def psnr(a: np.ndarray, b: np.ndarray, data_range: float = 1.0) -> float:
    """Peak signal-to-noise ratio in decibels.

    Parameters
    ----------
    a, b : np.ndarray
        Arrays of identical shape.
    data_range : float, default 1.0
        Difference between the largest and smallest possible values.

    Returns
    -------
    float
        ``10 * log10(data_range**2 / mse(a, b))``; ``inf`` for identical inputs.
    """
    if not data_range > 0.0:
        raise ValueError(f"data_range must be > 0, got {data_range}")
    err = mse(a, b)
    if err == 0.0:
        return math.inf
    return 10.0 * math.log10(data_range**2 / err)
