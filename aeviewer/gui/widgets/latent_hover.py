"""The latent view's hover card: the hovered point's label, and its sample's image beside it."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QBrush, QColor, QPen

from aeviewer.gui import palette
from aeviewer.gui.widgets.image_tile import ImageTile

HOVER_TILE_PX = 120  # the hovered sample's image: 28x28 shown 4x, readable from a few rows back


class HoverCard:
    """A label at the hovered point of ``plot`` and, when the owner gives one, the sample's
    image beside it; both hide together.

    The owner adds :attr:`text` to its plot, and calls :meth:`follow_view` when the view moves.
    """

    def __init__(self, plot: pg.PlotWidget) -> None:
        self._plot = plot
        self._vb = plot.getPlotItem().vb
        self._at: tuple[float, float] | None = None  # the point labelled, while it is
        self.text = pg.TextItem(anchor=(0, 1), ensureInBounds=True)
        self.text.setFont(palette.font(14))
        # The hovered sample itself, beside its point: "hovering shows the nearest sample".
        self._tile = ImageTile(parent=plot, min_size=HOVER_TILE_PX - 8)
        self._tile.setFixedSize(HOVER_TILE_PX, HOVER_TILE_PX)
        self._tile.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self._tile.hide()

    def show(self, x: float, y: float, text: str) -> None:
        """Label the point at (x, y) (view coordinates) with ``text``; an image shown stays
        beside it."""
        self._at = (x, y)
        self.text.setText(text)
        self.text.setPos(x, y)
        (x0, x1), _ = self._vb.viewRange()
        right = x > x0 + 0.6 * (x1 - x0)  # keep the box on the plot
        self.text.setAnchor((1.08, 1.1) if right else (-0.08, 1.1))
        self.text.show()
        if self._tile.isVisible():
            self._place_tile()

    def hide(self) -> None:
        """Hide the label and the image."""
        self._at = None
        self.text.hide()
        self._tile.hide()

    def set_image(self, image: np.ndarray | None) -> None:
        """Show ``image`` (``(H, W)`` or ``(H, W, 3)``, 0..1) beside the labelled point;
        ``None``, or no point labelled, hides it."""
        if image is None or self._at is None:
            self._tile.hide()
            return
        self._tile.set_image(image)
        self._place_tile()
        self._tile.show()
        self._tile.raise_()

    def follow_view(self) -> None:
        """Keep the image beside its point after the view moved."""
        if self._tile.isVisible():
            self._place_tile()

    def label(self) -> str:
        """The label's text, ``""`` while it is hidden."""
        return str(self.text.toPlainText()) if self.text.isVisible() else ""

    def image(self) -> np.ndarray | None:
        """The image shown, or ``None`` when none is."""
        return self._tile.image() if self._tile.isVisible() else None

    def _place_tile(self) -> None:
        """Below the point, on the side its label is (the label sits above it)."""
        if self._at is None or not np.isfinite(self._at[0] + self._at[1]):
            self._tile.hide()
            return
        scene = self._vb.mapViewToScene(QPointF(*self._at))
        port = self._plot.viewport()
        p = port.mapTo(self._plot, self._plot.mapFromScene(scene))  # the tile's parent's pixels
        size, gap = HOVER_TILE_PX, 14
        right_side = self.text.anchor.x() < 0.5  # the label reads to the right
        x = p.x() + gap if right_side else p.x() - gap - size
        y = p.y() + gap
        area = port.geometry()
        if y + size > area.bottom():  # no room below: above, beside the label
            y = p.y() - gap - size
        x = min(max(x, area.left()), area.right() - size)
        y = min(max(y, area.top()), area.bottom() - size)
        self._tile.move(int(x), int(y))

    def apply_theme(self) -> None:
        """Restyle from :func:`palette.theme`."""
        t = palette.theme()
        panel = QColor(t.panel)
        panel.setAlpha(200)
        self.text.setFont(palette.font(14))
        self.text.setColor(t.foreground)
        self.text.fill = QBrush(panel)
        self.text.border = QPen(palette.pen(t.muted, 1.0))
        self.text.update()
        self._tile.apply_theme()
