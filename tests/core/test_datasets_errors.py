"""Every validation error of aeviewer.core.datasets: typed, one line, naming the file."""

from __future__ import annotations

import gzip
import hashlib
import io
import struct
import time
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from aeviewer.core.datasets import (
    DataDtypeError,
    DataRangeError,
    DatasetError,
    DataShapeError,
    EmptyDataError,
    LabelMismatchError,
    NonFiniteDataError,
    UnknownDatasetError,
    UnreadableDataError,
    load_dataset,
)


def idx_bytes(arr: np.ndarray, code: int = 0x08) -> bytes:
    header = struct.pack(">BBBB", 0, 0, code, arr.ndim) + struct.pack(f">{arr.ndim}I", *arr.shape)
    return header + np.ascontiguousarray(arr, dtype=np.uint8).tobytes()


def expect(error: type[DatasetError], path: Path, *needles: str) -> str:
    """Load ``path``, check the error type, that its message is one line naming the file."""
    with pytest.raises(error) as info:
        load_dataset(path=path)
    message = str(info.value)
    assert "\n" not in message
    assert path.name in message and info.value.path is not None
    for needle in needles:
        assert needle in message, message
    return message


GOOD_X = np.zeros((10, 28, 28), np.uint8)
GOOD_Y = np.arange(10) % 3

NPZ_CASES = [
    (dict(x_train=np.zeros((10, 5, 5, 5))), DataShapeError, "x_train has shape (10, 5, 5, 5)"),
    (dict(x_train=np.zeros(10)), DataShapeError, "expected (N, H, W) grey or (N, H, W, 3) colour"),
    (dict(x_train=np.zeros((10, 4), bool)), DataDtypeError, "bool"),
    (dict(x_train=np.zeros((10, 4), complex)), DataDtypeError, "complex"),
    (dict(x_train=np.array([["a", "b"]] * 4)), DataDtypeError, "x_train has dtype"),
    (dict(x_train=np.full((4, 3), np.nan)), NonFiniteDataError, "12 NaN"),
    (dict(x_train=np.array([[0.5, np.inf]] * 4)), NonFiniteDataError, "4 infinite"),
    (dict(x_train=np.zeros((0, 28, 28))), EmptyDataError, "x_train is empty"),
    (dict(x_train=np.full((4, 3), 200.0)), DataRangeError, "[200, 200]; expected floats in [0, 1]"),
    (dict(x_train=np.full((4, 3), -0.5)), DataRangeError, "x_train values span [-0.5"),
    (dict(x_train=np.full((4, 3), -3, np.int16)), DataRangeError, "expected integers in 0..255"),
    (dict(x_train=np.full((4, 3), 1000)), DataRangeError, "[1000, 1000]"),
    (dict(x_train=GOOD_X, y_train=GOOD_Y[:9]), LabelMismatchError, "9 labels but there are 10"),
    (dict(x_train=GOOD_X, y_train=GOOD_Y - 1), LabelMismatchError, "negative label -1"),
    (dict(x_train=GOOD_X, y_train=GOOD_Y + 0.5), DataDtypeError, "non-integer labels"),
    (dict(x_train=GOOD_X, y_train=np.eye(10)), LabelMismatchError, "one-hot"),
    (dict(x_train=np.zeros((4, 8)), x_test=np.zeros((2, 9))), DataShapeError, "both splits"),
    (dict(x_train=GOOD_X, y_train=GOOD_Y, x_test=GOOD_X), LabelMismatchError, "x_test has none"),
    (dict(x_test=GOOD_X), UnreadableDataError, "no 'x_train'"),
    (dict(x_train=np.zeros((1, 3))), EmptyDataError, "at least 2"),
]


@pytest.mark.parametrize(("arrays", "error", "needle"), NPZ_CASES)
def test_npz_validation(
    tmp_path: Path, arrays: dict[str, Any], error: type[DatasetError], needle: str
) -> None:
    f = tmp_path / "bad.npz"
    np.savez(f, **arrays)
    expect(error, f, needle)


def test_object_array_npz_is_refused_without_unpickling(tmp_path: Path) -> None:
    f = tmp_path / "objects.npz"
    np.savez(f, x_train=np.array([np.zeros(3), "evil"], dtype=object))
    expect(DataDtypeError, f, "object array")


def test_input_file_is_never_written(tmp_path: Path) -> None:
    f = tmp_path / "bad.npz"
    np.savez(f, x_train=np.full((4, 3), np.nan))
    before = (f.stat().st_mtime_ns, hashlib.sha256(f.read_bytes()).hexdigest())
    expect(NonFiniteDataError, f)
    assert (f.stat().st_mtime_ns, hashlib.sha256(f.read_bytes()).hexdigest()) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.npz"]


@pytest.mark.parametrize("content", [b"", b"not a zip at all", b"PK\x03\x04garbage"])
def test_corrupt_npz(tmp_path: Path, content: bytes) -> None:
    f = tmp_path / "junk.npz"
    f.write_bytes(content)
    expect(UnreadableDataError, f)


def test_truncated_npz(tmp_path: Path) -> None:
    buf = io.BytesIO()
    np.savez_compressed(buf, x_train=np.random.default_rng(0).random((50, 28, 28)))
    f = tmp_path / "cut.npz"
    f.write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    expect(UnreadableDataError, f)


