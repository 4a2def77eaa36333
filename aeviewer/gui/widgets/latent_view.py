"""A 2-D scatter of latent codes, coloured by class, with click-to-decode and hover.

All points in one ScatterPlotItem, drawn in runs of one class each (one styled record per
class copied to its points: no per-point Python), and the point under the mouse found with
numpy: ``sigClicked``/``pointsAt`` build a SpotItem per point (about 90 ms at 70k points;
pyqtgraph#217, #2396). One item rather than one per class: every paint of the view paid each
item's culling and coordinate mapping, a third of a 10-class paint. Each class keeps an empty
item of its own for its legend entry, whose click hides or shows the class. Each class has a
marker shape as well as a colour (palette.class_symbol); the legend sits outside the plot
area (OutsideLegend), never on the points."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QMouseEvent, QPen, QResizeEvent
from PySide6.QtWidgets import QGraphicsItem, QLabel, QVBoxLayout, QWidget

from aeviewer.gui import palette
from aeviewer.gui.throttle import Throttle
from aeviewer.gui.widgets.image_tile import ImageTile
from aeviewer.gui.widgets.plot_legend import OutsideLegend, keep_in_view
from aeviewer.gui.widgets.plot_title import fitted_title

if TYPE_CHECKING:
    from aeviewer.gui.input_gate import InputGate

POINT_PX = max(8, round(palette.BASE_POINT_SIZE * 0.75))  # data points: readable, not blobs
LEGEND_SYMBOL_PX = 15  # a legend entry's marker: its shape must read from the back row
# The drawn digit's star follows the pen at most this often: moving it repaints the scatter
# (milliseconds of every class's points), which must not delay the reconstruction of each stroke.
# With an input gate (set_input_gate) it moves when the pen is lifted (or each second of a long
# stroke): a repaint of the scatter during training took 5-15 ms, a move waited for it.
DRAWN_POINT_MS = 40
HOVER_TILE_PX = 120  # the hovered sample's image: 28x28 shown 4x, readable from a few rows back
_PAD = 0.06  # padding of a fresh fit, as a fraction of the data span
_GROW_PAD = 0.15  # headroom added when points leave the view: slow drift doesn't jump each frame
_SHRINK_BELOW = 0.4  # refit when the data fill less than this fraction of the view on an axis


class _QuietScatter(pg.ScatterPlotItem):
    """A scatter that ignores clicks and can move its points without a per-point rebuild."""

    data: np.ndarray  # pyqtgraph's record array: x, y, size, symbol, pen, brush, ..., sourceRect
    _rect: tuple[Any, Any, float, QRectF] | None = None
    _styles: tuple[Any, ...] = ()  # the (brush, symbol) of each run of the last set_runs
    _counts: tuple[int, ...] = ()

    def boundingRect(self) -> QRectF:
        """pyqtgraph's rectangle, cached until the data bounds or the view change.

        pyqtgraph computes it in Python from the view's pixel size (~40 µs), and the scene
        asks every item for it about seven times per click and per paint: with a dozen items
        that was 4 of the 5 ms a click took. pyqtgraph makes new bounds objects whenever the
        data, the spot sizes or the view transform change, so identity is the cache key.
        """
        xb, yb = self.dataBounds(ax=0), self.dataBounds(ax=1)
        c = self._rect
        if c is not None and c[0] is xb and c[1] is yb and c[2] == self._maxSpotPxWidth:
            return QRectF(c[3])
        rect = super().boundingRect()
        self._rect = (xb, yb, self._maxSpotPxWidth, QRectF(rect))
        return rect

    def viewTransformChanged(self) -> None:
        self._rect = None
        super().viewTransformChanged()

    def mouseClickEvent(self, ev: Any) -> None:
        # The default builds a SpotItem per point to find the clicked ones (~90 ms at 70k).
        ev.ignore()

    def set_runs(
        self,
        x: np.ndarray,
        y: np.ndarray,
        counts: Sequence[int],
        brushes: Sequence[Any],
        symbols: Sequence[str],
    ) -> None:
        """Show points at ``x``, ``y`` in runs: the first ``counts[0]`` with ``brushes[0]`` and
        ``symbols[0]``, and so on, later runs drawn on top. ``setData`` looks up every point's
        symbol in the atlas (~1.5 µs a point); here one record per run is styled and copied to
        the run's points."""
        n = int(x.shape[0])
        if n == 0:
            self.clear()
            return
        styles = tuple(zip(brushes, symbols, strict=True))
        if self._styles != styles or len(self.data) != n or self._counts != tuple(counts):
            k = len(styles)
            self.setData(x=np.zeros(k), y=np.zeros(k), brush=list(brushes), symbol=list(symbols))
            data = np.repeat(self.data, counts)
            data["item"] = None
            self.data = data
            self._styles, self._counts = styles, tuple(counts)
        self._move(x, y)

    def move_point(self, x: float, y: float) -> None:
        """Move a one-point item (a marker) to (x, y): ``setData`` takes ~1 ms to restyle it."""
        if len(self.data) != 1:
            self.setData(x=[x], y=[y])
        else:
            self._move(x, y)

    def _move(self, x: Any, y: Any) -> None:
        self.data["x"] = x
        self.data["y"] = y
        self.bounds = [None, None]
        self.prepareGeometryChange()
        self.informViewBoundsChanged()
        self.invalidate()
        self.sigPlotChanged.emit(self)

    def clear(self) -> None:
        self._styles, self._counts = (), ()
        super().clear()


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
        self._labels: np.ndarray | None = None
        self._ids: np.ndarray | None = None  # the sample (dataset row) behind each point
        self._class_names: tuple[str, ...] = ()
        self._class_noun = "class"
        self._index: dict[int | None, np.ndarray] = {}
        # An empty item per class: its legend sample, and visible unless its entry was clicked.
        self._classes: dict[int | None, pg.ScatterPlotItem] = {}
        self._runs: dict[int | None, slice] = {}  # each class's rows in the points item
        self._legend_key: tuple[Any, ...] | None = None
        self._hovered = -1
        self._press: QPointF | None = None  # scene position of a left press that may be a click
        self._highlight: int | None = None
        self._user_moved = False
        self._auto_range: list[list[float]] | None = None
        self._title = ""
        self._axis_text = ("", "")
        self._message = ""

        self._plot = pg.PlotWidget()
        item = self._plot.getPlotItem()
        self._vb = item.vb
        item.setMenuEnabled(False)  # right-drag still zooms; a menu is clutter on a projector
        self._vb.disableAutoRange()
        item.autoBtn.clicked.disconnect()
        item.autoBtn.clicked.connect(self._on_auto_button_clicked)
        self._vb.sigRangeChangedManually.connect(self._on_vb_range_changed_manually)
        self._vb.sigRangeChanged.connect(self._on_vb_range_changed)
        scene = self._plot.scene()
        scene.sigMouseClicked.connect(self._on_scene_mouse_clicked)
        scene.sigMouseMoved.connect(self._on_scene_mouse_moved)
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

        self._points = _QuietScatter(pxMode=True, useCache=True, pen=None)
        self._points.setSize(POINT_PX)
        self._plot.addItem(self._points)
        self._path = pg.PlotCurveItem()
        self._highlight_item = _QuietScatter(symbol="o", size=26, pxMode=True)
        self._click_item = _QuietScatter(symbol="crosshair", size=34, pxMode=True)
        self._drawn_item = _QuietScatter(symbol="star", size=34, pxMode=True)
        self._drawn_to: tuple[float, float] | None = None  # where the star goes at the next tick
        self._drawn_move = Throttle(self._move_drawn_point, DRAWN_POINT_MS, self)
        self._hover_text = pg.TextItem(anchor=(0, 1), ensureInBounds=True)
        self._hover_text.setFont(palette.font(14))
        extras = (self._path, self._highlight_item, self._click_item, self._drawn_item)
        for z, extra in enumerate((*extras, self._hover_text)):
            extra.setZValue(100 + z)
            extra.hide()
            item.addItem(extra, ignoreBounds=True)

        self._message_label = QLabel(self._plot)
        self._message_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._message_label.setWordWrap(True)
        self._message_label.setFont(palette.font(20))
        self._message_label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self._message_label.hide()

        # The hovered sample itself, beside its point: "hovering shows the nearest sample".
        self._hover_tile = ImageTile(parent=self._plot, min_size=HOVER_TILE_PX - 8)
        self._hover_tile.setFixedSize(HOVER_TILE_PX, HOVER_TILE_PX)
        self._hover_tile.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self._hover_tile.hide()

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
        self._class_names = tuple(class_names)
        self._update_index(labels, len(pts))
        self._ids = None if ids is None else np.asarray(ids, dtype=np.int64)
        for key in [k for k in self._classes if k not in self._index]:
            del self._classes[key]
        for key in self._index:
            if key not in self._classes:
                label = 0 if key is None else key
                proxy = pg.ScatterPlotItem(
                    pen=None,
                    brush=palette.class_brush(label),
                    symbol=palette.class_symbol(label),
                    size=LEGEND_SYMBOL_PX,
                )
                proxy.visibleChanged.connect(self._draw_points)  # its legend entry clicked
                self._classes[key] = proxy
        self._draw_points()
        self._update_legend()
        self.set_highlight(self._highlight)
        if 0 <= self._hovered < len(self._x):
            self._show_hover(self._hovered)
        else:
            self._set_hovered(-1)
        self._message_label.setVisible(bool(self._message) and not len(self._x))
        if not len(self._x):  # cleared for a new run: the next points get a fresh fit
            self._auto_range, self._user_moved = None, False
        elif auto_range:
            self._fit(force=False)

    def _draw_points(self) -> None:
        """Put the shown classes' points in the points item, in class order (later on top)."""
        keys = [k for k in self._index if self._classes[k].isVisible()]
        xs, ys, counts, self._runs = [], [], [], {}
        start = 0
        for k in keys:
            x, y = self._x[self._index[k]], self._y[self._index[k]]
            keep = np.isfinite(x + y)
            if not keep.all():  # a diverged run: rows stay aligned, only finite points drawn
                x, y = x[keep], y[keep]
            xs.append(x)
            ys.append(y)
            counts.append(len(x))
            self._runs[k] = slice(start, start + len(x))
            start += len(x)
        if not start:
            self._points.clear()
            return
        brushes = [self._classes[k].opts["brush"] for k in keys]
        symbols = [self._classes[k].opts["symbol"] for k in keys]
        self._points.set_runs(np.concatenate(xs), np.concatenate(ys), counts, brushes, symbols)

    def _update_index(self, labels: np.ndarray | None, n: int) -> None:
        if labels is None:
            self._labels = None
            self._index = {None: np.arange(n)} if n else {}
            return
        lab = np.asarray(labels).reshape(-1).astype(np.int64, copy=False)
        if lab.shape[0] != n:
            raise ValueError(f"{lab.shape[0]} labels for {n} points")
        if self._labels is not None and np.array_equal(lab, self._labels):
            return  # the live case: same samples, new positions: reuse the per-class rows
        self._labels = lab.copy()
        self._index = {int(c): np.flatnonzero(lab == c) for c in np.unique(lab)}

    def _update_legend(self) -> None:
        keys = tuple(k for k in self._index if k is not None)
        key = (keys, tuple(self._class_name(k) for k in keys))
        if key == self._legend_key:
            return
        self._legend_key = key
        self._legend.clear()
        self._legend.setVisible(bool(keys))
        for k in keys:
            self._legend.addItem(self._classes[k], self._class_name(k))

    def _class_name(self, label: int, noun: str = "") -> str:
        if 0 <= label < len(self._class_names):
            return str(self._class_names[label])
        return f"{noun} {label}" if noun else str(label)

    def point_count(self) -> int:
        """Number of points shown."""
        return int(self._x.shape[0])

    def point(self, row: int) -> tuple[float, float]:
        """Where point ``row`` of the last ``set_points`` is drawn."""
        return float(self._x[row]), float(self._y[row])

    def hover_text(self) -> str:
        """The hover label's text, ``""`` while nothing is hovered."""
        return str(self._hover_text.toPlainText()) if self._hover_text.isVisible() else ""

    def hover_image(self) -> np.ndarray | None:
        """The image shown beside the hovered point, or ``None`` when none is shown."""
        return self._hover_tile.image() if self._hover_tile.isVisible() else None

    def class_items(self) -> dict[int | None, pg.ScatterPlotItem]:
        """Each class present (key ``None`` when unlabelled): its legend sample, hidden while
        the class is hidden (a click on its legend entry, or ``setVisible(False)``)."""
        return dict(self._classes)

    def drawn_points(self, key: int | None) -> np.ndarray:
        """The (M, 2) positions drawn for class ``key``: none while it is hidden, and only its
        finite codes."""
        run = self._runs.get(key)
        if run is None:
            return np.empty((0, 2))
        data = self._points.data
        return np.column_stack([data["x"][run], data["y"][run]])

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
        self._place(self._click_item, x, y)

    def set_drawn_point(self, x: float | None, y: float | None) -> None:
        """Put the star marking the code of the drawn digit at (x, y); ``None`` hides it.

        It appears (or hides) at once; while it is shown it moves to the latest point given
        every :data:`DRAWN_POINT_MS` ms at most.
        """
        if x is None or y is None or not self._drawn_item.isVisible():
            self._drawn_move.cancel()
            self._drawn_to = None
            self._place(self._drawn_item, x, y)
            return
        self._drawn_to = (float(x), float(y))
        self._drawn_move.request()

    def _move_drawn_point(self) -> None:
        if self._drawn_to is not None:
            self._place(self._drawn_item, *self._drawn_to)
            self._drawn_to = None

    def set_hover_image(self, image: np.ndarray | None) -> None:
        """Show ``image`` (2-D, 0..1) beside the hovered point; ``None`` hides it. It hides by
        itself when the mouse leaves the points."""
        if image is None or self._hovered < 0:
            self._hover_tile.hide()
            return
        self._hover_tile.set_image(image)
        self._place_hover_tile()
        self._hover_tile.show()
        self._hover_tile.raise_()

    def _place_hover_tile(self) -> None:
        """Below the hovered point, on the side its label is (the label sits above it)."""
        i = self._hovered
        if not 0 <= i < len(self._x) or not np.isfinite(self._x[i] + self._y[i]):
            self._hover_tile.hide()
            return
        scene = self._vb.mapViewToScene(QPointF(float(self._x[i]), float(self._y[i])))
        port = self._plot.viewport()
        p = port.mapTo(self._plot, self._plot.mapFromScene(scene))  # the tile's parent's pixels
        size, gap = HOVER_TILE_PX, 14
        right_side = self._hover_text.anchor.x() < 0.5  # the label reads to the right
        x = p.x() + gap if right_side else p.x() - gap - size
        y = p.y() + gap
        area = port.geometry()
        if y + size > area.bottom():  # no room below: above, beside the label
            y = p.y() - gap - size
        x = min(max(x, area.left()), area.right() - size)
        y = min(max(y, area.top()), area.bottom() - size)
        self._hover_tile.move(int(x), int(y))

    def set_input_gate(self, gate: InputGate | None) -> None:
        """Let ``gate`` hold the star's moves while a stroke or a click is being answered."""
        self._drawn_move.set_gate(gate)

    def set_highlight(self, index: int | None) -> None:
        """Ring point ``index`` of the current points; it follows later ``set_points``."""
        self._highlight = None if index is None or index < 0 else int(index)
        if self._highlight is None or self._highlight >= len(self._x):
            self._highlight_item.hide()
        else:
            i = self._highlight
            self._place(self._highlight_item, float(self._x[i]), float(self._y[i]))

    def set_path(self, xy: np.ndarray | None) -> None:
        """Draw a polyline through ``xy`` (M, 2), e.g. an interpolation path; ``None`` hides."""
        if xy is None or len(xy) == 0:
            self._path.hide()
            return
        pts = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
        self._path.setData(pts[:, 0], pts[:, 1])
        self._path.show()

    def marker_position(self, which: str) -> tuple[float, float] | None:
        """Where marker ``"click"``, ``"drawn"`` or ``"highlight"`` is, or ``None`` if hidden."""
        items = {"click": self._click_item, "drawn": self._drawn_item}
        if which == "drawn" and self._drawn_move.pending():
            self._drawn_move.flush()  # where it is going: there, now
        item = items.get(which, self._highlight_item)
        if not item.isVisible() or len(item.data) == 0:
            return None
        return float(item.data["x"][0]), float(item.data["y"][0])

    def path_visible(self) -> bool:
        """Whether a path is shown."""
        return bool(self._path.isVisible())

    def _place(self, item: _QuietScatter, x: float | None, y: float | None) -> None:
        if x is None or y is None or not (np.isfinite(x) and np.isfinite(y)):
            item.hide()
            return
        item.move_point(float(x), float(y))
        item.show()

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
        for k, proxy in self._classes.items():
            if not proxy.isVisible():  # hidden by a click on its legend entry
                d2[self._index[k]] = np.inf
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
        return self._user_moved

    def reset_view(self) -> None:
        """Fit the view to the points and resume auto-ranging (also the plot's "A" button)."""
        self._user_moved = False
        self._fit(force=True)

    def _fit(self, force: bool) -> None:
        moved = self._auto_range is not None and not np.allclose(
            self._vb.viewRange(), self._auto_range, rtol=1e-9, atol=1e-300
        )
        if moved and not force:
            self._user_moved = True  # someone moved the view without the mouse (code, keys)
        if (self._user_moved and not force) or self._x.shape[0] == 0:
            return
        current = self._vb.viewRange()
        fresh = force or self._auto_range is None
        new: list[list[float]] = []
        for axis, values in enumerate((self._x, self._y)):
            if np.isnan(values).all():
                return
            lo, hi = float(np.nanmin(values)), float(np.nanmax(values))
            span = hi - lo if hi > lo else max(abs(lo) * 0.1, 1.0)
            v0, v1 = current[axis]
            if fresh or span < _SHRINK_BELOW * (v1 - v0):
                new.append([lo - _PAD * span, hi + _PAD * span])
            elif lo < v0 or hi > v1:
                new.append([min(v0, lo - _GROW_PAD * span), max(v1, hi + _GROW_PAD * span)])
            else:
                new.append([v0, v1])
        if new != [list(r) for r in current]:
            self._vb.setRange(xRange=new[0], yRange=new[1], padding=0)
        self._auto_range = [list(r) for r in self._vb.viewRange()]

    # --------------------------------------------------------------- mouse
    def _on_vb_range_changed_manually(self, _mask: object) -> None:
        self._user_moved = True

    def _on_vb_range_changed(self, *_: object) -> None:
        if self._hover_tile.isVisible():
            self._place_hover_tile()  # keep it beside its point when the view moves

    def _on_auto_button_clicked(self) -> None:  # pyqtgraph's "A" button
        self.reset_view()

    def _on_scene_mouse_clicked(self, ev: Any) -> None:
        if ev.button() != Qt.MouseButton.LeftButton or ev.double() or ev.isAccepted():
            return  # accepted: a legend entry or another item took the click
        pos = ev.scenePos()
        if not self._vb.sceneBoundingRect().contains(pos):
            return
        p = self._vb.mapSceneToView(pos)
        self.set_click_marker(p.x(), p.y())
        self.latent_clicked.emit(float(p.x()), float(p.y()))

    def _on_scene_mouse_moved(self, pos: QPointF) -> None:
        if not self._vb.sceneBoundingRect().contains(pos):
            self._set_hovered(-1)
            return
        p = self._vb.mapSceneToView(pos)
        self._set_hovered(self.nearest(p.x(), p.y()))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Leave:
            self._set_hovered(-1)
        elif kind == QEvent.Type.MouseButtonPress and isinstance(event, QMouseEvent):
            self._press = self._click_candidate(event)
        elif kind == QEvent.Type.MouseButtonRelease and isinstance(event, QMouseEvent):
            press, self._press = self._press, None
            if press is not None and self._take_click(event, press):
                return True
        return super().eventFilter(watched, event)

    def _click_candidate(self, event: QMouseEvent) -> QPointF | None:
        """The scene position of a plain left press on the data area, else None."""
        if (
            event.button() != Qt.MouseButton.LeftButton
            or event.buttons() != Qt.MouseButton.LeftButton
            or event.modifiers() != Qt.KeyboardModifier.NoModifier
        ):
            return None
        pos = self._plot.mapToScene(event.position().toPoint())
        if not self._vb.sceneBoundingRect().contains(pos):
            return None
        item = self._plot.getPlotItem()
        for other in (self._legend, item.autoBtn):  # items with clicks of their own
            if other.isVisible() and other.sceneBoundingRect().contains(pos):
                return None
        return pos

    def _take_click(self, event: QMouseEvent, press: QPointF) -> bool:
        """Handle the release of a plain click on the data area here; False leaves it to
        pyqtgraph (a drag, or a state this version of pyqtgraph does not have).

        pyqtgraph's scene looks for items near the release twice (click, then hover), asking
        ~60 items for their shapes in Python: about 1.5 of the 2.6 ms a click took, idle. Only
        the legend and the "A" button take clicks here, and their presses never get this far.
        """
        scene = self._plot.scene()
        drags = getattr(scene, "dragButtons", None)
        if (
            event.button() != Qt.MouseButton.LeftButton
            or event.buttons() != Qt.MouseButton.NoButton
            or drags is None
            or Qt.MouseButton.LeftButton in drags
            or not hasattr(scene, "clickEvents")
        ):
            return False
        # What pyqtgraph's GraphicsScene.mouseReleaseEvent resets once no button is down.
        scene.clickEvents = []
        scene.dragButtons = []
        scene.dragItem = None
        scene.lastDrag = None
        p = self._vb.mapSceneToView(press)  # pyqtgraph reports a click where it was pressed
        self.set_click_marker(p.x(), p.y())
        self.latent_clicked.emit(float(p.x()), float(p.y()))
        return True

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._message_label.setGeometry(self.rect().adjusted(20, 20, -20, -20))  # plot == self

    def _set_hovered(self, index: int) -> None:
        if index == self._hovered:
            return
        self._hovered = index
        if index < 0:
            self._hover_text.hide()
            self._hover_tile.hide()
        else:
            self._show_hover(index)
        self.sample_hovered.emit(index)

    def _show_hover(self, index: int) -> None:
        sample = index if self._ids is None else int(self._ids[index])
        text = f"sample #{sample}"
        if self._labels is not None:
            text = f"{self._class_name(int(self._labels[index]), self._class_noun)} · {text}"
        self._hover_text.setText(text)
        self._hover_text.setPos(float(self._x[index]), float(self._y[index]))
        (x0, x1), _ = self._vb.viewRange()
        right = self._x[index] > x0 + 0.6 * (x1 - x0)  # keep the box on the plot
        self._hover_text.setAnchor((1.08, 1.1) if right else (-0.08, 1.1))
        self._hover_text.show()
        if self._hover_tile.isVisible():
            self._place_hover_tile()

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
        accent = palette.pen(t.accent, 3.0)
        self._path.setPen(accent)
        self._click_item.setPen(accent)
        self._click_item.setBrush(QBrush(Qt.BrushStyle.NoBrush))
        self._highlight_item.setPen(palette.pen(t.marker, 3.0))
        self._highlight_item.setBrush(QBrush(Qt.BrushStyle.NoBrush))
        self._drawn_item.setPen(palette.pen(t.marker, 2.0))
        self._drawn_item.setBrush(QBrush(QColor(t.accent)))
        self._hover_text.setFont(palette.font(14))
        self._hover_text.setColor(t.foreground)
        self._hover_text.fill = QBrush(panel)
        self._hover_text.border = QPen(palette.pen(t.muted, 1.0))
        self._hover_text.update()
        self._hover_tile.apply_theme()
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
