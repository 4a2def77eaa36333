"""Download-and-cache of mnist / fashion_mnist, with the network replaced by file:// URLs."""

from __future__ import annotations

import dataclasses
import gzip
import struct
import sys
import types
from pathlib import Path

import numpy as np
import pytest

from aeviewer.core.datasets import (
    REMOTE_SOURCES,
    DatasetDownloadError,
    RemoteFile,
    UnreadableDataError,
    load_dataset,
)


def idx_bytes(arr: np.ndarray) -> bytes:
    header = struct.pack(">BBBB", 0, 0, 0x08, arr.ndim) + struct.pack(f">{arr.ndim}I", *arr.shape)
    return header + np.ascontiguousarray(arr, dtype=np.uint8).tobytes()


def fake(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (n, 28, 28), dtype=np.uint8), (np.arange(n) % 10).astype(np.uint8)


def cached_files(cache: Path) -> list[str]:
    return sorted(p.name for p in cache.rglob("*") if p.is_file()) if cache.exists() else []


def point_mnist_at(monkeypatch: pytest.MonkeyPatch, origin: str, sha256: str | None = None) -> None:
    monkeypatch.setitem(REMOTE_SOURCES, "mnist", (RemoteFile("mnist.npz", origin, sha256),))


def test_mnist_download_then_cache_hit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    x, y = fake(30, 0)
    xt, yt = fake(10, 1)
    src = tmp_path / "server" / "mnist.npz"
    src.parent.mkdir()
    np.savez(src, x_train=x, y_train=y, x_test=xt, y_test=yt)
    point_mnist_at(monkeypatch, src.as_uri())
    cache = tmp_path / "cache"

    ds = load_dataset("mnist", cache_dir=cache)
    assert (ds.n_train, ds.n_val) == (30, 10) and ds.name == "mnist"
    np.testing.assert_array_equal(ds.x_val, xt.astype(np.float32) / np.float32(255))
    assert ds.class_names == tuple(str(i) for i in range(10))
    assert (cache / "datasets" / "mnist.npz").is_file()

    src.unlink()  # the "server" is gone: the second load must come from the cache
    again = load_dataset("mnist", cache_dir=cache, max_train=5)
    assert again.n_train == 5


def test_fashion_mnist_download(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    x, y = fake(20, 2)
    xt, yt = fake(10, 3)
    server = tmp_path / "server"
    server.mkdir()
    files = []
    for fname, arr in (
        ("train-labels-idx1-ubyte.gz", y),
        ("train-images-idx3-ubyte.gz", x),
        ("t10k-labels-idx1-ubyte.gz", yt),
        ("t10k-images-idx3-ubyte.gz", xt),
    ):
        (server / fname).write_bytes(gzip.compress(idx_bytes(arr)))
        original = next(r for r in REMOTE_SOURCES["fashion_mnist"] if r.fname == fname)
        files.append(dataclasses.replace(original, origin=(server / fname).as_uri(), sha256=None))
    monkeypatch.setitem(REMOTE_SOURCES, "fashion_mnist", tuple(files))
    ds = load_dataset("fashion-mnist", cache_dir=tmp_path / "cache")
    assert (ds.n_train, ds.n_val) == (20, 10)
    assert ds.class_names[0] == "T-shirt/top" and ds.class_names[9] == "Ankle boot"
    np.testing.assert_array_equal(ds.y_val, yt)


def test_download_failure_is_one_line_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    point_mnist_at(monkeypatch, (tmp_path / "nowhere" / "mnist.npz").as_uri())
    cache = tmp_path / "cache"
    with pytest.raises(DatasetDownloadError) as info:
        load_dataset("mnist", cache_dir=cache)
    message = str(info.value)
    assert "\n" not in message
    assert "could not download mnist" in message and "no network?" in message
    assert "--dataset digits" in message and "--data PATH" in message
    assert cached_files(cache) == []


def test_hash_mismatch_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "mnist.npz"
    np.savez(src, x_train=np.zeros((4, 3)), x_test=np.zeros((2, 3)))
    point_mnist_at(monkeypatch, src.as_uri(), sha256="0" * 64)
    cache = tmp_path / "cache"
    with pytest.raises(DatasetDownloadError):
        load_dataset("mnist", cache_dir=cache)
    assert cached_files(cache) == []


def test_interrupted_download_removes_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_get_file(fname: str, *, cache_dir: str, cache_subdir: str, **_: object) -> str:
        target = Path(cache_dir) / cache_subdir / fname
        target.write_bytes(b"half a file")
        raise OSError("connection reset")

    fake_keras_utils = types.ModuleType("keras.utils")
    fake_keras_utils.get_file = broken_get_file  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "keras.utils", fake_keras_utils)
    point_mnist_at(monkeypatch, "https://example.invalid/mnist.npz")
    cache = tmp_path / "cache"
    with pytest.raises(DatasetDownloadError, match="connection reset"):
        load_dataset("mnist", cache_dir=cache)
    assert cached_files(cache) == []


def test_damaged_cached_file_is_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    damaged = cache / "datasets" / "mnist.npz"
    damaged.parent.mkdir(parents=True)
    damaged.write_bytes(b"PK\x03\x04 truncated")
    point_mnist_at(monkeypatch, "https://example.invalid/mnist.npz")
    with pytest.raises(UnreadableDataError, match="downloaded again"):
        load_dataset("mnist", cache_dir=cache)
    assert not damaged.exists()
