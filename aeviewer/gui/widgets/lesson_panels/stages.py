"""Greedy layer-wise pretraining, stage by stage: one small loss plot per stage, side by side.

Each stage trains a different shallow autoencoder on a different target (the pixels, then the
codes of the stage before, then the whole stack), so their losses have different scales (the
hidden layer's MSE can be 20 times the pixels' cross-entropy): on one axis the stages squash
each other. Here each stage has its own axis, its title, and the stage being trained is framed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from aeviewer.gui import palette
from aeviewer.gui.widgets.lesson_panels._base import LessonPanel, label_style, make_plot, style_plot

__all__ = ["StagesPanel"]

_LINE_PX = 1.5  # per-batch losses are jagged: thin, under the epochs' markers
_SYMBOL_PX = 11


@dataclass
class _Stage:
    name: str
    title: str
    frame: QFrame
    heading: QLabel
    plot: pg.PlotWidget
    batch_curve: pg.PlotDataItem
    val_curve: pg.PlotDataItem
    batch_x: list[float] = field(default_factory=list)
    batch_y: list[float] = field(default_factory=list)
    val_x: list[float] = field(default_factory=list)
    val_y: list[float] = field(default_factory=list)


class StagesPanel(LessonPanel):
    """One titled loss plot per training stage, in order, each with its own y axis.

    Parameters
    ----------
    parent : QWidget, optional
        Parent widget.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Training stage by stage: each stage on its own scale", parent)
        self._stages: dict[str, _Stage] = {}
        self._current = ""
        self._row = QHBoxLayout()
        self._row.setSpacing(6)
        layout = QVBoxLayout(self.content())
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._row, 1)
        self.apply_theme()

    # ----------------------------------------------------------------- public API
    def set_stage(self, name: str, title: str) -> None:
        """Add stage ``name`` (if new) with heading ``title``, and mark it as the current one."""
        stage = self._stages.get(name) or self._add(name)
        stage.title = title
        stage.heading.setText(title)
        self._current = name
        self._style_frames()
        self._refresh_message()

    def add_batches(self, name: str, x: np.ndarray, loss: np.ndarray) -> None:
        """Append per-batch losses of stage ``name`` (x: epochs into the stage)."""
        stage = self._stages.get(name) or self._add(name)
        stage.batch_x.extend(float(v) for v in np.asarray(x).reshape(-1))
        stage.batch_y.extend(float(v) for v in np.asarray(loss).reshape(-1))
        stage.batch_curve.setData(np.asarray(stage.batch_x), np.asarray(stage.batch_y))
        self._fit(stage)
        self._refresh_message()

    def add_epoch(self, name: str, epoch: float, val_loss: float | None) -> None:
        """Mark the end of an epoch of stage ``name`` with its validation loss (if any)."""
        stage = self._stages.get(name) or self._add(name)
        if val_loss is not None and np.isfinite(val_loss):
            stage.val_x.append(float(epoch))
            stage.val_y.append(float(val_loss))
            stage.val_curve.setData(np.asarray(stage.val_x), np.asarray(stage.val_y))
            self._fit(stage)
        self._refresh_message()

    def clear(self) -> None:
        """Remove every stage."""
        for stage in self._stages.values():
            self._row.removeWidget(stage.frame)
            stage.frame.deleteLater()
        self._stages.clear()
        self._current = ""
        self._refresh_message()

    def stage_names(self) -> list[str]:
        """The stages shown, in order."""
        return list(self._stages)

    def stage_title(self, name: str) -> str:
        """The heading of stage ``name``."""
        return self._stages[name].title

    def current_stage(self) -> str:
        """The stage being trained (the framed one)."""
        return self._current

    def stage_data(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """Copies of the (x, per-batch loss) points of stage ``name``."""
        s = self._stages[name]
        return np.asarray(s.batch_x), np.asarray(s.batch_y)

    def stage_plot(self, name: str) -> pg.PlotWidget:
        """The plot of stage ``name``."""
        return self._stages[name].plot

    def apply_theme(self) -> None:
        """Re-read the theme: plots, curves, headings and frames."""
        super().apply_theme()
        t = palette.theme()
        for stage in self._stages.values():
            style_plot(stage.plot, "epoch", "loss")
            stage.batch_curve.setPen(palette.pen(t.train, _LINE_PX))
            stage.val_curve.setPen(palette.pen(t.val, 2 * _LINE_PX))
            stage.val_curve.setSymbolBrush(QColor(t.val))
            stage.val_curve.setSymbolPen(palette.pen(t.background, 1.5))
            stage.heading.setStyleSheet(label_style("row"))
        self._style_frames()

    # ----------------------------------------------------------------- internals
    def _has_data(self) -> bool:
        return bool(self._stages)

    def _add(self, name: str) -> _Stage:
        frame = QFrame(self)
        frame.setObjectName("stage")
        heading = QLabel(name, frame)
        heading.setWordWrap(True)
        heading.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        heading.setMinimumHeight(2 * heading.fontMetrics().height() + 8)
        plot = make_plot(mouse=False)
        plot.setMinimumSize(220, 200)
        batch_curve = pg.PlotDataItem(antialias=True, name="training (per batch)")
        val_curve = pg.PlotDataItem(antialias=True, symbol="s", symbolSize=_SYMBOL_PX)
        plot.getPlotItem().addItem(batch_curve)
        plot.getPlotItem().addItem(val_curve)
        box = QVBoxLayout(frame)
        box.setContentsMargins(4, 4, 4, 4)
        box.addWidget(heading)
        box.addWidget(plot, 1)
        self._row.addWidget(frame, 1)
        stage = _Stage(name, name, frame, heading, plot, batch_curve, val_curve)
        self._stages[name] = stage
        self.apply_theme()
        return stage

    @staticmethod
    def _fit(stage: _Stage) -> None:
        """Each stage's own range: its losses fill its plot, whatever the other stages'."""
        xs = np.asarray(stage.batch_x + stage.val_x, dtype=np.float64)
        ys = np.asarray(stage.batch_y + stage.val_y, dtype=np.float64)
        ok = np.isfinite(xs) & np.isfinite(ys)
        if not ok.any():
            return
        xs, ys = xs[ok], ys[ok]
        lo, hi = float(ys.min()), float(ys.max())
        pad = 0.06 * (hi - lo) if hi > lo else max(abs(hi) * 0.1, 1e-3)
        vb = stage.plot.getPlotItem().vb
        vb.setRange(
            xRange=(0.0, max(float(xs.max()), 1e-3)), yRange=(lo - pad, hi + pad), padding=0
        )

    def _style_frames(self) -> None:
        t = palette.theme()
        for name, stage in self._stages.items():
            color = t.accent if name == self._current else t.panel
            stage.frame.setStyleSheet(
                f"QFrame#stage {{ border: 3px solid {color}; border-radius: 6px; }}"
            )
