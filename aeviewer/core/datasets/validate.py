"""Validation shared by every data source: shapes, dtypes, ranges, labels.

Each check raises a typed :class:`DatasetError` whose single line names the file (or dataset)
and the array concerned, e.g. ``"/tmp/x.npz: x_train images are 200x200 pixels; sides must be
8 to 128 pixels (--image-size N resizes every image to NxN)"``.
"""

from __future__ import annotations

import os

import numpy as np

from .base import MAX_SIDE, MIN_SIDE, Dataset, _readonly
from .errors import (
    DataDtypeError,
    DataRangeError,
    DataShapeError,
    EmptyDataError,
    LabelMismatchError,
    NonFiniteDataError,
)

__all__ = ["MAX_LABEL", "assemble", "check_labels", "check_samples", "check_sides"]

#: Largest label value accepted (class_names is sized max label + 1).
MAX_LABEL = 65_535
#: How to resize images that do not fit, for the messages that refuse them.
RESIZE_HINT = "--image-size N resizes every image to NxN"

_BAD_KINDS = {
    "b": "bool",
    "O": "object",
    "U": "string",
    "S": "bytes",
    "c": "complex",
    "V": "structured",
    "M": "datetime",
    "m": "timedelta",
}

PathArg = str | os.PathLike[str] | None


def _fmt(v: float) -> str:
    return f"{v:.6g}"


def check_sides(
    h: int, w: int, *, what: str, path: PathArg = None, name: str | None = None
) -> None:
    """Refuse images whose sides are outside ``MIN_SIDE`` to ``MAX_SIDE`` pixels.

    Parameters
    ----------
    h, w : int
        Height and width of the images.
    what : str
        The images named in the message (``"x_train images"``, ``"its images"``).
    path, name : optional
        File or dataset named in messages.

    Raises
    ------
    DataShapeError
    """
    if not (MIN_SIDE <= h <= MAX_SIDE and MIN_SIDE <= w <= MAX_SIDE):
        raise DataShapeError(
            f"{what} are {w}x{h} pixels; sides must be {MIN_SIDE} to {MAX_SIDE} pixels"
            f" ({RESIZE_HINT})",
            path=path,
            name=name,
        )


def _channels_problem(shape: tuple[int, ...]) -> str:
    """Why ``(N, H, W, C)`` with C not 1 or 3 is refused, and what to do about it."""
    c = shape[-1]
    if shape[1] in (1, 3) and c not in (1, 3):
        return "channels seem to come first; expected (N, H, W, 3): use x.transpose(0, 2, 3, 1)"
    if c == 4:
        return "4 channels (RGBA?); expected 1 (grey) or 3 (RGB): drop the alpha with x[..., :3]"
    return f"{c} channels; expected 1 (grey) or 3 (RGB colour)"


def _image_layout(
    arr: np.ndarray, *, part: str, path: PathArg, name: str | None, resized: bool
) -> np.ndarray:
    """``arr`` with a single channel axis squeezed, after checking its shape and image sides."""
    if arr.ndim == 4 and arr.shape[-1] == 1:
        arr = arr[..., 0]
    if arr.ndim == 4 and arr.shape[-1] != 3:
        raise DataShapeError(
            f"{part} has shape {arr.shape}: {_channels_problem(arr.shape)}", path=path, name=name
        )
    if arr.ndim not in (2, 3, 4):
        raise DataShapeError(
            f"{part} has shape {arr.shape}; expected (N, H, W) grey or (N, H, W, 3) colour"
            " images, or (N, D) vectors",
            path=path,
            name=name,
        )
    if arr.ndim >= 3 and arr.shape[0] > 0 and not resized:
        check_sides(
            int(arr.shape[1]), int(arr.shape[2]), what=f"{part} images", path=path, name=name
        )
    return arr


def check_samples(
    x: object,
    *,
    part: str,
    path: PathArg = None,
    name: str | None = None,
    resized: bool = False,
) -> np.ndarray:
    """Validate samples and convert them to the ``Dataset`` contract.

    Parameters
    ----------
    x : array-like
        ``(N, H, W)`` grey or ``(N, H, W, 3)`` RGB images (``(N, H, W, 1)`` is squeezed), or
        ``(N, D)`` vectors; uint8 and other integers in 0..255 are divided by 255, floats must
        already lie in [0, 1].
    part : str
        Name of the array in messages (``"x_train"``, ``"images"``...).
    path, name : optional
        File or dataset named in messages.
    resized : bool, default False
        True when the caller resizes the images afterwards (``--image-size``): their sides are
        then not checked here.

    Returns
    -------
    np.ndarray
        float32 array in [0, 1], images at their own size.

    Raises
    ------
    DataDtypeError, DataShapeError, EmptyDataError, NonFiniteDataError, DataRangeError
    """
    arr = np.asarray(x)
    kind = arr.dtype.kind
    if kind in _BAD_KINDS or kind not in "uif":
        what = _BAD_KINDS.get(kind, str(arr.dtype))
        raise DataDtypeError(
            f"{part} has dtype {arr.dtype} ({what}); expected uint8 0..255 or floats in [0, 1]",
            path=path,
            name=name,
        )
    arr = _image_layout(arr, part=part, path=path, name=name, resized=resized)
    if arr.size == 0:
        raise EmptyDataError(f"{part} is empty (shape {arr.shape})", path=path, name=name)
    if kind == "f":
        finite = np.isfinite(arr)
        if not finite.all():
            n_nan = int(np.isnan(arr).sum())
            n_inf = int(arr.size - finite.sum()) - n_nan
            raise NonFiniteDataError(
                f"{part} holds {n_nan} NaN and {n_inf} infinite values; expected finite numbers",
                path=path,
                name=name,
            )
    lo, hi = float(arr.min()), float(arr.max())
    if kind == "f":
        if lo < 0.0 or hi > 1.0:
            hint = " (divide 0..255 pixel values by 255)" if lo >= 0.0 and hi <= 255.0 else ""
            raise DataRangeError(
                f"{part} values span [{_fmt(lo)}, {_fmt(hi)}]; expected floats in [0, 1]{hint}",
                path=path,
                name=name,
            )
        return arr.astype(np.float32, copy=True)
    if lo < 0 or hi > 255:
        raise DataRangeError(
            f"{part} values span [{int(lo)}, {int(hi)}]; expected integers in 0..255"
            " (or floats in [0, 1])",
            path=path,
            name=name,
        )
    return np.true_divide(arr, np.float32(255.0), dtype=np.float32)


