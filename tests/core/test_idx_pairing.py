"""An IDX images file finds its labels beside it (and a labels file its images), as a folder does.

Every file is written by the test; the real MNIST test set is used only where it is present.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from idx_files import mnist_like, write_idx
from PIL import Image

from aeviewer.core.datasets import EmptyDataError, LabelMismatchError, load_dataset
from aeviewer.core.datasets.builtin import MNIST_DIR

SHARED_DATA = MNIST_DIR  # the MNIST test set as bundled with aeviewer


def _scaled(x: np.ndarray) -> np.ndarray:
    return x.astype(np.float32) / np.float32(255)


@pytest.mark.parametrize(
    "images", ["-idx3-ubyte", ".idx3-ubyte", "-idx3-ubyte.gz", ".idx3-ubyte.gz"]
)
@pytest.mark.parametrize(
    "labels", ["-idx1-ubyte", ".idx1-ubyte", "-idx1-ubyte.gz", ".idx1-ubyte.gz"]
)
def test_images_file_finds_its_labels_beside_it(tmp_path: Path, images: str, labels: str) -> None:
    x, y = mnist_like(20)
    f = write_idx(tmp_path / f"t10k-images{images}", x)
    write_idx(tmp_path / f"t10k-labels{labels}", y)
    ds = load_dataset(path=f)
    assert ds.is_labelled and ds.class_names == tuple(str(i) for i in range(10))
    assert ds.note == f"labels from t10k-labels{labels}"
    # Like the folder of the pair: the first 80% in file order train, the last 20% validate.
    assert (ds.n_train, ds.n_val) == (16, 4)
    np.testing.assert_array_equal(ds.x_train, _scaled(x[:16]))
    np.testing.assert_array_equal(ds.y_train, y[:16])
    np.testing.assert_array_equal(ds.y_val, y[16:])


def test_a_file_and_its_folder_give_the_same_data(tmp_path: Path) -> None:
    x, y = mnist_like(30, seed=1)
    f = write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", x)
    write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", y)
    by_file, by_folder = load_dataset(path=f), load_dataset(path=tmp_path)
    assert by_folder.note == by_file.note == "labels from t10k-labels-idx1-ubyte.gz"
    for part in ("x_train", "y_train", "x_val", "y_val"):
        np.testing.assert_array_equal(getattr(by_file, part), getattr(by_folder, part))


def test_any_prefix_pairs_and_only_with_its_own_labels(tmp_path: Path) -> None:
    x, y = mnist_like(10)
    f = write_idx(tmp_path / "emnist-letters-train-images-idx3-ubyte", x)
    write_idx(tmp_path / "emnist-letters-train-labels-idx1-ubyte", y)
    write_idx(tmp_path / "t10k-labels-idx1-ubyte", y[:5])  # another set's labels: not these
    ds = load_dataset(path=f)
    assert ds.note == "labels from emnist-letters-train-labels-idx1-ubyte"
    np.testing.assert_array_equal(np.concatenate([ds.y_train, ds.y_val]), y)


def test_uncompressed_labels_with_the_same_separator_win(tmp_path: Path) -> None:
    x, y = mnist_like(10)
    f = write_idx(tmp_path / "t10k-images.idx3-ubyte", x)
    write_idx(tmp_path / "t10k-labels.idx1-ubyte", y)
    for other in ("t10k-labels.idx1-ubyte.gz", "t10k-labels-idx1-ubyte"):
        write_idx(tmp_path / other, 9 - y)
    ds = load_dataset(path=f)
    assert ds.note == "labels from t10k-labels.idx1-ubyte"
    np.testing.assert_array_equal(ds.y_train, y[:8])


@pytest.mark.parametrize("gz", [False, True])
def test_no_labels_beside_it_says_so(tmp_path: Path, gz: bool) -> None:
    name = "train-images-idx3-ubyte" + (".gz" if gz else "")
    f = write_idx(tmp_path / name, mnist_like(10)[0])
    write_idx(tmp_path / "t10k-labels-idx1-ubyte", mnist_like(10)[1])  # not train's labels
    ds = load_dataset(path=f)
    assert not ds.is_labelled and ds.class_names == ()
    assert ds.note == (
        "no labels beside it (looked for train-labels-idx1-ubyte[.gz]):"
        " all points one colour, no legend"
    )


def test_a_name_off_the_convention_is_unlabelled_and_says_why(tmp_path: Path) -> None:
    f = write_idx(tmp_path / "digits.idx3-ubyte", mnist_like(10)[0])
    ds = load_dataset(path=f)
    assert not ds.is_labelled
    assert "X-images-idx3-ubyte" in ds.note and "\n" not in ds.note


@pytest.mark.parametrize("gz", [False, True])
def test_labels_count_differing_from_the_images_is_one_clear_line(tmp_path: Path, gz: bool) -> None:
    x, y = mnist_like(10)
    f = write_idx(tmp_path / "t10k-images-idx3-ubyte", x)
    labels = write_idx(tmp_path / ("t10k-labels-idx1-ubyte" + (".gz" if gz else "")), y[:9])
    with pytest.raises(LabelMismatchError) as info:
        load_dataset(path=f)
    message = str(info.value)
    assert message == f"{labels}: holds 9 labels but t10k-images-idx3-ubyte has 10 images"


def test_the_labels_file_chosen_loads_its_images_too(tmp_path: Path) -> None:
    x, y = mnist_like(10)
    write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", x)
    f = write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", y)
    ds = load_dataset(path=f)
    assert ds.name == "t10k-images-idx3-ubyte.gz" and ds.is_labelled
    assert ds.note == "images from t10k-images-idx3-ubyte.gz beside it, labels from this file"
    np.testing.assert_array_equal(ds.x_val, _scaled(x[8:]))


def test_a_labels_file_alone_is_one_clear_line(tmp_path: Path) -> None:
    f = write_idx(tmp_path / "t10k-labels-idx1-ubyte", mnist_like(10)[1])
    with pytest.raises(EmptyDataError) as info:
        load_dataset(path=f)
    assert str(info.value) == (
        f"{f}: holds labels, and no images file is beside it"
        " (looked for t10k-images-idx3-ubyte[.gz])"
    )


def test_folders_and_npz_say_where_their_labels_came_from(tmp_path: Path) -> None:
    x, y = mnist_like(12)
    np.savez(tmp_path / "labelled.npz", x_train=x, y_train=y)
    np.savez(tmp_path / "bare.npz", x_train=x)
    assert load_dataset(path=tmp_path / "labelled.npz").note == "labels from its y_train"
    assert load_dataset(path=tmp_path / "bare.npz").note.startswith("no y_train in it")
    for i, name in enumerate(("cat", "dog", "cat", "dog", "fox", "fox")):
        (tmp_path / "pets" / name).mkdir(parents=True, exist_ok=True)
        Image.fromarray(x[i]).save(tmp_path / "pets" / name / f"{i}.png")
    assert load_dataset(path=tmp_path / "pets").note == "labels from its 3 class sub-folders"


def test_real_mnist_images_file_is_labelled() -> None:
    ds = load_dataset(path=SHARED_DATA / "t10k-images-idx3-ubyte.gz")
    assert (ds.n_train, ds.n_val) == (8000, 2000)
    assert ds.note == "labels from t10k-labels-idx1-ubyte.gz"
    assert ds.y_train is not None and set(np.unique(ds.y_train)) == set(range(10))
