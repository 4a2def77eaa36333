"""Grids of latent codes and the mosaics and cross-fades their decoded images make."""

from __future__ import annotations

import math

import numpy as np

from aeviewer.core.images import tile_images


def manifold_grid(
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    n: int,
    n_rows: int | None = None,
) -> np.ndarray:
    """A regular grid of 2-D codes covering the given ranges: ``n`` per row, ``n_rows`` rows.

    Parameters
    ----------
    x_range, y_range : tuple of float
        ``(low, high)`` of each latent coordinate, ends included.
    n : int
        Points per row (along x), ``n >= 2``.
    n_rows : int, optional
        Rows (along y), ``>= 2``; ``n`` when omitted (a square grid). A grid drawn over a
        wide plot takes fewer rows, so its tiles stay square on screen.

    Returns
    -------
    np.ndarray
        ``(n_rows * n, 2)`` float32 codes, row-major with the first row at the top (largest
        y) and x increasing along a row: decoded and tiled with :func:`tile_mosaic`
        (``n_cols=n``), the mosaic has the same orientation as the latent scatter plot.
    """
    rows = n if n_rows is None else n_rows
    if n < 2 or rows < 2:
        raise ValueError(f"need at least 2 points per side, got {n} x {rows}")
    xs = np.linspace(float(x_range[0]), float(x_range[1]), n)
    ys = np.linspace(float(y_range[1]), float(y_range[0]), rows)  # top row first
    gx, gy = np.meshgrid(xs, ys)  # gx[r, c] = xs[c], gy[r, c] = ys[r]
    return np.stack([gx.ravel(), gy.ravel()], axis=1).astype(np.float32)


def tile_mosaic(images: np.ndarray, n_cols: int) -> np.ndarray:
    """Images side by side with no gaps (a decoded manifold reads as one picture).

    Parameters
    ----------
    images : np.ndarray
        Grey ``(N, H, W)`` (or ``(N, H, W, 1)``, or ``(N, H*W)`` square images), or colour
        ``(N, H, W, 3)``.
    n_cols : int
        Images per row; the last row is padded with black.

    Returns
    -------
    np.ndarray
        float32 ``(ceil(N / n_cols) * H, n_cols * W)``, or ``(..., 3)`` for colour images.
    """
    arr = np.asarray(images)
    if arr.ndim == 2:  # flat decoder output: square images
        side = math.isqrt(arr.shape[1])
        if side * side != arr.shape[1]:
            raise ValueError(f"cannot tile flat images of {arr.shape[1]} values: not square")
        arr = arr.reshape(arr.shape[0], side, side)
    return tile_images(arr, n_cols, pad=0, pad_value=0.0)


def pixel_crossfade(a: np.ndarray, b: np.ndarray, steps: int) -> np.ndarray:
    """Blend two images pixel by pixel: ``(1 - t) a + t b`` for ``t = linspace(0, 1, steps)``.

    Parameters
    ----------
    a, b : np.ndarray
        Images of the same shape.
    steps : int
        Number of frames, ``>= 2``: the first is ``a``, the last ``b``.

    Returns
    -------
    np.ndarray
        float32 ``(steps, *a.shape)``.
    """
    a32 = np.asarray(a, dtype=np.float32)
    b32 = np.asarray(b, dtype=np.float32)
    if a32.shape != b32.shape:
        raise ValueError(f"images differ in shape: {a32.shape} vs {b32.shape}")
    if steps < 2:
        raise ValueError(f"steps must be >= 2, got {steps}")
    t = np.linspace(0.0, 1.0, steps, dtype=np.float32).reshape((steps,) + (1,) * a32.ndim)
    out: np.ndarray = ((1.0 - t) * a32[None] + t * b32[None]).astype(np.float32)
    out[0], out[-1] = a32, b32  # exact endpoints, whatever the rounding
    return out
