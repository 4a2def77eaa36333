"""A user's own Keras autoencoder in the window: File → Open model…, a dropped file, or
``aeviewer FILE``. The model is opened and checked against the data on the training thread,
then a run of it starts paused at epoch 0: its latent space, decoding and drawing work at once,
and Start (Space) fine-tunes it."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog

from aeviewer.core.models.options import ModelOptions

if TYPE_CHECKING:
    from aeviewer.gui.main_window import MainWindow

MODEL_FILTER = "Keras models (*.keras *.h5 *.hdf5);;All files (*)"
MODEL_SUFFIXES = (".keras", ".h5", ".hdf5")


@dataclass(frozen=True)
class OpenedModel:
    """What the window knows of an opened model (plain data, from the training thread)."""

    paths: tuple[str, ...]
    split_at: str | None
    name: str
    layout: str
    code_size: int
    training_note: str
    variational: bool
    options: ModelOptions  # how it trains: the file's loss, optimizer and learning rate


def inspect(paths: tuple[str, ...], split_at: str | None, shape: tuple[int, ...], data: str) -> Any:
    """Open the model and check it takes ``data``'s samples: an :class:`OpenedModel`, or the
    one line that says why not. Runs on the training thread (it loads Keras objects)."""
    from aeviewer.core.models import OptionsError
    from aeviewer.core.persistence import ModelFileError
    from aeviewer.core.user_models import open_user_model

    try:
        user = open_user_model(paths, split_at)
        user.check(shape, data)
    except (ModelFileError, OptionsError, ValueError) as exc:
        return str(exc).strip().splitlines()[0]
    return OpenedModel(
        paths,
        split_at,
        user.name,
        user.layout,
        user.code_size,
        user.training_note,
        user.variational,
        user.options,
    )


class UserModelController(QObject):
    """Owns the user's model the next runs train, if one is open (``opened``)."""

    def __init__(self, w: MainWindow) -> None:
        super().__init__(w)
        self.w = w
        self.opened: OpenedModel | None = None

    def open_dialog(self) -> None:
        paths = self.ask_paths()
        if paths:
            self.open(paths)

    def ask_paths(self) -> list[str]:
        """One model file, or an encoder file and a decoder file; [] when cancelled. Tests
        replace it (no modal dialog)."""
        paths, _ = QFileDialog.getOpenFileNames(
            self.w, "Open model (or an encoder and a decoder file)", "", MODEL_FILTER
        )
        return list(paths)

    def open(self, paths: list[str] | tuple[str, ...], split_at: str | None = None) -> bool:
        """Open ``paths`` (one model, or encoder then decoder) over the current data; False
        when it cannot start now (a question declined, data still loading)."""
        paths = tuple(str(p) for p in paths)
        names = " + ".join(Path(p).name for p in paths)
        if not 1 <= len(paths) <= 2:
            self.w.show_error("Open one model file, or an encoder file and a decoder file.")
            return False
        run = self.w.run
        if run.state.ongoing:
            if run.state != "stopping" and not self.w.ask(
                f"A run is training. Stop it and open {names}? (The run is autosaved.)",
                "Stop and open",
            ):
                return False
            if run.state.ongoing:
                run.stop()
                run.after_run = functools.partial(self.open_after_run, paths, split_at)
                self.w.say(f"Stopping the run, then opening {names}…")
                return False
        ds = self.w.data.dataset
        if ds is None:
            self.w.show_error(f"{names}: open it once the window has loaded its data.")
            return False
        self.w.controls.set_hint(f"Opening {names}…")
        work = functools.partial(inspect, paths, split_at, ds.input_shape, ds.name)
        self.w.jobs.request("open-model", work, self.on_inspected)
        return True

    def open_after_run(self, paths: tuple[str, ...], split_at: str | None) -> None:
        self.open(paths, split_at)

    def on_inspected(self, result: Any) -> None:
        if not isinstance(result, OpenedModel):
            self.w.show_error(str(result))
            return
        if self.w.run.state.ongoing:  # a Start came first: the model waits for its end
            self.w.run.after_run = functools.partial(self.on_inspected, result)
            return
        self.opened = result
        c = self.w.controls
        c.set_model_file(result.name)
        # The panel shows the model's own code size (fixed by the file) and learning rate.
        c.latent_spin.setMaximum(max(c.latent_spin.maximum(), result.code_size))
        c.set_settings(latent_dim=result.code_size, learning_rate=result.options.learning_rate)
        c.latent_spin.setEnabled(False)
        self.w.run.start(paused=True)  # epoch 0: the file's own weights, views live
        # One short line in the panel (a long one pushes the denoising strip into a tab);
        # what was found and how it trains, over the latent space where the class looks.
        self.w.controls.set_hint(f"{result.name} is open: Space fine-tunes it.")
        self.w.say(
            f"Your model {result.name}: {result.layout}, {result.code_size}-value codes; "
            f"click, draw, or press Space to fine-tune it ({result.training_note}).",
            20_000,
        )

    def close(self) -> None:
        """Back to the presets: the next Start builds the panel's model."""
        if self.opened is not None:
            self.opened = None
            self.w.controls.set_model_file(None)
            self.w.controls.latent_spin.setEnabled(True)
            self.w.run.update_start_label()
            self.w.run.update_status()

    def config_fields(self) -> dict[str, Any]:
        """What a run of the opened model adds to its ``TrainingConfig``."""
        o = self.opened
        return {} if o is None else {"model_files": o.paths, "split_at": o.split_at}

    def training_options(self, batch_size: int, learning_rate: float) -> ModelOptions | None:
        """The opened model's loss and optimizer with the panel's batch size and learning
        rate; None when no model is open."""
        o = self.opened
        return (
            None
            if o is None
            else o.options.updated(batch_size=batch_size, learning_rate=learning_rate)
        )
