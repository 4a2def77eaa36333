"""Datasets for aeviewer: loading, validation, class selection and caps (no Qt, no Keras import).

``load_dataset()`` returns a :class:`Dataset` whose arrays are float32 in [0, 1], shaped
``(N, 28, 28)`` for images or ``(N, D)`` for vectors, with int64 labels or None.

Sources
-------
- ``digits`` (offline default): scikit-learn's 1,797 8x8 digits, resampled MNIST-style to 28x28.
- ``mnist`` / ``fashion_mnist``: downloaded once through ``keras.utils.get_file``.
- ``synthetic3d``: the 3-D point cloud of the "linear autoencoder = PCA" demo.
- ``path=``: a ``.npz`` (Keras layout), IDX files (raw or ``.gz``) or a folder of IDX files,
  or a folder of images with one sub-folder per class.

Every problem raises a :class:`DatasetError` subclass whose message is one line naming the
file (or dataset) and the problem.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

from .base import SPLIT_SEED, VAL_FRACTION, Dataset, parse_classes, split_train_val
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
from .files import load_path
from .remote import REMOTE_SOURCES, RemoteFile

__all__ = [
    "BUILTIN",
    "DATASET_NAMES",
    "DEFAULT_DATASET",
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
    "InvalidClassesError",
    "LabelMismatchError",
    "NonFiniteDataError",
    "RemoteFile",
    "UnknownDatasetError",
    "UnreadableDataError",
    "load_dataset",
    "loads_slowly",
    "parse_classes",
    "split_train_val",
]

#: Names accepted by ``load_dataset(name)`` (and ``--dataset``).
DATASET_NAMES: tuple[str, ...] = ("mnist_test", "digits", "mnist", "fashion_mnist", "synthetic3d")
#: The data set used when none is named: real MNIST digits that ship with aeviewer.
DEFAULT_DATASET = "mnist_test"
#: The named sets that ship with aeviewer (the others are downloaded once: ``REMOTE_SOURCES``).
BUILTIN: dict[str, Callable[[], Dataset]] = {
    "mnist_test": load_mnist_test,
    "digits": load_digits,
    "synthetic3d": load_synthetic3d,
}


def _key(name: str) -> str:
    return name.strip().lower().replace("-", "_")


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
) -> Dataset:
    """Load a dataset by name or from a path, then select classes and apply caps.

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
        Download cache root for ``mnist``/``fashion_mnist`` (default: Keras' ``~/.keras``).

    Returns
    -------
    Dataset
        float32 samples in [0, 1] with read-only arrays.

    Raises
    ------
    DatasetError
        A subclass with a one-line message naming the file or dataset and the problem.
    """
    if path is not None:
        ds = load_path(path)
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
    return ds.with_seed(seed).capped(max_train, max_val)
