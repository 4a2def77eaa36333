"""Image helpers shared by the data loaders, the views and the drawing canvas (numpy + Pillow,
no Qt).

``mnist_style`` reproduces the MNIST preprocessing recipe (LeCun et al.): crop the ink, scale
its bounding box so the longer side is 20 pixels while keeping the aspect ratio, then place it
in a 28x28 frame so that the centre of mass of the ink sits at the centre of the frame.

Coordinates follow numpy indexing: pixel ``(r, c)`` has its centre at ``(r, c)``, so the centre
of a ``size x size`` frame is ``((size - 1) / 2, (size - 1) / 2)``, i.e. (13.5, 13.5) for 28x28.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

__all__ = ["RGB", "center_of_mass", "is_colour", "mnist_style", "tile_images", "to_uint8"]

RGB = 3  # channels of a colour image, stored last: (H, W, 3)


def is_colour(images: np.ndarray) -> bool:
    """Whether ``images`` hold colour pixels: one ``(H, W, 3)`` image or a batch ``(..., H,
    W, 3)``.

    Image sides are at least 8, so a grey ``(H, W)`` image or ``(N, H, W)`` batch never ends in
    an axis of 3, and vectors ``(N, D)`` have too few axes.
    """
    shape = np.shape(images)
    return len(shape) >= 3 and shape[-1] == RGB


def to_uint8(image: np.ndarray) -> np.ndarray:
    """Values in [0, 1] as bytes 0..255, for any shape: clipped, never rescaled (a faint image
    stays faint); NaN shows as 0.

    Returns
    -------
    np.ndarray
        A C-contiguous uint8 array of the same shape.
    """
    a = np.nan_to_num(np.asarray(image, dtype=np.float32), nan=0.0, posinf=1.0, neginf=0.0)
    return np.ascontiguousarray(np.rint(np.clip(a, 0.0, 1.0) * 255.0).astype(np.uint8))


def center_of_mass(image: np.ndarray) -> tuple[float, float]:
    """Return the intensity-weighted centre ``(row, col)`` of a 2-D image.

    Parameters
    ----------
    image : np.ndarray
        2-D array of non-negative intensities.

    Returns
    -------
    tuple of float
        ``(row, col)`` in pixel-index coordinates; the frame centre when the image is all zero.
    """
    a = np.asarray(image, dtype=np.float64)
    total = float(a.sum())
    if total <= 0.0:
        return ((a.shape[0] - 1) / 2.0, (a.shape[1] - 1) / 2.0)
    rows = a.sum(axis=1)
    cols = a.sum(axis=0)
    r = float(rows @ np.arange(a.shape[0])) / total
    c = float(cols @ np.arange(a.shape[1])) / total
    return (r, c)


def _resize(crop: np.ndarray, height: int, width: int) -> np.ndarray:
    """Resize a float32 2-D array with Pillow (antialiased when shrinking)."""
    if crop.shape == (height, width):
        return crop
    shrinking = height * width < crop.shape[0] * crop.shape[1]
    resample = Image.Resampling.LANCZOS if shrinking else Image.Resampling.BICUBIC
    img = Image.fromarray(np.ascontiguousarray(crop, dtype=np.float32))  # mode "F"
    # Shrinking, Pillow first box-averages by a whole factor that leaves 3x the target size,
    # then Lanczos: 3x faster for every stroke, nearly the same pixels (docs/performance.md).
    gap = 3.0 if shrinking else None
    return np.asarray(
        img.resize((width, height), resample=resample, reducing_gap=gap), dtype=np.float32
    )


def _subpixel_shift(a: np.ndarray, fy: float, fx: float) -> np.ndarray:
    """Shift ``a`` down/right by fractions ``0 <= fy, fx < 1`` (bilinear, mass-preserving).

    The result is one pixel taller and wider than ``a`` so that no ink is lost.
    """
    h, w = a.shape
    out = np.zeros((h + 1, w + 1), dtype=np.float32)
    out[:h, :w] += (1.0 - fy) * (1.0 - fx) * a
    out[1:, :w] += fy * (1.0 - fx) * a
    out[:h, 1:] += (1.0 - fy) * fx * a
    out[1:, 1:] += fy * fx * a
    return out


def mnist_style(image: np.ndarray, *, box: int = 20, size: int = 28) -> np.ndarray:
    """Convert a drawing or scan to an MNIST-like image.

    Parameters
    ----------
    image : np.ndarray
        2-D array of any size, ink = high values (white digit on black), values >= 0 in any
        scale (0..1, 0..16, 0..255, ...). Negative values are treated as 0.
    box : int, default 20
        Length in pixels of the longer side of the ink's bounding box after scaling.
    size : int, default 28
        Side of the square output frame.

    Returns
    -------
    np.ndarray
        float32 array of shape ``(size, size)`` with values in [0, 1]. The ink's centre of mass
        is at ``((size - 1) / 2, (size - 1) / 2)`` (13.5, 13.5 for 28x28) up to interpolation
        error, unless that would push ink outside the frame (the ink is then clipped, as in
        MNIST). When the input maximum is above 1 the output is rescaled so its maximum is 1;
        otherwise intensities are kept and only clipped to [0, 1]. An image without ink
        returns zeros.

    Raises
    ------
    ValueError
        If ``image`` is not 2-D, holds NaN/inf, or ``box``/``size`` are invalid.

    Notes
    -----
    Shrinking uses Lanczos (antialiased, after a box reduction by a whole factor that keeps 3x
    the target size: Pillow's ``reducing_gap``), enlarging uses bicubic interpolation; the
    centring shift is bilinear. About 0.25 ms for a 280x280 canvas.
    """
    if box < 1 or size < box:
        raise ValueError(f"need 1 <= box <= size, got box={box}, size={size}")
    a = np.asarray(image)
    if a.ndim != 2:
        raise ValueError(f"mnist_style expects a 2-D image, got shape {a.shape}")
    out = np.zeros((size, size), dtype=np.float32)
    if a.size == 0:
        return out
    a = a.astype(np.float32, copy=False)
    if not np.isfinite(a).all():
        raise ValueError("mnist_style: image holds NaN or infinite values")
    ink = a > 0
    rows = np.flatnonzero(ink.any(axis=1))
    if rows.size == 0:
        return out
    cols = np.flatnonzero(ink.any(axis=0))
    crop = np.clip(a[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1], 0.0, None)
    peak = float(crop.max())
    rescale = peak > 1.0
    if rescale:
        crop = crop / peak

    h, w = crop.shape
    scale = box / max(h, w)
    new_h = max(1, min(box, round(h * scale)))
    new_w = max(1, min(box, round(w * scale)))
    small = np.clip(_resize(crop, new_h, new_w), 0.0, 1.0)
    if not small.any():
        return out

    # Place the resized ink so its centre of mass lands on the frame centre.
    cy, cx = center_of_mass(small)
    centre = (size - 1) / 2.0
    oy, ox = centre - cy, centre - cx
    iy, ix = int(np.floor(oy)), int(np.floor(ox))
    shifted = _subpixel_shift(small, oy - iy, ox - ix)
    sh, sw = shifted.shape
    top, left = max(iy, 0), max(ix, 0)
    bottom, right = min(iy + sh, size), min(ix + sw, size)
    if bottom > top and right > left:
        out[top:bottom, left:right] = shifted[top - iy : bottom - iy, left - ix : right - ix]
    if rescale:
        peak_out = float(out.max())
        if peak_out > 0.0:
            out /= peak_out
    np.clip(out, 0.0, 1.0, out=out)
    return out


def tile_images(
    images: np.ndarray, n_cols: int, pad: int = 1, pad_value: float = 1.0
) -> np.ndarray:
    """Arrange images in a row-major grid separated by grid lines.

    Parameters
    ----------
    images : np.ndarray
        Grey images ``(N, H, W)`` (``(N, H, W, 1)`` is accepted and squeezed) or colour
        images ``(N, H, W, 3)``.
    n_cols : int
        Number of columns; the number of rows is ``ceil(N / n_cols)``.
    pad : int, default 1
        Width in pixels of the grid lines between tiles (no border around the mosaic).
    pad_value : float, default 1.0
        Value of the grid lines and of the empty cells after the last image (in every channel
        of a colour mosaic).

    Returns
    -------
    np.ndarray
        float32 array of shape ``(rows * H + (rows - 1) * pad, n_cols * W + (n_cols - 1) *
        pad)``, with a last axis of 3 for colour images.

    Raises
    ------
    ValueError
        If ``images`` is neither ``(N, H, W)`` nor ``(N, H, W, 3)``, is empty, or
        ``n_cols < 1`` / ``pad < 0``.
    """
    arr = np.asarray(images)
    if arr.ndim == 4 and arr.shape[-1] == 1:
        arr = arr[..., 0]
    if arr.ndim != 3 and not (arr.ndim == 4 and is_colour(arr)):
        raise ValueError(
            f"tile_images expects (N, H, W) or (N, H, W, 3) images, got shape {arr.shape}"
        )
    if n_cols < 1 or pad < 0:
        raise ValueError(f"need n_cols >= 1 and pad >= 0, got n_cols={n_cols}, pad={pad}")
    n, h, w = arr.shape[:3]
    if n == 0:
        raise ValueError("tile_images got no images")
    n_rows = -(-n // n_cols)
    mosaic = np.full(
        (n_rows * h + (n_rows - 1) * pad, n_cols * w + (n_cols - 1) * pad, *arr.shape[3:]),
        pad_value,
        dtype=np.float32,
    )
    for i in range(n):
        r, c = divmod(i, n_cols)
        y, x = r * (h + pad), c * (w + pad)
        mosaic[y : y + h, x : x + w] = arr[i]
    return mosaic
