"""Plain left clicks on a plot's data area, in view coordinates, without pyqtgraph's item search."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QGraphicsItem


class DataClicks(QObject):
    """Report left clicks (not drags) on the view box of ``plot``.

    A plain click is taken from the viewport at its release; the scene's own clicks (with a
    modifier, say) are reported too unless an item accepted them. Presses on ``skip`` (items
    with clicks of their own: a legend, the "A" button) are left to them.

    Signals
    -------
    clicked(float, float)
        View (data) coordinates of the click: where it was pressed.
    """

    clicked = Signal(float, float)

    def __init__(self, plot: pg.PlotWidget, skip: Sequence[QGraphicsItem] = ()) -> None:
        super().__init__(plot)
        self._plot = plot
        self._vb = plot.getPlotItem().vb
        self._skip = tuple(skip)
        self._press: QPointF | None = None  # scene position of a left press that may be a click
        plot.scene().sigMouseClicked.connect(self._on_scene_mouse_clicked)
        plot.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress and isinstance(event, QMouseEvent):
            self._press = self._click_candidate(event)
        elif kind == QEvent.Type.MouseButtonRelease and isinstance(event, QMouseEvent):
            press, self._press = self._press, None
            if press is not None and self._take_click(event, press):
                return True
        return super().eventFilter(watched, event)

    def _on_scene_mouse_clicked(self, ev: Any) -> None:
        if ev.button() != Qt.MouseButton.LeftButton or ev.double() or ev.isAccepted():
            return  # accepted: a legend entry or another item took the click
        pos = ev.scenePos()
        if not self._vb.sceneBoundingRect().contains(pos):
            return
        p = self._vb.mapSceneToView(pos)
        self.clicked.emit(float(p.x()), float(p.y()))

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
        for other in self._skip:
            if other.isVisible() and other.sceneBoundingRect().contains(pos):
                return None
        return pos

    def _take_click(self, event: QMouseEvent, press: QPointF) -> bool:
        """Handle the release of a plain click on the data area here; False leaves it to
        pyqtgraph (a drag, or a state this version of pyqtgraph does not have).

        pyqtgraph's scene looks for items near the release twice (click, then hover), asking
        ~60 items for their shapes in Python: over half of an idle click's time. Only
        the ``skip`` items take clicks here, and their presses never get this far.
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
        self.clicked.emit(float(p.x()), float(p.y()))
        return True
