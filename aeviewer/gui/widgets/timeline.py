"""The time machine's bar: scrub back through training, or replay it."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSlider, QWidget

# The symbols are text, so they take the button's text colour in every theme (the style's
# media icon is a dark triangle, lost on the dark theme). "❚❚": DejaVu Sans has no "⏸".
PLAY_TEXT = "▶ Play"
PAUSE_TEXT = "❚❚ Pause"


class TimelineBar(QWidget):
    """A slider over the epochs recorded so far, a Play button and a label.

    The right end is "live": the views follow training. Anywhere else they show the epoch
    under the slider.
    """

    epoch_selected = Signal(int)  # 1-based epoch shown, 0 for live
    play_toggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None, interval_ms: int = 700) -> None:
        super().__init__(parent)
        self._epochs = 0
        self.play_button = QPushButton(PLAY_TEXT)
        self.play_button.setCheckable(True)
        self.play_button.setToolTip("Replay the run epoch by epoch")
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 0)
        self.slider.setPageStep(1)
        self.slider.setToolTip("Drag back through training (← →)")
        self.label = QLabel("no epochs yet")
        self._fit_label()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 2, 8, 2)
        layout.addWidget(QLabel("Time machine"))
        layout.addWidget(self.play_button)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.label)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._on_timer_timeout)
        self.slider.valueChanged.connect(self._on_slider_value_changed)
        self.play_button.toggled.connect(self._on_play_button_toggled)
        self.setEnabled(False)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit_label()  # presenter mode's larger type

    def _fit_label(self) -> None:
        """Room for the longest label of this run ("epoch 12 of 20"), no more: the slider
        beside it needs the width."""
        n = max(self._epochs, 10)
        longest = f"epoch {n} of {n}"
        self.label.setMinimumWidth(self.label.fontMetrics().horizontalAdvance(longest) + 8)

    def set_epochs(self, n: int, follow: bool = True) -> None:
        """``n`` epochs are recorded; with ``follow``, stay at the live end if already there."""
        live = self.is_live()
        self._epochs = n
        self.setEnabled(n > 0)
        self.slider.blockSignals(True)
        self.slider.setRange(1 if n else 0, n)
        if follow and live:
            self.slider.setValue(n)
        self.slider.blockSignals(False)
        self._update_label()

    def epochs(self) -> int:
        return self._epochs

    def current(self) -> int:
        """The epoch shown, or 0 when live (at the end)."""
        return 0 if self.is_live() else self.slider.value()

    def is_live(self) -> bool:
        return self._epochs == 0 or self.slider.value() >= self._epochs

    def select(self, epoch: int) -> None:
        self.slider.setValue(max(1, min(epoch, self._epochs)))

    def step(self, delta: int) -> None:
        if self._epochs:
            self.select(self.slider.value() + delta)

    def play(self, on: bool) -> None:
        """Replay from the first epoch (or from the one shown), one epoch per interval."""
        self.play_button.setChecked(on)

    def playing(self) -> bool:
        """Whether a replay is under way."""
        return self.play_button.isChecked()

    def set_interval(self, ms: int) -> None:
        """Milliseconds each epoch shows during a replay."""
        self._timer.setInterval(max(1, int(ms)))

    def _on_play_button_toggled(self, on: bool) -> None:
        if on:
            if self.is_live() and self._epochs > 1:
                self.slider.setValue(1)
            self._timer.start()
        else:
            self._timer.stop()
        self.play_button.setText(PAUSE_TEXT if on else PLAY_TEXT)
        self.play_toggled.emit(on)

    def _on_timer_timeout(self) -> None:
        if self.slider.value() >= self._epochs:
            self.play(False)
            return
        self.slider.setValue(self.slider.value() + 1)

    def _on_slider_value_changed(self, _: int) -> None:
        self._update_label()
        self.epoch_selected.emit(self.current())

    def _update_label(self) -> None:
        self._fit_label()
        if not self._epochs:
            self.label.setText("no epochs yet")
        elif self.is_live():
            self.label.setText(f"epoch {self._epochs} (latest)")
        else:
            self.label.setText(f"epoch {self.slider.value()} of {self._epochs}")
