"""The run's lifecycle: Start, Continue, Pause, Step, Stop, Reset, and the training thread's reports
of batches, epochs, stages and the run's end."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal, Slot

from aeviewer.core.datasets import DatasetError
from aeviewer.core.models import OptionsError, get_preset
from aeviewer.core.run_state import RunState
from aeviewer.core.training import EpochReport, FinishReport, Trainer, TrainingConfig
from aeviewer.gui.autosave import new_run_id
from aeviewer.gui.training_worker import BatchChunk
from aeviewer.gui.widgets.controls import RunSettings
from aeviewer.runtime import training_device

if TYPE_CHECKING:
    from aeviewer.gui.main_window import MainWindow

SNAPSHOT_INTERVAL = 0.4  # seconds between weight snapshots during an epoch
LIVE_LATENT = 1000  # validation samples re-encoded with each live snapshot
SCATTER_CODES = 10_000  # validation samples encoded at each epoch end: the whole test set of
# MNIST or CIFAR-10, which the scatter still draws in a few ms (docs/performance.md)


class RunController(QObject):
    """Owns the run: its state, the trainer on the training thread, how it ended."""

    run_requested = Signal(object)  # Trainer, to the training thread
    state_changed = Signal(str)

    def __init__(self, w: MainWindow) -> None:
        super().__init__(w)
        self.w = w
        self.state = RunState.LOADING
        self.tf_ready = False
        self.trainer: Trainer | None = None
        # How the run on screen ended (None: none has, or its views were cleared) and what
        # made its model: Start trains that run on while the panel still asks for the same.
        self.finish: FinishReport | None = None
        self.key: tuple[Any, ...] | None = None
        self.after_run: Callable[[], None] | None = None  # waits for the run to end
        self.pending_start: tuple[bool, int] | None = None  # a Start waiting for TensorFlow or data
        self.epochs_total = 0
        self.model_info: dict[str, Any] = {}
        self.variational = False
        self._progress = ""  # the last "epoch · batch · samples/s" line

    def reset_views(self) -> None:
        """A new run: the next Start begins a new model."""
        self.finish = None
        self.w.controls.set_start_label("Start")
        self.w.stage_label.setText("")
        self._progress = ""

    # -- state ------------------------------------------------------------------------
    def set_state(self, state: str) -> None:
        self.state = RunState(state)
        shown = "loading" if state == "idle" and not self.tf_ready else state
        self.w.controls.set_state(shown)
        self.state_changed.emit(state)
        self.update_status()

    def update_status(self, progress: str | None = None) -> None:
        if progress is not None:
            self._progress = progress
        parts = []
        if not self.tf_ready:
            parts.append("Loading TensorFlow…")
        if self._progress:
            # A finished run whose model the panel no longer asks for is plainly the last one.
            stale = self.state == "finished" and self.finish is not None and not self.continues()
            parts.append(f"Previous run: {self._progress}" if stale else self._progress)
        if self.w.user_model.opened is not None:
            parts.append(f"your model: {self.w.user_model.opened.name}")
        if self.w.data.dataset is not None:
            d = self.w.data.dataset
            parts.append(f"{d.name}: {d.n_train:,} train / {d.n_val:,} validation")
        if self.tf_ready and training_device():
            parts.append(f"training on {training_device()}")
        self.w.status_label.setText("   ·   ".join(parts))

    # -- training control ---------------------------------------------------------------
    def start(self, paused: bool = False, steps: int = 0) -> None:
        """Start a new run with the panel's settings (queued until TensorFlow is ready)."""
        if self.state.ongoing:
            return  # "stopping": a reset run is still ending; its finish must not end this one
        if not self.tf_ready:
            self.pending_start = (paused, steps)
            self.w.controls.set_hint("Starting as soon as TensorFlow has loaded…")
            return
        s = self.w.controls.settings()
        if self.continues():
            self.continue_run(s, paused, steps)
            return
        self.after_run = None  # an open waiting for an earlier run's end is not for this one
        try:
            # A data set loading on a thread is the one chosen last (an opened file is not in
            # the panel's settings until it has loaded): this Start goes on once it is there.
            busy = self.w.data.loading() is not None
            ds = None if busy else self.w.data.request(s, self.w.data.apply_selected)
            if ds is None:
                self.pending_start = (paused, steps)
                self.w.controls.set_hint(f"Starting as soon as {self.w.data.loading()} has loaded…")
                return
            preset = get_preset(s.preset)
            opts = preset.defaults.updated(
                latent_dim=s.latent_dim, batch_size=s.batch_size, learning_rate=s.learning_rate
            )
            if s.extra:
                opts = opts.updated(**{s.extra[0]: s.extra[1]})
            opts.validate()
            user = self.w.user_model.opened  # a user's model: its file shapes the model
            if preset.convolutional and not ds.is_image and user is None:
                raise OptionsError(f"the {s.preset} preset needs an image data set")
        except (DatasetError, OptionsError) as exc:
            self.w.show_error(str(exc))
            return
        self.w.clear_views()
        self.w.data.show(ds)
        batches = -(-ds.n_train // opts.batch_size)
        self.w.loss_plot.set_smoothing(max(0.0, 1.0 - 8.0 / batches))  # about 1/8 epoch
        config = TrainingConfig(
            preset=s.preset,
            # A user's model: the file's loss and optimizer, the panel's batch size and rate.
            options=self.w.user_model.training_options(s.batch_size, s.learning_rate) or opts,
            epochs=s.epochs,
            snapshot_interval=SNAPSHOT_INTERVAL,
            live_latent_size=min(LIVE_LATENT, ds.n_val),
            latent_sample_size=SCATTER_CODES,
            greedy=bool(
                user is None
                and self.w.lessons.lesson
                and self.w.lessons.lesson.greedy
                and s.preset == self.w.lessons.lesson.preset
            ),
            pretrain_epochs=2,
            **self.w.user_model.config_fields(),
        )
        self.epochs_total = s.epochs
        self.w.time_machine.new_history(
            {
                "run_id": new_run_id(),  # its own autosave file
                "dataset": s.dataset,
                "data_path": s.data_path,
                "classes": s.classes,
                **self.w.data.image_options,  # image_size, grey: the data is read so again
                "preset": s.preset,
                "options": opts.to_dict(),
                "epochs": s.epochs,
                "greedy": config.greedy,
                "lesson": self.w.lessons.lesson.name if self.w.lessons.lesson else None,
                "dataset_name": ds.name,
                "variational": user.variational if user else preset.variational,
                **self.w.user_model.config_fields(),
            }
        )
        self.trainer = self.w.worker.make_trainer(ds, config, start_paused=paused)
        self.key = self.run_key(s)
        self.trainer.set_batch_delay(self.w.controls.delay())
        if steps:
            self.trainer.step(steps)
        self.w.controls.set_hint("")
        self.set_state("paused" if paused else "running")
        self.run_requested.emit(self.trainer)

    def run_key(self, s: RunSettings) -> tuple[Any, ...]:
        """What makes a run's model: its data, preset, code size, knob and lesson. The epochs,
        batch size, learning rate and speed may change between Starts of one run."""
        lesson = self.w.lessons.lesson.name if self.w.lessons.lesson else None
        user = self.w.user_model.opened
        model = (user.paths, user.split_at) if user else (s.preset, s.latent_dim, s.extra)
        return (self.w.data.selection_key(s), model, lesson)

    def continues(self) -> bool:
        """Whether Start (Space, Step) trains the finished or stopped run on, rather than a
        new model: it ended well, its views are still up, and the panel asks for the same."""
        f = self.finish
        return (
            self.state == "finished"
            and self.trainer is not None
            and f is not None
            and f.reason in ("completed", "stopped")
            and self.trainer.epochs_done > 0  # not stopped in a greedy run's pretraining
            and self.key == self.run_key(self.w.controls.settings())
        )

    def continue_run(self, s: RunSettings, paused: bool, steps: int) -> None:
        """More epochs of the same model, its history, curves and views kept."""
        trainer = self.trainer
        assert trainer is not None
        self.after_run = None  # an open waiting for an earlier run's end is not for this one
        self.w.lessons.clear_results(running=True)  # its comparison job would hold the thread
        first = trainer.epochs_done + 1
        trainer.extend(s.epochs, start_paused=paused, batch_size=s.batch_size)
        trainer.set_learning_rate(s.learning_rate)
        trainer.set_batch_delay(self.w.controls.delay())
        if steps:
            trainer.step(steps)
        self.finish = None
        self.epochs_total = trainer.config.epochs
        self.w.time_machine.history.settings["epochs"] = trainer.config.epochs
        options = trainer.config.model_options().updated(learning_rate=s.learning_rate)
        self.w.time_machine.history.settings["options"] = (
            options.to_dict()
        )  # a session reopens with them
        batches = -(-trainer.dataset.n_train // options.batch_size)
        self.w.loss_plot.set_smoothing(max(0.0, 1.0 - 8.0 / batches))  # about 1/8 epoch
        self.w.timeline.play(False)
        self.w.timeline.select(self.w.timeline.epochs())  # the run goes on at its newest epoch
        self.w.controls.set_hint("")
        self.w.say(f"Continuing the same model: epochs {first}-{trainer.config.epochs}.")
        self.set_state("paused" if paused else "running")
        self.run_requested.emit(trainer)

    def on_settings_changed(self) -> None:
        """Say once, when it flips, that the next Start begins a new model."""
        if self.state != "finished" or self.trainer is None or self.finish is None:
            return
        before = self.w.controls.start_button.text()
        self.update_start_label()
        if before == "Continue" and not self.continues():
            self.w.say(
                "Settings changed: the next Start begins a new model "
                "(the finished run stays in File → Recent runs)."
            )
        self.update_status()

    def update_start_label(self) -> None:
        """Start reads "Continue" when it trains the run on screen on, "Start new run" when a
        finished run is on screen but the panel asks for another model, else "Start"."""
        ended = self.state == "finished" and self.trainer is not None and self.finish is not None
        label = "Continue" if self.continues() else "Start new run" if ended else "Start"
        self.w.controls.set_start_label(label)

    def toggle_start_pause(self) -> None:
        if self.state.can_start:
            self.start()
        elif self.state == "running":
            self.pause(True)
        elif self.state == "paused":
            self.pause(False)

    def pause(self, on: bool) -> None:
        if self.trainer is None or not self.state.active:
            return
        if on:
            self.trainer.pause()
        else:
            self.trainer.resume()
        self.set_state("paused" if on else "running")

    def step(self) -> None:
        """One batch: from idle this starts a paused run that takes a single step."""
        if self.state.can_start:
            self.start(paused=True, steps=1)
        elif self.trainer is not None and self.state.active:
            self.trainer.step()
            self.set_state("paused")

    def stop(self) -> None:
        if self.trainer is not None and self.state.active:
            self.trainer.stop()

    def reset(self) -> None:
        """Stop, forget the model and clear every view."""
        self.stop()
        self.w.lessons.stop_jobs()  # a comparison still training belongs to the old run
        self.after_run = None
        self.trainer = None
        self.w.clear_views()
        self.w.say("")  # what the banner said was about the run that is gone
        if self.state.ongoing:  # idle once the run has ended
            self.set_state("stopping")
        else:
            self.set_state("idle")

    # -- worker signals ---------------------------------------------------------------
    # Every slot of a signal from another thread is a declared @Slot: PySide6 >= 6.8 can
    # segfault delivering a cross-thread signal to a plain Python callable (PYSIDE-3124).
    @Slot()
    def on_ready(self) -> None:
        self.tf_ready = True
        if self.w.collector is not None:
            self.w.collector.freeze_once()
        if self.state == "loading":
            self.set_state("idle")
        self.update_status()
        if self.pending_start is not None:
            paused, steps = self.pending_start
            self.pending_start = None
            self.start(paused=paused, steps=steps)

    @Slot(object)
    def on_model_built(self, info: dict) -> None:
        self.model_info = dict(info)
        self.variational = bool(info["variational"])
        user = self.w.user_model.opened
        if info["preset"] == "custom" and user is not None:
            title = f"your model {user.name} ({user.layout})"
        else:
            title = get_preset(info["preset"]).title
        self.w.setWindowTitle(f"aeviewer: {title}, {info['params']:,} parameters")

    @Slot(str, str)
    def on_stage_changed(self, stage: str, title: str) -> None:
        self.w.stage_label.setText(title)
        if self.trainer is not None:  # the stage starts where the epochs so far end
            self.w.loss_plot.set_stage_marker(self.w.loss_plot.last_epoch_x(), title.split(":")[0])

    @Slot(object)
    def on_batches_reported(self, chunk: BatchChunk) -> None:
        if self.trainer is None:
            return  # a reset run still reporting: what it sends is forgotten
        self.w.loss_plot.add_batches(chunk.epochs, chunk.losses)
        self.w.time_machine.history.add_batches(chunk.epochs, chunk.losses)
        r = chunk.last
        stage = "" if r.stage == "train" else f"{r.stage} · "
        self.update_status(
            f"{stage}epoch {r.epoch}/{self.epochs_total} · batch "
            f"{r.batch}/{r.batches} · {r.samples_per_s:,.0f} samples/s"
        )

    @Slot(float, object)
    def on_epoch_ended(self, x: float, report: EpochReport) -> None:
        if self.trainer is None:
            return  # a reset run still reporting: what it sends is forgotten
        self.w.loss_plot.add_epoch(x, report.logs, report.stage)  # greedy stages: their own curve
        self.w.time_machine.history.add_epoch(report.epoch, x, report.logs, report.stage)
        if report.stage == "train":
            self.w.timeline.set_epochs(len(self.w.time_machine.history))

    @Slot(object)
    def on_run_finished(self, report: FinishReport) -> None:
        # The end of a run shows every view of its last epoch: those paced, then those held.
        self.w.live.flush_epoch_views()
        self.w.input_gate.flush()
        if report.reason in ("nan", "error"):
            self.w.show_error(report.message)
        elif report.reason == "completed":
            images = self.w.data.dataset is not None and self.w.data.dataset.is_image
            what = "Click the latent space or draw." if images else "Hover over the points."
            self.w.controls.set_hint(f"Done: {report.message} {what}")
        self.w.stage_label.setText("")
        if self.trainer is None:  # reset while it ran
            self.set_state("idle")
        else:
            self.finish = report
            self.set_state("finished")
            self.update_start_label()
            if self.w.latent.wants_tsne() and self.w.time_machine.is_live():
                # The map of the final codes (a running one restarts on them).
                self.w.latent.start_tsne()
            if report.reason in ("completed", "stopped") and report.epochs_done:
                self.w.lessons.start_followup()
        then, self.after_run = self.after_run, None
        if then is not None:
            then()

    def set_learning_rate(self, lr: float) -> None:
        if self.trainer is not None and self.state.active:
            self.trainer.set_learning_rate(lr)

    def set_speed(self, delay: float) -> None:
        if self.trainer is not None:
            self.trainer.set_batch_delay(delay)

    def busy(self) -> bool:
        """Work still under way: training, a job on the training thread, or t-SNE."""
        return self.state.active or bool(self.w.jobs.callbacks) or self.w.latent.tsne_busy
