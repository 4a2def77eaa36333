"""The control panel: data, model, hyperparameters, and the training buttons."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSlider,
    QSpinBox,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from aeviewer.core.datasets import DATASET_TITLES
from aeviewer.core.models import PRESETS, get_preset

DATASETS = tuple(DATASET_TITLES.items())  # (key, title) in the data set box

_MODEL_FILE_PREFIX = "Your model: "
MAX_DELAY = 0.5  # seconds per batch at the slowest speed


@dataclass(frozen=True)
class RunSettings:
    """What the panel asks to train."""

    dataset: str
    data_path: str | None
    classes: str
    preset: str
    latent_dim: int
    epochs: int
    batch_size: int
    learning_rate: float
    extra: tuple[str, float] | None


# What may be typed on the way to a number: judged when Return is pressed or the box is left.
_INT_TYPING = re.compile(r"[+-]?\d*")
_FLOAT_TYPING = re.compile(
    r"[+-]?(\d*\.?\d*([eE][+-]?\d*)?|n|na|nan|i|in|inf|infi|infin|infini|infinit|infinity)",
    re.IGNORECASE,
)


def refusal(what: str, typed: str, low: float, high: float, kept: str) -> str:
    """The one line that says why a typed value was refused, and what was kept.

    >>> refusal("Batch size", "0", 1, 4096, "32")
    'Batch size must be at least 1, not 0: kept 32.'
    """
    t = typed.strip()
    try:
        v: float | None = float(t)
    except ValueError:
        v = None
    if v is None or math.isnan(v):
        problem = f"must be a number from {low:g} to {high:g}"
    elif v < low:
        problem = f"must be at least {low:g}"
    else:
        problem = f"must be at most {high:g}"
    return f"{what} {problem}{f', not {t}' if t else ''}: kept {kept}."


class CheckedSpinBox(QSpinBox):
    """A whole-number box that refuses an out-of-range value with the reason (``refused``)
    and keeps the previous one, instead of clamping it silently or eating the keystroke."""

    refused = Signal(str)  # the one-line reason

    def __init__(self, what: str, low: int, high: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.what = what
        self.setRange(low, high)
        self.setKeyboardTracking(False)  # the value changes on Return, so a refusal keeps it

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        state, text, pos = super().validate(text, pos)
        if state != QValidator.State.Acceptable and _INT_TYPING.fullmatch(text.strip()):
            return QValidator.State.Intermediate, text, pos  # "0", "-3", "9999": judged on Return
        return state, text, pos

    def fixup(self, text: str) -> str:
        # Qt calls this when editing ends on text that is not acceptable, then keeps the
        # previous value (CorrectToPreviousValue).
        kept = self.textFromValue(self.value())
        self.refused.emit(refusal(self.what, text, self.minimum(), self.maximum(), kept))
        return text


class CheckedDoubleSpinBox(QDoubleSpinBox):
    """A number box like :class:`CheckedSpinBox`: NaN, infinity and out-of-range values
    (``-3``, ``1e9``) are refused with the reason, and the previous value is kept."""

    refused = Signal(str)

    def __init__(self, what: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.what = what
        self.setKeyboardTracking(False)

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        t = text.strip()
        if not _FLOAT_TYPING.fullmatch(t):
            return QValidator.State.Invalid, text, pos
        try:
            v = float(t)
        except ValueError:
            return QValidator.State.Intermediate, text, pos
        ok = math.isfinite(v) and self.minimum() <= v <= self.maximum()
        return QValidator.State.Acceptable if ok else QValidator.State.Intermediate, text, pos

    def valueFromText(self, text: str) -> float:
        return float(text.strip())

    def textFromValue(self, value: float) -> str:
        return f"{value:.{self.decimals()}g}"

    def fixup(self, text: str) -> str:
        kept = self.textFromValue(self.value())
        self.refused.emit(refusal(self.what, text, self.minimum(), self.maximum(), kept))
        return text


class LogSpinBox(CheckedDoubleSpinBox):
    """A learning-rate box: arrows halve or double it, typing sets any value in range."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Learning rate", parent)
        self.setDecimals(5)
        self.setRange(1e-5, 10.0)

    def stepBy(self, steps: int) -> None:
        self.setValue(self.value() * math.pow(2.0, steps))


