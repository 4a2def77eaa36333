"""CIFAR-10 through keras' download-and-cache, with a small archive written by the test in the
real layout (Python 2 pickles in cifar-10-python.tar.gz), and pickles that try to run code."""

from __future__ import annotations

import io
import os
import pickle
import struct
import tarfile
from pathlib import Path

import numpy as np
import pytest

from aeviewer.core.datasets import (
    REMOTE_SOURCES,
    DatasetDownloadError,
    RemoteFile,
    UnreadableDataError,
    load_dataset,
    loads_slowly,
)
from aeviewer.core.datasets.cifar import CIFAR10_CLASSES

ARCHIVE = "cifar-10-python.tar.gz"
BATCHES = [f"data_batch_{i}" for i in range(1, 6)]


class Py2Pickler(pickle._Pickler):  # type: ignore[name-defined]
    """Writes str and bytes as Python 2 ``str`` and names numpy 1's module, as cPickle did
    when CIFAR-10 was made (read back with ``encoding="bytes"``)."""

    dispatch = pickle._Pickler.dispatch.copy()  # type: ignore[attr-defined]

    def save_py2_str(self, obj: str | bytes) -> None:
        raw = obj.encode("latin-1") if isinstance(obj, str) else obj
        if len(raw) < 256:
            self.write(pickle.SHORT_BINSTRING + bytes([len(raw)]) + raw)
        else:
            self.write(pickle.BINSTRING + struct.pack("<i", len(raw)) + raw)
        self.memoize(obj)

    dispatch[str] = save_py2_str
    dispatch[bytes] = save_py2_str


def py2_pickle(obj: object) -> bytes:
    buf = io.BytesIO()
    Py2Pickler(buf, protocol=2).dump(obj)
    return buf.getvalue().replace(b"cnumpy._core.multiarray\n", b"cnumpy.core.multiarray\n")


def batch(images: np.ndarray, labels: np.ndarray, title: str) -> bytes:
    """A batch as CIFAR stores it: R, G, B planes of each image flattened to 3072 bytes."""
    data = np.ascontiguousarray(images.transpose(0, 3, 1, 2).reshape(len(images), -1))
    return py2_pickle(
        {
            "batch_label": title,
            "labels": [int(v) for v in labels],
            "data": data,
            "filenames": [f"img_{i}.png" for i in range(len(images))],
        }
    )


