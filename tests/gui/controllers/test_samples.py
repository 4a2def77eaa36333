"""SamplesController: the denoising strip (the drawing, else the chosen sample, noised and
reconstructed) and the gallery, on one window trained once."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from PySide6.QtCore import Qt
from shared_window import shared_window, train

from aeviewer.core.datasets import Dataset
from aeviewer.core.denoise import corrupt_batch
from aeviewer.core.images import mnist_style
from aeviewer.core.latent import sample_codes
from aeviewer.gui.controllers.samples import GALLERY_SIZE
from aeviewer.gui.main_window import MainWindow


@pytest.fixture(scope="module")
def window(qapp, tiny: Dataset) -> Iterator[MainWindow]:
    with shared_window(tiny, size=(1400, 900)) as w:
        train(w, epochs=1)
        assert w.gallery.pair_count() == GALLERY_SIZE
        yield w


def strip(w: MainWindow) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The denoising strip's clean, noisy and reconstructed images."""
    clean, noisy, recon = (tile.image() for tile in w.noise_panel.tiles())
    assert clean is not None and noisy is not None and recon is not None
    return clean, noisy, recon


def test_the_noise_sliders_noise_the_strip_and_the_gallery(window: MainWindow) -> None:
    w, panel = window, window.noise_panel
    snap = w.live.snapshot
    assert snap is not None and w.canvas_panel.canvas.is_empty()
    clean, noisy, _ = strip(w)
    np.testing.assert_array_equal(noisy, clean)  # no noise yet
    assert w.gallery.noisy_tiles() == []
    try:
        panel.gaussian_slider.setValue(40)  # σ = 0.4, as a lecturer drags it
        clean, noisy, recon = strip(w)
        np.testing.assert_array_equal(noisy, corrupt_batch(clean, 0.4, 0.0, 0.0, seed=1))
        np.testing.assert_allclose(recon, snap.reconstruct(noisy[None])[0], atol=1e-5)
        # The gallery's inputs are noised too, and it reconstructs the noisy ones.
        idx = w.gallery.indices()
        ds = w.data.dataset
        assert ds is not None
        originals = np.asarray(ds.x_val[idx], np.float32)
        want = corrupt_batch(originals, 0.4, 0.0, 0.0, seed=2)
        tiles = w.gallery.noisy_tiles()
        assert len(tiles) == len(idx)
        np.testing.assert_array_equal(tiles[0].image(), want[0])
        np.testing.assert_allclose(
            w.gallery.reconstruction_tiles()[0].image(), snap.reconstruct(want[:1])[0], atol=1e-5
        )
        panel.mask_slider.setValue(50)
        assert not np.array_equal(strip(w)[1], noisy)
    finally:
        panel.set_noise(0.0, 0.0, 0.0)
    clean, noisy, _ = strip(w)
    np.testing.assert_array_equal(noisy, clean)
    assert w.gallery.noisy_tiles() == []


def test_a_gallery_click_chooses_the_sample_the_strip_shows_unless_one_is_drawn(
    window: MainWindow, qtbot
) -> None:
    w, canvas = window, window.canvas_panel.canvas
    assert w.data.dataset is not None
    x_val = w.data.dataset.x_val
    idx = w.gallery.indices()
    w.gallery_dock.raise_()  # its tab in front: the tiles take clicks
    tile = w.gallery.original_tiles()[3]
    assert tile.isVisible()
    try:
        qtbot.mouseClick(tile, Qt.MouseButton.LeftButton, pos=tile.rect().center())
        assert w.samples.selected_index == idx[3] and w.gallery.selected() == idx[3]
        np.testing.assert_array_equal(strip(w)[0], x_val[idx[3]])
        assert w.noise_panel.tiles()[0].caption() == "the target"

        canvas.set_image(np.asarray(x_val[idx[0]]))  # a drawing: the strip is the drawing's
        drawn = mnist_style(canvas.image())
        np.testing.assert_allclose(strip(w)[0], drawn, atol=1e-6)
        w.samples.on_sample_clicked(idx[5])
        assert w.samples.selected_index == idx[5] and w.gallery.selected() == idx[5]
        np.testing.assert_allclose(strip(w)[0], drawn, atol=1e-6)

        canvas.clear()  # the drawing gone: the chosen sample again
        np.testing.assert_array_equal(strip(w)[0], x_val[idx[5]])
    finally:
        canvas.clear()
        w.samples.selected_index = None
        w.gallery.set_selected(None)
        w.samples.refresh_denoise()
    np.testing.assert_array_equal(strip(w)[0], x_val[0])  # nothing chosen: the first sample


def test_refresh_gallery_fills_the_pairs_and_the_generated_samples(window: MainWindow) -> None:
    w, gallery = window, window.gallery
    ds, snap, codes = w.data.dataset, w.live.snapshot, w.latent.state.codes
    plotted = w.latent.state.indices
    assert ds is not None and snap is not None and codes is not None and plotted is not None
    gallery.clear()
    assert gallery.pair_count() == 0 and gallery.generated_count() == 0
    w.samples.refresh_gallery()
    idx = [int(i) for i in plotted[:GALLERY_SIZE]]  # samples the scatter plots
    assert gallery.indices() == idx and gallery.pair_count() == GALLERY_SIZE
    np.testing.assert_array_equal(w.samples.gallery_indices, idx)
    originals = np.asarray(ds.x_val[idx], np.float32)
    recon = snap.reconstruct(originals)
    for k in (0, GALLERY_SIZE - 1):
        np.testing.assert_array_equal(gallery.original_tiles()[k].image(), originals[k])
        np.testing.assert_allclose(gallery.reconstruction_tiles()[k].image(), recon[k], atol=1e-5)
    label = int(np.asarray(ds.y_val)[idx[0]])
    assert gallery.original_tiles()[0].caption() == ds.class_names[label]
    # Generated: decoded from a Gaussian fitted to the codes (a plain autoencoder).
    assert gallery.generated_count() == GALLERY_SIZE
    generated = snap.decoder(sample_codes(codes, GALLERY_SIZE, False, codes.shape[1], seed=3))
    np.testing.assert_allclose(gallery.generated_tiles()[0].image(), generated[0], atol=1e-5)


def test_reset_views_empties_the_gallery_and_forgets_the_sample(window: MainWindow) -> None:
    w = window
    w.samples.on_sample_clicked(w.gallery.indices()[2])
    assert w.samples.selected_index is not None
    w.samples.reset_views()
    assert w.samples.selected_index is None and w.gallery.selected() is None
    assert w.gallery.pair_count() == 0 and w.gallery.generated_count() == 0
    assert len(w.samples.gallery_indices) == 0
