"""Inputs a user gives the model beside the data set: a drawing for grey images, a picture for
colour ones. Each becomes one sample of the data set's shape (numpy + Pillow, no Qt)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from aeviewer.core.datasets.adjust import resampling
from aeviewer.core.images import mnist_style

__all__ = ["MAX_PICTURE_PIXELS", "PictureError", "drawing_sample", "fit_picture", "read_picture"]

#: Largest picture opened (width x height): a 24-megapixel photo, far below Pillow's bomb limit.
MAX_PICTURE_PIXELS = 6000 * 4000


class PictureError(ValueError):
    """A picture that cannot be opened; the message is one line naming the file."""


def read_picture(path: str | os.PathLike[str]) -> np.ndarray:
    """Read an image file as float32 RGB ``(h, w, 3)`` in [0, 1] (alpha over white dropped).

    Raises
    ------
    PictureError
        One line naming the file: missing, not an image, too large or damaged.
    """
    p = Path(path)
    try:
        with Image.open(p) as img:
            w, h = img.size
            if w * h > MAX_PICTURE_PIXELS:
                raise PictureError(f"{p.name}: {w}x{h} pixels is more than this app opens")
            img.load()
            if img.mode in ("RGBA", "LA", "P", "PA"):
                rgba = img.convert("RGBA")
                rgb = Image.new("RGB", rgba.size, (255, 255, 255))
                rgb.paste(rgba, mask=rgba.getchannel("A"))
            else:
                rgb = img.convert("RGB")
    except FileNotFoundError:
        raise PictureError(f"{p.name}: no such file") from None
    except UnidentifiedImageError:
        raise PictureError(f"{p.name}: not a picture (PNG, JPEG, BMP, GIF, TIFF, WebP)") from None
    except Image.DecompressionBombError:
        raise PictureError(f"{p.name}: the picture is too large to open") from None
    except (OSError, SyntaxError, ValueError) as exc:
        if isinstance(exc, PictureError):
            raise
        raise PictureError(f"{p.name}: damaged or truncated picture") from None
    return np.asarray(rgb, dtype=np.float32) / np.float32(255.0)


def _centre_crop(a: np.ndarray, height: int, width: int) -> np.ndarray:
    """The largest centred part of ``a`` with the aspect ratio ``width / height``."""
    h, w = a.shape[:2]
    if w * height > h * width:  # too wide
        cw = max(1, round(h * width / height))
        left = (w - cw) // 2
        return a[:, left : left + cw]
    ch = max(1, round(w * height / width))
    top = (h - ch) // 2
    return a[top : top + ch]


def fit_picture(picture: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """One sample of ``shape`` from a picture: centre-cropped to the aspect ratio, resized.

    Parameters
    ----------
    picture : np.ndarray
        ``(h, w, 3)`` RGB or ``(h, w)`` grey, floats in [0, 1].
    shape : tuple of int
        The data set's sample shape, ``(H, W)`` grey or ``(H, W, 3)`` colour.

    Returns
    -------
    np.ndarray
        float32 of ``shape`` in [0, 1]; a colour picture for grey data is converted with the
        usual luminance weights.
    """
    if len(shape) not in (2, 3):
        raise ValueError(f"a picture cannot become a sample of shape {shape}")
    height, width = int(shape[0]), int(shape[1])
    a = np.clip(np.asarray(picture, dtype=np.float32), 0.0, 1.0)
    a = _centre_crop(a, height, width)
    u8 = np.ascontiguousarray(np.rint(a * 255.0).astype(np.uint8))
    img = Image.fromarray(u8, "RGB" if u8.ndim == 3 else "L")
    img = img.resize((width, height), resample=resampling(u8.shape[:2], (height, width)))
    img = img.convert("RGB" if len(shape) == 3 else "L")
    return np.asarray(img, dtype=np.float32) / np.float32(255.0)


def drawing_sample(drawing: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """A canvas drawing as one grey sample of ``shape`` ``(H, W)``, prepared as MNIST's digits
    were: the ink scaled to 20/28 of the frame and centred on its centre of mass."""
    height, width = int(shape[0]), int(shape[1])
    side = max(height, width)
    digit = mnist_style(drawing, box=max(1, round(side * 20 / 28)), size=side)
    if (height, width) == (side, side):
        return digit
    return fit_picture(digit, (height, width))
