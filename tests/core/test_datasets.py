"""Happy paths of aeviewer.core.datasets: every source, class selection, caps, parse_classes."""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from aeviewer.core.datasets import (
    DATASET_NAMES,
    Dataset,
    DatasetError,
    EmptyDataError,
    InvalidClassesError,
    builtin,
    load_dataset,
    parse_classes,
)
from aeviewer.core.datasets.builtin import MNIST_DIR
from aeviewer.core.images import center_of_mass

SHARED_DATA = MNIST_DIR  # the MNIST test set as bundled with aeviewer


def idx_bytes(arr: np.ndarray) -> bytes:
    """Encode a uint8 array as an IDX file."""
    header = struct.pack(">BBBB", 0, 0, 0x08, arr.ndim) + struct.pack(f">{arr.ndim}I", *arr.shape)
    return header + np.ascontiguousarray(arr, dtype=np.uint8).tobytes()


def fake_mnist(n: int, seed: int = 0, size: int = 28) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 256, size=(n, size, size), dtype=np.uint8)
    y = (np.arange(n) % 10).astype(np.uint8)
    return x, y


def check_contract(ds: Dataset) -> None:
    for x in (ds.x_train, ds.x_val):
        assert x.dtype == np.float32
        assert x.min() >= 0.0 and x.max() <= 1.0
    assert ds.x_train.shape[1:] == ds.x_val.shape[1:] == ds.input_shape
    if ds.y_train is not None:
        assert ds.y_train.dtype == np.int64 and ds.y_train.shape == (ds.n_train,)
        assert ds.y_val is not None and ds.y_val.shape == (ds.n_val,)
        assert max(ds.y_train.max(), ds.y_val.max()) < len(ds.class_names)
    else:
        assert ds.y_val is None and ds.class_names == ()
    assert ds.source and "\n" not in ds.source


# --- npz ---------------------------------------------------------------------------------


def test_npz_keras_layout(tmp_path: Path) -> None:
    x, y = fake_mnist(30)
    xt, yt = fake_mnist(12, seed=1)
    f = tmp_path / "mine.npz"
    np.savez(f, x_train=x, y_train=y, x_test=xt, y_test=yt)
    ds = load_dataset(path=f)
    check_contract(ds)
    assert ds.name == "mine.npz" and ds.is_image and ds.input_shape == (28, 28)
    assert (ds.n_train, ds.n_val) == (30, 12)
    np.testing.assert_array_equal(ds.x_val, xt.astype(np.float32) / np.float32(255))
    np.testing.assert_array_equal(ds.y_val, yt)
    np.testing.assert_array_equal(ds.x_train, x.astype(np.float32) / np.float32(255))
    assert ds.class_names == tuple(str(i) for i in range(10))


