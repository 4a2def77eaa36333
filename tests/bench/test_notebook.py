"""The ``notebook`` bench group: a notebook's own models opened in the real window, clicked and
drawn on while they fine-tune (tiny settings: the plumbing, no timed assertions)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow

from aeviewer.bench import GROUP_KEYS, notebook
from aeviewer.bench.data import BenchData
from aeviewer.bench.live import LiveSettings
from aeviewer.bench.report import TARGETS, Results


def _target(key: str) -> tuple[float, str]:
    t = next(t for t in TARGETS if t.key == key)
    return t.limit, t.better


def test_rows_have_the_live_rows_targets() -> None:
    for name in notebook.MODELS:
        click, stroke = notebook.keys(name)
        assert _target(click) == _target("decode_p95_ms")
        assert _target(stroke) == _target("canvas_p95_ms")
    assert GROUP_KEYS["notebook"] == tuple(k for n in ("dense", "conv") for k in notebook.keys(n))


@pytest.fixture
def docks(qapp) -> Iterator[tuple[QMainWindow, QLabel, QDockWidget, QDockWidget]]:
    """A shown window with two tabbed docks; the tile is in the back one ("denoise")."""
    w = QMainWindow()
    w.setCentralWidget(QLabel("latent"))
    front, back = QDockWidget("draw", w), QDockWidget("denoise", w)
    front.setObjectName("draw")
    back.setObjectName("denoise")
    front.setWidget(QLabel("canvas"))
    tile = QLabel("reconstruction")
    back.setWidget(tile)
    w.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, front)
    w.tabifyDockWidget(front, back)
    w.resize(600, 400)
    w.show()
    front.raise_()
    qapp.processEvents()
    yield w, tile, front, back
    w.close()


def test_hidden_names_the_tab_in_front_of_a_tile(qapp, docks) -> None:
    w, tile, _front, back = docks
    assert notebook.hidden(w, tile) == (
        "the 'denoise' dock is not on screen at 600x400: a tab behind 'draw'"
    )
    back.raise_()
    qapp.processEvents()
    assert notebook.hidden(w, tile) == ""


def test_tiny_run_opens_both_models_and_writes_their_rows(qapp) -> None:
    from aeviewer.core.datasets import load_dataset

    ds = load_dataset("mnist_test", max_train=2048, max_val=64)  # epochs of 64 batches
    results = Results()
    s = notebook.NotebookSettings(user=LiveSettings(clicks=4, moves=6, moves_per_digit=3))
    notebook.run(BenchData(ds, "MNIST 2048/64"), results, s)
    for name, code in (("dense", 32), ("conv", 128)):
        click, stroke = (results.rows[k] for k in notebook.keys(name))
        layout = f"blog_{name}.keras (flat chain split at 'encoded' ({code} values)) fine-tuning"
        for row, what in ((click, "4 clicks"), (stroke, "6 moves")):
            assert row.value is not None and row.value > 0, (name, row.note)
            assert row.note.startswith(layout), row.note
            assert "decoded by its NumpyModel" in row.note and what in row.note
        assert "showed no image" not in click.note and not click.failed, click.note
        # A stroke's reconstruction the user cannot see fails its row, saying where it is.
        assert stroke.failed == ("FAILED: the 'denoise' dock is not on screen" in stroke.note)
    assert set(results.rows) >= set(GROUP_KEYS["notebook"])
