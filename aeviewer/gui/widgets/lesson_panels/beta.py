"""The VAE's β (weight of the KL term) as a slider in the lesson, with a "Retrain" button.

β is a property of the training loss, so a new value only applies to a new run: the row says
so, and "Retrain with β" resets the model and trains again with it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSlider, QWidget

from aeviewer.gui.widgets.lesson_panels._base import label_style

__all__ = ["BETA_STEPS", "BetaControl"]

#: The values the slider stops at: fine steps where the pictures change most.
BETA_STEPS = (0.0, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)


class BetaControl(QWidget):
    """A labelled β slider over :data:`BETA_STEPS`, its value, and a "Retrain with β" button.

    Signals
    -------
    beta_changed(float)
        The user moved the slider; :meth:`set_beta` does not emit it.
    retrain_clicked()
        The user asked to train again with the slider's β.
    """

    beta_changed = Signal(float)
    retrain_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._setting = False
        self._name = QLabel("β (KL weight)", self)
        self._slider = QSlider(Qt.Orientation.Horizontal, self)
        self._slider.setRange(0, len(BETA_STEPS) - 1)
        self._slider.setPageStep(1)
        self._slider.setMinimumHeight(32)
        self._slider.setToolTip("Higher β: codes closer to N(0, I), smoother and blurrier")
        self._slider.setValue(BETA_STEPS.index(1.0))
        self._slider.valueChanged.connect(self._on_slider_value_changed)
        self._value = QLabel("", self)
        self._value.setMinimumWidth(60)
        self._button = QPushButton("Retrain with this β", self)
        self._button.setToolTip("β is part of the loss: a new value needs a new run")
        self._button.clicked.connect(self.retrain_clicked)
        self._note = QLabel("", self)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 4, 0, 0)
        row.addWidget(self._name)
        row.addWidget(self._slider, 1)
        row.addWidget(self._value)
        row.addWidget(self._button)
        row.addWidget(self._note)
        self._show_value()
        self.apply_theme()

    def beta(self) -> float:
        """The slider's β."""
        return BETA_STEPS[self._slider.value()]

    def set_beta(self, beta: float) -> None:
        """Move the slider to the step nearest ``beta`` without emitting."""
        nearest = min(range(len(BETA_STEPS)), key=lambda i: abs(BETA_STEPS[i] - float(beta)))
        self._setting = True
        try:
            self._slider.setValue(nearest)
        finally:
            self._setting = False
        self._show_value()

    def set_note(self, text: str) -> None:
        """A short line beside the button, e.g. "applies from the next run"."""
        self._note.setText(text)

    def note(self) -> str:
        return self._note.text()

    def slider(self) -> QSlider:
        return self._slider

    def retrain_button(self) -> QPushButton:
        return self._button

    def apply_theme(self) -> None:
        for label, role in ((self._name, "row"), (self._value, "row"), (self._note, "hint")):
            label.setStyleSheet(label_style(role))

    def _show_value(self) -> None:
        self._value.setText(f"= {self.beta():g}")

    def _on_slider_value_changed(self, _value: int) -> None:
        self._show_value()
        if not self._setting:
            self.beta_changed.emit(self.beta())
