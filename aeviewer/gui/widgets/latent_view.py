"""A 2-D scatter of latent codes, coloured by class, with click-to-decode and hover.

The widget composes its parts: the points drawn by class (latent_classes), the markers over
them (latent_items), the hover card (latent_hover), auto-ranging (latent_range) and plain
clicks (plot_clicks). The point under the mouse is found with numpy: ``sigClicked``/``pointsAt``
build a SpotItem per point (about 90 ms at 70k points; pyqtgraph#217, #2396). Each class has a
marker shape as well as a colour (palette.class_symbol); the legend sits outside the plot area
(OutsideLegend), never on the points."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QResizeEvent
from PySide6.QtWidgets import QGraphicsItem, QLabel, QVBoxLayout, QWidget

from aeviewer.gui import palette
from aeviewer.gui.widgets.latent_classes import LEGEND_SYMBOL_PX, POINT_PX, ClassScatter
from aeviewer.gui.widgets.latent_hover import HOVER_TILE_PX, HoverCard
from aeviewer.gui.widgets.latent_items import DRAWN_POINT_MS, Markers
from aeviewer.gui.widgets.latent_range import AutoRange
from aeviewer.gui.widgets.plot_clicks import DataClicks
from aeviewer.gui.widgets.plot_legend import OutsideLegend, keep_in_view
from aeviewer.gui.widgets.plot_title import fitted_title

if TYPE_CHECKING:
    from aeviewer.gui.input_gate import InputGate

__all__ = ["DRAWN_POINT_MS", "HOVER_TILE_PX", "LEGEND_SYMBOL_PX", "POINT_PX", "LatentView"]


class LatentView(QWidget):
    """Latent codes as a scatter coloured by class; click to decode, hover to identify.

    Signals
    -------
    latent_clicked(float, float)
        View (data) coordinates of a left click (not a drag) inside the plot area.
    sample_hovered(int)
        Row of the nearest point under the mouse in the last ``set_points`` array, or -1.
        The owner may answer with :meth:`set_hover_image` to show that sample beside it.
    """

    latent_clicked = Signal(float, float)
    sample_hovered = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(400, 350)
        self._x = self._y = np.empty(0)
        self._ids: np.ndarray | None = None  # the sample (dataset row) behind each point
        self._class_noun = "class"
        self._hovered = -1
        self._highlight: int | None = None
        self._title = ""
        self._axis_text = ("", "")
        self._message = ""

        self._plot = pg.PlotWidget()
        item = self._plot.getPlotItem()
        self._vb = item.vb
        item.setMenuEnabled(False)  # right-drag still zooms; a menu is clutter on a projector
        self._vb.disableAutoRange()
        self._range = AutoRange(self._vb)
        item.autoBtn.clicked.disconnect()
        item.autoBtn.clicked.connect(self._on_auto_button_clicked)
        self._vb.sigRangeChangedManually.connect(self._on_vb_range_changed_manually)
        self._vb.sigRangeChanged.connect(self._on_vb_range_changed)
        self._plot.scene().sigMouseMoved.connect(self._on_scene_mouse_moved)
        self._plot.viewport().installEventFilter(self)  # for Leave
        title = item.titleLabel
        fit_text = title.updateMin

        def update_title_min() -> None:
            # pyqtgraph makes the title's width the plot's minimum: a long one ("PCA of the
            # 30-D codes (62% of variance): ...") pushed the plot past the widget's right
            # edge and kept it there, the legend cut off. A long title is cut at the edges.
            fit_text()
            title.setMinimumWidth(0)

        title.updateMin = update_title_min
        self._legend = OutsideLegend(item, labelTextSize="13pt", verSpacing=-4, horSpacing=8)
        keep_in_view(self._plot)
        self._legend.hide()  # an empty legend is a stray box
        for name in ("bottom", "left"):
            # The axes (and the grid they draw) change only with the view range: repaint them
            # from a pixmap, not by re-rendering every tick label at each data update.
            item.getAxis(name).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self._legend.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)  # its backdrop
        self._clicks = DataClicks(self._plot, skip=(self._legend, item.autoBtn))
        self._clicks.clicked.connect(self._on_clicks_clicked)

        self._scatter = ClassScatter(self._legend, self)
        self._plot.addItem(self._scatter.points)
        self._markers = Markers(self)

        self._message_label = QLabel(self._plot)
        self._message_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._message_label.setWordWrap(True)
        self._message_label.setFont(palette.font(20))
        self._message_label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self._message_label.hide()

        self._hover = HoverCard(self._plot)
        for z, extra in enumerate((*self._markers.items(), self._hover.text)):
            extra.setZValue(100 + z)
            extra.hide()
            item.addItem(extra, ignoreBounds=True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._plot)
        self.apply_theme()

    # ----------------------------------------------------------------- data
    def set_points(
        self,
        xy: np.ndarray,
        labels: np.ndarray | None,
        class_names: Sequence[str] = (),
        *,
        auto_range: bool = True,
        ids: np.ndarray | None = None,
    ) -> None:
        """Show codes ``xy`` (N, 2) coloured by int ``labels`` (N,), or in one colour if None.

        Parameters
        ----------
        class_names
            Legend/hover names indexed by label (e.g. "T-shirt/top"); otherwise numbers.
        ids
            The sample number of each point (its row in the data set), named on hover;
            by default the point's row in ``xy``.
        auto_range
            Fit the view to the points unless the user zoomed or panned since (see
            :meth:`reset_view`). It grows when points leave it and shrinks only when they fill
            much less of it, so live updates do not make it jump. An empty ``xy`` starts over:
            the next points get a fresh fit.
        """
        pts = np.asarray(xy, dtype=np.float64)
        if pts.ndim != 2 or pts.shape[1] != 2:
            raise ValueError(f"xy must have shape (N, 2), got {pts.shape}")
        finite = bool(np.isfinite(pts).all())
        if not finite:  # a diverged run: keep rows aligned with NaN, draw only finite points
            pts = np.where(np.isfinite(pts), pts, np.nan)
        self._x = np.ascontiguousarray(pts[:, 0])
        self._y = np.ascontiguousarray(pts[:, 1])
        if ids is not None and len(ids) != len(pts):
            raise ValueError(f"{len(ids)} ids for {len(pts)} points")
        self._scatter.set(self._x, self._y, labels, class_names)
        self._ids = None if ids is None else np.asarray(ids, dtype=np.int64)
        self.set_highlight(self._highlight)
        if 0 <= self._hovered < len(self._x):
            self._show_hover(self._hovered)
        else:
            self._set_hovered(-1)
        self._message_label.setVisible(bool(self._message) and not len(self._x))
        if not len(self._x):  # cleared for a new run: the next points get a fresh fit
            self._range.restart()
        elif auto_range:
            self._range.fit(self._x, self._y, force=False)

    def point_count(self) -> int:
        """Number of points shown."""
        return int(self._x.shape[0])

    def point(self, row: int) -> tuple[float, float]:
        """Where point ``row`` of the last ``set_points`` is drawn."""
        return float(self._x[row]), float(self._y[row])

    def hover_text(self) -> str:
        """The hover label's text, ``""`` while nothing is hovered."""
        return self._hover.label()

    def hover_image(self) -> np.ndarray | None:
        """The image shown beside the hovered point, or ``None`` when none is shown."""
        return self._hover.image()

    def class_items(self) -> dict[int | None, pg.ScatterPlotItem]:
        """Each class present (key ``None`` when unlabelled): its legend sample, hidden while
        the class is hidden (a click on its legend entry, or ``setVisible(False)``)."""
        return self._scatter.class_items()

    def drawn_points(self, key: int | None) -> np.ndarray:
        """The (M, 2) positions drawn for class ``key``: none while it is hidden, and only its
        finite codes."""
        return self._scatter.drawn_points(key)

    def legend_labels(self) -> list[str]:
        """Legend entry texts, in order."""
        return [label.text for _, label in self._legend.items]

    @property
    def plot_widget(self) -> pg.PlotWidget:
        """The pyqtgraph view (a QGraphicsView: mouse events go to its ``viewport()``)."""
        return self._plot

    # ----------------------------------------------------------------- text
    def set_axis_labels(self, x: str, y: str) -> None:
        """Label the axes, e.g. ``"z₁"``, ``"z₂"`` or ``"PC 1"``, ``"PC 2"``."""
        if (x, y) == self._axis_text:
            return  # called at every live update: restyling rebuilds the axes' pictures
        self._axis_text = (x, y)
        self._style_axes()

    def set_title(self, text: str) -> None:
        """Show ``text`` above the plot; ``''`` hides the title."""
        if text == self._title:
            return  # called at every live update: a new title re-lays out the plot (~2 ms)
        self._title = text
        self._style_title()

    def title(self) -> str:
        return self._title

    def set_class_noun(self, noun: str) -> None:
        """Word used in hover text for unnamed labels: ``"digit"`` gives "digit 5 · sample #3"."""
        self._class_noun = noun

    def set_message(self, text: str) -> None:
        """Show ``text`` large in the middle while there are no points; ``''`` hides it."""
        self._message = text
        self._message_label.setText(text)
        self._message_label.setVisible(bool(text) and not len(self._x))

    # -------------------------------------------------------------- markers
    def set_click_marker(self, x: float | None, y: float | None) -> None:
        """Put the click marker at (x, y); ``None`` hides it."""
        self._markers.place(self._markers.click, x, y)

    def set_drawn_point(self, x: float | None, y: float | None) -> None:
        """Put the star marking the code of the drawn digit at (x, y); ``None`` hides it.

        It appears (or hides) at once; while it is shown it moves to the latest point given
        every :data:`DRAWN_POINT_MS` ms at most.
        """
        self._markers.set_drawn(x, y)

    def set_hover_image(self, image: np.ndarray | None) -> None:
        """Show ``image`` (2-D, 0..1) beside the hovered point; ``None`` hides it. It hides by
        itself when the mouse leaves the points."""
        self._hover.set_image(image)

    def set_input_gate(self, gate: InputGate | None) -> None:
        """Let ``gate`` hold the star's moves while a stroke or a click is being answered."""
        self._markers.set_gate(gate)

    def set_highlight(self, index: int | None) -> None:
        """Ring point ``index`` of the current points; it follows later ``set_points``."""
        self._highlight = None if index is None or index < 0 else int(index)
        if self._highlight is None or self._highlight >= len(self._x):
            self._markers.highlight.hide()
        else:
            i = self._highlight
            self._markers.place(self._markers.highlight, float(self._x[i]), float(self._y[i]))

    def set_path(self, xy: np.ndarray | None) -> None:
        """Draw a polyline through ``xy`` (M, 2), e.g. an interpolation path; ``None`` hides."""
        self._markers.set_path(xy)

    def marker_position(self, which: str) -> tuple[float, float] | None:
        """Where marker ``"click"``, ``"drawn"`` or ``"highlight"`` is, or ``None`` if hidden."""
        return self._markers.position(which)

    def path_visible(self) -> bool:
        """Whether a path is shown."""
        return bool(self._markers.path.isVisible())

    # -------------------------------------------------------------- queries
    def nearest(self, x: float, y: float, max_px: float = 15.0) -> int:
        """Index of the point nearest (x, y) within ``max_px`` screen pixels, else -1.

        Distances are measured in pixels, so axes with different scales behave as seen.
        Points of classes hidden from the legend are ignored.
        """
        if self._x.shape[0] == 0:
            return -1
        px, py = self._pixel_size()
        d2 = ((self._x - x) / px) ** 2 + ((self._y - y) / py) ** 2
        for rows in self._scatter.hidden_rows():  # hidden by a click on its legend entry
            d2[rows] = np.inf
        i = int(np.nanargmin(d2)) if not np.isnan(d2).all() else -1
        return i if i >= 0 and d2[i] <= max_px * max_px else -1

    def _pixel_size(self) -> tuple[float, float]:
        px, py = self._vb.viewPixelSize()
        if not (np.isfinite(px) and np.isfinite(py) and px > 0 and py > 0):
            (x0, x1), (y0, y1) = self._vb.viewRange()  # not laid out yet: assume 400 px
            px, py = (x1 - x0) / 400 or 1.0, (y1 - y0) / 400 or 1.0
        return float(px), float(py)

    # ------------------------------------------------------------- ranging
    def user_has_moved_view(self) -> bool:
        """Whether the view was zoomed or panned since the last automatic fit."""
        return self._range.user_moved()

    def reset_view(self) -> None:
        """Fit the view to the points and resume auto-ranging (also the plot's "A" button)."""
        self._range.fit(self._x, self._y, force=True)

    # --------------------------------------------------------------- mouse
    def _on_vb_range_changed_manually(self, _mask: object) -> None:
        self._range.note_user_move()

    def _on_vb_range_changed(self, *_: object) -> None:
        self._hover.follow_view()  # keep the sample's image beside its point

    def _on_auto_button_clicked(self) -> None:  # pyqtgraph's "A" button
        self.reset_view()

    def _on_clicks_clicked(self, x: float, y: float) -> None:
        self.set_click_marker(x, y)
        self.latent_clicked.emit(x, y)

    def _on_scene_mouse_moved(self, pos: QPointF) -> None:
        if not self._vb.sceneBoundingRect().contains(pos):
            self._set_hovered(-1)
            return
        p = self._vb.mapSceneToView(pos)
        self._set_hovered(self.nearest(p.x(), p.y()))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Leave:
            self._set_hovered(-1)
        return super().eventFilter(watched, event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._message_label.setGeometry(self.rect().adjusted(20, 20, -20, -20))  # plot == self

    def _set_hovered(self, index: int) -> None:
        if index == self._hovered:
            return
        self._hovered = index
        if index < 0:
            self._hover.hide()
        else:
            self._show_hover(index)
        self.sample_hovered.emit(index)

    def _show_hover(self, index: int) -> None:
        sample = index if self._ids is None else int(self._ids[index])
        text = f"sample #{sample}"
        labels = self._scatter.labels()
        if labels is not None:
            text = f"{self._scatter.class_name(int(labels[index]), self._class_noun)} · {text}"
        self._hover.show(float(self._x[index]), float(self._y[index]), text)

    # --------------------------------------------------------------- theme
    def apply_theme(self) -> None:
        """Restyle everything from :func:`palette.theme` (call after ``palette.set_theme``)."""
        t = palette.theme()
        self._plot.setBackground(t.background)
        item = self._plot.getPlotItem()
        item.showGrid(x=True, y=True, alpha=t.grid_alpha)
        self._style_axes()
        self._style_title()
        panel = QColor(t.panel)
        panel.setAlpha(200)
        self._legend.setBrush(QBrush(panel))
        self._legend.setPen(palette.pen(t.muted, 1.0))
        self._legend.setLabelTextSize(f"{palette.pt(13)}pt")  # presenter mode scales pt()
        self._legend.setLabelTextColor(t.foreground)
        for _, label in self._legend.items:  # setLabelTextColor does not re-render old labels
            label.setText(label.text)
        self._legend.updateSize()  # presenter mode's larger labels, and back
        self._markers.apply_theme()
        self._hover.apply_theme()
        self._message_label.setStyleSheet(  # a style sheet size: the app's would win over setFont
            f"background: transparent; color: {t.muted}; font-size: {palette.pt(20)}pt;"
        )

    def _style_axes(self) -> None:
        t = palette.theme()
        item = self._plot.getPlotItem()
        for name, text in zip(("bottom", "left"), self._axis_text, strict=True):
            axis = item.getAxis(name)
            axis.setPen(palette.pen(t.foreground, 1.5))
            axis.setTextPen(t.foreground)
            axis.setTickFont(palette.font(12))
            # The finest grid level is too faint to see and doubles the cost of a repaint.
            axis.setStyle(maxTickLevel=1)
            # No SI prefix: "z₂ (x0.001)" puzzles a class (siPrefixEnableRanges=() rather
            # than enableAutoSIPrefix(False), which freezes the scale in pyqtgraph 0.14).
            axis.setLabel(
                text or None,
                color=t.foreground,
                siPrefixEnableRanges=(),
                **{"font-size": f"{palette.pt(14)}pt"},
            )

    def _style_title(self) -> None:
        fitted_title(self._plot).set(self._title, palette.font(14), palette.theme().foreground)
