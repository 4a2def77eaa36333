"""MNIST, Fashion-MNIST and CIFAR-10: downloaded once with ``keras.utils.get_file``, then read
locally.

Origins, file names and hashes are those ``keras.datasets`` uses, kept in ``REMOTE_SOURCES`` so
that tests can point them at small local files. Keras (and so TensorFlow) is imported only when a
download is attempted.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np

from .base import Dataset
from .cifar import CIFAR10_CLASSES, read_cifar10
from .errors import DatasetDownloadError, UnreadableDataError
from .idx import read_idx
from .npz import read_npz
from .validate import assemble, check_labels, check_samples

__all__ = ["FASHION_CLASSES", "REMOTE_SOURCES", "RemoteFile", "default_cache_dir", "load_remote"]

T = TypeVar("T")
_KERAS_BASE = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


@dataclass(frozen=True)
class RemoteFile:
    """One downloadable file.

    Parameters
    ----------
    fname : str
        File name inside the cache folder.
    origin : str
        URL (``https://`` or ``file://``).
    sha256 : str or None
        Expected hash; None skips the check (Keras publishes none for Fashion-MNIST).
    subdir : str
        Cache sub-folder, relative to the cache dir (Keras' own layout, so its cache is reused).
    """

    fname: str
    origin: str
    sha256: str | None
    subdir: str = "datasets"


def _fashion(fname: str) -> RemoteFile:
    return RemoteFile(fname, _KERAS_BASE + fname, None, "datasets/fashion-mnist")


#: Dataset name -> the files to fetch (same origins and hashes as ``keras.datasets``).
REMOTE_SOURCES: dict[str, tuple[RemoteFile, ...]] = {
    "mnist": (
        RemoteFile(
            "mnist.npz",
            _KERAS_BASE + "mnist.npz",
            "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
        ),
    ),
    "fashion_mnist": tuple(
        _fashion(f)
        for f in (
            "train-labels-idx1-ubyte.gz",
            "train-images-idx3-ubyte.gz",
            "t10k-labels-idx1-ubyte.gz",
            "t10k-images-idx3-ubyte.gz",
        )
    ),
    "cifar10": (
        RemoteFile(
            "cifar-10-python.tar.gz",
            "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",
            "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce",
        ),
    ),
}

FASHION_CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)

_DESCRIPTIONS = {
    "mnist": "MNIST handwritten digits (LeCun, Cortes & Burges; CC BY-SA 3.0)",
    "fashion_mnist": "Fashion-MNIST clothing images (Zalando Research; MIT licence)",
    "cifar10": "CIFAR-10 small colour photos, 32x32 (Alex Krizhevsky, 2009)",
}


def default_cache_dir() -> Path:
    """Keras' cache folder: ``$KERAS_HOME`` or ``~/.keras``."""
    return Path(os.environ.get("KERAS_HOME") or Path.home() / ".keras").expanduser()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fetch(name: str, remote: RemoteFile, cache_dir: Path) -> Path:
    """Return the cached file, downloading it first if needed; leave nothing behind on failure."""
    target = cache_dir / remote.subdir / remote.fname
    if target.is_file() and (remote.sha256 is None or _sha256(target) == remote.sha256):
        return target  # cache hit: no need to import Keras at all
    try:
        # get_file silently falls back to /tmp/.keras when cache_dir is missing or read-only:
        # create it first so that the file lands where we look for it.
        target.parent.mkdir(parents=True, exist_ok=True)
        writable = os.access(cache_dir, os.W_OK) and os.access(target.parent, os.W_OK)
    except OSError:
        writable = False
    if not writable:
        raise DatasetDownloadError(
            f"cannot download {name}: cache folder {cache_dir} is not writable;"
            " pass another cache folder, use --dataset digits or --data PATH",
            name=name,
        )
    try:
        from keras.utils import get_file  # lazy: importing Keras loads TensorFlow (~4 s)

        got = get_file(
            remote.fname,
            origin=remote.origin,
            file_hash=remote.sha256,
            cache_dir=os.fspath(cache_dir),
            cache_subdir=remote.subdir,
        )
    except BaseException as exc:
        # get_file removes a partial download on network errors but keeps a file whose hash
        # does not match: remove whatever is left so the next run starts clean.
        target.unlink(missing_ok=True)
        if not isinstance(exc, Exception):
            raise
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise DatasetDownloadError(
            f"could not download {name} from {remote.origin} (no network?): {reason};"
            " use --dataset digits (bundled, offline) or --data PATH for local files",
            name=name,
        ) from exc
    return Path(got)


def _read_cached(reader: Callable[[Path], T], path: Path) -> T:
    """Run ``reader(path)``; remove a damaged cached file so the next run downloads it again."""
    try:
        return reader(path)
    except UnreadableDataError as exc:
        path.unlink(missing_ok=True)
        raise UnreadableDataError(
            f"{exc.problem}; removed the damaged cached copy, it will be downloaded again",
            path=path,
        ) from None


def load_remote(name: str, cache_dir: str | os.PathLike[str] | None = None) -> Dataset:
    """Download (once) and read ``mnist``, ``fashion_mnist`` or ``cifar10``.

    Parameters
    ----------
    name : str
        A key of ``REMOTE_SOURCES``.
    cache_dir : str or os.PathLike, optional
        Cache root (files go to ``<cache_dir>/datasets/...``); default Keras' ``~/.keras``.

    Returns
    -------
    Dataset
        Train split for training, test split for validation.

    Raises
    ------
    DatasetDownloadError
        When a file is not cached and cannot be downloaded.
    DatasetError
        When a cached file is damaged or invalid.
    """
    root = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
    paths = {r.fname: _fetch(name, r, root) for r in REMOTE_SOURCES[name]}
    x, y, x_val, y_val = _READERS[name](paths)
    source = (
        f"{_DESCRIPTIONS[name]}: {x.shape[0]:,} training and {x_val.shape[0]:,} test images,"
        f" downloaded once to {root}"
    )
    class_names = _CLASS_NAMES[name]
    return assemble(name, x, y, x_val, y_val, source=source, class_names=class_names, path=None)


Parts = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _read_mnist(paths: dict[str, Path]) -> Parts:
    p = paths["mnist.npz"]
    arrays = _read_cached(read_npz, p)
    x = check_samples(arrays.get("x_train"), part="x_train", path=p)
    y = check_labels(arrays.get("y_train"), x.shape[0], part="y_train", path=p)
    x_val = check_samples(arrays.get("x_test"), part="x_test", path=p)
    y_val = check_labels(arrays.get("y_test"), x_val.shape[0], part="y_test", path=p)
    return x, y, x_val, y_val


def _read_fashion(paths: dict[str, Path]) -> Parts:
    def part(split: str) -> tuple[np.ndarray, np.ndarray]:
        images, labels = (paths[f"{split}-{kind}-idx{d}-ubyte.gz"] for kind, d in _IDX_KINDS)
        x = check_samples(_read_cached(read_idx, images), part=f"{split} images", path=images)
        raw = _read_cached(read_idx, labels)
        y = check_labels(raw, x.shape[0], part=f"{split} labels", path=labels)
        return x, y

    return *part("train"), *part("t10k")


_IDX_KINDS = (("images", 3), ("labels", 1))


def _read_cifar10(paths: dict[str, Path]) -> Parts:
    p = paths["cifar-10-python.tar.gz"]
    x, y, x_val, y_val = _read_cached(read_cifar10, p)
    x = check_samples(x, part="training batches", path=p)
    y = check_labels(y, x.shape[0], part="training labels", path=p)
    x_val = check_samples(x_val, part="test batch", path=p)
    return x, y, x_val, check_labels(y_val, x_val.shape[0], part="test labels", path=p)


#: How each downloaded set is read from its cached files: checked train and test parts.
_READERS: dict[str, Callable[[dict[str, Path]], Parts]] = {
    "mnist": _read_mnist,
    "fashion_mnist": _read_fashion,
    "cifar10": _read_cifar10,
}
_CLASS_NAMES = {
    "mnist": tuple(str(i) for i in range(10)),
    "fashion_mnist": FASHION_CLASSES,
    "cifar10": CIFAR10_CLASSES,
}
