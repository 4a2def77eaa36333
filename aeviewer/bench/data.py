"""Where the benchmarks get their data: MNIST's test set, 8000/2000, as bundled with aeviewer
(``--mnist PATH`` reads IDX files elsewhere instead)."""

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


def find_mnist(path: str | os.PathLike[str] | None) -> Path | None:
    """The MNIST folder given with ``--mnist`` (it must exist); None: the bundled copy."""
    if path is not None:
        p = Path(path)
        if not p.exists():
            raise FileNotFoundError(f"--mnist {p}: no such file or folder")
        return p
    return None  # the bundled copy


def load_bench_data(mnist: Path | None, max_train: int | None = None) -> BenchData:
    """MNIST's fixed 8000/2000 split of the t10k files (capped with ``max_train``): those in
    ``mnist`` if given, else the copy bundled with aeviewer."""
    from aeviewer.core.datasets import load_dataset

    if mnist is not None:
        ds = load_dataset(path=mnist, max_train=max_train, max_val=max_train)
        return BenchData(ds, f"MNIST {ds.n_train}/{ds.n_val}")
    ds = load_dataset("mnist_test", max_train=max_train, max_val=max_train)
    return BenchData(ds, f"MNIST {ds.n_train}/{ds.n_val}")
