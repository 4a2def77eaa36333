"""Shared test setup: headless Qt, quiet TensorFlow, one BLAS thread, and no leaked threads."""

from __future__ import annotations

import os
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
# The GUI's QSettings go to a throw-away file, never the user's.
os.environ["AEVIEWER_SETTINGS"] = os.path.join(tempfile.mkdtemp(prefix="aeviewer-"), "s.ini")
# ... and autosaves and the digits cache to throw-away folders, never the user's.
os.environ["AEVIEWER_CACHE_DIR"] = tempfile.mkdtemp(prefix="aeviewer-cache-")
os.environ["AEVIEWER_AUTOSAVE_DIR"] = tempfile.mkdtemp(prefix="aeviewer-autosave-")
# tests/bad_inputs.py (broken and hostile files) is imported by the bad-input suites.
sys.path.insert(0, os.path.dirname(__file__))


@pytest.fixture(autouse=True)
def no_leaked_threads() -> Iterator[None]:
    """Fail a test that leaves a Python or Qt thread of its own running."""
    before = {t.ident for t in threading.enumerate()}
    yield
    leaked = [
        t for t in threading.enumerate() if t.ident not in before and t.is_alive() and not t.daemon
    ]
    for t in leaked:
        t.join(timeout=5)
    still = [t.name for t in leaked if t.is_alive()]
    assert not still, f"threads left running: {still}"


@pytest.fixture(scope="module")
def tiny():  # -> Dataset (core imported lazily: a bare `pytest --collect-only` stays quick)
    """The bundled digits, small: a first epoch in about a second."""
    from aeviewer.core.datasets import load_dataset

    return load_dataset("digits", max_train=128, max_val=60)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The autosave folder of this test alone."""
    monkeypatch.setenv("AEVIEWER_AUTOSAVE_DIR", str(tmp_path))
    return tmp_path
