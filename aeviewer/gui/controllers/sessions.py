"""Sessions, autosaves and model files: saving a run with its model, opening one exactly as it was
shown, File → Recent runs."""

from __future__ import annotations

import dataclasses
import functools
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog

from aeviewer.core.datasets import load_dataset, parse_classes
from aeviewer.core.history import RunHistory
from aeviewer.core.latent import (
    Projection,
)
from aeviewer.core.models import check_fits, get_preset
from aeviewer.core.persistence import atomic_write
from aeviewer.core.session_view import batches_per_epoch, curve_events, session_view, stage_markers
from aeviewer.gui.autosave import Autosaver, describe_autosave, recent_autosaves

if TYPE_CHECKING:
    from aeviewer.gui.main_window import MainWindow


class SessionsController(QObject):
    """Owns the opened session's model and the autosaver."""

    def __init__(self, w: MainWindow) -> None:
        super().__init__(w)
        self.w = w
        self.session_model: bytes | None = None  # model.keras of an opened session
        self.session_of_model: RunHistory | None = None  # the history that model belongs to
        self.autosaver = Autosaver(lambda: w.time_machine.history, w, view=self.view_state)

    def opened_model(self) -> bytes | None:
        """The ``.keras`` bytes of the opened session, while its run is the one on screen
        (a new run, even reset, has no model of its own to pair with the old one)."""
        if self.session_model is not None and self.w.time_machine.history is self.session_of_model:
            return self.session_model
        return None

    # -- model --------------------------------------------------------------------------
    def save_model_dialog(self) -> None:
        if (
            self.w.run.trainer is None or self.w.run.trainer.ae is None
        ) and self.opened_model() is None:
            self.w.show_error("No trained model yet: train one (Start), then save it.")
            return
        path = self.w.ask_save_name("Save model", "autoencoder.keras", "Keras model (*.keras)")
        if path:
            self.save_model(path)

    def save_model(self, path: str | Path, then: Callable[[str], None] | None = None) -> None:
        """Save the trained model as .keras (on the training thread, which owns it)."""
        path = Path(path).with_suffix(".keras")
        trainer = self.w.run.trainer
        data = self.opened_model()
        if (trainer is None or trainer.ae is None) and data is not None:
            try:
                atomic_write(path, lambda tmp: tmp.write_bytes(data))
            except OSError as exc:  # an unwritable folder, a full disk: one line, no traceback
                self.w.show_error(f"{path}: could not save the model ({exc.strerror or exc})")
                return
            self.saved(str(path), then)
            return
        if trainer is None or trainer.ae is None:
            self.w.show_error("No trained model yet: train one (Start), then save it.")
            return
        if self.w.run.state.active:
            self.w.show_error("The model is training: stop it (or let it finish) to save it.")
            return
        ae, history = trainer.ae, trainer.history

        def job() -> str:
            from aeviewer.core.persistence import save_model

            return str(save_model(ae, path, history=history))

        self.w.jobs.request("save-model", job, lambda result: self.saved(result, then))

    def saved(self, path: str, then: Callable[[str], None] | None) -> None:
        self.w.controls.set_hint(f"Saved {path}")
        if then is not None:
            then(path)

    # -- sessions -------------------------------------------------------------------------
    def save_dialog(self) -> None:
        if not len(self.w.time_machine.history):
            self.w.show_error("Nothing to save yet: a session holds a run, so train first.")
            return
        path = self.w.ask_save_name(
            "Save session", "lecture.aevsession", "aeviewer session (*.aevsession)"
        )
        if path:
            self.save(path)

    def view_state(self) -> dict[str, Any]:
        """What the views show now, for a session to come back exactly: the noise levels, the
        time machine's epoch, the PCA plane's axes, the decoded point and the lesson panel's
        state (plain JSON data)."""
        proj = self.w.latent.state.projection
        return {
            "noise": [float(v) for v in self.w.noise_panel.noise()],
            "epoch": int(self.w.timeline.current()),
            "pca_axes": proj.components.tolist() if proj and proj.kind == "pca" else None,
            "point": list(self.w.latent.clicked_point) if self.w.latent.clicked_point else None,
            "lesson": self.w.lessons.state(),
        }

    def session_history(self) -> RunHistory:
        """The history to save: the run, with what the views show now (:meth:`view_state`)
        and the greedy stage markers added to a copy of its settings."""
        h = self.w.time_machine.history
        settings = dict(h.settings)
        settings["view"] = self.view_state()
        return dataclasses.replace(h, settings=settings, stages=stage_markers(h))

    def save(self, path: str | Path) -> None:
        """Save the run, with its trained model: the training thread saves a live run's model
        once training has stopped; an opened session's model is saved again as it came."""
        from aeviewer.core.session import save_session

        history = self.session_history()
        trainer = self.w.run.trainer
        opened = self.opened_model()
        running = self.w.run.state.active
        if running or ((trainer is None or trainer.ae is None) and opened is None):
            try:
                save_session(path, history, None)
            except ValueError as exc:
                self.w.show_error(str(exc))
                return
            why = "the model is saved once training stops" if running else "no trained model"
            self.w.controls.set_hint(f"Saved {path} (history only: {why})")
            return
        tmp = Path(tempfile.mkdtemp(prefix="aeviewer-")) / "model.keras"

        def write(model_path: str) -> None:
            try:
                save_session(path, history, Path(model_path))
                self.w.controls.set_hint(f"Saved session {path}")
            except ValueError as exc:
                self.w.show_error(str(exc))
            finally:
                shutil.rmtree(tmp.parent, ignore_errors=True)

        self.save_model(tmp, then=write)
        if trainer is None or trainer.ae is None:  # the opened model was written (or not) now
            shutil.rmtree(tmp.parent, ignore_errors=True)

    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.w, "Open session", "", "aeviewer session (*.aevsession);;All files (*)"
        )
        if path:
            self.open(path)

    def open(self, path: str | Path) -> bool:
        from aeviewer.core.session import SessionError, load_session

        if self.w.run.state.ongoing:
            name = Path(path).name
            if self.w.run.state != "stopping" and not self.w.ask(
                f"A run is training. Stop it and open {name}? (The run is autosaved.)",
                "Stop and open",
            ):
                return False
            if self.w.run.state.ongoing:  # it may have ended meanwhile
                self.w.run.stop()
                self.w.run.after_run = functools.partial(self.open_after_run, path)
                self.w.say(f"Stopping the run, then opening {name}…")
                return False
        try:
            history, model = load_session(path)
            self.show_session(history)
        except SessionError as exc:
            self.w.show_error(str(exc))
            return False
        except ValueError as exc:  # its data is gone or does not fit: name the session too
            self.w.show_error(f"{Path(path).name}: cannot show this session: {exc}")
            return False
        self.session_model = model
        self.session_of_model = self.w.time_machine.history
        self.autosaver.adopt()  # saved again only once something new is recorded
        hint = f"Opened {Path(path).name}: drag the time machine or press P."
        files = history.settings.get("model_files")
        if files:  # Start trains the panel's preset: the user's model comes from its file
            names = " + ".join(Path(str(f)).name for f in files)
            hint = (
                f"Opened {Path(path).name} (your model {names}): press P or drag the time "
                "machine; Ctrl+M fine-tunes it again."
            )
        self.w.controls.set_hint(hint)
        return True

    def open_after_run(self, path: str | Path) -> None:
        self.open(path)

    def show_session(self, history: RunHistory) -> None:
        """Show an opened session: its data, lesson, settings, curves, stage markers, noise
        levels and time machine, as they were when it was saved."""
        st = history.settings
        ds = load_dataset(
            None if st.get("data_path") else st.get("dataset", "digits"),
            path=st.get("data_path"),
            classes=parse_classes(st["classes"]) if st.get("classes") else None,
            image_size=st.get("image_size"),
            grey=bool(st.get("grey", False)),
        )
        if not history.records or history.records[-1].snapshot is None:
            raise ValueError("the session holds no trained epoch")
        check_fits(history.records[-1].snapshot.encoder.input_shape, ds.input_shape, ds.name)
        idx = history.latent_indices
        if idx is not None and len(idx) and int(idx.max()) >= ds.n_val:
            raise ValueError(f"the session's codes do not fit its data set {ds.name}")
        view = session_view(history)  # checked before anything changes: a bad file loses nothing
        self.w.run.trainer = None
        self.w.timeline.play(False)
        self.w.time_machine.view_epoch = (
            0  # nothing decodes with the old run's snapshots from here on
        )
        self.w.clear_views()
        if view.lesson is not None:
            self.w.lessons.open(view.lesson)  # its panel and caption; the session's settings follow
        elif self.w.lessons.lesson is not None:
            self.w.lessons.close()
        o = view.options
        self.w.controls.set_settings(
            dataset=st.get("dataset", "digits"),
            data_path=st.get("data_path") or None,
            classes=st.get("classes", ""),
            preset=view.preset,  # first: a new preset resets the boxes to its defaults
            epochs=view.epochs,
            latent_dim=o.latent_dim,
            batch_size=o.batch_size,
            learning_rate=o.learning_rate,
            extra=get_preset(view.preset).knob_value(o),
        )
        self.w.data.show(ds)
        self.w.time_machine.history = history
        history.spill_snapshots()  # a long session's weights wait on disk, as in a live run
        self.w.run.variational = bool(st.get("variational", False))
        # The smoothing the run had (about 1/8 epoch), from its own batches: the data set on
        # disk may have grown since.
        batches = batches_per_epoch(history) or -(-ds.n_train // o.batch_size)
        self.w.loss_plot.set_smoothing(max(0.0, 1.0 - 8.0 / batches))
        history.stages = stage_markers(history)
        for event in curve_events(history):  # greedy stages' markers, batches, epochs in order
            if event[0] == "marker":
                self.w.loss_plot.set_stage_marker(*event[1:])
            elif event[0] == "batches":
                self.w.loss_plot.add_batches(*event[1:])
            else:
                self.w.loss_plot.add_epoch(*event[1:])
        self.w.live.snapshot = history.records[-1].snapshot
        self.w.time_machine.view_epoch = 0
        if view.noise is not None:
            self.w.noise_panel.blockSignals(True)  # the views refresh once, below
            self.w.noise_panel.set_noise(*view.noise)
            self.w.noise_panel.blockSignals(False)
        self.w.timeline.set_epochs(len(history))
        self.w.timeline.blockSignals(True)
        self.w.timeline.select(view.epoch or len(history))
        self.w.timeline.blockSignals(False)
        if view.pca_axes is not None:  # the refit below keeps the axes as they were shown
            k = view.pca_axes.shape[1]
            self.w.latent.state.projection = Projection(
                "pca", np.zeros(k, np.float32), view.pca_axes
            )
        if view.point is not None:
            self.w.latent.clicked_point = view.point
            self.w.latent_view.set_click_marker(*view.point)
        if view.lesson_state is not None:  # before the refresh below, which draws it
            self.w.lessons.restore_state(view.lesson_state)
        self.w.time_machine.on_epoch_selected(self.w.timeline.current())
        if self.w.latent.kind == "tsne":
            self.w.latent.start_tsne()
        self.w.run.set_state("finished")

    def open_last(self) -> bool:
        """File → Open last autosave: the newest run saved (every 2 minutes of training and
        at its end)."""
        runs = recent_autosaves()
        if not runs:
            self.w.show_error(
                "No autosave yet: a run is saved every 2 minutes of training and when it ends."
            )
            return False
        return self.open(runs[0])

    def fill_recent_menu(self) -> None:
        """File → Recent runs: each autosaved run, newest first."""
        menu = self.w.menus.recent_menu
        menu.clear()
        runs = recent_autosaves()
        for path in runs:
            act = menu.addAction(describe_autosave(path))
            act.setToolTip(str(path))
            act.triggered.connect(lambda _checked=False, p=path: self.open(p))
        if not runs:
            menu.addAction("No run saved yet").setEnabled(False)
