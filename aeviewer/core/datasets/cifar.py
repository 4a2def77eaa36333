"""CIFAR-10's "python version" archive, read without running any code from its pickles.

The batches inside ``cifar-10-python.tar.gz`` are Python 2 pickles of a dict holding a uint8
``data`` array ``(N, 3072)`` (R, G and B planes of 32x32) and a ``labels`` list. They are read
straight from the archive (nothing is extracted) by an unpickler that builds plain numpy
arrays and nothing else.
"""

from __future__ import annotations

import io
import pickle
import tarfile
import zlib
from pathlib import Path

import numpy as np

from .errors import UnreadableDataError

__all__ = ["CIFAR10_CLASSES", "TEST_BATCH", "TRAIN_BATCHES", "ArraysOnlyUnpickler", "read_cifar10"]

CIFAR10_CLASSES = (
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
)
_FOLDER = "cifar-10-batches-py"
#: Archive members of the training batches (10,000 images each) and of the test batch.
TRAIN_BATCHES = tuple(f"{_FOLDER}/data_batch_{i}" for i in range(1, 6))
TEST_BATCH = f"{_FOLDER}/test_batch"
#: Largest batch read from the archive; a real one is about 31 MB.
MAX_BATCH_BYTES = 256 * 1024**2
_SIDE = 32

#: What ``numpy.ndarray`` unpickles to: a token only :func:`_empty_array` accepts, so that the
#: pickle cannot call the array class itself (with a huge shape, say).
_NDARRAY = object()


def _empty_array(subtype: object, shape: object, _dtype_code: object) -> np.ndarray:
    """Stand-in for numpy's ``_reconstruct``: a pickled array starts as an empty array and
    gets its dtype, shape and bytes from the stream (``__setstate__``), which checks that they
    agree."""
    if subtype is not _NDARRAY or shape != (0,):
        raise pickle.UnpicklingError("an array built in an unusual way")
    return np.empty(0, dtype=np.uint8)


_ALLOWED: dict[tuple[str, str], object] = {
    ("numpy", "ndarray"): _NDARRAY,
    ("numpy", "dtype"): np.dtype,
    ("numpy.core.multiarray", "_reconstruct"): _empty_array,  # numpy < 2, and Python 2
    ("numpy._core.multiarray", "_reconstruct"): _empty_array,
}


class RefusedPickleError(pickle.UnpicklingError):
    """A pickle named something other than numpy's array parts."""

    def __init__(self, module: str, name: str) -> None:
        super().__init__(f"{module}.{name}")
        self.what = f"{module}.{name}"


class ArraysOnlyUnpickler(pickle.Unpickler):
    """An unpickler for dicts, lists, strings, numbers and plain numpy arrays: any other name
    a pickle asks for (``os.system``, ``builtins.eval``...) is refused before it is looked up."""

    def find_class(self, module: str, name: str) -> object:
        try:
            return _ALLOWED[(module, name)]
        except KeyError:
            raise RefusedPickleError(module, name) from None


def _batch(raw: bytes, member: str, path: Path) -> tuple[np.ndarray, np.ndarray]:
    """One batch as ``(uint8 images (N, 32, 32, 3), int64 labels (N,))``."""
    try:
        d = ArraysOnlyUnpickler(io.BytesIO(raw), encoding="bytes").load()
    except RefusedPickleError as exc:
        raise UnreadableDataError(
            f"{member} asks to run {exc.what}, which is never allowed: a damaged or tampered file",
            path=path,
        ) from None
    except Exception as exc:  # nothing in it can run: any failure just means "damaged"
        raise UnreadableDataError(f"{member} is not a readable pickle ({exc})", path=path) from None
    fields = {}
    if isinstance(d, dict):
        fields = {(k.decode("latin-1") if isinstance(k, bytes) else k): v for k, v in d.items()}
    data = fields.get("data")
    if not isinstance(data, np.ndarray):
        data = np.zeros((0, 0, 0), np.uint8)
    n = data.shape[0]
    try:
        labels = np.asarray(fields.get("labels", ()))
    except (ValueError, TypeError):  # a ragged or odd list
        labels = np.zeros((0, 0))
    if (
        data.shape[1:] != (3 * _SIDE * _SIDE,)
        or data.dtype != np.uint8
        or labels.shape != (n,)
        or labels.dtype.kind not in "iu"
    ):
        raise UnreadableDataError(
            f"{member} is not a CIFAR-10 batch (expected uint8 'data' of shape (N, 3072)"
            " and N integer 'labels')",
            path=path,
        )
    images = data.reshape(n, 3, _SIDE, _SIDE).transpose(0, 2, 3, 1)
    return np.ascontiguousarray(images), labels.astype(np.int64)


def read_cifar10(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Read ``cifar-10-python.tar.gz``.

    Parameters
    ----------
    path : Path
        The archive as published (``cifar-10-batches-py/data_batch_1`` ... ``test_batch``).

    Returns
    -------
    tuple
        ``(x_train, y_train, x_test, y_test)``: uint8 images ``(N, 32, 32, 3)`` (RGB,
        channels last) and int64 labels, the five training batches in order.

    Raises
    ------
    UnreadableDataError
        Not a readable archive, a batch missing, damaged or asking for code to run.
    """
    wanted = (*TRAIN_BATCHES, TEST_BATCH)
    found: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    try:
        with tarfile.open(path, "r:gz") as tar:
            for member in tar:
                if member.name not in wanted or member.name in found:
                    continue
                f = tar.extractfile(member) if member.isfile() else None
                if f is None or member.size > MAX_BATCH_BYTES:
                    raise UnreadableDataError(
                        f"{member.name} is not a batch file of at most {MAX_BATCH_BYTES} bytes",
                        path=path,
                    )
                found[member.name] = _batch(f.read(), member.name, path)
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise UnreadableDataError(f"not a readable tar.gz archive ({exc})", path=path) from None
    missing = [m for m in wanted if m not in found]
    if missing:
        raise UnreadableDataError(
            f"has no {missing[0]}; expected CIFAR-10's python version archive", path=path
        )
    x_train = np.concatenate([found[m][0] for m in TRAIN_BATCHES])
    y_train = np.concatenate([found[m][1] for m in TRAIN_BATCHES])
    return x_train, y_train, *found[TEST_BATCH]
