"""Fixtures shared by the GUI tests (the window itself: tests/windows.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from aeviewer.core.datasets import Dataset, load_dataset


@pytest.fixture(scope="module")
def tiny() -> Dataset:
    """The bundled digits, small: a first epoch in about a second."""
    return load_dataset("digits", max_train=128, max_val=60)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The autosave folder of this test alone."""
    monkeypatch.setenv("AEVIEWER_AUTOSAVE_DIR", str(tmp_path))
    return tmp_path
