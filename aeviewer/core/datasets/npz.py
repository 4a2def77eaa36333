"""Reader for ``.npz`` files in the Keras layout (``x_train``, ``y_train``, ``x_test``, ``y_test``).

Arrays are always loaded with ``allow_pickle=False``, and every member's declared size is
compared with the bytes stored before numpy allocates anything.
"""

from __future__ import annotations

import math
import os
import zipfile
import zlib
from pathlib import Path

import numpy as np

from .errors import DataDtypeError, UnreadableDataError
from .idx import MAX_ARRAY_BYTES

__all__ = ["NPZ_KEYS", "read_npz"]

#: Accepted member names: the Keras layout, with ``x_val``/``y_val`` as aliases of the test split.
NPZ_KEYS = ("x_train", "y_train", "x_test", "y_test", "x_val", "y_val")


def _read_member_header(zf: zipfile.ZipFile, info: zipfile.ZipInfo, p: Path) -> None:
    """Check one ``.npy`` member: readable header, no objects, size matching the bytes stored."""
    key = info.filename.removesuffix(".npy")
    with zf.open(info) as f:
        try:
            version = np.lib.format.read_magic(f)
            if version == (1, 0):
                shape, _, dtype = np.lib.format.read_array_header_1_0(f)
            elif version == (2, 0):
                shape, _, dtype = np.lib.format.read_array_header_2_0(f)
            else:
                return  # newer header versions: left to np.load's own checks
        except ValueError as exc:
            raise UnreadableDataError(f"{key} has a corrupt .npy header ({exc})", path=p) from None
        if dtype.hasobject:
            raise DataDtypeError(
                f"{key} is an object array (dtype {dtype}); only numeric arrays are loaded"
                " (pickled objects are never unpickled)",
                path=p,
            )
        nbytes = math.prod(shape) * dtype.itemsize
        stored = info.file_size - f.tell()
        if nbytes > MAX_ARRAY_BYTES:
            raise UnreadableDataError(
                f"{key} declares shape {shape} ({nbytes} bytes), more than this app loads",
                path=p,
            )
        if nbytes != stored:
            raise UnreadableDataError(
                f"{key} declares shape {shape} ({nbytes} bytes) but holds {stored} bytes;"
                " truncated or corrupt file",
                path=p,
            )


def read_npz(path: str | os.PathLike[str]) -> dict[str, np.ndarray]:
    """Read the known arrays of a Keras-layout ``.npz`` file.

    Parameters
    ----------
    path : str or os.PathLike
        The ``.npz`` file.

    Returns
    -------
    dict
        ``{key: array}`` for the keys of ``NPZ_KEYS`` present; ``x_val``/``y_val`` are
        renamed ``x_test``/``y_test``.

    Raises
    ------
    UnreadableDataError
        Missing, not a zip, corrupt or truncated member, or no ``x_train``.
    DataDtypeError
        An object (pickled) array.
    """
    p = Path(path)
    try:
        with zipfile.ZipFile(p) as zf:
            members = {i.filename.removesuffix(".npy"): i for i in zf.infolist()}
            if "x_train" not in members:
                listing = ", ".join(sorted(members)) or "nothing"
                raise UnreadableDataError(
                    f"has no 'x_train' array (holds {listing}); expected the Keras layout"
                    " x_train, y_train, x_test, y_test",
                    path=p,
                )
            wanted = [k for k in NPZ_KEYS if k in members]
            for key in wanted:
                _read_member_header(zf, members[key], p)
        arrays: dict[str, np.ndarray] = {}
        with np.load(p, allow_pickle=False) as npz:
            for key in wanted:
                target = key.replace("_val", "_test")
                if target not in arrays:
                    arrays[target] = np.asarray(npz[key])
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, zlib.error) as exc:
        raise UnreadableDataError(f"not a readable .npz file ({exc})", path=p) from None
    except (ValueError, KeyError) as exc:
        if isinstance(exc, (UnreadableDataError, DataDtypeError)):
            raise
        raise UnreadableDataError(f"corrupt .npz content ({exc})", path=p) from None
    return arrays
