"""Readers for the IDX format of MNIST and Fashion-MNIST (raw or gzip-compressed).

The header is parsed by hand (two zero bytes, a type byte, the number of dimensions, then one
big-endian uint32 per dimension) and the declared size is checked against what the file holds
before any large buffer is allocated.
"""

from __future__ import annotations

import gzip
import math
import os
import re
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from .errors import DataDtypeError, DataShapeError, UnreadableDataError

__all__ = [
    "IDX_DTYPES",
    "MAX_ARRAY_BYTES",
    "IdxPartner",
    "find_idx_files",
    "find_idx_partner",
    "looks_like_idx",
    "read_idx",
]

#: IDX type byte -> numpy dtype (big-endian, as the format specifies).
IDX_DTYPES: dict[int, np.dtype] = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
#: Refuse any single array declared larger than this (protects against lying headers).
MAX_ARRAY_BYTES = 4 * 1024**3
_CHUNK = 1 << 20

#: "train-images-idx3-ubyte", "t10k-labels.idx1-ubyte.gz", ...
_IDX_NAME = re.compile(
    r"^(?P<split>train|t10k|test)-(?P<kind>images|labels)[-.]idx(?P<ndim>\d)-ubyte(?P<gz>\.gz)?$",
    re.IGNORECASE,
)
#: Any "<prefix>images-idx3-ubyte" or "<prefix>labels.idx1-ubyte.gz": the other half of the pair
#: has the same prefix (``t10k-``, ``emnist-letters-train-``...).
_PAIR_NAME = re.compile(
    r"^(?P<prefix>.*?)(?P<kind>images|labels)(?P<sep>[-.])idx\d-ubyte(?:\.gz)?$", re.IGNORECASE
)
_OTHER_HALF = {"images": ("labels", 1), "labels": ("images", 3)}


def looks_like_idx(path: Path) -> bool:
    """Return True when a file name suggests IDX content (``*-idx3-ubyte``, ``*.idx``...)."""
    stem = path.name.lower().removesuffix(".gz")
    return "idx" in stem or stem.endswith("ubyte")


def _read_exactly(f: BinaryIO, n: int, path: Path, what: str) -> bytes:
    try:
        data = f.read(n)
    except (OSError, EOFError, zlib.error) as exc:
        raise UnreadableDataError(
            f"corrupt or truncated gzip stream while reading the {what} ({exc})", path=path
        ) from None
    if len(data) != n:
        raise UnreadableDataError(
            f"file ends inside the {what} ({len(data)} of {n} bytes); not an IDX file?",
            path=path,
        )
    return data


def _read_header(f: BinaryIO, path: Path) -> tuple[np.dtype, tuple[int, ...]]:
    magic = _read_exactly(f, 4, path, "IDX header")
    if magic[0] != 0 or magic[1] != 0 or not 1 <= magic[3] <= 4:
        raise UnreadableDataError(
            f"not an IDX file (magic bytes {magic.hex()}; expected 0000 then type and ndim)",
            path=path,
        )
    code, ndim = magic[2], magic[3]
    if code not in IDX_DTYPES:
        raise DataDtypeError(
            f"IDX type byte 0x{code:02X} is not a known IDX data type"
            " (0x08 ubyte, 0x09 byte, 0x0B short, 0x0C int, 0x0D float, 0x0E double)",
            path=path,
        )
    dims = struct.unpack(f">{ndim}I", _read_exactly(f, 4 * ndim, path, "IDX dimensions"))
    return IDX_DTYPES[code], tuple(int(d) for d in dims)


def _size_text(dims: tuple[int, ...], nbytes: int) -> str:
    if len(dims) == 1:
        what = f"{dims[0]} labels"
    elif len(dims) == 3:
        what = f"{dims[0]} images"
    else:
        what = f"an array of shape {dims}"
    return f"declares {what} ({nbytes} bytes)"


def read_idx(path: str | os.PathLike[str]) -> np.ndarray:
    """Read one IDX file (``.gz`` decompressed on the fly).

    Parameters
    ----------
    path : str or os.PathLike
        File to read; a ``.gz`` suffix or gzip magic bytes select decompression.

    Returns
    -------
    np.ndarray
        Array with the declared shape and a native-endian dtype (uint8 for MNIST files).

    Raises
    ------
    UnreadableDataError
        Missing file, bad magic, truncated data, trailing bytes, corrupt gzip stream, or a
        header declaring more data than the file holds (checked before allocating it).
    DataDtypeError
        Unknown IDX type byte.
    """
    p = Path(path)
    try:
        with open(p, "rb") as raw:
            compressed = raw.read(2) == b"\x1f\x8b"
    except OSError as exc:
        raise UnreadableDataError(f"cannot open ({exc.strerror or exc})", path=p) from None
    if compressed:
        return _read_gzip(p)
    return _read_raw(p)


def _expected(dtype: np.dtype, dims: tuple[int, ...], p: Path) -> int:
    nbytes = math.prod(dims) * dtype.itemsize
    if nbytes > MAX_ARRAY_BYTES:
        raise UnreadableDataError(
            f"{_size_text(dims, nbytes)}, more than the {MAX_ARRAY_BYTES} bytes this app loads",
            path=p,
        )
    return nbytes