def test_npz_header_lying_about_its_size(tmp_path: Path) -> None:
    member = io.BytesIO()
    header = {"descr": "|u1", "fortran_order": False, "shape": (10**6, 28, 28)}
    np.lib.format.write_array_header_1_0(member, header)
    member.write(bytes(784 * 3))
    f = tmp_path / "liar.npz"
    with zipfile.ZipFile(f, "w") as zf:
        zf.writestr("x_train.npy", member.getvalue())
    start = time.perf_counter()
    expect(UnreadableDataError, f, "x_train declares shape (1000000, 28, 28)")
    assert time.perf_counter() - start < 2.0


# --- IDX -------------------------------------------------------------------------------


@pytest.mark.parametrize("gz", [False, True])
def test_idx_header_declaring_a_million_images_fails_fast(tmp_path: Path, gz: bool) -> None:
    data = struct.pack(">BBBBIII", 0, 0, 8, 3, 10**6, 28, 28) + bytes(784 * 5)
    f = tmp_path / ("train-images-idx3-ubyte" + (".gz" if gz else ""))
    f.write_bytes(gzip.compress(data) if gz else data)
    start = time.perf_counter()
    message = expect(UnreadableDataError, f, "declares 1000000 images (784000000 bytes)")
    assert time.perf_counter() - start < 2.0
    assert "holds only 3920" in message


@pytest.mark.parametrize("gz", [False, True])
def test_truncated_idx(tmp_path: Path, gz: bool) -> None:
    raw = idx_bytes(np.random.default_rng(0).integers(0, 256, (20, 28, 28), dtype=np.uint8))
    f = tmp_path / ("t10k-images-idx3-ubyte" + (".gz" if gz else ""))
    f.write_bytes(gzip.compress(raw)[:-300] if gz else raw[:-300])
    expect(UnreadableDataError, f)


def test_corrupt_gzip_stream(tmp_path: Path) -> None:
    raw = bytearray(gzip.compress(idx_bytes(np.full((20, 28, 28), 7, np.uint8))))
    raw[20:40] = b"\xff" * 20
    f = tmp_path / "t10k-images-idx3-ubyte.gz"
    f.write_bytes(bytes(raw))
    expect(UnreadableDataError, f, "gzip")


def test_idx_extra_trailing_bytes(tmp_path: Path) -> None:
    f = tmp_path / "x-idx3-ubyte"
    f.write_bytes(idx_bytes(np.zeros((4, 28, 28), np.uint8)) + b"extra")
    expect(UnreadableDataError, f, "declares 4 images")


@pytest.mark.parametrize(
    ("data", "error", "needle"),
    [
        (b"\x12\x34\x08\x03" + bytes(20), UnreadableDataError, "not an IDX file"),
        (b"\x00\x00", UnreadableDataError, "file ends inside the IDX header"),
        (idx_bytes(np.zeros((4, 28, 28), np.uint8), code=0x07), DataDtypeError, "0x07"),
        (idx_bytes(np.zeros((4, 784), np.uint8)), DataShapeError, "expected 3-D"),
    ],
)
def test_bad_idx_files(tmp_path: Path, data: bytes, error: type[DatasetError], needle: str) -> None:
    f = tmp_path / "images-idx3-ubyte"
    f.write_bytes(data)
    expect(error, f, needle)


def test_idx_label_count_mismatch(tmp_path: Path) -> None:
    (tmp_path / "t10k-images-idx3-ubyte").write_bytes(idx_bytes(np.zeros((10, 28, 28), np.uint8)))
    (tmp_path / "t10k-labels-idx1-ubyte").write_bytes(idx_bytes(np.zeros(9, np.uint8)))
    with pytest.raises(LabelMismatchError, match="9 labels but t10k-images-idx3-ubyte has 10"):
        load_dataset(path=tmp_path)


# --- image folders, paths, names ---------------------------------------------------------


def test_png_that_is_text(tmp_path: Path) -> None:
    bad = tmp_path / "3" / "seven.png"
    bad.parent.mkdir()
    bad.write_text("I am not a PNG")
    with pytest.raises(UnreadableDataError) as info:
        load_dataset(path=tmp_path)
    assert "seven.png" in str(info.value) and "\n" not in str(info.value)


def test_truncated_png(tmp_path: Path) -> None:
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(np.random.default_rng(0).integers(0, 256, (64, 64), np.uint8)).save(buf, "PNG")
    bad = tmp_path / "a" / "cut.png"
    bad.parent.mkdir()
    bad.write_bytes(buf.getvalue()[:200])
    with pytest.raises(UnreadableDataError, match=r"cut\.png"):
        load_dataset(path=tmp_path)


@pytest.mark.parametrize("name", ["missing.npz", "table.csv", "empty_folder"])
def test_unusable_paths(tmp_path: Path, name: str) -> None:
    p = tmp_path / name
    if name == "table.csv":
        p.write_text("1,2,3")
    elif name == "empty_folder":
        p.mkdir()
    expect(UnreadableDataError, p, "expected a .npz file")


def test_unknown_dataset_name_lists_valid_names() -> None:
    with pytest.raises(UnknownDatasetError) as info:
        load_dataset("cifar")
    message = str(info.value)
    assert "cifar" in message and "\n" not in message
    for name in ("digits", "mnist", "fashion_mnist", "synthetic3d"):
        assert name in message
    with pytest.raises(UnknownDatasetError):
        load_dataset(None)
    assert issubclass(UnknownDatasetError, ValueError)
