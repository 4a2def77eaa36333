"""Lesson panels: data in, counts and labels out, real slider/spin box/line interactions,
messages while empty, and both themes."""

from __future__ import annotations

import contextlib
import json
import math
from collections.abc import Iterator
from typing import Any

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from aeviewer.core import analysis
from aeviewer.gui import palette
from aeviewer.gui.widgets.lesson_panels import (
    AccuracyPanel,
    CloudView,
    ComparePanel,
    GenerationPanel,
    HistogramPanel,
    InterpolationPanel,
    LadderPanel,
    ManifoldPanel,
    Plane,
    SideBySidePanel,
    StagesPanel,
)
from aeviewer.gui.widgets.lesson_panels.beta import BETA_STEPS
from aeviewer.gui.widgets.lesson_panels.latent_overlay import LatentOverlay


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


def test_a_reason_stands_over_the_message_and_the_data(qtbot) -> None:
    """set_unavailable: one line in place of the content, whatever data or message arrive,
    until it is cleared."""
    panel = GenerationPanel()
    _show(qtbot, panel, 900, 500)
    panel.set_message("Press Start")
    panel.set_note("A note on the images")
    reason = "The generated digits need an image data set: synthetic3d holds 3-D points"
    panel.set_unavailable(reason)
    assert panel.unavailable() == reason and panel.shown_message() == reason
    note = next(label for label in panel.findChildren(QLabel) if label.text() == panel.note())
    assert not note.isVisible()  # a note on content that is not shown would mislead
    panel.set_images(_images(4))  # data do not hide the reason, as they hide a message
    panel.set_message("Training…")
    assert panel.shown_message() == reason and not panel.shows_content()
    assert not panel.content().isVisible()
    panel.set_unavailable("")
    assert panel.shown_message() == "Training…"  # the message, set after the data
    assert note.isVisible()
    panel.set_images(_images(4))
    assert panel.shown_message() == "" and panel.shows_content()


def test_a_reason_fits_a_dock_narrower_than_the_content(qtbot) -> None:
    """The hidden content's width does not widen the panel: the line wraps in a narrow dock
    instead of running off its edge."""
    panel = GenerationPanel()
    _show(qtbot, panel, 900, 500)
    panel.set_images(_images(16))
    content = panel.content().minimumSizeHint().width()
    panel.set_unavailable("The generated digits need an image data set: blobs holds 2-D points")
    assert panel.minimumSizeHint().width() < min(content, 500)
    panel.set_unavailable("")
    assert panel.minimumSizeHint().width() >= content


def test_histogram_says_why_it_has_no_examples(hist) -> None:
    _, edges, counts = _error_histogram()
    hist.set_histograms([("Reconstruction error", edges, counts)])
    reason = "The worst reconstructions need an image data set: synthetic3d holds 3-D points"
    hist.set_examples(None, None)
    hist.set_examples_unavailable(reason)
    line = next(label for label in hist.findChildren(QLabel) if label.text() == reason)
    assert hist.examples_unavailable() == reason and line.isVisible()
    assert hist.plot_widget(0).isVisible() and not hist.message_visible()
    hist.set_examples_unavailable("")
    assert not line.isVisible()


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


