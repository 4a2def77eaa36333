"""Small real data for core tests: a slice of the bundled digits."""

from __future__ import annotations

import pytest

from aeviewer.core.datasets import Dataset, load_dataset


@pytest.fixture(scope="session")
def digits_small() -> Dataset:
    """300 training and 100 validation digits, 28x28."""
    return load_dataset("digits", max_train=300, max_val=100)
