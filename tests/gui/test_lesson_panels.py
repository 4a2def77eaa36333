"""Lesson panels: data in, counts and labels out, real slider/spin box/line interactions,
messages while empty, and both themes."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from aeviewer.core import analysis
from aeviewer.gui import palette
from aeviewer.gui.widgets.lesson_panels import (
    ComparePanel,
    HistogramPanel,
    InterpolationPanel,
    LadderPanel,
    ManifoldPanel,
    SideBySidePanel,
)


@pytest.fixture(autouse=True)
def dark_theme() -> Iterator[None]:
    yield
    palette.set_theme("dark")


def _show(qtbot, widget: QWidget, w: int = 1000, h: int = 700) -> None:
    qtbot.addWidget(widget)
    widget.resize(w, h)
    with qtbot.waitExposed(widget):
        widget.show()


def _images(n: int, seed: int = 0, size: int = 28) -> np.ndarray:
    return np.random.default_rng(seed).random((n, size, size)).astype(np.float32)


# ---------------------------------------------------------------- interpolation
@pytest.fixture
def interp(qtbot) -> InterpolationPanel:
    panel = InterpolationPanel()
    _show(qtbot, panel, 1100, 700)
    return panel


def test_interpolation_starts_with_nine_empty_steps_and_a_hint(interp) -> None:
    assert interp.strip_count() == 9 and interp.alpha() == 0.0
    assert interp.hint() == "Click two samples in the gallery or the latent space"
    assert all(t.image() is None for t in interp.strip_tiles("decoded"))
    captions = [t.caption() for t in interp.strip_tiles("crossfade")]
    assert captions[0] == "0" and captions[4] == "0.5" and captions[-1] == "1"
    interp.set_hint("")
    assert not interp.hint() and interp.findChild(QWidget, "hint").isHidden()


def test_interpolation_strips_and_current_images(interp) -> None:
    a, b = _images(2)
    decoded, fade = _images(9, seed=3), analysis.pixel_crossfade(a, b, 9)
    interp.set_strips(decoded, fade)
    for tile, image in zip(interp.strip_tiles("decoded"), decoded, strict=True):
        np.testing.assert_array_equal(tile.image(), image)
    np.testing.assert_array_equal(interp.strip_tiles("crossfade")[-1].image(), b)
    interp.set_current(decoded[2], fade[2])
    np.testing.assert_array_equal(interp.current_tiles()[0].image(), decoded[2])
    np.testing.assert_array_equal(interp.current_tiles()[1].image(), fade[2])

    interp.set_strips(decoded[:5], None)  # fewer steps: the strips shrink, extra tiles hide
    assert interp.strip_count() == 5 and len(interp.strip_tiles("crossfade")) == 5
    assert all(t.image() is None for t in interp.strip_tiles("crossfade"))
    assert interp.strip_tiles("crossfade")[-1].caption() == "1"
    with pytest.raises(ValueError):
        interp.set_strips(decoded[:5], fade)


def test_interpolation_slider_keys_emit_alpha(qtbot, interp) -> None:
    interp.set_strips(_images(9), _images(9, seed=1))
    slider = interp.slider()
    slider.setFocus()
    with qtbot.waitSignal(interp.alpha_changed, timeout=1000) as blocker:
        qtbot.keyClick(slider, Qt.Key.Key_Right)
    assert blocker.args == [pytest.approx(0.01)]
    with qtbot.waitSignal(interp.alpha_changed, timeout=1000) as blocker:
        qtbot.keyClick(slider, Qt.Key.Key_End)
    assert blocker.args == [1.0] and interp.alpha() == 1.0
    with qtbot.waitSignal(interp.alpha_changed, timeout=1000) as blocker:
        slider.setValue(50)
    assert blocker.args == [0.5]
    # The strip tile nearest to a is framed, in both strips.
    for which in ("decoded", "crossfade"):
        framed = [t.is_highlighted() for t in interp.strip_tiles(which)]
        assert framed == [i == 4 for i in range(9)]
    assert interp.current_tiles()[0].caption() == "a = 0.50"


def test_interpolation_set_alpha_is_silent(qtbot, interp) -> None:
    with qtbot.assertNotEmitted(interp.alpha_changed):
        interp.set_alpha(0.3)
        interp.set_alpha(7.0)  # clipped
    assert interp.alpha() == 1.0
    interp.set_alpha(0.3)
    assert interp.alpha() == pytest.approx(0.3)
    assert interp.current_tiles()[1].caption() == "a = 0.30"


def test_interpolation_message_while_empty(interp) -> None:
    interp.set_message("Train a model first")
    assert interp.message_visible()
    interp.set_strips(_images(9), _images(9))
    assert not interp.message_visible() and interp.message() == "Train a model first"
    interp.set_strips(None, None)
    assert interp.message_visible()


# ---------------------------------------------------------------- manifold
def test_manifold_mosaic_and_grid_spin_box(qtbot) -> None:
    panel = ManifoldPanel()
    _show(qtbot, panel, 700, 700)
    assert panel.grid_size() == 15 and panel.mosaic() is None
    mosaic = analysis.tile_mosaic(_images(25, size=8), 5)
    panel.set_mosaic(mosaic, "z₁ −3 to 3 · z₂ −3 to 3")
    np.testing.assert_array_equal(panel.mosaic(), mosaic)
    assert panel.caption() == "z₁ −3 to 3 · z₂ −3 to 3"
    assert panel.mosaic_tile().width() >= 300  # large enough to read from the back row

    spin = panel.spin_box()
    spin.setFocus()
    with qtbot.waitSignal(panel.grid_size_changed, timeout=1000) as blocker:
        qtbot.keyClick(spin, Qt.Key.Key_Up)
    assert blocker.args == [16] and panel.grid_size() == 16
    with qtbot.assertNotEmitted(panel.grid_size_changed):
        panel.set_grid_size(100)
    assert panel.grid_size() == 30  # clamped to the range
    assert spin.minimum() == 5

    panel.set_message("Needs an invertible projection")
    assert panel.message_visible()  # shown over the stale mosaic
    panel.set_mosaic(mosaic, "new")
    assert not panel.message_visible()  # new data hide it ...
    panel.set_mosaic(None, "")
    assert panel.message_visible()  # ... and it is back while the panel is empty
    panel.set_message("")
    assert not panel.message_visible()


# ---------------------------------------------------------------- histograms
@pytest.fixture
def hist(qtbot) -> HistogramPanel:
    panel = HistogramPanel(title="Reconstruction errors")
    _show(qtbot, panel, 900, 900)
    return panel


def _error_histogram(seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    errors = np.random.default_rng(seed).gamma(2.0, 0.01, 400)
    counts, edges = np.histogram(errors, bins=25)
    return errors, edges, counts


def test_histograms_are_created_and_reused(hist) -> None:
    assert hist.plot_count() == 0 and hist.title() == "Reconstruction errors"
    _, edges, counts = _error_histogram()
    ea, ca, em, cm = analysis.activation_histograms(np.random.default_rng(1).random((50, 20)))
    hist.set_histograms([("error", edges, counts), ("activations", ea, ca), ("means", em, cm)])
    assert hist.plot_count() == 3
    assert hist.plot_titles() == ["error", "activations", "means"]
    third = hist.plot_widget(2)
    assert third.isVisible()
    hist.set_histograms([("error", edges, counts)])
    assert hist.plot_count() == 1 and not third.isVisible()
    hist.set_histograms([("error", edges, counts)] * 3)
    assert hist.plot_widget(2) is third  # reused, not rebuilt
    with pytest.raises(ValueError):
        hist.set_histograms([("bad", edges, counts[:-1])])


def test_threshold_line_drag_emits(qtbot, hist) -> None:
    errors, edges, counts = _error_histogram()
    hist.set_histograms([("error", edges, counts)])
    assert hist.threshold() is None
    value = analysis.threshold_for_fraction(errors, 0.05)
    with qtbot.assertNotEmitted(hist.threshold_changed):
        hist.set_threshold(value)
    line = hist.threshold_line()
    assert hist.threshold() == pytest.approx(value) and line.isVisible() and line.movable
    assert line.pen.widthF() >= 3 and line.pen.color().name() == palette.theme().accent
    assert f"{value:.3g}" in line.label.toPlainText()
    with qtbot.waitSignal(hist.threshold_changed, timeout=1000) as blocker:
        line.setValue(0.07)  # what a drag does
    assert blocker.args == [pytest.approx(0.07)] and hist.threshold() == pytest.approx(0.07)
    hist.set_note("20 of 400 samples above the threshold")
    assert hist.note() == "20 of 400 samples above the threshold"
    hist.set_threshold(None)
    assert hist.threshold() is None and not line.isVisible()


def test_worst_examples_rows(hist) -> None:
    originals, recons = _images(6), _images(6, seed=1)
    errors = analysis.reconstruction_errors(originals, recons)
    worst = analysis.top_k_worst(errors, 4)
    captions = [f"error {errors[i]:.3f}" for i in worst]
    hist.set_examples(originals[worst], recons[worst], captions)
    assert hist.example_count() == 4 and not hist.message_visible()
    rows = hist.example_rows()
    assert rows.row_titles() == ["Original", "Reconstruction"]
    np.testing.assert_array_equal(rows.tiles(0)[0].image(), originals[worst[0]])
    assert [t.caption() for t in rows.tiles(1)] == captions
    assert all(t.width() >= 72 for t in rows.tiles(1))
    hist.set_examples(None, None)
    assert hist.example_count() == 0
    with pytest.raises(ValueError):
        hist.set_examples(originals, recons[:3])
    with pytest.raises(ValueError):
        hist.set_examples(originals, None)


# ---------------------------------------------------------------- compare
def test_compare_two_scatters_and_note(qtbot) -> None:
    panel = ComparePanel(title="A linear autoencoder learns the PCA subspace")
    _show(qtbot, panel, 1000, 600)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((60, 5))
    labels = np.repeat([0, 3, 7], 20)
    _, _, codes = analysis.pca_fit(x, k=2)
    panel.set_left(codes, labels, "PCA", ("PC 1", "PC 2"))
    panel.set_right(codes[:40] * 2, None, "Linear autoencoder", ("z₁", "z₂"))
    assert panel.point_counts() == (60, 40)
    assert panel.plot_titles() == ("PCA", "Linear autoencoder")
    left = panel.scatter_items(0)
    assert set(left) == {0, 3, 7}
    assert left[3].points()[0].brush().color() == palette.class_color(3, 220)
    assert len(left[7].data) == 20
    assert list(panel.scatter_items(1)) == [None]
    left_plot, right_plot = panel.plot_widgets()
    assert left_plot.getPlotItem().legend.isVisible()
    assert not right_plot.getPlotItem().legend.isVisible()
    assert left_plot.getPlotItem().getAxis("bottom").labelText == "PC 1"

    angle = analysis.subspace_angle_degrees(np.eye(5)[:2], np.eye(5)[:2])
    panel.set_note(f"Angle between the two subspaces: {angle:.1f}°")
    assert panel.note() == "Angle between the two subspaces: 0.0°"

    panel.set_left(codes[:20], labels[:20], "PCA")  # one class left: the others go
    assert list(panel.scatter_items(0)) == [0] and panel.point_counts() == (20, 40)
    with pytest.raises(ValueError):
        panel.set_left(np.zeros((5, 3)))
    with pytest.raises(ValueError):
        panel.set_right(np.zeros((5, 2)), np.zeros(4))


# ---------------------------------------------------------------- ladder
def test_ladder_series_from_psnr_ladder(qtbot) -> None:
    panel = LadderPanel(title="Denoising")
    _show(qtbot, panel, 800, 550)
    panel.set_message("Training the denoising model…")
    assert panel.message_visible()
    clean = _images(5, size=8)
    levels = np.array([0.0, 0.1, 0.2, 0.4])
    ladder = analysis.psnr_ladder(
        clean, levels, {"identity": lambda n: n, "perfect": lambda n: clean}
    )
    panel.set_series(levels, ladder)
    assert not panel.message_visible()
    assert panel.series_names() == ["noisy input", "identity", "perfect"]
    x, y = panel.series_data("perfect")
    np.testing.assert_array_equal(x, levels)
    np.testing.assert_allclose(y, analysis.PSNR_CAP_DB)
    item = panel.plot_widget().getPlotItem()
    assert item.getAxis("left").labelText == "PSNR (dB)"
    assert item.getAxis("bottom").labelText == "noise σ"
    assert len(item.legend.items) == 3
    curves = {c.name(): c for c in item.listDataItems()}
    assert curves["identity"].opts["pen"].widthF() >= 3
    assert curves["identity"].opts["pen"].color() != curves["perfect"].opts["pen"].color()

    panel.set_series(levels, {"denoising": ladder["identity"]}, x_label="masked fraction")
    assert panel.series_names() == ["denoising"] and len(item.legend.items) == 1
    assert item.getAxis("bottom").labelText == "masked fraction"
    panel.set_note("The denoising model wins from σ = 0.2")
    assert panel.note().startswith("The denoising")
    with pytest.raises(ValueError):
        panel.set_series(levels, {"short": np.zeros(3)})


# ---------------------------------------------------------------- side by side
def test_side_by_side_rows(qtbot) -> None:
    panel = SideBySidePanel(title="Tied weights")
    _show(qtbot, panel, 1000, 600)
    panel.set_message("Training the comparison model…")
    assert panel.message_visible() and panel.row_count() == 0
    originals = _images(8)
    rows = [
        ("Original", originals),
        ("Stacked · 163,814 parameters", _images(8, seed=1)),
        ("Tied · 82,414 parameters", _images(8, seed=2)),
    ]
    panel.set_rows(rows)
    assert panel.row_count() == 3 and not panel.message_visible()
    assert panel.row_titles() == [title for title, _ in rows]
    np.testing.assert_array_equal(panel.row_tiles(0)[7].image(), originals[7])
    assert all(t.isVisible() and t.width() >= 72 for t in panel.row_tiles(2))
    old_tiles = panel.row_tiles(2)

    panel.set_rows([("Original", originals[:4]), ("Tied", _images(4, seed=5))])
    assert panel.row_count() == 2 and len(panel.row_tiles(1)) == 4
    assert not any(t.isVisible() for t in old_tiles)
    panel.set_note("Half the parameters, about the same error")
    assert panel.note().startswith("Half")
    panel.set_rows([])
    assert panel.message_visible()


# ---------------------------------------------------------------- themes
def _filled(panel: QWidget) -> None:
    imgs = _images(4, size=8)
    edges, counts = np.linspace(0, 1, 5), np.arange(4)
    if isinstance(panel, InterpolationPanel):
        panel.set_strips(imgs, imgs)
    elif isinstance(panel, ManifoldPanel):
        panel.set_mosaic(imgs[0], "x")
    elif isinstance(panel, HistogramPanel):
        panel.set_histograms([("h", edges, counts)])
        panel.set_threshold(0.5)
        panel.set_examples(imgs, imgs)
    elif isinstance(panel, ComparePanel):
        panel.set_left(np.zeros((3, 2)), np.array([0, 1, 2]), "l")
        panel.set_right(np.ones((3, 2)), None, "r")
    elif isinstance(panel, LadderPanel):
        panel.set_series(np.arange(3), {"noisy input": np.ones(3), "m": np.zeros(3)})
    elif isinstance(panel, SideBySidePanel):
        panel.set_rows([("row", imgs)])


@pytest.mark.parametrize(
    "cls",
    [InterpolationPanel, ManifoldPanel, HistogramPanel, ComparePanel, LadderPanel, SideBySidePanel],
)
def test_apply_theme_both_ways(qtbot, cls) -> None:
    panel = cls()
    _show(qtbot, panel, 900, 700)
    _filled(panel)
    panel.set_title("Heading")
    labels = [label for label in panel.findChildren(QLabel) if label.isVisible()]
    assert any(label.text() == "Heading" for label in labels)
    assert all(label.font().pointSizeF() >= palette.BASE_POINT_SIZE for label in labels)
    for name in ("light", "dark"):
        t = palette.set_theme(name)
        panel.apply_theme()
        heading = next(label for label in labels if label.text() == "Heading")
        assert f"color: {t.foreground}" in heading.styleSheet()
        for plot in panel.findChildren(pg.PlotWidget):
            assert plot.backgroundBrush().color().name() == t.background
        if isinstance(panel, HistogramPanel):
            assert panel.threshold_line().pen.color().name() == t.accent
        qtbot.wait(1)  # a paint in each theme must not raise
        panel.grab()