def check_labels(
    y: object, n: int, *, part: str, path: PathArg = None, name: str | None = None
) -> np.ndarray:
    """Validate labels and convert them to int64.

    Parameters
    ----------
    y : array-like
        ``(N,)`` or ``(N, 1)`` integer (or integral float) labels >= 0.
    n : int
        Number of samples the labels must match.
    part : str
        Name of the array in messages (``"y_train"``...).
    path, name : optional
        File or dataset named in messages.

    Returns
    -------
    np.ndarray
        int64 array of shape ``(n,)``.

    Raises
    ------
    DataDtypeError, LabelMismatchError, NonFiniteDataError
    """
    arr = np.asarray(y)
    kind = arr.dtype.kind
    if kind in _BAD_KINDS or kind not in "uif":
        raise DataDtypeError(
            f"{part} has dtype {arr.dtype}; expected integer class labels",
            path=path,
            name=name,
        )
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise LabelMismatchError(
            f"{part} has shape {arr.shape}; expected (N,) integer labels"
            " (one-hot labels are not supported)",
            path=path,
            name=name,
        )
    if arr.shape[0] != n:
        raise LabelMismatchError(
            f"{part} has {arr.shape[0]} labels but there are {n} samples",
            path=path,
            name=name,
        )
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if kind == "f":
        if not np.isfinite(arr).all():
            raise NonFiniteDataError(f"{part} holds NaN or infinite labels", path=path, name=name)
        frac = arr[arr != np.round(arr)]
        if frac.size:
            raise DataDtypeError(
                f"{part} holds non-integer labels such as {_fmt(float(frac[0]))}",
                path=path,
                name=name,
            )
    lo, hi = float(arr.min()), float(arr.max())
    if lo < 0:
        raise LabelMismatchError(
            f"{part} holds negative label {_fmt(lo)}; labels must be integers >= 0",
            path=path,
            name=name,
        )
    if hi > MAX_LABEL:
        raise LabelMismatchError(
            f"{part} holds label {_fmt(hi)}; labels must be at most {MAX_LABEL}",
            path=path,
            name=name,
        )
    return arr.astype(np.int64)


def assemble(
    name: str,
    x_train: np.ndarray,
    y_train: np.ndarray | None,
    x_val: np.ndarray,
    y_val: np.ndarray | None,
    *,
    source: str,
    class_names: tuple[str, ...] | None = None,
    path: PathArg = None,
    parts: tuple[str, str] = ("x_train", "x_test"),
    note: str = "",
) -> Dataset:
    """Check that validated train and validation parts agree, then build the ``Dataset``.

    Parameters
    ----------
    name : str
        Dataset name.
    x_train, y_train, x_val, y_val : np.ndarray or None
        Outputs of :func:`check_samples` / :func:`check_labels`.
    source : str
        One sentence describing the origin.
    class_names : tuple of str, optional
        Display names; by default ``str(i)`` for ``i`` up to the largest label.
    path : optional
        File or folder named in messages.
    parts : tuple of str
        Names of the train and validation sample arrays in messages.
    note : str
        One line for the user on where the labels came from (``Dataset.note``).

    Returns
    -------
    Dataset
        With read-only arrays and no capping order (``load_dataset`` adds it).

    Raises
    ------
    DataShapeError, LabelMismatchError
    """
    label = None if path is not None else name
    if x_train.shape[1:] != x_val.shape[1:]:
        raise DataShapeError(
            f"{parts[0]} samples have shape {x_train.shape[1:]} but {parts[1]} samples have"
            f" shape {x_val.shape[1:]}; both splits must match",
            path=path,
            name=label,
        )
    if (y_train is None) != (y_val is None):
        have, missing = (parts[0], parts[1]) if y_val is None else (parts[1], parts[0])
        raise LabelMismatchError(
            f"{have} has labels but {missing} has none; give labels for both or neither",
            path=path,
            name=label,
        )
    if y_train is None or y_val is None:
        names: tuple[str, ...] = ()
    else:
        top = int(max(y_train.max(initial=0), y_val.max(initial=0)))
        if class_names is None:
            names = tuple(str(i) for i in range(top + 1))
        elif top >= len(class_names):
            raise LabelMismatchError(
                f"label {top} has no class name (only {len(class_names)} classes)",
                path=path,
                name=label,
            )
        else:
            names = tuple(class_names)
    return Dataset(
        name=name,
        x_train=_readonly(x_train),
        y_train=None if y_train is None else _readonly(y_train),
        x_val=_readonly(x_val),
        y_val=None if y_val is None else _readonly(y_val),
        class_names=names,
        source=source,
        note=note,
    )
