"""Which data sets load on a thread: files and folders, and the downloaded sets."""

from __future__ import annotations

from pathlib import Path

import pytest

from aeviewer.core.datasets import DATASET_NAMES, REMOTE_SOURCES, loads_slowly


@pytest.mark.parametrize("name", DATASET_NAMES)
def test_a_named_set_loads_slowly_when_it_is_downloaded(name: str) -> None:
    assert loads_slowly(name) == (name in REMOTE_SOURCES)


def test_the_downloaded_sets_and_their_spellings() -> None:
    assert loads_slowly("mnist") and loads_slowly("fashion_mnist")
    assert loads_slowly("Fashion-MNIST")  # as load_dataset accepts it
    assert not loads_slowly("digits") and not loads_slowly("synthetic3d")
    assert not loads_slowly(None) and not loads_slowly("no such set")


def test_any_path_loads_slowly(tmp_path: Path) -> None:
    assert loads_slowly("digits", tmp_path / "x.npz")
    assert loads_slowly(None, str(tmp_path))
    assert not loads_slowly("digits", "")
