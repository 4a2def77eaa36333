"""Datasets for aeviewer: loading, validation, class selection and caps (no Qt, no Keras import).

``load_dataset()`` returns a :class:`Dataset` whose arrays are float32 in [0, 1], shaped
``(N, H, W)`` for grey images, ``(N, H, W, 3)`` for colour (RGB) images or ``(N, D)`` for
vectors, with int64 labels or None. Image sides are ``MIN_SIDE`` to ``MAX_SIDE`` pixels.

Sources
-------
- ``mnist_test`` (offline default): the MNIST test set, bundled.
- ``digits``: scikit-learn's 1,797 8x8 digits, resampled MNIST-style to 28x28.
- ``mnist`` / ``fashion_mnist`` / ``cifar10``: downloaded once through ``keras.utils.get_file``.
- ``synthetic3d``: the 3-D point cloud of the "linear autoencoder = PCA" demo.
- ``path=``: a ``.npz`` (Keras layout), IDX files (raw or ``.gz``) or a folder of IDX files,
  or a folder of images (grey or colour) with one sub-folder per class.

``image_size=N`` resizes every image to NxN and ``grey=True`` converts colour to grey, whatever
the source.

Every problem raises a :class:`DatasetError` subclass whose message is one line naming the
file (or dataset) and the problem.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

from .adjust import ImageOptions
from .base import (
    MAX_SIDE,
    MIN_SIDE,
    SPLIT_SEED,
    VAL_FRACTION,
    Dataset,
    parse_classes,
    split_train_val,
)
from .builtin import load_digits, load_mnist_test, load_synthetic3d
from .errors import (
    DataDtypeError,
    DataRangeError,
    DatasetDownloadError,
    DatasetError,
    DataShapeError,
    EmptyDataError,
    InvalidClassesError,
    LabelMismatchError,
    NonFiniteDataError,
    UnknownDatasetError,
    UnreadableDataError,
)
from .files import load_path, read_path
from .remote import REMOTE_SOURCES, RemoteFile

__all__ = [
    "BUILTIN",
    "DATASET_NAMES",
    "DATASET_TITLES",
    "DEFAULT_DATASET",
    "MAX_SIDE",
    "MIN_SIDE",
    "REMOTE_SOURCES",
    "SPLIT_SEED",
    "VAL_FRACTION",
    "DataDtypeError",
    "DataRangeError",
    "DataShapeError",
    "Dataset",
    "DatasetDownloadError",
    "DatasetError",
    "EmptyDataError",
    "ImageOptions",
    "InvalidClassesError",
    "LabelMismatchError",
    "NonFiniteDataError",
    "RemoteFile",
    "UnknownDatasetError",
    "UnreadableDataError",
    "load_dataset",
    "load_path",
    "loads_slowly",
    "parse_classes",
    "split_train_val",
]

#: The named sets, in the order they are offered, and what the window calls them.
DATASET_TITLES: dict[str, str] = {
    "mnist_test": "MNIST test set, 10k (offline)",
    "digits": "Small digits, 8x8 scans (offline)",
    "mnist": "MNIST (download once)",
    "fashion_mnist": "Fashion-MNIST (download once)",
    "cifar10": "CIFAR-10, colour (download once)",
    "synthetic3d": "3-D point cloud (PCA demo)",
}
#: Names accepted by ``load_dataset(name)`` (and ``--dataset``).
DATASET_NAMES: tuple[str, ...] = tuple(DATASET_TITLES)
#: The data set used when none is named: real MNIST digits that ship with aeviewer.
DEFAULT_DATASET = "mnist_test"
#: The named sets that ship with aeviewer (the others are downloaded once: ``REMOTE_SOURCES``).
BUILTIN: dict[str, Callable[[], Dataset]] = {
    "mnist_test": load_mnist_test,
    "digits": load_digits,
    "synthetic3d": load_synthetic3d,
}


#: Other spellings of the names, after lower-casing and "-" -> "_" ("CIFAR-10").
_ALIASES = {"cifar_10": "cifar10"}


def _key(name: str) -> str:
    key = name.strip().lower().replace("-", "_")
    return _ALIASES.get(key, key)


def loads_slowly(name: str | None, path: str | os.PathLike[str] | None = None) -> bool:
    """Whether loading may take long enough to want a thread: a file or folder (a big image
    folder takes seconds), or a data set that is downloaded (``REMOTE_SOURCES``).

    >>> loads_slowly("digits"), loads_slowly("fashion-mnist"), loads_slowly(None, "x.npz")
    (False, True, True)
    """
    return bool(path) or (name is not None and _key(name) in REMOTE_SOURCES)


def _normalise_name(name: str) -> str:
    key = _key(name)
    if key not in DATASET_NAMES:
        raise UnknownDatasetError(
            f"unknown dataset {name!r}; choose one of {', '.join(DATASET_NAMES)}"
            " (or give a file or folder with --data PATH)"
        )
    return key


def load_dataset(
    name: str | None = DEFAULT_DATASET,
    *,
    path: str | os.PathLike[str] | None = None,
    classes: Sequence[int] | None = None,
    max_train: int | None = None,
    max_val: int | None = None,
    seed: int = 0,
    cache_dir: str | os.PathLike[str] | None = None,
    image_size: int | None = None,
    grey: bool = False,
) -> Dataset:
    """Load a dataset by name or from a path, select classes, apply caps, then resize and
    convert images as asked.

    Parameters
    ----------
    name : str or None, default "mnist_test"
        One of ``DATASET_NAMES`` (``"fashion-mnist"``, ``"mnist-test"`` are accepted too).
        Ignored when ``path`` is given.
    path : str or os.PathLike, optional
        File or folder to load instead of a named dataset (see :func:`load_path`).
    classes : sequence of int, optional
        Keep only these label values (see :meth:`Dataset.subset`).
    max_train, max_val : int, optional
        Caps on the numbers of training / validation samples (see :meth:`Dataset.capped`).
    seed : int, default 0
        Seed of the fixed shuffle that decides which samples the caps keep. Train/validation
        splits never depend on it.
    cache_dir : str or os.PathLike, optional
        Download cache root for the downloaded sets (default: Keras' ``~/.keras``).
    image_size : int, optional
        Resize every image to ``image_size x image_size`` pixels (``MIN_SIDE`` to
        ``MAX_SIDE``); an image folder may then mix sizes and aspect ratios.
    grey : bool, default False
        Convert colour images to grey (luminance); an image folder may then mix grey and
        colour images.

    Returns
    -------
    Dataset
        float32 samples in [0, 1] with read-only arrays; its ``note`` says what was resized
        or converted.

    Raises
    ------
    DatasetError
        A subclass with a one-line message naming the file or dataset and the problem.
    """
    options = ImageOptions(image_size, grey)
    if path is not None:
        ds = read_path(path, options)
    elif name is None:
        raise UnknownDatasetError(
            f"no dataset given; choose one of {', '.join(DATASET_NAMES)} or give --data PATH"
        )
    else:
        key = _normalise_name(name)
        builtin = BUILTIN.get(key)
        if builtin is not None:
            ds = builtin()
        else:
            from .remote import load_remote

            ds = load_remote(key, cache_dir)
    if classes is not None:
        ds = ds.subset(classes)
    # After the caps: resizing only the samples kept (CIFAR-10 alone is 60,000 images).
    return options.apply(ds.with_seed(seed).capped(max_train, max_val))
