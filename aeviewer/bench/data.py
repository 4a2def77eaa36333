"""Where the benchmarks get their data: the real MNIST files beside the repository, or digits.

The product never depends on ``../shared``: without the files the GUI and speed benchmarks
train on the bundled digits (and say so), and the quality rows are skipped.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aeviewer.core.datasets import Dataset


@dataclass(frozen=True)
class BenchData:
    dataset: Dataset
    label: str  # e.g. "MNIST 8000/2000"
    is_mnist: bool


def default_mnist_dir() -> Path:
    """``<repository>/../shared/data``."""
    import aeviewer

    return Path(aeviewer.__file__).resolve().parents[1].parent / "shared" / "data"


def find_mnist(path: str | os.PathLike[str] | None) -> Path | None:
    """The MNIST folder to use: ``path`` if given (it must exist), else the default if present."""
    if path is not None:
        p = Path(path)
        if not p.exists():
            raise FileNotFoundError(f"--mnist {p}: no such file or folder")
        return p
    p = default_mnist_dir()
    return p if (p / "t10k-images-idx3-ubyte.gz").is_file() else None


def load_bench_data(mnist: Path | None, max_train: int | None = None) -> BenchData:
    """MNIST's fixed 8000/2000 split of the t10k files (capped with ``max_train``), or digits."""
    from aeviewer.core.datasets import load_dataset

    if mnist is not None:
        ds = load_dataset(path=mnist, max_train=max_train, max_val=max_train)
        return BenchData(ds, f"MNIST {ds.n_train}/{ds.n_val}", True)
    ds = load_dataset("digits", max_train=max_train, max_val=max_train)
    return BenchData(ds, f"digits {ds.n_train}/{ds.n_val} (no MNIST files)", False)