def write_archive(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(f"cifar-10-batches-py/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def fake_cifar(folder: Path, per_batch: int = 4) -> tuple[Path, list[np.ndarray]]:
    """A small archive in CIFAR-10's layout, and the images of each batch in order."""
    rng = np.random.default_rng(1)
    members: dict[str, bytes] = {"batches.meta": py2_pickle({"label_names": CIFAR10_CLASSES})}
    images = []
    for name in [*BATCHES, "test_batch"]:
        x = rng.integers(0, 256, (per_batch, 32, 32, 3), dtype=np.uint8)
        images.append(x)
        members[name] = batch(x, np.arange(per_batch) % 10, name)
    folder.mkdir(parents=True, exist_ok=True)
    return write_archive(folder / ARCHIVE, members), images


def point_cifar_at(monkeypatch: pytest.MonkeyPatch, origin: str) -> None:
    monkeypatch.setitem(REMOTE_SOURCES, "cifar10", (RemoteFile(ARCHIVE, origin, None),))


def test_the_real_origin_and_hash_are_keras_own() -> None:
    (remote,) = REMOTE_SOURCES["cifar10"]
    assert remote.origin == "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
    assert remote.sha256 == "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"
    assert loads_slowly("cifar10") and loads_slowly("CIFAR-10")


def test_cifar10_download_then_cache_hit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src, images = fake_cifar(tmp_path / "server")
    point_cifar_at(monkeypatch, src.as_uri())
    cache = tmp_path / "cache"
    ds = load_dataset("cifar10", cache_dir=cache)
    assert ds.name == "cifar10" and (ds.n_train, ds.n_val) == (20, 4)
    assert ds.x_train.shape == (20, 32, 32, 3) and ds.channels == 3
    assert ds.class_names == CIFAR10_CLASSES and ds.class_names[0] == "airplane"
    # Channels last, RGB, batches in order: the arrays are the images written.
    np.testing.assert_array_equal(ds.x_train, np.concatenate(images[:5]) / np.float32(255))
    np.testing.assert_array_equal(ds.x_val, images[5] / np.float32(255))
    np.testing.assert_array_equal(ds.y_val, np.arange(4))
    assert "CIFAR-10" in ds.source and "20 training and 4 test images" in ds.source
    assert (cache / "datasets" / ARCHIVE).is_file()
    src.unlink()  # the "server" is gone: the cached archive is read
    again = load_dataset("cifar10", cache_dir=cache, max_train=6, grey=True, image_size=16)
    assert again.x_train.shape == (6, 16, 16)
    assert "colour converted to grey" in again.note and "32x32 to 16x16" in again.note


def test_cifar10_offline_without_cache_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    point_cifar_at(monkeypatch, (tmp_path / "nowhere" / ARCHIVE).as_uri())
    with pytest.raises(DatasetDownloadError) as info:
        load_dataset("cifar10", cache_dir=tmp_path / "cache")
    message = str(info.value)
    assert "\n" not in message and "could not download cifar10" in message
    assert "no network?" in message and "--data PATH" in message


class _RunsCode:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return exec, (f"open({str(self.marker)!r}, 'w').close()",)


def test_a_pickle_that_runs_code_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = tmp_path / "pwned"
    evil = pickle.dumps({b"data": _RunsCode(marker), b"labels": [0]}, protocol=4)
    pickle.loads(evil)  # the payload works when unpickled the usual way...
    assert marker.exists()
    marker.unlink()
    src, _ = fake_cifar(tmp_path / "server")
    members = {name: b"" for name in [*BATCHES, "test_batch"]}
    with tarfile.open(src) as tar:
        for name in members:
            f = tar.extractfile(f"cifar-10-batches-py/{name}")
            assert f is not None
            members[name] = f.read()
    members["data_batch_2"] = evil
    write_archive(src, members)
    point_cifar_at(monkeypatch, src.as_uri())
    with pytest.raises(UnreadableDataError) as info:
        load_dataset("cifar10", cache_dir=tmp_path / "cache")
    message = str(info.value)
    assert "\n" not in message
    assert "data_batch_2 asks to run builtins.exec, which is never allowed" in message
    assert not marker.exists()  # ... but not here
    assert not (tmp_path / "cache" / "datasets" / ARCHIVE).exists()  # fetched again next time


@pytest.mark.parametrize(
    ("payload", "needle"),
    [
        (pickle.dumps(os.system, protocol=2), "system, which is never allowed"),
        (py2_pickle({"data": np.zeros((2, 10), np.uint8), "labels": [0, 1]}), "not a CIFAR-10"),
        (py2_pickle({"data": np.zeros((2, 3072), np.float32), "labels": [0, 1]}), "uint8"),
        (py2_pickle({"data": np.zeros((2, 3072), np.uint8), "labels": [0]}), "N integer"),
        (py2_pickle([1, 2, 3]), "not a CIFAR-10 batch"),
        (b"\x80\x02garbage", "not a readable pickle"),
    ],
)
def test_damaged_batches_are_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, payload: bytes, needle: str
) -> None:
    cache = tmp_path / "cache" / "datasets"
    good = batch(np.zeros((2, 32, 32, 3), np.uint8), np.zeros(2), "ok")
    members = {name: good for name in [*BATCHES, "test_batch"]}
    members["test_batch"] = payload
    cache.mkdir(parents=True)
    write_archive(cache / ARCHIVE, members)
    point_cifar_at(monkeypatch, "https://example.invalid/cifar.tar.gz")
    with pytest.raises(UnreadableDataError) as info:
        load_dataset("cifar10", cache_dir=tmp_path / "cache")
    message = str(info.value)
    assert needle in message and "test_batch" in message and "\n" not in message


def test_an_archive_missing_a_batch_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache" / "datasets"
    cache.mkdir(parents=True)
    good = batch(np.zeros((2, 32, 32, 3), np.uint8), np.zeros(2), "ok")
    write_archive(cache / ARCHIVE, {name: good for name in BATCHES})
    point_cifar_at(monkeypatch, "https://example.invalid/cifar.tar.gz")
    with pytest.raises(UnreadableDataError, match="has no cifar-10-batches-py/test_batch"):
        load_dataset("cifar10", cache_dir=tmp_path / "cache")
