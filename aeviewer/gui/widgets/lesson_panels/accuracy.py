"""Two accuracies, big: the pretrained encoder's classifier against the one trained from scratch.

Unsupervised pretraining lesson: the numbers are the lesson, so they are drawn as large
percentages over horizontal bars that a back row can compare at a glance.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from aeviewer.gui import palette
from aeviewer.gui.widgets.lesson_panels._base import LessonPanel, label_style

__all__ = ["AccuracyBar", "AccuracyPanel"]

_BAR_HEIGHT = 44


class AccuracyBar(QWidget):
    """A horizontal bar filled to ``value`` in [0, 1] (the chance level as a dashed tick)."""

    def __init__(self, color: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._value: float | None = None
        self._chance: float | None = None
        self._color = color
        self.setMinimumHeight(_BAR_HEIGHT)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_value(self, value: float | None, chance: float | None = None) -> None:
        """Fill to ``value`` (``None``: empty); mark ``chance`` if given."""
        self._value = None if value is None else min(max(float(value), 0.0), 1.0)
        self._chance = chance
        self.update()

    def value(self) -> float | None:
        """The value shown."""
        return self._value

    def set_color(self, color: str) -> None:
        self._color = color
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(300, _BAR_HEIGHT)

    def paintEvent(self, event: QPaintEvent) -> None:
        t = palette.theme()
        p = QPainter(self)
        try:
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            r = QRectF(self.rect()).adjusted(1, 1, -1, -1)
            p.setPen(palette.pen(t.muted, 1.5))
            p.setBrush(QColor(t.panel))
            p.drawRoundedRect(r, 6, 6)
            if self._value is not None:
                fill = QRectF(r.x(), r.y(), r.width() * self._value, r.height())
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(QColor(self._color))
                p.drawRoundedRect(fill, 6, 6)
            if self._chance is not None:
                x = r.x() + r.width() * self._chance
                pen = palette.pen(t.foreground, 2.0)
                pen.setStyle(Qt.PenStyle.DashLine)
                p.setPen(pen)
                p.drawLine(int(x), int(r.top()), int(x), int(r.bottom()))
        finally:
            p.end()


class AccuracyPanel(LessonPanel):
    """Named accuracies as large percentages over bars, and a line saying what was compared.

    Parameters
    ----------
    parent : QWidget, optional
        Parent widget.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Classifier accuracy on the validation set", parent)
        self._names: list[QLabel] = []
        self._numbers: list[QLabel] = []
        self._bars: list[AccuracyBar] = []
        self._values: list[float] = []
        self._grid = QGridLayout()
        self._grid.setHorizontalSpacing(16)
        self._grid.setVerticalSpacing(6)
        self._grid.setColumnStretch(1, 1)
        self._detail = self._styled_label("", "hint")
        layout = QVBoxLayout(self.content())
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._grid)
        layout.addWidget(self._detail)
        layout.addStretch(1)
        self.apply_theme()

    # ----------------------------------------------------------------- public API
    def set_accuracies(
        self, items: Sequence[tuple[str, float]], chance: float | None = None, detail: str = ""
    ) -> None:
        """Show one ``(name, accuracy in [0, 1])`` per row, largest numbers first in the eye.

        Parameters
        ----------
        items : sequence of (str, float)
            E.g. ``[("Pretrained encoder + classifier", 0.84), ("From scratch", 0.71)]``.
        chance : float, optional
            The accuracy of guessing (1 / classes), marked on every bar.
        detail : str
            A line under the bars, e.g. how many labels the classifiers saw.
        """
        colors = (palette.CLASS_HEX[2], palette.CLASS_HEX[0], palette.CLASS_HEX[1])
        while len(self._bars) < len(items):
            r = len(self._bars)
            name = QLabel(self)
            number = QLabel(self)
            number.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            bar = AccuracyBar(colors[r % len(colors)], self)
            self._grid.addWidget(name, r, 0)
            self._grid.addWidget(bar, r, 1)
            self._grid.addWidget(number, r, 2)
            self._names.append(name)
            self._numbers.append(number)
            self._bars.append(bar)
        self._values = []
        for r, bar in enumerate(self._bars):
            shown = r < len(items)
            for w in (self._names[r], self._numbers[r], bar):
                w.setVisible(shown)
            if shown:
                text, value = items[r]
                self._names[r].setText(text)
                self._numbers[r].setText(f"{100 * float(value):.0f}%")
                bar.set_value(float(value), chance)
                self._values.append(float(value))
        self._detail.setText(detail)
        self._detail.setVisible(bool(detail))
        self.apply_theme()
        self._refresh_message()

    def accuracies(self) -> list[float]:
        """The accuracies shown, in order."""
        return list(self._values)

    def number_texts(self) -> list[str]:
        """The large percentages shown, e.g. ``["84%", "71%"]``."""
        return [n.text() for n in self._numbers[: len(self._values)]]

    def names(self) -> list[str]:
        """The row names shown."""
        return [n.text() for n in self._names[: len(self._values)]]

    def apply_theme(self) -> None:
        """Re-read the theme: labels and bars."""
        super().apply_theme()
        for name in self._names:
            name.setStyleSheet(label_style("row"))
        for number in self._numbers:
            number.setStyleSheet(label_style("number"))
        for bar in self._bars:
            bar.update()

    # ----------------------------------------------------------------- internals
    def _has_data(self) -> bool:
        return bool(self._values)
