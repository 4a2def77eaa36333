"""Small layout helpers shared by the window and its mixins."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QScrollArea, QWidget


def scrollable(widget: QWidget) -> QScrollArea:
    """``widget`` in a frameless scroll area: a dock then never forces the window larger than
    a small projector's screen (1280x720); on a big screen nothing scrolls."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(widget)
    return area
