"""What a lesson draws on the latent scatter itself: a dot at the interpolation's current a,
crosses at generated codes, and the decoded manifold tiled under the points.

The latent view owns its points and markers; these items belong to the open lesson and leave
the plot with it (:meth:`LatentOverlay.remove`). All are added with ``ignoreBounds``: they never
change the view's range.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor

from aeviewer.gui import palette

__all__ = ["LatentOverlay"]

_DOT_PX = 22
_CROSS_PX = 18
_IMAGE_OPACITY = 0.65  # the points stay the figure; the decoded digits the ground


class LatentOverlay:
    """The lesson's items on the latent view's plot.

    Parameters
    ----------
    plot_item : pg.PlotItem
        The latent view's plot item.
    """

    def __init__(self, plot_item: pg.PlotItem) -> None:
        self._plot_item = plot_item
        self._dot = pg.ScatterPlotItem(symbol="o", size=_DOT_PX, pxMode=True)
        self._crosses = pg.ScatterPlotItem(symbol="x", size=_CROSS_PX, pxMode=True)
        self._image = pg.ImageItem(axisOrder="row-major")
        self._image.setOpacity(_IMAGE_OPACITY)
        for z, item in ((-100, self._image), (140, self._crosses), (150, self._dot)):
            item.setZValue(z)
            item.hide()
            # Clicks go through to the latent view: a click on a mark still decodes there.
            item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            plot_item.addItem(item, ignoreBounds=True)
        self._rect: QRectF | None = None
        self.apply_theme()

    # ----------------------------------------------------------------- setters
    def set_dot(self, xy: tuple[float, float] | None) -> None:
        """The dot at the interpolation's current point (``None`` hides it)."""
        if xy is None or not np.all(np.isfinite(xy)):
            self._dot.hide()
            return
        self._dot.setData(x=[float(xy[0])], y=[float(xy[1])])
        self._dot.show()

    def set_crosses(self, xy: np.ndarray | None) -> None:
        """Crosses at ``(N, 2)`` points, e.g. where generated codes land (``None`` hides)."""
        if xy is None or len(xy) == 0:
            self._crosses.hide()
            return
        pts = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
        self._crosses.setData(x=pts[:, 0], y=pts[:, 1])
        self._crosses.show()

    def set_image(self, image: np.ndarray | None, rect: tuple[float, float, float, float]) -> None:
        """Tile ``image`` (``(H, W)`` or ``(H, W, 3)``, first row at the top, values in [0, 1])
        over the plot's ``rect = (x, y, width, height)`` under the points; ``None`` hides it."""
        if image is None:
            self._image.hide()
            self._rect = None
            return
        # Row-major ImageItem rows run up the y axis: the picture's first row goes on top.
        self._image.setImage(np.ascontiguousarray(np.asarray(image)[::-1]), levels=(0.0, 1.0))
        self._rect = QRectF(*(float(v) for v in rect))
        self._image.setRect(self._rect)
        self._image.show()

    def clear(self) -> None:
        """Hide everything."""
        self.set_dot(None)
        self.set_crosses(None)
        self.set_image(None, (0, 0, 0, 0))

    def remove(self) -> None:
        """Take the items off the plot (the lesson closed)."""
        for item in (self._image, self._crosses, self._dot):
            self._plot_item.removeItem(item)

    # ----------------------------------------------------------------- queries
    def dot_position(self) -> tuple[float, float] | None:
        if not self._dot.isVisible():
            return None
        return float(self._dot.data["x"][0]), float(self._dot.data["y"][0])

    def cross_positions(self) -> np.ndarray | None:
        if not self._crosses.isVisible():
            return None
        return np.stack([self._crosses.data["x"], self._crosses.data["y"]], axis=1)

    def image_shown(self) -> np.ndarray | None:
        """The tiled picture as given to :meth:`set_image` (first row on top), or ``None``."""
        if not self._image.isVisible() or self._image.image is None:
            return None
        return np.asarray(self._image.image)[::-1].copy()

    def image_rect(self) -> tuple[float, float, float, float] | None:
        r = self._rect
        return None if r is None else (r.x(), r.y(), r.width(), r.height())

    def apply_theme(self) -> None:
        t = palette.theme()
        self._dot.setBrush(QBrush(QColor(t.accent)))
        self._dot.setPen(palette.pen(t.background, 3.0))
        self._crosses.setBrush(QBrush(QColor(t.marker)))
        self._crosses.setPen(palette.pen(t.background, 1.0))
