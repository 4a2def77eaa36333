"""Two 2-D scatter plots side by side, with one large conclusion under them.

E.g. "a linear autoencoder learns the PCA subspace": PCA codes on the left, the linear
autoencoder's codes on the right, and "Angle between the two subspaces: 2.4°" below. The
class colours are named once, in a row under the plots (a legend inside a small plot covers
its points).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from aeviewer.gui import palette
from aeviewer.gui.widgets.lesson_panels._base import (
    KeepsState,
    LessonPanel,
    label_style,
    make_plot,
    style_plot,
)

__all__ = ["POINT_PX", "ComparePanel"]

POINT_PX = 10  # large enough to see a class's colour from the back row
_UNLABELLED_ALPHA = 200


@dataclass
class _Side:
    """One plot and what it shows."""

    plot: pg.PlotWidget
    items: dict[int | None, pg.ScatterPlotItem] = field(default_factory=dict)
    count: int = 0
    labelled: bool = False
    title: str = ""
    axis_labels: tuple[str, str] = ("", "")


class ComparePanel(LessonPanel):
    """Left and right scatter plots coloured by class, and a note under them.

    Parameters
    ----------
    parent : QWidget, optional
        Parent widget.
    title : str
        Heading above the plots (``""`` for none).
    """

    def __init__(self, parent: QWidget | None = None, title: str = "") -> None:
        super().__init__(title, parent)
        self._sides: list[_Side] = []
        self._class_names: tuple[str, ...] = ()
        self._legend_classes: list[int] = []
        self._leading: list[QWidget] = []
        self._plots = QHBoxLayout()
        for _ in range(2):
            plot = make_plot()
            plot.setMinimumSize(260, 220)
            self._sides.append(_Side(plot))
            self._plots.addWidget(plot, 1)
        self._legend = QLabel(self)
        self._legend.setTextFormat(Qt.TextFormat.RichText)
        self._legend.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._legend.setWordWrap(True)
        self._legend.hide()
        layout = QVBoxLayout(self.content())
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._plots, 1)
        layout.addWidget(self._legend)
        self.apply_theme()

    # ----------------------------------------------------------------- public API
    def set_left(
        self,
        xy: np.ndarray,
        labels: np.ndarray | None = None,
        title: str = "",
        axis_labels: tuple[str, str] = ("", ""),
    ) -> None:
        """Show points in the left plot.

        Parameters
        ----------
        xy : np.ndarray
            ``(N, 2)`` coordinates.
        labels : np.ndarray, optional
            ``(N,)`` integer classes (colours as in the latent view); ``None`` draws one colour.
        title : str
            Title above the plot, e.g. ``"PCA of the inputs"``.
        axis_labels : tuple of str
            ``(x, y)`` axis titles.
        """
        self._set_side(0, xy, labels, title, axis_labels)

    def set_right(
        self,
        xy: np.ndarray,
        labels: np.ndarray | None = None,
        title: str = "",
        axis_labels: tuple[str, str] = ("", ""),
    ) -> None:
        """Show points in the right plot (parameters as :meth:`set_left`)."""
        self._set_side(1, xy, labels, title, axis_labels)

    def add_leading(self, widget: QWidget, stretch: int = 1) -> None:
        """Put ``widget`` before the two plots, e.g. the 3-D data the codes come from."""
        widget.setParent(self)
        self._plots.insertWidget(0, widget, stretch)
        self._leading.insert(0, widget)

    def state(self) -> dict[str, Any]:
        """The state of each widget before the plots that keeps one (the 3-D view's angles),
        in order."""
        kept = [w.state() for w in self._leading if isinstance(w, KeepsState)]
        return {"leading": kept} if kept else {}

    def restore_state(self, state: Mapping[str, Any]) -> None:
        """Give each widget before the plots its saved state, silently."""
        saved = state.get("leading") if isinstance(state, Mapping) else None
        if not isinstance(saved, list):
            return
        kept = [w for w in self._leading if isinstance(w, KeepsState)]
        for widget, item in zip(kept, saved, strict=False):
            if isinstance(item, Mapping):
                widget.restore_state(item)

    def set_class_names(self, names: tuple[str, ...] | list[str]) -> None:
        """Names of the classes in the legend row (default: the class numbers)."""
        self._class_names = tuple(str(n) for n in names)
        self._update_legends()

    def legend_entries(self) -> list[str]:
        """The class names in the legend row (empty when no plot has labels)."""
        return [self._class_name(c) for c in self._legend_classes]

    def point_counts(self) -> tuple[int, int]:
        """The number of points in the left and right plots."""
        return self._sides[0].count, self._sides[1].count

    def plot_titles(self) -> tuple[str, str]:
        """The titles of the left and right plots."""
        return self._sides[0].title, self._sides[1].title

    def plot_widgets(self) -> tuple[pg.PlotWidget, pg.PlotWidget]:
        """The left and right plots."""
        return self._sides[0].plot, self._sides[1].plot

    def scatter_items(self, side: int) -> dict[int | None, pg.ScatterPlotItem]:
        """The scatter of each class in plot ``side`` (0 left, 1 right; key ``None`` when
        unlabelled)."""
        return dict(self._sides[side].items)

    def apply_theme(self) -> None:
        """Re-read the theme: plots, legends, the unlabelled colour and labels."""
        super().apply_theme()
        for side in self._sides:
            style_plot(side.plot, *side.axis_labels, title=side.title)
            if None in side.items:
                side.items[None].setBrush(self._unlabelled_brush())
        self._legend.setStyleSheet(label_style("row"))
        self._update_legends()

    # ----------------------------------------------------------------- internals
    def _has_data(self) -> bool:
        return any(side.count for side in self._sides)

    @staticmethod
    def _unlabelled_brush() -> QBrush:
        c = QColor(palette.theme().train)
        c.setAlpha(_UNLABELLED_ALPHA)
        return QBrush(c)

    def _set_side(
        self,
        index: int,
        xy: np.ndarray,
        labels: np.ndarray | None,
        title: str,
        axis_labels: tuple[str, str],
    ) -> None:
        pts = np.asarray(xy, dtype=np.float64)
        if pts.ndim != 2 or pts.shape[1] != 2:
            raise ValueError(f"xy must be (N, 2), got shape {pts.shape}")
        lab = None if labels is None else np.asarray(labels).reshape(-1).astype(np.int64)
        if lab is not None and lab.shape[0] != pts.shape[0]:
            raise ValueError(f"{lab.shape[0]} labels for {pts.shape[0]} points")
        side = self._sides[index]
        item = side.plot.getPlotItem()
        groups: dict[int | None, np.ndarray]
        if lab is None:
            groups = {None: np.arange(pts.shape[0])}
        else:
            groups = {int(c): np.flatnonzero(lab == c) for c in np.unique(lab)}
        for key in [k for k in side.items if k not in groups]:
            item.removeItem(side.items.pop(key))
        for key, rows in sorted(groups.items(), key=lambda kv: -1 if kv[0] is None else kv[0]):
            brush = self._unlabelled_brush() if key is None else palette.class_brush(key)
            scatter = side.items.get(key)
            if scatter is None:
                scatter = pg.ScatterPlotItem(pen=None, brush=brush, size=POINT_PX, pxMode=True)
                item.addItem(scatter)
                side.items[key] = scatter
            scatter.setData(x=pts[rows, 0], y=pts[rows, 1], pen=None, brush=brush, size=POINT_PX)
        side.count = int(pts.shape[0])
        side.labelled = lab is not None
        side.title = title
        side.axis_labels = (str(axis_labels[0]), str(axis_labels[1]))
        style_plot(side.plot, *side.axis_labels, title=title)
        item.vb.autoRange(padding=0.06)
        self._update_legends()
        self._refresh_message()

    def _class_name(self, c: int) -> str:
        return self._class_names[c] if 0 <= c < len(self._class_names) else str(c)

    def _update_legends(self) -> None:
        """One legend row under the plots (the colours are shared by both)."""
        shown = [s for s in self._sides if s.labelled and s.count]
        classes = sorted({int(k) for s in shown for k in s.items if k is not None})
        self._legend_classes = classes
        self._legend.setVisible(bool(classes))
        spans = [
            f'<span style="color:{palette.CLASS_HEX[c % len(palette.CLASS_HEX)]}">●</span>'
            f"&nbsp;{self._class_name(c)}"
            for c in classes
        ]
        self._legend.setText("&nbsp;&nbsp;&nbsp;&nbsp;".join(spans))