def test_threshold_label_stays_on_the_plot(qtbot, hist) -> None:
    _, edges, counts = _error_histogram()
    hist.set_histograms([("error", edges, counts)])
    line = hist.threshold_line()
    vb = hist.plot_widget(0).getPlotItem().vb
    hist.resize(300, 500)  # a narrow panel: the label is more than half the plot's width
    qtbot.wait(10)
    for value in np.linspace(edges[1], edges[-2], 9):  # from near the left edge to the right
        hist.set_threshold(float(value))
        qtbot.wait(10)
        box = line.label.mapRectToItem(vb, line.label.boundingRect())
        x = vb.mapFromView(pg.Point(float(value), 0.0)).x()
        assert box.left() >= -1 and box.right() <= vb.width() + 1, (value, box)
        if box.width() <= max(x, vb.width() - x):  # beside the line where there is room
            assert box.left() >= x - 1 or box.right() <= x + 1


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
    # The classes are named once, under the plots: no legend box covers points.
    assert left_plot.getPlotItem().legend is None and right_plot.getPlotItem().legend is None
    assert panel.legend_entries() == ["0", "3", "7"]
    panel.set_class_names(["zero", "one", "two", "three", "four", "five", "six", "seven"])
    assert panel.legend_entries() == ["zero", "three", "seven"]
    assert left_plot.getPlotItem().getAxis("bottom").labelText == "PC 1"

    angle = analysis.subspace_angle_degrees(np.eye(5)[:2], np.eye(5)[:2])
    panel.set_note(f"Angle between the two subspaces: {angle:.1f}°")
    assert panel.note() == "Angle between the two subspaces: 0.0°"

    panel.set_left(codes[:20], labels[:20], "PCA")  # one class left: the others go
    assert list(panel.scatter_items(0)) == [0] and panel.point_counts() == (20, 40)
    assert panel.legend_entries() == ["zero"]
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


# ---------------------------------------------------------------- the 3-D cloud
def _cloud() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    pts = rng.standard_normal((80, 2)) @ np.array([[1.0, 0.0, 0.2], [0.0, 0.6, 0.3]])
    pts += 0.02 * rng.standard_normal((80, 3))
    mean, comps, _ = analysis.pca_fit(pts, 2)
    return pts, mean, comps


def test_cloud_turns_with_the_slider_and_a_drag(qtbot) -> None:
    view = CloudView("cloud")
    _show(qtbot, view, 500, 420)
    pts, _, _ = _cloud()
    view.set_points(pts)
    assert view.point_count() == 80
    before = view.projected()
    np.testing.assert_allclose(
        before, analysis.oblique_projection(pts - pts.mean(axis=0), *view.view())
    )
    with qtbot.waitSignal(view.view_changed, timeout=1000) as blocker:
        view.slider().setValue((view.slider().value() + 90) % 360)
    assert blocker.args[0] == pytest.approx(view.view()[0])
    assert not np.allclose(view.projected(), before)  # turned
    # A drag on the plot turns it too (azimuth and elevation).
    az, el = view.view()
    vp = view.plot_widget().viewport()
    centre = vp.rect().center()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseMove(vp, centre + type(centre)(40, 20))
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=centre + type(centre)(40, 20))
    assert view.view() != (az, el)
    with qtbot.assertNotEmitted(view.view_changed):
        view.set_view(10.0, 20.0)
    assert view.view() == (10.0, 20.0) and view.slider().value() == 10
    with pytest.raises(ValueError):
        view.set_points(np.zeros((4, 2)))


def test_cloud_draws_each_plane_on_the_plane(qtbot) -> None:
    view = CloudView()
    _show(qtbot, view, 500, 420)
    pts, mean, comps = _cloud()
    view.set_points(pts)
    tilted = comps + np.array([[0.0, 0.0, 0.3], [0.0, 0.0, 0.0]])
    view.set_planes([Plane("PCA", mean, comps, "#ff0000"), Plane("AE", mean, tilted, "#00ff00")])
    assert view.plane_names() == ["PCA", "AE"]
    segments = analysis.plane_grid(pts, mean, comps)
    normal = np.cross(comps[0], comps[1])
    np.testing.assert_allclose((segments.reshape(-1, 3) - mean) @ normal, 0.0, atol=1e-9)
    view.set_planes([Plane("PCA", mean, comps, "#ff0000", dashed=True)])
    assert view.plane_names() == ["PCA"]


def test_cloud_says_why_it_draws_nothing(qtbot) -> None:
    view = CloudView()
    _show(qtbot, view, 500, 420)
    reason = "The 3-D view needs 3-D points: digits holds 28×28 images"
    view.set_unavailable(reason)
    assert view.unavailable() == reason
    assert not view.plot_widget().isVisible() and not view.slider().isVisible()
    assert any(label.text() == reason and label.isVisible() for label in view.findChildren(QLabel))
    view.set_unavailable("")
    view.set_points(_cloud()[0])
    assert view.plot_widget().isVisible() and view.point_count() == 80


