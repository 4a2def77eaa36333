"""Load user data given with ``--data PATH``: ``.npz``, IDX files or folders, image folders.

Nothing here ever writes to the given path.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from .adjust import ImageOptions
from .base import VAL_FRACTION, Dataset, split_train_val
from .errors import DataShapeError, EmptyDataError, LabelMismatchError, UnreadableDataError
from .folder import FORMATS, IMAGE_EXTENSIONS, MAX_IMAGE_PIXELS, load_image_folder
from .idx import find_idx_files, find_idx_partner, looks_like_idx, read_idx
from .npz import read_npz
from .validate import assemble, check_labels, check_samples

__all__ = ["IMAGE_EXTENSIONS", "MAX_IMAGE_PIXELS", "load_path", "read_path"]


def load_path(
    path: str | os.PathLike[str], *, image_size: int | None = None, grey: bool = False
) -> Dataset:
    """Load a dataset from a file or folder.

    Parameters
    ----------
    path : str or os.PathLike
        A Keras-layout ``.npz``, an IDX images file (raw or ``.gz``), a folder holding MNIST IDX
        files, or a folder of images with one sub-folder per class.
    image_size : int, optional
        Resize every image to ``image_size x image_size`` pixels (8 to 128).
    grey : bool, default False
        Convert colour images to grey.

    Returns
    -------
    Dataset
        Named after the file or folder, without capping order; its note says what was resized
        or converted.

    Raises
    ------
    DatasetError
        A subclass naming the file and the problem.
    """
    options = ImageOptions(image_size, grey)
    return options.apply(read_path(path, options))


def read_path(path: str | os.PathLike[str], options: ImageOptions) -> Dataset:
    """:func:`load_path`, except that array sources are left for ``options.apply`` to resize
    and convert (``load_dataset`` does that after capping, on fewer samples). Image folders
    apply ``options`` while reading."""
    p = Path(path).expanduser()
    if not p.exists():
        raise UnreadableDataError(f"no such file or folder; expected {FORMATS}", path=p)
    resized = options.size is not None
    if p.is_dir():
        if find_idx_files(p):
            return _load_idx_folder(p, resized)
        return load_image_folder(p, options)
    if p.suffix.lower() == ".npz":
        return _load_npz(p, resized)
    if looks_like_idx(p):
        return _load_idx_file(p, resized)
    raise UnreadableDataError(
        f"unknown format {p.suffix or '(no suffix)'}; expected {FORMATS}", path=p
    )


def _load_npz(p: Path, resized: bool) -> Dataset:
    arrays = read_npz(p)
    x = check_samples(arrays["x_train"], part="x_train", path=p, resized=resized)
    y = None
    note = "no y_train in it: all points one colour, no legend"
    if "y_train" in arrays:
        y = check_labels(arrays["y_train"], x.shape[0], part="y_train", path=p)
        note = "labels from its y_train" + (" and y_test" if "y_test" in arrays else "")
    if "x_test" in arrays:
        x_val = check_samples(arrays["x_test"], part="x_test", path=p, resized=resized)
        y_val = None
        if "y_test" in arrays:
            y_val = check_labels(arrays["y_test"], x_val.shape[0], part="y_test", path=p)
        source = f"{p.name}: its x_train for training and x_test for validation"
        return assemble(p.name, x, y, x_val, y_val, source=source, path=p, note=note)
    if "y_test" in arrays:
        raise LabelMismatchError("has y_test but no x_test", path=p)
    x_tr, y_tr, x_va, y_va = split_train_val(x, y, where=p)
    source = f"{p.name}: x_train split 80/20 into training and validation (fixed seed)"
    return assemble(p.name, x_tr, y_tr, x_va, y_va, source=source, path=p, note=note)


def _idx_images(p: Path, resized: bool) -> np.ndarray:
    x = read_idx(p)
    if x.ndim != 3:
        raise DataShapeError(
            f"holds an IDX array of shape {x.shape}; expected 3-D (N, H, W) images", path=p
        )
    return check_samples(x, part="images", path=p, resized=resized)


def _idx_labels(p: Path, n: int, images: Path) -> np.ndarray:
    y = read_idx(p)
    if y.ndim != 1:
        raise LabelMismatchError(
            f"holds an IDX array of shape {y.shape}; expected 1-D labels", path=p
        )
    if y.shape[0] != n:
        raise LabelMismatchError(
            f"holds {y.shape[0]} labels but {images.name} has {n} images", path=p
        )
    return check_labels(y, n, part="labels", path=p)


def _load_idx_file(p: Path, resized: bool) -> Dataset:
    partner = find_idx_partner(p)
    labels: Path | None
    if partner is not None and partner.kind == "images":  # the labels file of a pair was chosen
        if partner.path is None:
            raise EmptyDataError(
                f"holds labels, and no images file is beside it (looked for {partner.looked_for})",
                path=p,
            )
        images, labels = partner.path, p
        note = f"images from {images.name} beside it, labels from this file"
    else:
        images, labels = p, None if partner is None else partner.path
        if labels is not None:
            note = f"labels from {labels.name}"
        elif partner is not None:
            note = (
                f"no labels beside it (looked for {partner.looked_for}):"
                " all points one colour, no legend"
            )
        else:
            note = (
                "unlabelled (labels are found beside files named X-images-idx3-ubyte):"
                " all points one colour, no legend"
            )
    x = _idx_images(images, resized)
    y = None if labels is None else _idx_labels(labels, x.shape[0], images)
    files = images.name if labels is None else f"{images.name} and {labels.name}"
    return _idx_set_alone(images.name, x, y, files=f"IDX {files}", where=p, note=note)


def _load_idx_folder(folder: Path, resized: bool) -> Dataset:
    files = find_idx_files(folder)
    pairs: dict[str, tuple[np.ndarray, np.ndarray | None]] = {}
    labels_from: list[str] = []
    for split in ("train", "test"):
        img = files.get((split, "images"))
        lab = files.get((split, "labels"))
        if img is None:
            if lab is not None:
                raise EmptyDataError(f"has {lab.name} but no matching images file", path=folder)
            continue
        x = _idx_images(img, resized)
        pairs[split] = (x, None if lab is None else _idx_labels(lab, x.shape[0], img))
        if lab is not None:
            labels_from.append(lab.name)
    names = ", ".join(f.name for f in files.values())
    if labels_from:
        note = f"labels from {' and '.join(labels_from)}"
    else:
        note = "no labels files in the folder: all points one colour, no legend"
    if "train" in pairs and "test" in pairs:
        (x, y), (x_val, y_val) = pairs["train"], pairs["test"]
        source = f"IDX files in {folder} ({names}): train files for training, t10k for validation"
        return assemble(
            folder.name,
            x,
            y,
            x_val,
            y_val,
            source=source,
            path=folder,
            parts=("train images", "t10k images"),
            note=note,
        )
    ((x, y),) = pairs.values()
    return _idx_set_alone(
        folder.name, x, y, files=f"IDX files in {folder} ({names})", where=folder, note=note
    )


def _idx_set_alone(
    name: str, x: np.ndarray, y: np.ndarray | None, *, files: str, where: Path, note: str
) -> Dataset:
    """One IDX images set without a second one (MNIST's t10k files, a folder or a file alike):
    the first 80% in file order train, the last 20% validate (8,000 / 2,000 for MNIST's test set).
    """
    n = x.shape[0]
    if n < 2:
        raise EmptyDataError(f"holds {n} image(s); need at least 2 to split", path=where)
    n_train = n - max(1, round(n * VAL_FRACTION))
    source = (
        f"{files}: first {n_train:,} images in file order for training,"
        f" last {n - n_train:,} for validation"
    )
    y_tr = None if y is None else y[:n_train]
    y_va = None if y is None else y[n_train:]
    return assemble(
        name, x[:n_train], y_tr, x[n_train:], y_va, source=source, path=where, note=note
    )