class ControlPanel(QWidget):
    """Emits what the user asks for; the main window decides what it means."""

    start_clicked = Signal()
    pause_toggled = Signal(bool)
    step_clicked = Signal()
    stop_clicked = Signal()
    reset_clicked = Signal()
    learning_rate_changed = Signal(float)
    speed_changed = Signal(float)  # seconds of delay per batch
    preset_changed = Signal(str)
    dataset_changed = Signal()
    open_data_requested = Signal()
    #: The preset, latent dim, classes or the preset's knob changed: what the model would be.
    model_settings_changed = Signal()
    hint_changed = Signal(str)  # the window repeats it where the eye is ("": it is outdated)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._data_path: str | None = None
        self._state = "idle"
        self._loading: str | None = None  # "Loading <name>…" while a data set loads
        self._start_label = "Start"  # "Continue" while Start would train the finished run on
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)

        run = QGroupBox("Training")
        grid = QGridLayout(run)
        self.start_button = QPushButton("Start")
        self.start_button.setObjectName("primary")
        self.start_button.setToolTip("Start training (Space)")
        self.pause_button = QPushButton("Pause")
        self.pause_button.setCheckable(True)
        self.pause_button.setToolTip("Pause or resume (Space)")
        self.step_button = QPushButton("Step")
        self.step_button.setToolTip("Train exactly one batch (S)")
        self.stop_button = QPushButton("Stop")
        self.reset_button = QPushButton("Reset")
        self.reset_button.setToolTip("Forget the model and start over (R)")
        style = self.style()
        icons = {
            self.start_button: QStyle.StandardPixmap.SP_MediaPlay,
            self.pause_button: QStyle.StandardPixmap.SP_MediaPause,
            self.step_button: QStyle.StandardPixmap.SP_MediaSkipForward,
            self.stop_button: QStyle.StandardPixmap.SP_MediaStop,
            self.reset_button: QStyle.StandardPixmap.SP_BrowserReload,
        }
        for button, icon in icons.items():
            button.setIcon(style.standardIcon(icon))
        grid.addWidget(self.start_button, 0, 0, 1, 2)
        grid.addWidget(self.pause_button, 1, 0)
        grid.addWidget(self.step_button, 1, 1)
        grid.addWidget(self.stop_button, 2, 0)
        grid.addWidget(self.reset_button, 2, 1)
        speed_row = QHBoxLayout()
        self.speed_slider = QSlider(Qt.Orientation.Horizontal)
        self.speed_slider.setRange(0, 100)
        self.speed_slider.setToolTip("Full speed on the left, slow motion on the right")
        self.speed_label = QLabel("full speed")
        self.speed_label.setObjectName("caption")
        self.speed_label.setMinimumWidth(90)
        speed_row.addWidget(QLabel("Speed"))
        speed_row.addWidget(self.speed_slider, 1)
        speed_row.addWidget(self.speed_label)
        grid.addLayout(speed_row, 3, 0, 1, 2)
        layout.addWidget(run)

        data = QGroupBox("Data")
        form = QFormLayout(data)
        self.dataset_combo = QComboBox()
        for key, title in DATASETS:
            self.dataset_combo.addItem(title, key)
        self.open_button = QPushButton("Open file…")
        self.open_button.setToolTip(
            "A .npz or IDX file (labels are found beside the images); "
            "File → Open data folder… for a folder"
        )
        self.classes_edit = QLineEdit()
        self.classes_edit.setPlaceholderText("all, or e.g. 1,5,6")
        self.classes_edit.setToolTip("Keep only these labels (the course uses 1, 5 and 6)")
        form.addRow("Dataset", self.dataset_combo)
        form.addRow("", self.open_button)
        form.addRow("Classes", self.classes_edit)
        layout.addWidget(data)

        model = QGroupBox("Model")
        mform = QFormLayout(model)
        self.preset_combo = QComboBox()
        for p in PRESETS.values():
            self.preset_combo.addItem(p.title, p.name)
            self.preset_combo.setItemData(
                self.preset_combo.count() - 1, p.summary, Qt.ItemDataRole.ToolTipRole
            )
        self.latent_spin = CheckedSpinBox("Latent dim", 1, 512)
        self.epochs_spin = CheckedSpinBox("Epochs", 1, 1000)
        self.epochs_spin.setValue(20)
        self.batch_spin = CheckedSpinBox("Batch size", 1, 4096)
        self.lr_spin = LogSpinBox()
        self.lr_spin.setToolTip("Changes apply live, even during training")
        self.extra_label = QLabel("")
        self.extra_spin = CheckedDoubleSpinBox("")
        self.extra_spin.setDecimals(3)
        mform.addRow("Preset", self.preset_combo)
        mform.addRow("Latent dim", self.latent_spin)
        mform.addRow("Epochs", self.epochs_spin)
        mform.addRow("Batch size", self.batch_spin)
        mform.addRow("Learning rate", self.lr_spin)
        mform.addRow(self.extra_label, self.extra_spin)
        layout.addWidget(model)

        self.hint = QLabel("")
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        layout.addStretch(1)

        self.start_button.clicked.connect(self.start_clicked)
        self.pause_button.toggled.connect(self._on_pause_button_toggled)
        self.step_button.clicked.connect(self.step_clicked)
        self.stop_button.clicked.connect(self.stop_clicked)
        self.reset_button.clicked.connect(self.reset_clicked)
        self.lr_spin.valueChanged.connect(self.learning_rate_changed)
        self.speed_slider.valueChanged.connect(self._on_speed_slider_value_changed)
        self.preset_combo.currentIndexChanged.connect(self._on_preset_combo_changed)
        self.dataset_combo.currentIndexChanged.connect(self._on_dataset_combo_changed)
        self.open_button.clicked.connect(self.open_data_requested)
        self.latent_spin.valueChanged.connect(self.model_settings_changed)
        self.extra_spin.valueChanged.connect(self.model_settings_changed)
        self.classes_edit.editingFinished.connect(self.model_settings_changed)
        for spin in (self.latent_spin, self.epochs_spin, self.batch_spin):
            spin.refused.connect(self.set_hint)
        for box in (self.lr_spin, self.extra_spin):
            box.refused.connect(self.set_hint)
        self._on_preset_combo_changed()
        self.set_state("idle")

    # -- reading ----------------------------------------------------------------------
    def settings(self) -> RunSettings:
        preset = self.preset()
        knob = get_preset(preset).knob
        return RunSettings(
            dataset=str(self.dataset_combo.currentData()),
            data_path=self._data_path,
            classes=self.classes_edit.text().strip(),
            preset=preset,
            latent_dim=self.latent_spin.value(),
            epochs=self.epochs_spin.value(),
            batch_size=self.batch_spin.value(),
            learning_rate=self.lr_spin.value(),
            extra=(knob.option, self.extra_spin.value()) if knob else None,
        )

    def preset(self) -> str:
        return str(self.preset_combo.currentData())

    def delay(self) -> float:
        v = self.speed_slider.value() / 100.0
        return MAX_DELAY * v * v

    # -- writing ----------------------------------------------------------------------
    def set_settings(
        self,
        *,
        dataset: str | None = None,
        data_path: str | None = None,
        classes: str | None = None,
        preset: str | None = None,
        epochs: int | None = None,
        latent_dim: int | None = None,
        batch_size: int | None = None,
        learning_rate: float | None = None,
        extra: float | None = None,
    ) -> None:
        """Set the panel from code (an opened session, the command line, a lesson): the one
        way to do so. An argument left None leaves its box as it is.

        The preset comes first: a preset other than the one shown resets the boxes to its
        defaults, then the values given here apply. Each change emits what a user's change of
        that box emits (``preset_changed``, ``dataset_changed``, ``model_settings_changed``,
        ``learning_rate_changed``); a value the box already shows emits nothing. Numbers are
        clamped to their box's range, as Qt's ``setValue`` does.

        Parameters
        ----------
        dataset : str, optional
            A key of :data:`DATASETS` (or ``"file"`` while a file is in the box).
        data_path : str, optional
            A file or folder: shown in the dataset box as its own entry and chosen, in place
            of ``dataset``. ``""`` takes the file entry out of the box.
        classes : str, optional
            The classes box's text, e.g. ``"1,5,6"`` (``""``: all).
        preset : str, optional
            A preset's name (:data:`aeviewer.core.models.PRESETS`).
        epochs, latent_dim, batch_size, learning_rate : optional
            The boxes of those names.
        extra : float, optional
            The value of the preset's own knob (:attr:`~aeviewer.core.models.Preset.knob`);
            ignored for a preset without one.

        Raises
        ------
        ValueError
            An unknown preset or data set; the panel is left as it was.
        """
        if preset is not None and self.preset_combo.findData(preset) < 0:
            raise ValueError(f"unknown preset {preset!r}; choose one of {', '.join(PRESETS)}")
        if dataset is not None and not data_path and self.dataset_combo.findData(dataset) < 0:
            raise ValueError(f"unknown data set {dataset!r}")
        if preset is not None:
            self.set_preset(preset)
        if classes is not None and classes.strip() != self.classes_edit.text().strip():
            self.classes_edit.setText(classes)
            self.model_settings_changed.emit()  # as editingFinished does for a user's edit
        # After the classes: the window loads the data set on dataset_changed, with them.
        if data_path:
            same_entry = self.dataset_combo.currentData() == "file"
            changed = data_path != self._data_path
            self.set_data_path(data_path)
            if same_entry and changed:  # the box's index did not move: no signal came
                self.dataset_changed.emit()
        else:
            if dataset is not None:
                self.set_dataset(dataset)
            if data_path == "":  # after the data set: the box moves once, to it
                self.set_data_path(None)
        whole = (
            (self.epochs_spin, epochs),
            (self.latent_spin, latent_dim),
            (self.batch_spin, batch_size),
        )
        for spin, count in whole:
            if count is not None:
                spin.setValue(int(count))
        if learning_rate is not None:
            self.lr_spin.setValue(float(learning_rate))
        if extra is not None and get_preset(self.preset()).knob is not None:
            self.extra_spin.setValue(float(extra))

    def set_preset(self, name: str) -> None:
        i = self.preset_combo.findData(name)
        if i >= 0:
            self.preset_combo.setCurrentIndex(i)

    def set_model_file(self, name: str | None) -> None:
        """A user's model file: shown and chosen in the preset box as its own entry (its data
        is the preset chosen before, so the panel's other settings keep meaning); ``None``
        takes it out. Choosing any preset then emits ``preset_changed``."""
        i = self.preset_combo.findText(_MODEL_FILE_PREFIX, Qt.MatchFlag.MatchStartsWith)
        self.preset_combo.blockSignals(True)
        if i >= 0:
            current = self.preset_combo.currentIndex()
            self.preset_combo.removeItem(i)
            if current == i:
                self.preset_combo.setCurrentIndex(self.preset_combo.findData(self.preset()))
        if name:
            self.preset_combo.addItem(f"{_MODEL_FILE_PREFIX}{name}", self.preset())
            self.preset_combo.setCurrentIndex(self.preset_combo.count() - 1)
        self.preset_combo.blockSignals(False)

    def set_dataset(self, key: str) -> None:
        i = self.dataset_combo.findData(key)
        if i >= 0:
            self.dataset_combo.setCurrentIndex(i)

    def set_data_path(self, path: str | None) -> None:
        """A file or folder chosen by the user: shown in the dataset box as its own entry."""
        self._data_path = path
        i = self.dataset_combo.findData("file")
        if path:
            from pathlib import Path

            title = f"File: {Path(path).name}"
            if i < 0:
                self.dataset_combo.addItem(title, "file")
                i = self.dataset_combo.count() - 1
            self.dataset_combo.setItemText(i, title)
            self.dataset_combo.setItemData(i, path, Qt.ItemDataRole.ToolTipRole)
            self.dataset_combo.setCurrentIndex(i)
        elif i >= 0:
            self.dataset_combo.removeItem(i)

    def set_state(self, state: str) -> None:
        """Enable what makes sense: idle, loading, running, paused, finished.

        Data, preset and hyperparameters stay editable during a run: they apply at the next
        Start (the learning rate and the speed apply at once).
        """
        self._state = state
        running = state in ("running", "paused")
        loading = self._loading is not None and not running
        self.start_button.setEnabled(state in ("idle", "finished") and not loading)
        if state == "loading":
            self.start_button.setText("Loading TensorFlow…")
        else:
            self.start_button.setText(
                self._loading if loading and self._loading else self._start_label
            )
        self.pause_button.setEnabled(running)
        self.step_button.setEnabled(state in ("idle", "finished", "paused", "running"))
        self.stop_button.setEnabled(running)
        self.reset_button.setEnabled(state != "loading")
        self.pause_button.blockSignals(True)
        self.pause_button.setChecked(state == "paused")
        self.pause_button.setText("Resume" if state == "paused" else "Pause")
        self.pause_button.blockSignals(False)

    def set_loading(self, text: str | None) -> None:
        """A data set is loading ("Loading MNIST…" on the Start button), or None once done."""
        self._loading = text
        self.set_state(self._state)

    def dataset_title(self) -> str:
        """The chosen data set as the dataset box names it, without its note in brackets."""
        return self.dataset_combo.currentText().split(" (")[0].removeprefix("File: ")

    def set_start_label(self, text: str) -> None:
        """What Start does now: "Start", or "Continue" when it trains the finished run on."""
        self._start_label = text
        self.set_state(self._state)

    def sizeHint(self) -> QSize:
        """As tall as the controls with a one-line hint: a long message (an error, an opened
        model) scrolls the panel, and never makes the window re-plan its docks (it had put
        the denoising strip in a tab behind the canvas). The banner says it in full."""
        size = super().sizeHint()
        # What the layout counted for the wrapped hint, beyond one line of it.
        extra = self.hint.sizeHint().height() - self.hint.fontMetrics().height()
        if self.hint.text() and extra > 0:
            size.setHeight(size.height() - extra)
        return size

    def set_hint(self, text: str) -> None:
        self.hint.setText(text)
        self.hint_changed.emit(text)

    # -- slots ------------------------------------------------------------------------
    def _on_pause_button_toggled(self, checked: bool) -> None:
        self.pause_button.setText("Resume" if checked else "Pause")
        self.pause_toggled.emit(checked)

    def _on_speed_slider_value_changed(self, _: int) -> None:
        d = self.delay()
        self.speed_label.setText("full speed" if d == 0 else f"{1000 * d:.0f} ms/batch")
        self.speed_changed.emit(d)

    def _on_preset_combo_changed(self, *_: object) -> None:
        preset = self.preset()
        d = get_preset(preset).defaults
        self.latent_spin.setValue(d.latent_dim)
        self.batch_spin.setValue(d.batch_size)
        self.lr_spin.blockSignals(True)
        self.lr_spin.setValue(d.learning_rate)
        self.lr_spin.blockSignals(False)
        knob = get_preset(preset).knob
        self.extra_label.setVisible(knob is not None)
        self.extra_spin.setVisible(knob is not None)
        if knob:
            self.extra_label.setText(knob.label)
            self.extra_spin.what = knob.label
            self.extra_spin.setRange(knob.low, knob.high)
            self.extra_spin.setSingleStep(knob.step)
            self.extra_spin.setValue(float(getattr(d, knob.option)))
        if self._state in ("running", "paused"):  # the model training now is untouched
            self.set_hint(
                f"{get_preset(preset).title} is used from the next Start; "
                "this run goes on unchanged."
            )
        self.preset_changed.emit(preset)
        self.model_settings_changed.emit()

    def _on_dataset_combo_changed(self, *_: object) -> None:
        if self.dataset_combo.currentData() != "file":
            self._data_path = None
        self.dataset_changed.emit()
