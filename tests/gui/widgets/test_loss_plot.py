"""LossPlot: batch buffers, debiased smoothing, epoch curves, log axis, clear, stage markers,
a legend beside the curves and log tick labels that never overlap."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter, QPicture
from PySide6.QtWidgets import QApplication, QCheckBox

from aeviewer.gui import palette
from aeviewer.gui.widgets.loss_plot import BATCH_REDRAW_MS, LossPlot

VAE_LOGS = {
    "loss": 30.0,
    "reconstruction_loss": 25.0,
    "kl_loss": 5.0,
    "val_loss": 32.0,
    "val_reconstruction_loss": 26.0,
    "val_kl_loss": 6.0,
}


@pytest.fixture(autouse=True)
def dark_theme() -> Iterator[None]:
    yield
    palette.set_theme("dark")


@pytest.fixture
def plot(qtbot) -> LossPlot:
    p = LossPlot()
    qtbot.addWidget(p)
    p.resize(600, 400)
    with qtbot.waitExposed(p):
        p.show()
    return p


def feed(plot: LossPlot, losses: np.ndarray, chunk: int = 7) -> None:
    x = np.arange(len(losses)) / 50.0
    for i in range(0, len(losses), chunk):
        plot.add_batches(x[i : i + chunk], losses[i : i + chunk])


def test_batches_in_chunks(plot: LossPlot) -> None:
    rng = np.random.default_rng(0)
    losses = 1.0 / np.arange(1, 3001) + rng.uniform(0, 0.1, 3000)  # outgrows the first buffer
    feed(plot, losses)
    assert plot.batch_count() == 3000
    x, y = plot.curve_data("train (per batch)")
    np.testing.assert_array_equal(y, losses)
    np.testing.assert_allclose(x, np.arange(3000) / 50.0)
    assert plot.curve_names() == ["train (per batch)", "train (smoothed)"]
    _, smooth = plot.curve_data("train (smoothed)")
    assert len(smooth) == 3000
    assert losses.min() <= smooth[-1] <= losses.max()
    assert smooth.std() < losses.std()  # it does smooth


def test_smoothing_is_debiased(plot: LossPlot) -> None:
    feed(plot, np.full(50, 0.37))
    _, smooth = plot.curve_data("train (smoothed)")
    np.testing.assert_allclose(smooth, 0.37)  # from the very first point: no ramp up from 0


def test_non_finite_values(plot: LossPlot) -> None:
    plot.add_batches(np.array([0.0, 0.1, 0.2]), np.array([1.0, np.nan, 1.0]))
    _, smooth = plot.curve_data("train (smoothed)")
    np.testing.assert_allclose(smooth, 1.0)
    plot.add_epoch(1.0, {"loss": float("nan"), "val_loss": 0.5})  # a diverged epoch
    assert plot.epoch_count() == 0
    assert "validation" in plot.curve_names()
    plot.grab()


def test_epoch_curves(plot: LossPlot) -> None:
    plot.add_epoch(1.0, {"loss": 0.5, "val_loss": 0.6})
    plot.add_epoch(2.0, {"loss": 0.3, "val_loss": 0.4})
    assert plot.epoch_count() == 2
    assert plot.curve_names() == ["train (epoch)", "validation"]
    x, y = plot.curve_data("validation")
    assert list(x) == [1.0, 2.0] and list(y) == [0.6, 0.4]


def test_vae_parts_drawn_separately(plot: LossPlot) -> None:
    plot.add_epoch(1.0, VAE_LOGS)
    names = plot.curve_names()
    assert {"train (epoch)", "validation", "reconstruction", "KL (right axis)"} <= set(names)
    legend = plot.findChild(pg.PlotWidget).getPlotItem().legend
    assert [label.text for _, label in legend.items] == names
    plot.add_epoch(1.0, {"loss": 1.0, "reconstruction_loss": 0.8, "sparsity_loss": 0.2})
    assert "sparsity" in plot.curve_names()


def test_kl_has_its_own_right_axis_so_its_shape_shows(plot: LossPlot, qtbot) -> None:
    # A real VAE: KL about 0.01 beside a reconstruction term about 0.2.
    item = plot.plot_widget.getPlotItem()
    assert not item.getAxis("right").isVisible()  # no KL: no right axis
    kl = [0.0100, 0.0106, 0.0112, 0.0116, 0.0118]
    for e, k in enumerate(kl, start=1):
        rec = 0.25 - 0.01 * e
        plot.add_epoch(float(e), {"loss": rec + k, "reconstruction_loss": rec, "kl_loss": k})
    assert plot.curve_axis("KL (right axis)") == "right"
    assert plot.curve_axis("reconstruction") == "left"
    assert plot.axis_label("right") == "KL"
    assert plot.has_pending()  # five epochs at once: the later points come with the next redraw
    qtbot.waitUntil(lambda: not plot.has_pending(), timeout=1000)
    plot.grab()
    qtbot.waitUntil(lambda: item.getAxis("right").linkedView() is not None)
    (_, _), (lo, hi) = item.getAxis("right").linkedView().viewRange()
    # The KL curve fills its axis: its rise of 0.0018 is most of the height, not a flat line.
    assert lo <= min(kl) and hi >= max(kl)
    assert (max(kl) - min(kl)) / (hi - lo) > 0.5
    (_, _), (left_lo, left_hi) = item.vb.viewRange()
    assert left_hi >= 0.24  # the left axis keeps the reconstruction scale
    assert (max(kl) - min(kl)) / (left_hi - left_lo) < 0.05  # where KL alone would be flat
    plot.set_log_y(True)  # the right axis follows log mode
    assert item.getAxis("right").logMode
    plot.clear()
    assert not item.getAxis("right").isVisible()


def test_greedy_stage_epochs_are_not_the_models_loss(plot: LossPlot) -> None:
    plot.add_epoch(1.0, {"loss": 0.05, "val_loss": 0.06}, stage="stage1")
    plot.add_epoch(2.0, {"loss": 0.04, "val_loss": 0.05}, stage="stage1")
    plot.add_epoch(3.0, {"loss": 0.30}, stage="stage2")
    plot.add_epoch(4.0, {"loss": 0.20, "val_loss": 0.21})  # fine-tuning: the model's loss
    x, y = plot.curve_data("train (epoch)")
    assert list(x) == [4.0] and list(y) == [0.20]
    assert plot.epoch_count() == 1
    sx, sy = plot.curve_data("greedy stages (layer MSE)")
    # Stage 1's two epochs, a gap, stage 2's: two stages' errors are never joined up.
    np.testing.assert_array_equal(sx[[0, 1, 3]], [1.0, 2.0, 3.0])
    assert np.isnan(sy[2]) and list(sy[[0, 1, 3]]) == [0.05, 0.04, 0.30]
    assert plot.last_epoch_x() == 4.0


def test_a_stage_marker_restarts_the_batch_curves(plot: LossPlot) -> None:
    plot.add_batches(np.array([0.1, 0.5, 0.9]), np.array([0.05, 0.05, 0.05]))
    plot.set_stage_marker(1.0, "Stage 2 of 3")
    plot.add_batches(np.array([1.1, 1.5]), np.array([0.4, 0.4]))
    _, raw = plot.curve_data("train (per batch)")
    _, smooth = plot.curve_data("train (smoothed)")
    assert np.isnan(raw[3]) and np.isnan(smooth[3])  # a gap between the stages
    np.testing.assert_allclose(smooth[4:], 0.4)  # not an average with the previous stage


def test_log_checkbox(plot: LossPlot, qtbot) -> None:
    feed(plot, np.array([1.0, 0.5, 0.0, -0.1, 0.2, 0.1]))
    plot.add_epoch(1.0, {"loss": 0.0, "val_loss": 0.3, "kl_loss": -1e-9})
    box = plot.findChild(QCheckBox)
    assert box.text() == "log y" and not plot.log_y()
    with qtbot.waitSignal(plot.log_y_changed, timeout=1000) as blocker:
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
    assert blocker.args == [True]
    assert plot.log_y()
    assert plot.findChild(pg.PlotWidget).getPlotItem().getAxis("left").logMode
    plot.add_batches(np.array([0.2, 0.3]), np.array([0.0, -5.0]))
    plot.flush()
    plot.grab()
    for item in plot.findChild(pg.PlotWidget).getPlotItem().listDataItems():
        _, y = item.getData()
        assert np.isfinite(y).all()  # log10 of the clipped values
    plot.set_log_y(False)
    assert not box.isChecked() and not plot.log_y()
    plot.grab()


def _drawn(plot: LossPlot) -> int:
    """Points the per-batch curve item holds (what is on screen, not the buffer)."""
    item = plot.findChild(pg.PlotWidget).getPlotItem().listDataItems()[0]
    x, _ = item.getData()
    return 0 if x is None else len(x)


def test_batch_redraws_are_coalesced(qtbot, plot: LossPlot) -> None:
    plot.add_batches(np.array([0.0, 0.1]), np.array([1.0, 0.9]))
    assert _drawn(plot) == 2  # the first points of a run show at once
    for k in range(50):  # 50 chunks within a few ms: one redraw for all of them
        plot.add_batches(np.array([0.2 + k / 100]), np.array([0.8]))
    assert plot.has_pending() and _drawn(plot) == 2
    assert plot.batch_count() == 52
    qtbot.waitUntil(lambda: not plot.has_pending(), timeout=2000)
    assert _drawn(plot) == 52
    plot.add_batches(np.array([0.9]), np.array([0.5]))
    plot.clear()  # a new run: nothing of the old one is drawn later
    assert not plot.has_pending()
    qtbot.wait(2 * BATCH_REDRAW_MS)
    assert plot.curve_names() == []


def test_clear(plot: LossPlot) -> None:
    feed(plot, np.linspace(1, 0.1, 40))
    plot.add_epoch(1.0, VAE_LOGS)
    plot.set_stage_marker(0.5, "stage 2")
    plot.clear()
    assert plot.batch_count() == 0 and plot.epoch_count() == 0
    assert plot.curve_names() == []
    assert plot.stage_marker_count() == 0
    assert plot.findChild(pg.PlotWidget).getPlotItem().legend.items == []
    feed(plot, np.full(5, 2.0))  # a new run starts a fresh average
    _, smooth = plot.curve_data("train (smoothed)")
    np.testing.assert_allclose(smooth, 2.0)


def test_stage_markers(plot: LossPlot) -> None:
    plot.set_stage_marker(1.0, "Stage 1 of 3: a shallow autoencoder 784 → 100 → 784")
    plot.set_stage_marker(2.0, "{fine-tune} all")  # braces are not a format field
    assert plot.stage_marker_count() == 2
    lines = [
        i
        for i in plot.findChild(pg.PlotWidget).getPlotItem().items
        if isinstance(i, pg.InfiniteLine)
    ]
    assert sorted(line.value() for line in lines) == [1.0, 2.0]
    labels = sorted(line.label.toPlainText() for line in lines)
    assert labels == ["stage 1", "{fine-tune}"]  # short: markers an epoch apart stay apart
    first, second = sorted(lines, key=lambda line: line.value())
    assert first.label.orthoPos != second.label.orthoPos  # and at two heights
    plot.clear()
    assert plot.stage_marker_count() == 0


def test_apply_theme_both_themes(plot: LossPlot) -> None:
    feed(plot, np.linspace(1, 0.1, 40))
    plot.add_epoch(1.0, VAE_LOGS)
    plot.set_stage_marker(0.5, "stage 2")
    for name in ("light", "dark"):
        palette.set_theme(name)
        plot.apply_theme()
        plot.grab()


def test_legend_stays_small_on_a_small_plot(plot: LossPlot) -> None:
    feed(plot, np.linspace(1, 0.1, 40))
    legend = plot.plot_widget.getPlotItem().legend
    assert "train (per batch)" in plot.curve_names()  # drawn...
    assert [label.text for _, label in legend.items] == ["train (smoothed)"]  # ...not listed
    plot.add_epoch(1.0, VAE_LOGS)  # a VAE: five entries, the per-batch curve still not one
    assert len(legend.items) == 5
    assert "train (per batch)" not in [label.text for _, label in legend.items]


def settle(plot: LossPlot) -> None:
    """Paint and let the layout follow (axes take their labels' width at a paint)."""
    for _ in range(2):
        plot.grab()
        QApplication.processEvents()


def vae_run(plot: LossPlot, epochs: int = 10) -> None:
    """A VAE's curves: per-batch losses, and per epoch total, validation, reconstruction, KL."""
    x = np.arange(40 * epochs) / 40.0
    feed(plot, 0.3 * np.exp(-x / 2) + 0.02)
    plot.flush()
    for e in range(1, epochs + 1):
        rec = 0.3 * np.exp(-e / 2) + 0.02
        plot.add_epoch(
            float(e),
            {
                "loss": rec + 0.01,
                "val_loss": rec + 0.015,
                "reconstruction_loss": rec,
                "kl_loss": 0.01 + 0.0005 * e,
            },
        )


@pytest.mark.parametrize(
    ("size", "side"),
    [((600, 400), "bottom"), ((336, 298), "bottom"), ((600, 180), "right"), ((320, 180), None)],
)
def test_the_legend_never_covers_the_curves(
    plot: LossPlot, size: tuple[int, int], side: str | None
) -> None:
    plot.resize(*size)
    vae_run(plot)
    settle(plot)
    item = plot.plot_widget.getPlotItem()
    legend = item.legend
    assert legend.isVisible() and len(legend.items) == 5
    if side is not None:  # under the curves, or beside them in a wide and short plot
        assert legend.side() == side
    box, area = legend.sceneBoundingRect(), item.vb.sceneBoundingRect()
    assert not box.intersects(area), (legend.side(), box, area)
    assert area.width() > 40 and area.height() > 30  # the curves keep room of their own
    shown = plot.plot_widget.mapToScene(plot.plot_widget.viewport().rect()).boundingRect()
    assert shown.contains(box)  # all of it on screen


def tick_label_rects(axis: pg.AxisItem) -> list[QRectF]:
    """The rectangles the axis draws its tick labels in, as its own paint computes them."""
    picture = QPicture()
    painter = QPainter(picture)
    painter.setFont(axis.style["tickFont"])
    try:
        _, _, texts = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return [rect for rect, _, _ in texts]


@pytest.mark.parametrize(
    "losses",
    [
        np.geomspace(0.9, 0.02, 200),  # within two decades: pyqtgraph labels every mantissa
        np.geomspace(5.0, 1e-4, 200),  # several decades
        np.linspace(0.35, 0.3, 200),  # inside one step of mantissas
    ],
)
def test_log_tick_labels_never_overlap_on_a_short_plot(plot: LossPlot, losses: np.ndarray) -> None:
    plot.resize(500, 150)
    feed(plot, losses)
    plot.flush()
    plot.set_log_y(True)
    settle(plot)
    item = plot.plot_widget.getPlotItem()
    assert item.vb.height() < 110  # a short plot indeed
    rects = tick_label_rects(item.getAxis("left"))
    assert len(rects) >= 2  # still a scale to read
    for a, b in combinations(rects, 2):
        assert not a.intersects(b), (a, b)


def test_a_narrow_kl_range_on_log_axes_still_has_labels(plot: LossPlot) -> None:
    vae_run(plot)  # KL from 0.0105 to 0.015: no mantissa 1..9 inside
    plot.set_log_y(True)
    settle(plot)
    right = plot.plot_widget.getPlotItem().getAxis("right")
    rects = tick_label_rects(right)
    assert len(rects) >= 2
    for a, b in combinations(rects, 2):
        assert not a.intersects(b)
    values = [v for _, level in right.tickValues(*right.range, right.height()) for v in level]
    labels = right.tickStrings(values, 1.0, 1.0)
    assert "0.012" in labels  # two digits where one would read "0.01" twice
