"""LatentController: the projection of the codes (PCA, t-SNE kept per epoch), click-to-decode,
hover, the ringed sample and an older epoch's codes, on one window trained once (30-D codes)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from PySide6.QtCore import QPointF
from shared_window import shared_window, train
from windows import open_window

from aeviewer.core.datasets import Dataset
from aeviewer.gui.main_window import MainWindow


@pytest.fixture(scope="module")
def window(qapp, tiny: Dataset) -> Iterator[MainWindow]:
    with shared_window(tiny) as w:
        train(w, epochs=2)
        assert w.latent.state.projection is not None and w.latent.state.projection.kind == "pca"
        yield w


def shown_xy(w: MainWindow) -> np.ndarray:
    """Where the latent view draws its points, row by row."""
    view = w.latent_view
    return np.array([view.point(r) for r in range(view.point_count())])


def title(w: MainWindow) -> str:
    return str(w.latent_view.plot_widget.getPlotItem().titleLabel.text)


def test_a_click_before_any_codes_says_so_and_keeps_no_point(qtbot, tiny: Dataset) -> None:
    w = open_window(qtbot, tiny)
    try:
        w.latent_view.set_click_marker(0.3, 0.4)  # where the view put it, on the click
        assert w.latent.decode_point(0.3, 0.4) is None
        assert w.latent.clicked_point is None  # not decoded again at every snapshot
        assert w.latent_view.marker_position("click") is None
        assert w.preview.image() is None
        assert w.controls.hint.text().startswith("Click once the codes are shown")
    finally:
        w.close()


def test_a_click_decodes_the_pca_inverse_of_the_point(window: MainWindow) -> None:
    w = window
    proj, snap = w.latent.state.projection, w.live.snapshot
    assert proj is not None and snap is not None
    xy = shown_xy(w)
    x, y = (float(v) for v in xy.mean(axis=0) + 0.5 * xy.std(axis=0))
    try:
        image = w.latent.decode_point(x, y)
        code = proj.inverse(np.array([x, y], np.float32))
        assert image is not None
        np.testing.assert_allclose(image, snap.decoder(code), atol=1e-6)
        np.testing.assert_array_equal(w.preview.image(), image)
        first4 = ", ".join(f"{v:.2f}" for v in code[:4])
        assert w.preview.caption() == f"z = ({first4}, …)"  # 30-D: the first four values
        assert w.latent.clicked_point == (x, y)
        other = w.latent.decode_point(-x, -y)
        assert other is not None and not np.allclose(other, image)
    finally:
        w.latent.clicked_point = None


def test_hovering_a_point_shows_that_samples_image(window: MainWindow, qtbot) -> None:
    w, view = window, window.latent_view
    ds, shown = w.data.dataset, w.latent.state.shown_indices
    assert ds is not None and shown is not None
    vb = view.plot_widget.getPlotItem().vb
    xy = shown_xy(w)
    # The point farthest from the others on screen: the mouse is over it alone.
    d = (((xy[:, None] - xy[None]) / np.array(vb.viewPixelSize())) ** 2).sum(-1)
    np.fill_diagonal(d, np.inf)
    row = int(np.argmax(d.min(axis=1)))
    pos = view.plot_widget.mapFromScene(vb.mapViewToScene(QPointF(*xy[row])))
    with qtbot.waitSignal(view.sample_hovered, timeout=5000):
        qtbot.mouseMove(view.plot_widget.viewport(), pos)
    np.testing.assert_array_equal(view.hover_image(), ds.x_val[shown[row]])
    # The row is mapped to its sample through the rows on screen, not taken as the sample.
    w.latent.state.shown_indices = shown[::-1].copy()
    try:
        w.latent.on_hovered(row)
        np.testing.assert_array_equal(view.hover_image(), ds.x_val[shown[::-1][row]])
    finally:
        w.latent.state.shown_indices = shown
    w.latent.on_hovered(len(shown))  # a row the view no longer has
    assert view.hover_image() is None
    w.latent.on_hovered(row)
    w.latent.on_hovered(-1)  # the mouse left the points
    assert view.hover_image() is None


def test_the_gallerys_selected_sample_is_ringed(window: MainWindow) -> None:
    w, view = window, window.latent_view
    shown = w.latent.state.shown_indices
    assert shown is not None and len(shown) > 7
    try:
        w.samples.selected_index = int(shown[7])
        w.latent.update_highlight()
        assert view.marker_position("highlight") == pytest.approx(view.point(7))
        w.samples.selected_index = int(shown.max()) + 1  # a sample not on the scatter
        w.latent.update_highlight()
        assert view.marker_position("highlight") is None
    finally:
        w.samples.selected_index = None
        w.latent.update_highlight()
    assert view.marker_position("highlight") is None


def test_show_epoch_shows_an_older_epochs_codes(window: MainWindow) -> None:
    w = window
    history, state = w.time_machine.history, w.latent.state
    first, last = history.record(1), history.record(2)
    indices = history.latent_indices
    assert first is not None and first.codes is not None and indices is not None
    assert last is not None and last.codes is not None
    try:
        w.latent.show_epoch(1, first.codes, indices)
        assert state.codes is first.codes and state.codes_epoch == 1
        np.testing.assert_allclose(shown_xy(w), state.plane(first.codes, indices), atol=1e-5)
        assert not np.allclose(shown_xy(w), state.plane(last.codes, indices), atol=1e-3)
    finally:
        w.latent.show_epoch(2, last.codes, indices)
    assert state.codes is last.codes and state.codes_epoch == 2


def test_tsne_then_pca_refits_and_a_known_map_shows_at_once(window: MainWindow, qtbot) -> None:
    w, state = window, window.latent.state
    codes, indices = state.codes, state.indices
    assert codes is not None and indices is not None
    try:
        w.latent.set_kind("tsne")
        assert w.menus.projection_actions["tsne"].isChecked()
        assert w.latent.tsne_busy  # computed on a thread: the PCA picture shows meanwhile
        assert state.projection is not None and state.projection.kind == "pca"
        qtbot.waitUntil(lambda: state.shows_tsne, timeout=60_000)
        assert not w.latent.tsne_busy and w.latent.tsne_shown == 2
        assert state.tsne_xy is not None
        np.testing.assert_allclose(shown_xy(w), state.tsne_xy, atol=1e-6)
        assert "t-SNE" in title(w)
        tsne_map = state.tsne_xy

        w.latent.set_kind("pca")
        assert w.menus.projection_actions["pca"].isChecked()
        assert state.projection is not None and state.projection.kind == "pca"
        assert state.tsne_xy is None and w.latent.tsne_shown is None
        np.testing.assert_allclose(shown_xy(w), state.plane(codes, indices), atol=1e-5)
        assert title(w).startswith("PCA of the 30-D codes")

        w.latent.set_kind("tsne")  # these codes' map is kept: no new computation
        assert not w.latent.tsne_busy and state.shows_tsne and state.tsne_xy is tsne_map
    finally:
        w.latent.set_kind("pca")


def test_a_failed_tsne_says_so_and_keeps_the_picture(window: MainWindow) -> None:
    w, state = window, window.latent.state
    before, xy = state.projection, shown_xy(w)
    w.latent.tsne_busy = True  # as while a map is computed
    w.latent.on_tsne_computed(None, "perplexity must be less than n_samples", state.indices)
    assert not w.latent.tsne_busy
    assert w.controls.hint.text() == "t-SNE failed: perplexity must be less than n_samples"
    assert state.projection is before
    np.testing.assert_array_equal(shown_xy(w), xy)
    w.controls.set_hint("")