def test_npz_unlabelled_and_float_vectors(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    x, xt = rng.random((20, 5)), rng.random((6, 5))
    f = tmp_path / "vec.npz"
    np.savez(f, x_train=x, x_test=xt)
    ds = load_dataset(path=f)
    check_contract(ds)
    assert not ds.is_image and ds.input_shape == (5,)
    assert ds.y_train is None and ds.class_names == ()
    np.testing.assert_array_equal(ds.x_val, xt.astype(np.float32))


def test_npz_x_train_only_is_split_80_20_deterministically(tmp_path: Path) -> None:
    x, y = fake_mnist(50)
    f = tmp_path / "only.npz"
    np.savez(f, x_train=x, y_train=y)
    a, b = load_dataset(path=f), load_dataset(path=f, seed=7)
    check_contract(a)
    assert (a.n_train, a.n_val) == (40, 10)
    np.testing.assert_array_equal(a.x_val, b.x_val)
    np.testing.assert_array_equal(a.y_train, b.y_train)
    assert a.y_val is not None
    np.testing.assert_array_equal(np.bincount(a.y_val), np.ones(10))  # stratified
    together = np.concatenate([a.x_train, a.x_val]).reshape(50, -1)
    expected = (x.astype(np.float32) / 255).reshape(50, -1)
    assert {r.tobytes() for r in together} == {r.tobytes() for r in expected}


def test_npz_channel_axis_squeezed_and_small_images_kept_at_their_size(tmp_path: Path) -> None:
    x, _ = fake_mnist(10, size=14)
    f = tmp_path / "small.npz"
    np.savez(f, x_train=x[..., None], x_test=x[:3, :, :, None])
    ds = load_dataset(path=f)
    check_contract(ds)
    assert ds.input_shape == (14, 14)
    np.testing.assert_array_equal(ds.x_val, x[:3].astype(np.float32) / np.float32(255))


# --- IDX -------------------------------------------------------------------------------


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("sep", ["-", "."])
def test_idx_folder_full_set(tmp_path: Path, gz: bool, sep: str) -> None:
    x, y = fake_mnist(20)
    xt, yt = fake_mnist(10, seed=3)
    files = {
        f"train-images{sep}idx3-ubyte": x,
        f"train-labels{sep}idx1-ubyte": y,
        f"t10k-images{sep}idx3-ubyte": xt,
        f"t10k-labels{sep}idx1-ubyte": yt,
    }
    for name, arr in files.items():
        data = idx_bytes(arr)
        if gz:
            (tmp_path / (name + ".gz")).write_bytes(gzip.compress(data))
        else:
            (tmp_path / name).write_bytes(data)
    ds = load_dataset(path=tmp_path)
    check_contract(ds)
    assert (ds.n_train, ds.n_val) == (20, 10)
    np.testing.assert_array_equal(ds.x_val, xt.astype(np.float32) / np.float32(255))
    np.testing.assert_array_equal(ds.y_train, y)


def test_idx_t10k_pair_alone_splits_first_80_percent(tmp_path: Path) -> None:
    x, y = fake_mnist(10)
    (tmp_path / "t10k-images-idx3-ubyte.gz").write_bytes(gzip.compress(idx_bytes(x)))
    (tmp_path / "t10k-labels-idx1-ubyte.gz").write_bytes(gzip.compress(idx_bytes(y)))
    ds = load_dataset(path=tmp_path)
    check_contract(ds)
    assert (ds.n_train, ds.n_val) == (8, 2)
    np.testing.assert_array_equal(ds.x_train, x[:8].astype(np.float32) / np.float32(255))
    np.testing.assert_array_equal(ds.y_val, y[8:])


def test_idx_single_images_file_is_unlabelled(tmp_path: Path) -> None:
    x, _ = fake_mnist(15)
    f = tmp_path / "t10k-images-idx3-ubyte"
    f.write_bytes(idx_bytes(x))
    ds = load_dataset(path=f)
    check_contract(ds)
    assert ds.y_train is None and (ds.n_train, ds.n_val) == (12, 3)


def test_real_mnist_test_set() -> None:
    ds = load_dataset(path=SHARED_DATA)
    check_contract(ds)
    assert (ds.n_train, ds.n_val) == (8000, 2000)
    assert ds.input_shape == (28, 28)
    assert ds.y_train is not None and set(np.unique(ds.y_train)) == set(range(10))


# --- image folders ---------------------------------------------------------------------


def _save(path: Path, arr: np.ndarray, mode: str = "L") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    img = Image.fromarray(arr)
    (img.convert(mode) if mode != "L" else img).save(path)


def test_image_folder_numeric_classes(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    for label in ("0", "1", "3"):
        for i in range(5):
            _save(tmp_path / label / f"{i}.png", rng.integers(0, 256, (28, 28), dtype=np.uint8))
    _save(tmp_path / "3" / "big.jpg", rng.integers(0, 256, (56, 56), dtype=np.uint8))
    (tmp_path / "1" / ".hidden.png").write_text("not an image")
    (tmp_path / "notes.txt").write_text("ignored")
    ds = load_dataset(path=tmp_path)
    check_contract(ds)
    assert ds.name == tmp_path.name
    assert ds.class_names == ("0", "1", "2", "3")
    assert ds.n_train + ds.n_val == 16
    assert ds.y_train is not None and ds.y_val is not None
    assert set(np.concatenate([ds.y_train, ds.y_val])) == {0, 1, 3}
    assert ds.input_shape == (28, 28)  # the folder's size: the bigger JPEG was resized to it
    assert ds.note == "labels from its 3 class sub-folders; 1 image resized to 28x28"


def test_image_folder_named_classes(tmp_path: Path) -> None:
    img = np.zeros((28, 28), np.uint8)
    img[10:20, 10:20] = 255
    for name in ("dog", "cat"):
        for i in range(5):
            _save(tmp_path / name / f"{i}.png", img)
    ds = load_dataset(path=tmp_path)
    check_contract(ds)
    assert ds.class_names == ("cat", "dog")
    assert ds.x_train.max() == 1.0


# --- built-in datasets -----------------------------------------------------------------


def test_the_default_is_the_bundled_mnist_test_set(tmp_path: Path, monkeypatch) -> None:
    """Real MNIST with no network: the test set's 10,000 digits, 8,000/2,000 per digit."""
    monkeypatch.setenv("AEVIEWER_CACHE_DIR", str(tmp_path))
    builtin._mnist_test_arrays.cache_clear()
    ds = load_dataset()
    check_contract(ds)
    assert ds.name == "mnist-test" and (ds.n_train, ds.n_val) == (8000, 2000)
    assert ds.input_shape == (28, 28) and ds.class_names == tuple(str(i) for i in range(10))
    assert "MNIST" in ds.source and "CC BY-SA 3.0" in ds.source
    assert ds.y_val is not None and ds.y_train is not None
    # Stratified: each digit keeps its fifth in validation (the test set has 892-1135 a digit).
    counts = np.bincount(ds.y_val) / (np.bincount(ds.y_val) + np.bincount(ds.y_train))
    assert np.allclose(counts, 0.2, atol=0.002)
    # Real scans, not up-scaled 8x8 ones: strokes have many grey levels.
    assert len(np.unique(ds.x_train[:50])) > 200
    # The next start reads the cached array, and gets the same split.
    assert list(tmp_path.glob("mnist-test-*.npz"))
    builtin._mnist_test_arrays.cache_clear()
    again = load_dataset("mnist-test", seed=3)
    np.testing.assert_array_equal(ds.x_val, again.x_val)
    np.testing.assert_array_equal(ds.y_train, again.y_train)


def test_a_damaged_mnist_cache_is_read_again_from_the_bundled_files(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("AEVIEWER_CACHE_DIR", str(tmp_path))
    builtin._mnist_test_arrays.cache_clear()
    first = load_dataset("mnist_test")
    (cached,) = tmp_path.glob("mnist-test-*.npz")
    cached.write_bytes(b"not an npz")
    builtin._mnist_test_arrays.cache_clear()
    again = load_dataset("mnist_test")
    np.testing.assert_array_equal(first.x_train, again.x_train)


def test_digits() -> None:
    ds = load_dataset("digits")
    check_contract(ds)
    assert ds.name == "digits" and ds.n_train + ds.n_val == 1797
    assert ds.input_shape == (28, 28)
    assert ds.class_names == tuple(str(i) for i in range(10))
    assert "scikit-learn" in ds.source
    again = load_dataset("digits", seed=3)
    np.testing.assert_array_equal(ds.x_val, again.x_val)
    np.testing.assert_array_equal(ds.y_train, again.y_train)
    assert ds.y_val is not None and np.bincount(ds.y_val).min() >= 30  # stratified
    for img in ds.x_train[:100]:
        r, c = center_of_mass(img)
        assert abs(r - 13.5) < 1.0 and abs(c - 13.5) < 1.0
        rows = np.flatnonzero((img > 0.1).any(axis=1))
        cols = np.flatnonzero((img > 0.1).any(axis=0))
        longer = max(rows[-1] - rows[0], cols[-1] - cols[0]) + 1
        assert 18 <= longer <= 22


def test_synthetic3d() -> None:
    ds = load_dataset("synthetic3d")
    check_contract(ds)
    assert ds.x_train.shape == (400, 3) and ds.x_val.shape == (100, 3)
    assert not ds.is_image and ds.y_train is None
    both = np.concatenate([ds.x_train, ds.x_val])
    np.testing.assert_allclose(both.min(axis=0), 0.0)
    np.testing.assert_allclose(both.max(axis=0), 1.0)
    np.testing.assert_array_equal(ds.x_train, load_dataset("synthetic3d").x_train)


def test_names_and_path_precedence(tmp_path: Path) -> None:
    assert DATASET_NAMES == (
        "mnist_test",
        "digits",
        "mnist",
        "fashion_mnist",
        "cifar10",
        "synthetic3d",
    )
    f = tmp_path / "v.npz"
    np.savez(f, x_train=np.full((4, 3), 0.5), x_test=np.full((2, 3), 0.5))
    assert load_dataset("digits", path=f).name == "v.npz"


def test_arrays_are_read_only() -> None:
    ds = load_dataset()
    with pytest.raises(ValueError):
        ds.x_train[0, 0, 0] = 1.0


# --- subset, caps, parse_classes ---------------------------------------------------------


def test_subset_keeps_label_values() -> None:
    full = load_dataset()
    ds = full.subset([5, 1])
    assert ds.y_train is not None and ds.y_val is not None and full.y_train is not None
    assert set(np.unique(ds.y_train)) == {1, 5} and set(np.unique(ds.y_val)) == {1, 5}
    assert ds.class_names == tuple(str(i) for i in range(10))
    assert ds.n_train == ds.x_train.shape[0] == int(np.isin(full.y_train, [1, 5]).sum())


def test_subset_errors() -> None:
    with pytest.raises(EmptyDataError, match="synthetic3d"):
        load_dataset("synthetic3d").subset([0])
    with pytest.raises(EmptyDataError, match="42"):
        load_dataset().subset([42])
    with pytest.raises(EmptyDataError):
        load_dataset().subset([])


def test_capped_is_deterministic_nested_and_seeded() -> None:
    ds = load_dataset()
    small = ds.capped(100, 20)
    assert (small.n_train, small.n_val) == (100, 20)
    np.testing.assert_array_equal(small.x_train, ds.capped(100, 20).x_train)
    smaller = small.capped(40)
    np.testing.assert_array_equal(smaller.x_train, ds.capped(40).x_train)
    assert smaller.n_val == 20
    other = load_dataset(seed=1).capped(100)
    assert other.y_train is not None and small.y_train is not None
    assert not np.array_equal(other.y_train, small.y_train)
    assert ds.capped(None) is ds and ds.capped(10**6, 10**6) is ds
    with pytest.raises(DatasetError, match="max_train"):
        ds.capped(0)


def test_load_dataset_classes_then_caps() -> None:
    ds = load_dataset("digits", classes=[0, 1], max_train=50, max_val=10)
    assert (ds.n_train, ds.n_val) == (50, 10)
    assert ds.y_train is not None and set(np.unique(ds.y_train)) <= {0, 1}


def test_parse_classes() -> None:
    assert parse_classes("1,5,6") == (1, 5, 6)
    assert parse_classes(" 6, 1 1 ") == (1, 6)
    for junk in ("", " , ", "a,b", "1,-2", "1.5", "0-4"):
        with pytest.raises(InvalidClassesError) as info:
            parse_classes(junk)
        assert isinstance(info.value, DatasetError) and "\n" not in str(info.value)


def test_converted_digits_are_cached_and_a_damaged_cache_is_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aeviewer.core.datasets import builtin

    monkeypatch.setenv("AEVIEWER_CACHE_DIR", str(tmp_path))
    images, _ = builtin._read_digits_raw()
    first = builtin._converted_digits(images)
    (cached,) = tmp_path.glob("digits-v*.npy")
    calls: list[int] = []
    real = builtin.mnist_style
    monkeypatch.setattr(builtin, "mnist_style", lambda a: calls.append(1) or real(a))
    np.testing.assert_array_equal(builtin._converted_digits(images), first)
    assert calls == []  # read back, not converted again
    cached.write_bytes(cached.read_bytes()[:1000])  # truncated
    np.testing.assert_array_equal(builtin._converted_digits(images), first)
    assert len(calls) == len(images)  # rebuilt...
    np.testing.assert_array_equal(np.load(cached), first)  # ... and written whole again
    assert [p.name for p in tmp_path.iterdir()] == [cached.name]  # no temporary file left
    monkeypatch.setenv("AEVIEWER_CACHE_DIR", str(tmp_path / "file"))
    (tmp_path / "file").write_text("not a folder")
    np.testing.assert_array_equal(builtin._converted_digits(images), first)  # unwritable: fine