# ---------------------------------------------------------------- generation
def test_generation_grid_and_switch(qtbot) -> None:
    panel = GenerationPanel()
    _show(qtbot, panel, 1000, 500)
    panel.set_message("Press Start")
    assert panel.message_visible() and panel.mode() == "ae"
    imgs = _images(16)
    panel.set_images(imgs)
    assert panel.image_count() == 16 and not panel.message_visible()
    np.testing.assert_array_equal(panel.tiles()[15].image(), imgs[15])
    assert all(t.width() >= 84 for t in panel.tiles())  # readable from the back row
    with qtbot.waitSignal(panel.mode_changed, timeout=1000) as blocker:
        qtbot.mouseClick(panel.mode_button("vae"), Qt.MouseButton.LeftButton)
    assert blocker.args == ["vae"] and panel.mode() == "vae"
    with qtbot.assertNotEmitted(panel.mode_changed):
        panel.set_mode("ae")
    assert panel.mode_button("ae").isChecked() and not panel.mode_button("vae").isChecked()
    with qtbot.waitSignal(panel.resample_clicked, timeout=1000):
        qtbot.mouseClick(panel.resample_button(), Qt.MouseButton.LeftButton)
    panel.set_images(imgs[:4])
    assert panel.image_count() == 4 and sum(t.isVisible() for t in panel._tiles) == 4
    with pytest.raises(ValueError):
        panel.set_mode("gan")


# ---------------------------------------------------------------- accuracy
def test_accuracies_are_large_and_in_order(qtbot) -> None:
    panel = AccuracyPanel()
    _show(qtbot, panel, 900, 400)
    panel.set_message("Training two classifiers…")
    assert panel.message_visible()
    panel.set_accuracies([("Pretrained", 0.834), ("Scratch", 0.612)], chance=0.1, detail="100")
    assert not panel.message_visible()
    assert panel.accuracies() == [0.834, 0.612] and panel.number_texts() == ["83%", "61%"]
    assert panel.names() == ["Pretrained", "Scratch"]
    numbers = [lbl for lbl in panel.findChildren(QLabel) if lbl.text() in ("83%", "61%")]
    assert numbers and all("font-size: 34pt" in lbl.styleSheet() for lbl in numbers)
    bars = panel._bars
    assert bars[0].value() == pytest.approx(0.834) and bars[1].value() == pytest.approx(0.612)
    panel.set_accuracies([("only", 0.5)])
    assert panel.number_texts() == ["50%"] and not bars[1].isVisible()


# ---------------------------------------------------------------- greedy stages
def test_stages_each_on_their_own_axis(qtbot) -> None:
    panel = StagesPanel()
    _show(qtbot, panel, 1100, 450)
    panel.set_stage("stage1", "Stage 1 of 3: 784 → 100 → 784")
    panel.add_batches("stage1", np.linspace(0, 1, 20), np.linspace(0.3, 0.1, 20))
    panel.add_epoch("stage1", 1.0, 0.12)
    panel.set_stage("stage2", "Stage 2 of 3: 100 → 30 → 100")
    panel.add_batches("stage2", np.linspace(0, 1, 20), np.linspace(8.0, 5.0, 20))
    assert panel.stage_names() == ["stage1", "stage2"] and panel.current_stage() == "stage2"
    assert panel.stage_title("stage1").startswith("Stage 1")
    x, y = panel.stage_data("stage2")
    assert len(x) == 20 and y[0] == pytest.approx(8.0)
    qtbot.wait(10)
    ranges = [panel.stage_plot(n).getPlotItem().vb.viewRange()[1] for n in ("stage1", "stage2")]
    assert ranges[0][1] < 1.0 < 5.0 < ranges[1][0] + 0.5  # stage 2's MSE does not squash 1's
    panel.clear()
    assert panel.stage_names() == [] and panel.current_stage() == ""


