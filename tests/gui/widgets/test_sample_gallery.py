"""SampleGallery: rows, reused tiles, clicks that select a dataset index, generated row."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from aeviewer.gui import palette
from aeviewer.gui.widgets.sample_gallery import SampleGallery

N = 8
INDICES = [101, 205, 307, 4, 55, 666, 7007, 80]


@pytest.fixture
def gallery(qtbot):
    g = SampleGallery()
    qtbot.addWidget(g)
    g.resize(1100, 500)
    g.show()
    qtbot.waitExposed(g)
    return g


def _images(n: int, offset: float = 0.0, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (rng.random((n, 28, 28)) * 0.5 + offset).astype(np.float32)


def test_pairs_show_the_arrays(gallery):
    originals, recons = _images(N), _images(N, seed=1)
    gallery.set_pairs(originals, recons, INDICES, captions=[str(i % 10) for i in range(N)])
    assert gallery.pair_count() == N and gallery.indices() == INDICES
    for col in range(N):
        np.testing.assert_array_equal(gallery.original_tiles()[col].image(), originals[col])
        np.testing.assert_array_equal(gallery.reconstruction_tiles()[col].image(), recons[col])
        assert gallery.original_tiles()[col].caption() == str(col)
        assert gallery.reconstruction_tiles()[col].caption() == ""
    assert gallery.noisy_tiles() == []
    assert all(t.isVisible() for t in gallery.original_tiles() + gallery.reconstruction_tiles())
    sizes = [t.image_rect().width() for t in gallery.original_tiles()]
    assert min(sizes) >= 64


def test_clicking_a_reconstruction_selects_its_dataset_index(qtbot, gallery):
    gallery.set_pairs(_images(N), _images(N, seed=1), INDICES)
    tile = gallery.reconstruction_tiles()[3]
    with qtbot.waitSignal(gallery.sample_clicked, timeout=1000) as blocker:
        qtbot.mouseClick(tile, Qt.MouseButton.LeftButton, pos=tile.image_rect().center())
    assert blocker.args == [INDICES[3]]
    assert gallery.selected() == INDICES[3]
    assert gallery.original_tiles()[3].is_highlighted() and tile.is_highlighted()
    assert sum(t.is_highlighted() for t in gallery.original_tiles()) == 1
    # Clicking an original of another column moves the selection.
    other = gallery.original_tiles()[0]
    with qtbot.waitSignal(gallery.sample_clicked, timeout=1000) as blocker:
        qtbot.mouseClick(other, Qt.MouseButton.LeftButton, pos=other.image_rect().center())
    assert blocker.args == [INDICES[0]] and not tile.is_highlighted()


def test_same_count_reuses_tiles_and_keeps_selection(gallery):
    gallery.set_pairs(_images(N), _images(N, seed=1), INDICES)
    gallery.set_selected(INDICES[5])
    before = [id(t) for t in gallery.original_tiles() + gallery.reconstruction_tiles()]
    new = _images(N, offset=0.5, seed=2)
    gallery.set_pairs(new, new, INDICES)
    after = [id(t) for t in gallery.original_tiles() + gallery.reconstruction_tiles()]
    assert before == after
    np.testing.assert_array_equal(gallery.original_tiles()[2].image(), new[2])
    assert gallery.reconstruction_tiles()[5].is_highlighted()
    gallery.set_selected(None)
    assert not any(t.is_highlighted() for t in gallery.reconstruction_tiles())


def test_fewer_columns_hide_extra_tiles(gallery):
    gallery.set_pairs(_images(N), _images(N), INDICES)
    pool = gallery.original_tiles()
    gallery.set_pairs(_images(3), _images(3), INDICES[:3])
    assert gallery.pair_count() == 3
    assert [t.isVisible() for t in pool] == [True] * 3 + [False] * (N - 3)
    gallery.set_pairs(_images(N), _images(N), INDICES)
    assert [id(t) for t in gallery.original_tiles()] == [id(t) for t in pool]


def test_noisy_row(gallery):
    noisy = _images(N, seed=3)
    gallery.set_pairs(_images(N), _images(N), INDICES, noisy=noisy)
    rows = [gallery.original_tiles(), gallery.noisy_tiles(), gallery.reconstruction_tiles()]
    assert [len(r) for r in rows] == [N, N, N]
    np.testing.assert_array_equal(gallery.noisy_tiles()[4].image(), noisy[4])
    tops = [r[0].mapTo(gallery, r[0].rect().topLeft()).y() for r in rows]
    assert tops == sorted(tops)  # Original, then Noisy input, then Reconstruction
    assert all(t.isVisible() for t in gallery.noisy_tiles())
    noisy_pool = gallery.noisy_tiles()
    gallery.set_pairs(_images(N), _images(N), INDICES)  # without noisy: the row goes away
    assert gallery.noisy_tiles() == [] and not any(t.isVisible() for t in noisy_pool)


def test_mismatched_lengths_raise(gallery):
    with pytest.raises(ValueError):
        gallery.set_pairs(_images(N), _images(N - 1), INDICES)
    with pytest.raises(ValueError):
        gallery.set_pairs(_images(N), _images(N), INDICES, captions=["1"])


def test_generated_row(qtbot, gallery):
    gen = _images(10, seed=4)
    gallery.set_generated(gen, "Generated: N(0, I)")
    assert gallery.generated_count() == 10
    np.testing.assert_array_equal(gallery.generated_tiles()[9].image(), gen[9])
    tile = gallery.generated_tiles()[6]
    with qtbot.waitSignal(gallery.generated_clicked, timeout=1000) as blocker:
        qtbot.mouseClick(tile, Qt.MouseButton.LeftButton, pos=tile.image_rect().center())
    assert blocker.args == [6]
    gallery.set_generated(None)
    assert gallery.generated_count() == 0 and not tile.isVisible()


def test_placeholder_until_pairs_arrive(gallery):
    gallery.set_placeholder("Reconstructions appear after the first epoch")
    assert gallery.placeholder() == "Reconstructions appear after the first epoch"
    assert gallery.pair_count() == 0
    label = gallery._placeholder  # the hint label
    assert label.isVisible()
    gallery.set_pairs(_images(N), _images(N), INDICES)
    assert not label.isVisible()
    gallery.apply_theme()


def test_row_names_are_never_cut_inside_a_word(qtbot, gallery):
    """Presenter mode's larger type: the names' column widens to the longest word
    ("Reconstruction" was cut to "onstruction"), and follows the type back down."""
    gallery.resize(1400, 360)  # short and wide: the names stay beside the rows
    gallery.set_pairs(_images(N), _images(N, 0.5), INDICES)
    recon = gallery._headers[2]
    assert recon.text() == "Reconstruction"

    def fits() -> bool:
        return recon.width() >= recon.fontMetrics().horizontalAdvance("Reconstruction")

    assert fits()
    normal = recon.width()
    big = round(palette.BASE_POINT_SIZE * palette.PRESENTER_SCALE)
    gallery.setStyleSheet(f"QWidget {{ font-size: {big}pt; }}")  # as in presenter mode
    qtbot.waitUntil(fits, timeout=2000)
    assert recon.width() > normal and gallery.names_beside()
    gallery.setStyleSheet("")
    qtbot.waitUntil(lambda: recon.width() == normal, timeout=2000)
