"""A 3-D point cloud on a 2-D plot: an oblique view that turns, with fitted planes as grids.

The linear-autoencoder lesson shows the course's 3-D cloud with the plane the autoencoder
decodes onto and the PCA plane drawn through it: when the two grids coincide, the autoencoder
has found the PCA subspace. No OpenGL (projectors and remote desktops often lack it): the
points are projected in numpy by :func:`aeviewer.core.analysis.oblique_projection`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QMouseEvent, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QVBoxLayout, QWidget

from aeviewer.core.analysis import oblique_projection, plane_grid
from aeviewer.gui import palette
from aeviewer.gui.widgets.lesson_panels._base import (
    label_style,
    make_plot,
    saved_number,
    style_plot,
)

__all__ = ["DEFAULT_AZIMUTH", "DEFAULT_ELEVATION", "CloudView", "Plane"]

DEFAULT_AZIMUTH = -60.0  # the course's cloud seen obliquely: the planes' grids stay apart
DEFAULT_ELEVATION = 30.0
_POINT_PX = 10
_PLANE_PX = 2.5
_DRAG_DEG_PER_PX = 0.5
_AXES = ("x₁", "x₂", "x₃")


@dataclass(frozen=True)
class Plane:
    """A plane to draw through the cloud: ``origin + s * basis[0] + t * basis[1]``."""

    name: str
    origin: np.ndarray  # (3,)
    basis: np.ndarray  # (2, 3), independent rows
    color: str  # hex
    dashed: bool = False  # where two planes coincide, a dashed one over a solid one shows both


class CloudView(QWidget):
    """3-D points and planes seen from a turnable viewpoint (slider, or drag on the plot).

    Parameters
    ----------
    title : str
        Title above the plot.
    parent : QWidget, optional
        Parent widget.

    Signals
    -------
    view_changed(float, float)
        Azimuth and elevation in degrees, after the user turned the view (slider or drag).
    """

    view_changed = Signal(float, float)

    def __init__(self, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._title = title
        self._azimuth = DEFAULT_AZIMUTH
        self._elevation = DEFAULT_ELEVATION
        self._points = np.zeros((0, 3))
        self._planes: list[Plane] = []
        self._drag: QPointF | None = None
        self._setting = False

        self._plot = make_plot(mouse=False)
        self._plot.setMinimumSize(240, 180)
        item = self._plot.getPlotItem()
        item.setAspectLocked(True)
        for name in ("bottom", "left"):
            item.hideAxis(name)  # projected coordinates mean nothing on their own
        self._scatter = pg.ScatterPlotItem(pen=None, size=_POINT_PX, pxMode=True)
        item.addItem(self._scatter, ignoreBounds=True)
        self._plane_items: list[pg.PlotCurveItem] = []
        self._axis_items = [pg.PlotCurveItem() for _ in _AXES]
        self._axis_text = [pg.TextItem(text, anchor=(0.5, 0.5)) for text in _AXES]
        for curve, text in zip(self._axis_items, self._axis_text, strict=True):
            item.addItem(curve, ignoreBounds=True)
            item.addItem(text, ignoreBounds=True)
        self._plot.viewport().installEventFilter(self)
        self._plot.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
        self._plot.setToolTip("Drag to turn the cloud")

        self._slider = QSlider(Qt.Orientation.Horizontal, self)
        self._slider.setRange(0, 359)
        self._slider.setValue(round(self._azimuth) % 360)
        self._slider.setToolTip("Turn the cloud around its vertical axis")
        self._slider.valueChanged.connect(self._on_slider_value_changed)
        self._turn_label = QLabel("turn", self)
        self._legend = QLabel(self)
        self._legend.setTextFormat(Qt.TextFormat.RichText)
        self._legend.setWordWrap(True)
        self._legend.setAlignment(Qt.AlignmentFlag.AlignCenter)
        row = QHBoxLayout()
        row.addWidget(self._turn_label)
        row.addWidget(self._slider, 1)
        self._view = QWidget(self)
        view = QVBoxLayout(self._view)
        view.setContentsMargins(0, 0, 0, 0)
        view.setSpacing(2)
        view.addWidget(self._legend)  # in place of a title: what the colours are
        view.addWidget(self._plot, 1)
        view.addLayout(row)
        self._reason = QLabel(self)  # set_unavailable: in place of the view
        self._reason.setWordWrap(True)
        self._reason.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._reason.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._view, 1)
        layout.addWidget(self._reason, 1)
        self.apply_theme()

    # ----------------------------------------------------------------- public API
    def set_points(self, xyz: np.ndarray) -> None:
        """Show ``(N, 3)`` points."""
        pts = np.asarray(xyz, dtype=np.float64)
        if pts.ndim != 2 or pts.shape[1] != 3:
            raise ValueError(f"the cloud needs (N, 3) points, got shape {pts.shape}")
        self._points = pts
        self._redraw(fit=True)

    def set_planes(self, planes: Sequence[Plane]) -> None:
        """Draw each plane as a grid over the part of it the cloud covers."""
        self._planes = list(planes)
        item = self._plot.getPlotItem()
        while len(self._plane_items) < len(self._planes):
            curve = pg.PlotCurveItem(connect="pairs", antialias=True)
            item.addItem(curve, ignoreBounds=True)
            self._plane_items.append(curve)
        self._redraw(fit=False)
        self._update_legend()

    def set_unavailable(self, reason: str) -> None:
        """Say in one line why the cloud cannot be drawn, in place of the view (``""``: draw
        it), e.g. "The 3-D view needs 3-D points: digits holds 28×28 images"."""
        self._reason.setText(reason)
        self._reason.setVisible(bool(reason))
        self._view.setVisible(not reason)

    def unavailable(self) -> str:
        """The reason shown in place of the view (``""`` while the view shows)."""
        return self._reason.text()

    def plane_names(self) -> list[str]:
        """The names of the planes drawn."""
        return [p.name for p in self._planes]

    def set_view(self, azimuth: float, elevation: float | None = None) -> None:
        """Turn the view without emitting ``view_changed``."""
        self._azimuth = float(azimuth) % 360.0
        if elevation is not None:
            self._elevation = float(np.clip(elevation, -89.0, 89.0))
        self._setting = True
        try:
            self._slider.setValue(round(self._azimuth) % 360)
        finally:
            self._setting = False
        self._redraw(fit=True)

    def view(self) -> tuple[float, float]:
        """Azimuth and elevation in degrees."""
        return self._azimuth, self._elevation

    def state(self) -> dict[str, Any]:
        """The viewpoint the user turned to, for a session."""
        return {"azimuth": self._azimuth % 360.0, "elevation": self._elevation}

    def restore_state(self, state: Mapping[str, Any]) -> None:
        """Turn to the saved viewpoint, silently; a damaged angle keeps the current one."""
        azimuth = saved_number(state, "azimuth", -360.0, 360.0)
        elevation = saved_number(state, "elevation", -89.0, 89.0)
        if azimuth is not None or elevation is not None:
            self.set_view(self._azimuth if azimuth is None else azimuth, elevation)

    def projected(self) -> np.ndarray:
        """The points' ``(N, 2)`` positions on the plot in the current view."""
        return oblique_projection(self._centred(self._points), self._azimuth, self._elevation)

    def point_count(self) -> int:
        """The number of points shown."""
        return int(self._points.shape[0])

    def slider(self) -> QSlider:
        """The turn slider (for tests and keyboard focus)."""
        return self._slider

    def plot_widget(self) -> pg.PlotWidget:
        """The plot."""
        return self._plot

    def apply_theme(self) -> None:
        """Re-read the theme: plot, points, planes, axes and labels."""
        t = palette.theme()
        style_plot(self._plot, title=self._title)
        c = QColor(t.train)
        c.setAlpha(190)
        self._scatter.setBrush(QBrush(c))
        self._turn_label.setStyleSheet(label_style("text"))
        self._legend.setStyleSheet(label_style("text"))
        self._reason.setStyleSheet(label_style("message"))
        for curve, text in zip(self._axis_items, self._axis_text, strict=True):
            curve.setPen(palette.pen(t.muted, 2.0))
            text.setColor(t.foreground)
            text.setFont(palette.font(14, bold=True))
        for plane, curve in zip(self._planes, self._plane_items, strict=False):
            curve.setPen(self._plane_pen(plane))
        self._update_legend()

    # ----------------------------------------------------------------- internals
    def _centred(self, pts: np.ndarray) -> np.ndarray:
        centre = self._points.mean(axis=0) if len(self._points) else np.zeros(3)
        return np.asarray(pts, dtype=np.float64) - centre

    def _redraw(self, fit: bool) -> None:
        az, el = self._azimuth, self._elevation
        pts = self._points
        if len(pts) == 0:
            self._scatter.setData(x=[], y=[])
            return
        xy = oblique_projection(self._centred(pts), az, el)
        self._scatter.setData(x=xy[:, 0], y=xy[:, 1])
        for plane, curve in zip(self._planes, self._plane_items, strict=False):
            segments = plane_grid(pts, plane.origin, plane.basis)  # (S, 2, 3) line segments
            seg_xy = oblique_projection(self._centred(segments.reshape(-1, 3)), az, el)
            curve.setData(seg_xy[:, 0], seg_xy[:, 1])
            curve.setPen(self._plane_pen(plane))
            curve.show()
        for curve in self._plane_items[len(self._planes) :]:
            curve.hide()
        # A small axis cross at the cloud's lowest corner, so "up" stays x₃.
        lo, hi = pts.min(axis=0), pts.max(axis=0)
        length = 0.25 * float(np.max(hi - lo) or 1.0)
        for k, (curve, text) in enumerate(zip(self._axis_items, self._axis_text, strict=True)):
            end = lo.copy()
            end[k] += length
            ends = oblique_projection(self._centred(np.stack([lo, end])), az, el)
            curve.setData(ends[:, 0], ends[:, 1])
            tip = ends[1] + 0.18 * (ends[1] - ends[0])
            text.setPos(float(tip[0]), float(tip[1]))
        if fit:
            # The radius of the cloud bounds it from every side: the scale never jumps as it
            # turns.
            r = float(np.max(np.linalg.norm(self._centred(pts), axis=1)) or 1.0)
            self._plot.getPlotItem().vb.setRange(
                xRange=(-r, r), yRange=(-r, r), padding=0.02, disableAutoRange=True
            )

    @staticmethod
    def _plane_pen(plane: Plane) -> QPen:
        pen = QPen(palette.pen(plane.color, _PLANE_PX))
        if plane.dashed:
            pen.setStyle(Qt.PenStyle.DashLine)
        return pen

    def _update_legend(self) -> None:
        t = palette.theme()
        parts = [
            f'<span style="color:{p.color}; font-weight:bold">{"╌╌" if p.dashed else "━━"}'
            f"&nbsp;{p.name}</span>"
            for p in self._planes
        ]
        parts.insert(0, f'<span style="color:{t.train}; font-weight:bold">●</span> 3-D data')
        self._legend.setText("&nbsp;&nbsp;".join(parts))

    def _on_slider_value_changed(self, value: int) -> None:
        if self._setting:
            return
        self._azimuth = float(value)
        self._redraw(fit=False)
        self.view_changed.emit(self._azimuth, self._elevation)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if isinstance(event, QMouseEvent):
            if kind == QEvent.Type.MouseButtonPress and event.button() == Qt.MouseButton.LeftButton:
                self._drag = event.position()
                return True
            if kind == QEvent.Type.MouseMove and self._drag is not None:
                d = event.position() - self._drag
                self._drag = event.position()
                self._azimuth = (self._azimuth - _DRAG_DEG_PER_PX * d.x()) % 360.0
                self._elevation = float(
                    np.clip(self._elevation + _DRAG_DEG_PER_PX * d.y(), -89.0, 89.0)
                )
                self._setting = True
                try:
                    self._slider.setValue(round(self._azimuth) % 360)
                finally:
                    self._setting = False
                self._redraw(fit=False)
                self.view_changed.emit(self._azimuth, self._elevation)
                return True
            if kind == QEvent.Type.MouseButtonRelease and self._drag is not None:
                self._drag = None
                return True
        return super().eventFilter(watched, event)
