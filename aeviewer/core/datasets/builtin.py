"""Datasets that need no download: the bundled MNIST test set, scikit-learn's digits and the
course's 3-D point cloud."""

from __future__ import annotations

import contextlib
import functools
import gzip
import hashlib
import importlib.util
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import numpy as np

from ..images import mnist_style
from .base import Dataset, split_train_val
from .validate import assemble, check_labels, check_samples

__all__ = ["generate_3d_data", "load_digits", "load_mnist_test", "load_synthetic3d"]

DIGITS_SOURCE = (
    "scikit-learn's bundled handwritten digits (1,797 8x8 scans), resampled MNIST-style"
    " to 28x28, split 80/20 per class with a fixed seed"
)


def _read_digits_raw() -> tuple[np.ndarray, np.ndarray]:
    """Return scikit-learn's digits as ``(images (1797, 8, 8) in 0..16, labels)``.

    The CSV shipped inside scikit-learn is read directly: importing ``sklearn.datasets`` costs
    about 0.8 s, reading the file about 20 ms. Falls back to ``load_digits`` if the file moved.
    """
    spec = importlib.util.find_spec("sklearn")
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    for location in locations:
        csv = Path(location) / "datasets" / "data" / "digits.csv.gz"
        if csv.is_file():
            with gzip.open(csv, "rt") as f:
                table = np.loadtxt(f, delimiter=",", dtype=np.float64)
            if table.shape == (1797, 65):
                return table[:, :-1].reshape(-1, 8, 8), table[:, -1].astype(np.int64)
    from sklearn.datasets import load_digits as sk_load_digits

    bunch = sk_load_digits()
    return np.asarray(bunch.images, dtype=np.float64), np.asarray(bunch.target, dtype=np.int64)


#: Bump when ``mnist_style`` changes what it makes of the digits (invalidates the cache).
DIGITS_VERSION = 1