# ---------------------------------------------------------------- more panel behaviour
def test_ladder_switches_noise_and_keeps_lines_readable(qtbot) -> None:
    panel = LadderPanel()
    _show(qtbot, panel, 800, 550)
    panel.show_kinds(True)
    assert panel.kind() == "gaussian" and panel.kind_button("mask").isVisible()
    with qtbot.waitSignal(panel.kind_changed, timeout=1000) as blocker:
        qtbot.mouseClick(panel.kind_button("mask"), Qt.MouseButton.LeftButton)
    assert blocker.args == ["mask"] and panel.kind() == "mask"
    with qtbot.assertNotEmitted(panel.kind_changed):
        panel.set_kind("gaussian")
    levels = np.array([0.05, 0.1, 0.3])
    series = {
        analysis.NOISY_INPUT: np.array([60.0, 20.0, 10.0]),
        "denoising": np.array([18.0, 17.5, 15.0]),
    }
    panel.set_series(levels, series)
    lo, hi = panel.y_range()
    assert lo <= 10.0 and 18.0 < hi < 30.0  # the 60 dB baseline point does not squash it


def test_manifold_refresh_and_overlay_switch(qtbot) -> None:
    panel = ManifoldPanel()
    _show(qtbot, panel, 900, 450)
    assert panel.refresh_button().isVisible()
    with qtbot.waitSignal(panel.refresh_clicked, timeout=1000):
        qtbot.mouseClick(panel.refresh_button(), Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(panel.overlay_toggled, timeout=1000) as blocker:
        panel.overlay_box().click()
    assert blocker.args == [panel.overlay()]
    with qtbot.assertNotEmitted(panel.overlay_toggled):
        panel.set_overlay(not panel.overlay())
    panel.set_mosaic(np.zeros((280, 280), np.float32), "c")
    assert panel.mosaic_tile().height() >= 0.8 * 450 - 60  # the mosaic takes the height


def test_histogram_counts_and_examples_beside(qtbot) -> None:
    panel = HistogramPanel(examples_beside=True)
    _show(qtbot, panel, 1100, 420)
    errors, edges, counts = _error_histogram()
    panel.set_histograms([("errors", edges, counts)])
    e, c = panel.histogram(0)
    np.testing.assert_array_equal(e, edges)
    np.testing.assert_array_equal(c, counts)
    assert c.sum() == len(errors)
    imgs = _images(6)
    panel.set_examples(imgs, imgs)
    plot, tiles = panel.plot_widget(0), panel.example_rows().tiles(0)
    assert tiles[0].mapTo(panel, tiles[0].rect().topLeft()).x() > plot.width()  # to the right
    with pytest.raises(IndexError):
        panel.histogram(1)


def test_beta_slider_steps_and_retrain(qtbot) -> None:
    panel = InterpolationPanel()
    _show(qtbot, panel, 1100, 600)
    beta = panel.beta_control()
    assert not beta.isVisible()
    panel.show_beta(True)
    assert beta.isVisible() and beta.beta() == 1.0
    with qtbot.waitSignal(beta.beta_changed, timeout=1000) as blocker:
        beta.slider().setValue(beta.slider().value() + 1)
    assert blocker.args == [BETA_STEPS[BETA_STEPS.index(1.0) + 1]]
    with qtbot.assertNotEmitted(beta.beta_changed):
        beta.set_beta(4.6)
    assert beta.beta() == 5.0
    with qtbot.waitSignal(beta.retrain_clicked, timeout=1000):
        qtbot.mouseClick(beta.retrain_button(), Qt.MouseButton.LeftButton)


def test_interpolation_strips_and_slider_above_the_fold(qtbot) -> None:
    panel = InterpolationPanel()
    _show(qtbot, panel, 1100, 420)  # the lesson dock's size at 1920x1080
    panel.set_strips(_images(9), _images(9, seed=1))
    panel.set_current(_images(1)[0], _images(1)[0])
    for widget in (panel.slider(), panel.strip_tiles("crossfade")[-1], panel.current_tiles()[1]):
        bottom = widget.mapTo(panel, widget.rect().bottomRight())
        assert 0 < bottom.y() <= 420 and bottom.x() <= 1100, widget


def test_latent_overlay_marks(qtbot) -> None:
    plot = pg.PlotWidget()
    _show(qtbot, plot, 400, 400)
    overlay = LatentOverlay(plot.getPlotItem())
    overlay.set_dot((1.0, 2.0))
    overlay.set_crosses(np.array([[0.0, 1.0], [2.0, 3.0]]))
    mosaic = _images(1, size=12)[0]
    overlay.set_image(mosaic, (-1.0, -2.0, 4.0, 6.0))
    assert overlay.dot_position() == (1.0, 2.0)
    np.testing.assert_array_equal(overlay.cross_positions(), [[0.0, 1.0], [2.0, 3.0]])
    np.testing.assert_array_equal(overlay.image_shown(), mosaic)
    assert overlay.image_rect() == (-1.0, -2.0, 4.0, 6.0)
    overlay.clear()
    assert overlay.dot_position() is None and overlay.image_shown() is None
    overlay.remove()


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
    elif isinstance(panel, GenerationPanel):
        panel.set_images(imgs)
    elif isinstance(panel, AccuracyPanel):
        panel.set_accuracies([("a", 0.8), ("b", 0.6)], chance=0.1)
    elif isinstance(panel, StagesPanel):
        panel.set_stage("stage1", "Stage 1")
        panel.add_batches("stage1", np.arange(3) / 3, np.ones(3))


@pytest.mark.parametrize(
    "cls",
    [
        InterpolationPanel,
        ManifoldPanel,
        HistogramPanel,
        ComparePanel,
        LadderPanel,
        SideBySidePanel,
        GenerationPanel,
        AccuracyPanel,
        StagesPanel,
    ],
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


# ---------------------------------------------------------------- session state
def _interpolation_with_beta() -> InterpolationPanel:
    panel = InterpolationPanel()
    panel.show_beta(True)
    return panel


def _compare_with_cloud() -> ComparePanel:
    panel = ComparePanel()
    panel.add_leading(CloudView(""))
    return panel


# panel factory, a state unlike its defaults, the signals a restore must not emit
STATE_CASES: dict[str, tuple[Any, dict[str, Any], tuple[str, ...]]] = {
    "interpolation": (
        _interpolation_with_beta,
        {"alpha": 0.8, "beta": 2.0},
        ("alpha_changed",),
    ),
    "manifold": (ManifoldPanel, {"grid": 9, "overlay": True}, ("grid_size_changed",)),
    "anomaly": (
        lambda: HistogramPanel(examples_beside=True, threshold_range=(0.0, 1.0)),
        {"threshold": 0.042},
        ("threshold_changed",),
    ),
    "generation": (GenerationPanel, {"mode": "vae"}, ("mode_changed", "resample_clicked")),
    "ladder": (LadderPanel, {"kind": "mask"}, ("kind_changed",)),
    "cloud": (
        _compare_with_cloud,
        {"leading": [{"azimuth": 123.0, "elevation": 40.0}]},
        (),
    ),
}

# Damaged for every key (a bool is a valid "overlay": bools posing as numbers are below).
DAMAGED_VALUES = (None, "0.5", [1], {"a": 1}, math.nan, math.inf, -math.inf, 1e300, -1e300)


def _signals(panel: QWidget, names: tuple[str, ...]) -> list[Any]:
    found = [getattr(panel, n) for n in names]
    found += [cloud.view_changed for cloud in panel.findChildren(CloudView)]
    if isinstance(panel, InterpolationPanel):
        found.append(panel.beta_control().beta_changed)
    if isinstance(panel, ManifoldPanel):
        found.append(panel.overlay_toggled)
    return found


@pytest.mark.parametrize("case", list(STATE_CASES))
def test_restore_state_brings_back_the_saved_state_silently(qtbot, case: str) -> None:
    make, wanted, names = STATE_CASES[case]
    panel = make()
    _show(qtbot, panel)
    assert panel.state() != wanted  # defaults differ: a restore that did nothing would fail
    with contextlib.ExitStack() as stack:
        for signal in _signals(panel, names):
            stack.enter_context(qtbot.assertNotEmitted(signal))
        panel.restore_state(json.loads(json.dumps(wanted)))  # as a session file gives it
        qtbot.wait(1)
    assert panel.state() == wanted


@pytest.mark.parametrize("case", list(STATE_CASES))
def test_restore_state_ignores_damaged_values(qtbot, case: str) -> None:
    make, wanted, _ = STATE_CASES[case]
    panel = make()
    _show(qtbot, panel)
    default = panel.state()
    keys = [*wanted, "azimuth", "elevation"]
    for bad in DAMAGED_VALUES:
        panel.restore_state({key: bad for key in keys})
        panel.restore_state({"leading": [{key: bad for key in keys}]})
        panel.restore_state({"leading": bad})
        assert panel.state() == default, bad
    junks: tuple[Any, ...] = (None, [], "x", 3, {"unknown": 1}, {"grid": 9.0}, {"grid": 31})
    for junk in junks:
        panel.restore_state(junk)
        assert panel.state() == default, junk
    wrong: tuple[dict[str, Any], ...] = (
        *({"mode": "gan"}, {"kind": "salt"}, {"alpha": 1.5}, {"beta": -1}, {"grid": 4}),
        *({"overlay": 1}, {"elevation": 90.0}, {"azimuth": 400.0}, {"threshold": -0.1}),
        *({"alpha": True}, {"grid": True}, {"threshold": False}, {"azimuth": True}),  # bools
    )
    for bad_choice in wrong:
        panel.restore_state(bad_choice)
        panel.restore_state({"leading": [bad_choice]})
        assert panel.state() == default, bad_choice


def test_only_a_threshold_panel_restores_a_threshold(qtbot) -> None:
    sparse = HistogramPanel()  # the sparse lesson's: no threshold to drag
    _show(qtbot, sparse)
    sparse.restore_state({"threshold": 0.3})
    assert sparse.threshold() is None and sparse.state() == {}
    anomaly = HistogramPanel(threshold_range=(0.0, 1.0))
    _show(qtbot, anomaly)
    assert anomaly.state() == {}  # no line shown yet
    anomaly.restore_state({"threshold": 1.3})  # beyond any error
    assert anomaly.threshold() is None
    anomaly.restore_state({"threshold": 0.3})
    assert anomaly.threshold() == pytest.approx(0.3) and anomaly.threshold_line().isVisible()


def test_a_plot_title_never_runs_past_a_narrow_panel(qtbot) -> None:
    """ "Reconstruction error (MSE)" was cut to "Reconstruction error (M" at the panel's
    minimum width in presenter type: the title now wraps or shortens to the plot."""
    from PySide6.QtGui import QFontMetrics

    from aeviewer.gui.widgets.lesson_panels._base import make_plot, style_plot
    from aeviewer.gui.widgets.plot_title import fitted_title

    plot = make_plot()
    qtbot.addWidget(plot)
    plot.resize(600, 300)
    plot.show()
    style_plot(plot, y_label="count", title="Reconstruction error (MSE)")
    title = fitted_title(plot)
    assert title.lines() == ("Reconstruction error (MSE)",)
    plot.resize(200, 300)
    qtbot.waitUntil(lambda: title.lines() != ("Reconstruction error (MSE)",))
    metrics = QFontMetrics(title._font)
    assert all(metrics.horizontalAdvance(t) <= 200 for t in title.lines())
    assert title.lines()[0].endswith("…")
    plot.resize(600, 300)
    qtbot.waitUntil(lambda: title.lines() == ("Reconstruction error (MSE)",))
