"""Shared test setup: headless Qt, quiet TensorFlow, one BLAS thread, and no leaked threads."""

from __future__ import annotations

import os
import sys
import tempfile
import threading
from collections.abc import Iterator

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

SHARED_DATA = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data")


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