def cache_dir() -> Path:
    """aeviewer's cache: ``$AEVIEWER_CACHE_DIR``, ``$XDG_CACHE_HOME/aeviewer`` or
    ``~/.cache/aeviewer``."""
    env = os.environ.get("AEVIEWER_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "aeviewer"


def _converted_digits(images: np.ndarray) -> np.ndarray:
    """``mnist_style`` of every scan, from the cache when it holds them (0.2 s of every start
    of the app otherwise). The cache is keyed by the scans' bytes and :data:`DIGITS_VERSION`;
    a missing, unreadable or damaged cache is recomputed, and one that cannot be written is
    simply not kept."""
    key = hashlib.sha256(np.ascontiguousarray(images).tobytes()).hexdigest()[:16]
    path = cache_dir() / f"digits-v{DIGITS_VERSION}-{key}.npy"
    with contextlib.suppress(OSError, ValueError):
        cached = np.load(path, allow_pickle=False)
        fits = cached.shape == (len(images), 28, 28) and cached.dtype == np.float32
        if fits and np.isfinite(cached).all() and cached.min() >= 0 and cached.max() <= 1:
            return cached
    converted = np.stack([mnist_style(img / 16.0) for img in images])
    _keep(path, lambda f: np.save(f, converted, allow_pickle=False))
    return converted


def _keep(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Write ``path`` in the cache whole or not at all (two apps may start at once); a cache
    that cannot be written is simply not kept."""
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=path.suffix, dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                write(f)
            os.replace(tmp, path)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


Split = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
DIGIT_NAMES = tuple(str(i) for i in range(10))


def _checked_split(images: np.ndarray, labels: np.ndarray, name: str) -> Split:
    """Checked, split 80/20 per class with the fixed seed, and read-only (kept per process)."""
    x = check_samples(images, part="images", name=name)
    y = check_labels(labels, x.shape[0], part="labels", name=name)
    x_tr, y_tr, x_va, y_va = split_train_val(x, y, name=name)
    assert y_tr is not None and y_va is not None
    for a in (x_tr, y_tr, x_va, y_va):
        a.flags.writeable = False  # shared by every call: protect the cache
    return x_tr, y_tr, x_va, y_va


@functools.lru_cache(maxsize=1)
def _digits_arrays() -> Split:
    images, labels = _read_digits_raw()
    return _checked_split(_converted_digits(images), labels, "digits")


def load_digits() -> Dataset:
    """Load scikit-learn's 1,797 handwritten digits as 28x28 MNIST-style images.

    Returns
    -------
    Dataset
        ``"digits"``: 1,438 training and 359 validation images (stratified 80/20 split with a
        fixed seed, identical on every run), labels 0..9. Converted once per process.
    """
    return assemble("digits", *_digits_arrays(), source=DIGITS_SOURCE, class_names=DIGIT_NAMES)


MNIST_TEST_SOURCE = (
    "the MNIST database's test set (10,000 handwritten digits, 28x28; Yann LeCun and Corinna"
    " Cortes, CC BY-SA 3.0), bundled with aeviewer, split 8,000/2,000 per digit with a fixed seed"
)
MNIST_DIR = Path(__file__).resolve().parent.parent.parent / "resources" / "mnist"
MNIST_FILES = ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")


def _mnist_test_raw() -> tuple[np.ndarray, np.ndarray]:
    """The bundled files as ``(uint8 images (10000, 28, 28), labels)``: from aeviewer's cache
    after the first run (a plain ``.npz``, keyed by the files' sizes and times), else read
    from the gzip files (about 0.1 s) and cached for the next start."""
    from .idx import read_idx

    images_gz, labels_gz = (MNIST_DIR / f for f in MNIST_FILES)
    stamp = "-".join(f"{p.stat().st_size}-{int(p.stat().st_mtime)}" for p in (images_gz, labels_gz))
    key = hashlib.sha256(stamp.encode()).hexdigest()[:16]
    path = cache_dir() / f"mnist-test-{key}.npz"
    with contextlib.suppress(OSError, ValueError, KeyError):
        with np.load(path, allow_pickle=False) as cached:
            x, y = cached["x"], cached["y"]
        if x.shape == (10000, 28, 28) and x.dtype == np.uint8 and y.shape == (10000,):
            return x, y
    x, y = read_idx(images_gz), read_idx(labels_gz)
    _keep(path, lambda f: np.savez(f, x=x, y=y))
    return x, y


@functools.lru_cache(maxsize=1)
def _mnist_test_arrays() -> Split:
    raw, labels = _mnist_test_raw()
    return _checked_split(raw.astype(np.float32) / np.float32(255), labels, "mnist-test")


def load_mnist_test() -> Dataset:
    """Load the bundled MNIST test set: real MNIST digits with no download.

    Returns
    -------
    Dataset
        ``"mnist-test"``: 8,000 training and 2,000 validation images (80/20 per digit with a
        fixed seed, identical on every run), labels 0..9. Read once per process.
    """
    return assemble(
        "mnist-test", *_mnist_test_arrays(), source=MNIST_TEST_SOURCE, class_names=DIGIT_NAMES
    )


def generate_3d_data(
    m: int, w1: float = 0.1, w2: float = 0.3, noise: float = 0.1, *, seed: int = 4
) -> np.ndarray:
    """The course's 3-D point cloud near a plane (Géron, Hands-On ML, ch. 17).

    Parameters
    ----------
    m : int
        Number of points.
    w1, w2 : float
        Slopes of the plane the points lie near.
    noise : float
        Noise scale.
    seed : int, default 4
        Seed of the legacy ``RandomState`` (the course uses ``np.random.seed(4)``).

    Returns
    -------
    np.ndarray
        float64 array of shape ``(m, 3)``, unscaled.
    """
    rng = np.random.RandomState(seed)
    angles = rng.rand(m) * 3 * np.pi / 2 - 0.5
    data = np.empty((m, 3))
    data[:, 0] = np.cos(angles) + np.sin(angles) / 2 + noise * rng.randn(m) / 2
    data[:, 1] = np.sin(angles) * 0.7 + noise * rng.randn(m) / 2
    data[:, 2] = data[:, 0] * w1 + data[:, 1] * w2 + noise * rng.randn(m)
    return data


def load_synthetic3d(n_train: int = 400, n_val: int = 100) -> Dataset:
    """Load the 3-D point cloud of the "linear autoencoder = PCA" demo.

    Parameters
    ----------
    n_train, n_val : int
        Numbers of points; the first ``n_train`` generated points train, the rest validate.

    Returns
    -------
    Dataset
        ``"synthetic3d"``: float32 ``(N, 3)`` vectors min-max scaled jointly (per axis, over
        train and validation together) into [0, 1]; unlabelled.
    """
    data = generate_3d_data(n_train + n_val)
    lo, hi = data.min(axis=0), data.max(axis=0)
    scaled = np.clip((data - lo) / (hi - lo), 0.0, 1.0)
    x = check_samples(scaled, part="points", name="synthetic3d")
    source = (
        f"{n_train + n_val} points near a plane in 3-D (Géron, Hands-On ML ch. 17, seed 4),"
        " min-max scaled to [0, 1]"
    )
    return assemble("synthetic3d", x[:n_train], None, x[n_train:], None, source=source)