def _read_raw(p: Path) -> np.ndarray:
    with open(p, "rb") as f:
        dtype, dims = _read_header(f, p)
        header = f.tell()
        nbytes = _expected(dtype, dims, p)
        available = os.fstat(f.fileno()).st_size - header
        if available < nbytes:
            raise UnreadableDataError(
                f"{_size_text(dims, nbytes)} but holds only {available}; truncated file"
                " or corrupt header",
                path=p,
            )
        if available > nbytes:
            raise UnreadableDataError(
                f"{_size_text(dims, nbytes)} but holds {available}; corrupt header", path=p
            )
        data = np.fromfile(f, dtype=dtype, count=math.prod(dims))
    return data.reshape(dims).astype(dtype.newbyteorder("="), copy=False)


def _read_gzip(p: Path) -> np.ndarray:
    try:
        with gzip.open(p, "rb") as f:
            dtype, dims = _read_header(f, p)  # type: ignore[arg-type]
            nbytes = _expected(dtype, dims, p)
            # Read in chunks so that a header lying about its size fails when the stream
            # ends, without ever allocating the declared (possibly huge) size up front.
            buf = bytearray()
            while len(buf) < nbytes:
                chunk = f.read(min(_CHUNK, nbytes - len(buf)))
                if not chunk:
                    break
                buf += chunk
            if len(buf) < nbytes:
                raise UnreadableDataError(
                    f"{_size_text(dims, nbytes)} but holds only {len(buf)}; truncated file"
                    " or corrupt header",
                    path=p,
                )
            if f.read(1):
                raise UnreadableDataError(
                    f"{_size_text(dims, nbytes)} but holds more; corrupt header", path=p
                )
    except (OSError, EOFError, zlib.error) as exc:
        raise UnreadableDataError(f"corrupt or truncated gzip stream ({exc})", path=p) from None
    data = np.frombuffer(buf, dtype=dtype)
    return data.reshape(dims).astype(dtype.newbyteorder("="), copy=False)


def find_idx_files(folder: Path) -> dict[tuple[str, str], Path]:
    """Find the MNIST-style IDX files in a folder.

    Parameters
    ----------
    folder : Path
        Folder to scan (not recursive, hidden files ignored).

    Returns
    -------
    dict
        ``{(split, kind): path}`` with split ``"train"`` or ``"test"`` (``t10k`` files) and
        kind ``"images"`` or ``"labels"``; an uncompressed file wins over its ``.gz``.

    Raises
    ------
    DataShapeError
        When two different files claim the same role.
    """
    found: dict[tuple[str, str], Path] = {}
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith(".") or not entry.is_file():
            continue
        m = _IDX_NAME.match(entry.name)
        if m is None:
            continue
        split = "train" if m["split"].lower() == "train" else "test"
        key = (split, m["kind"].lower())
        other = found.get(key)
        if other is not None:
            same = other.name.lower().removesuffix(".gz") == entry.name.lower().removesuffix(".gz")
            if not same:
                raise DataShapeError(
                    f"both {other.name} and {entry.name} look like the {split} {key[1]}",
                    path=folder,
                )
            if entry.suffix.lower() == ".gz":
                continue
        found[key] = entry
    return found


@dataclass(frozen=True)
class IdxPartner:
    """The other half of an IDX images/labels pair, looked for beside one of them.

    Attributes
    ----------
    kind : str
        ``"labels"`` when an images file was given, ``"images"`` when a labels file was.
    looked_for : str
        The name looked for, for messages (``"t10k-labels-idx1-ubyte[.gz]"``).
    path : Path or None
        The file found, or None.
    """

    kind: str
    looked_for: str
    path: Path | None


def find_idx_partner(path: Path) -> IdxPartner | None:
    """Find the labels beside an IDX images file, or the images beside a labels file.

    ``X-images-idx3-ubyte`` pairs with ``X-labels-idx1-ubyte`` (either may use ``.idx`` for
    ``-idx`` and either may be gzipped), as MNIST and its relatives ship them.

    Parameters
    ----------
    path : Path
        An IDX file.

    Returns
    -------
    IdxPartner or None
        None when the name does not follow the ``X-images``/``X-labels`` convention. Among
        several matches the one with the same separator wins, then the uncompressed one (as in
        :func:`find_idx_files`).
    """
    m = _PAIR_NAME.match(path.name)
    if m is None:
        return None
    kind, ndim = _OTHER_HALF[m["kind"].lower()]
    wanted = re.compile(
        rf"^{re.escape(m['prefix'])}{kind}(?P<sep>[-.])idx\d-ubyte(?P<gz>\.gz)?$", re.IGNORECASE
    )
    found = []
    for entry in path.parent.iterdir():
        hit = wanted.match(entry.name)
        if hit is not None and not entry.name.startswith(".") and entry.is_file():
            found.append(((hit["sep"] != m["sep"], hit["gz"] is not None, entry.name), entry))
    looked_for = f"{m['prefix']}{kind}{m['sep']}idx{ndim}-ubyte[.gz]"
    return IdxPartner(kind, looked_for, min(found)[1] if found else None)
