"""Images changed while they load: ``--grey`` (colour to luminance) and ``--image-size N``.

Both apply to any source; image folders apply them while reading each file
(:mod:`~aeviewer.core.datasets.files`), arrays through :meth:`ImageOptions.apply`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
from PIL import Image

from .base import MAX_SIDE, MIN_SIDE, Dataset, _readonly
from .errors import DataShapeError

__all__ = ["GREY_WEIGHTS", "ImageOptions", "join_notes", "resize_images", "size_text", "to_grey"]

#: ITU-R BT.601 luma weights of R, G and B: the ones Pillow's ``convert("L")`` uses.
GREY_WEIGHTS = np.array([0.299, 0.587, 0.114], dtype=np.float32)


def size_text(h: int, w: int) -> str:
    """An image size as users read it, width first: ``size_text(30, 40) == "40x30"``."""
    return f"{w}x{h}"


def join_notes(*parts: str) -> str:
    """Join the non-empty parts of a ``Dataset.note`` into its one line."""
    return "; ".join(p for p in parts if p)


def resampling(src: tuple[int, int], dst: tuple[int, int]) -> Image.Resampling:
    """Lanczos when any side shrinks (it keeps thin strokes), bicubic when only enlarging."""
    shrinking = dst[0] < src[0] or dst[1] < src[1]
    return Image.Resampling.LANCZOS if shrinking else Image.Resampling.BICUBIC


def to_grey(x: np.ndarray) -> np.ndarray:
    """Colour ``(..., 3)`` float32 images in [0, 1] as grey ``(...)`` luminance in [0, 1]."""
    out = np.asarray(x, dtype=np.float32) @ GREY_WEIGHTS
    return np.clip(out, 0.0, 1.0, out=out)


def resize_images(x: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Resize float32 images ``(N, H, W)`` or ``(N, H, W, 3)`` to ``size = (H', W')``.

    Each channel is resized in Pillow's 32-bit float mode (no rounding to 8 bits), then
    clipped to [0, 1] (Lanczos and bicubic overshoot at edges).
    """
    if tuple(x.shape[1:3]) == tuple(size):
        return x
    h, w = size
    resample = resampling((int(x.shape[1]), int(x.shape[2])), size)
    out = np.empty((x.shape[0], h, w, *x.shape[3:]), dtype=np.float32)
    planes = x[..., None] if x.ndim == 3 else x
    targets = out[..., None] if x.ndim == 3 else out
    for i in range(x.shape[0]):
        for c in range(planes.shape[-1]):
            img = Image.fromarray(np.ascontiguousarray(planes[i, :, :, c], dtype=np.float32))
            targets[i, :, :, c] = np.asarray(img.resize((w, h), resample=resample))
    return np.clip(out, 0.0, 1.0, out=out)


@dataclass(frozen=True)
class ImageOptions:
    """How images are adjusted while loading.

    Parameters
    ----------
    size : int or None
        Resize every image to ``size x size`` pixels (``MIN_SIDE`` to ``MAX_SIDE``); None keeps
        the sizes.
    grey : bool
        Convert colour images to grey with :data:`GREY_WEIGHTS`.

    Raises
    ------
    DataShapeError
        When ``size`` is outside ``MIN_SIDE`` to ``MAX_SIDE``.
    """

    size: int | None = None
    grey: bool = False

    def __post_init__(self) -> None:
        if self.size is not None and not MIN_SIDE <= self.size <= MAX_SIDE:
            raise DataShapeError(
                f"--image-size {self.size}: image sides must be {MIN_SIDE} to {MAX_SIDE} pixels"
            )

    @property
    def shape(self) -> tuple[int, int] | None:
        """``(size, size)``, or None when sizes are kept."""
        return None if self.size is None else (self.size, self.size)

    def apply(self, ds: Dataset) -> Dataset:
        """Return ``ds`` with its images converted and resized as asked, and its note saying so.

        Parameters
        ----------
        ds : Dataset
            Any dataset; vectors are returned unchanged (with a note when an option was set).

        Returns
        -------
        Dataset
            ``ds`` itself when nothing needed changing.
        """
        if not ds.is_image:
            if self.size is None and not self.grey:
                return ds
            skipped = "(N, D) vectors: --image-size and --grey do not apply"
            return dataclasses.replace(ds, note=join_notes(ds.note, skipped))
        x_tr, x_va = ds.x_train, ds.x_val
        done: list[str] = []
        if self.grey and ds.channels == 3:
            x_tr, x_va = to_grey(x_tr), to_grey(x_va)
            done.append("colour converted to grey")
        if self.shape is not None and ds.image_shape != self.shape:
            x_tr, x_va = resize_images(x_tr, self.shape), resize_images(x_va, self.shape)
            old, new = size_text(*ds.image_shape), size_text(*self.shape)
            done.append(f"images resized from {old} to {new}")
        if not done:
            return ds
        return dataclasses.replace(
            ds,
            x_train=_readonly(x_tr),
            x_val=_readonly(x_va),
            note=join_notes(ds.note, *done),
        )
