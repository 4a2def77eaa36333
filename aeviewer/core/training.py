"""The headless trainer: epochs with pause, resume, step, stop and a live learning rate.

It runs in whatever thread calls :meth:`Trainer.run` and reports through a plain
:class:`TrainingListener` (no Qt). Controls are thread-safe and take effect within one batch:
they are ``threading`` primitives, because the training thread runs no event loop.

The loop is the app's own rather than ``fit()``: one XLA-compiled step per batch (1.3-2x
the samples/s of ``fit()`` on CPU, ../shared/design/PITFALLS.md), which also makes a
single-batch step and an exact stop trivial.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from aeviewer.core.inference import ModelSnapshot
from aeviewer.core.models import ModelOptions, get_preset

if TYPE_CHECKING:
    from aeviewer.core.datasets import Dataset
    from aeviewer.core.models import Autoencoder

LossFn = Callable[[Any, bool], dict[str, Any]]


@dataclass(frozen=True)
class TrainingConfig:
    """What to train and how to report it."""

    preset: str = "stacked"
    options: ModelOptions | None = None
    epochs: int = 10
    seed: int = 0
    greedy: bool = False
    pretrain_epochs: int = 1
    batch_report_every: int = 1
    latent_sample_size: int = 2000
    snapshot_interval: float = 0.0  # seconds between weight snapshots during an epoch (0: off)
    live_latent_size: int = 0  # with snapshots: also encode this many validation samples
    jit_compile: bool = True

    def model_options(self) -> ModelOptions:
        return (self.options or get_preset(self.preset).defaults).validate()


@dataclass(frozen=True)
class BatchReport:
    epoch: int  # 1-based epoch being trained
    batch: int  # 1-based batch within the epoch
    batches: int
    step: int  # global batch counter
    losses: dict[str, float]
    samples_per_s: float
    stage: str = "train"


@dataclass(frozen=True)
class EpochReport:
    epoch: int
    epochs: int
    logs: dict[str, float]  # train metrics, and val_<metric> for validation
    seconds: float
    samples_per_s: float
    stage: str = "train"
    partial: bool = False  # stopped before the end of the epoch


@dataclass(frozen=True)
class LatentReport:
    epoch: int
    codes: np.ndarray  # (n, latent_dim) codes of the fixed validation sample
    indices: np.ndarray  # rows of dataset.x_val that were encoded
    partial: bool = False  # a live subsample during an epoch, not the epoch-end full set


@dataclass(frozen=True)
class FinishReport:
    reason: str  # completed | stopped | nan | error
    message: str
    epochs_done: int
    steps: int


class TrainingListener:
    """Override what you need; every method is called on the training thread."""

    def on_start(self, ae: Autoencoder, config: TrainingConfig) -> None: ...
    def on_stage(self, stage: str, title: str) -> None: ...
    def on_batch(self, report: BatchReport) -> None: ...
    def on_epoch(self, report: EpochReport) -> None: ...
    def on_latent(self, report: LatentReport) -> None: ...
    def on_weights(self, snapshot: ModelSnapshot) -> None: ...
    def on_finished(self, report: FinishReport) -> None: ...


@dataclass
class _Target:
    """What one stage trains: variables, a loss, data and the optimizer."""

    name: str
    title: str
    variables: list[Any]
    loss_fn: LossFn
    x_train: np.ndarray
    x_val: np.ndarray | None
    optimizer: Any
    epochs: int
    step_fn: Any = None
    eval_fn: Any = None
    metric_names: tuple[str, ...] = ("loss",)


class NonFiniteLossError(RuntimeError):
    pass


@dataclass
class _Controls:
    stop: threading.Event = field(default_factory=threading.Event)
    wake: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    paused: bool = False
    step_budget: int = 0
    pending_lr: float | None = None
    delay: float = 0.0


class Trainer:
    """Train one autoencoder on one dataset.

    Parameters
    ----------
    dataset
        Training and validation data.
    config
        Preset, options, epochs, seed and reporting rates.
    listener
        Receives reports on the training thread.
    start_paused
        Begin paused (the GUI's Step button from idle).
    """

    def __init__(
        self,
        dataset: Dataset,
        config: TrainingConfig,
        listener: TrainingListener | None = None,
        start_paused: bool = False,
    ) -> None:
        self.dataset = dataset
        self.config = config
        self.listener = listener or TrainingListener()
        self.history: dict[str, list[float]] = {}
        self.ae: Autoencoder | None = None
        self.epochs_done = 0
        self.steps = 0
        self._c = _Controls(paused=start_paused)
        self._good_weights: list[np.ndarray] | None = None
        self._last_snapshot = 0.0
        n_val = len(dataset.x_val)
        rng = np.random.default_rng(12345)
        k = min(config.latent_sample_size, n_val)
        self.latent_indices = np.sort(rng.permutation(n_val)[:k]) if k < n_val else np.arange(n_val)

    # -- thread-safe controls ---------------------------------------------------------
    def pause(self) -> None:
        with self._c.lock:
            self._c.paused = True

    def resume(self) -> None:
        with self._c.lock:
            self._c.paused = False
            self._c.step_budget = 0
        self._c.wake.set()

    def step(self, batches: int = 1) -> None:
        """Run exactly ``batches`` more batches, then stay paused."""
        with self._c.lock:
            self._c.paused = True
            self._c.step_budget += batches
        self._c.wake.set()

    def stop(self) -> None:
        """Stop after the current batch (returns at once; ``run`` returns soon after)."""
        self._c.stop.set()
        self._c.wake.set()

    def set_learning_rate(self, lr: float) -> None:
        if not (math.isfinite(lr) and lr > 0):
            raise ValueError(f"learning rate must be a positive number, not {lr!r}")
        with self._c.lock:
            self._c.pending_lr = float(lr)

    def set_batch_delay(self, seconds: float) -> None:
        """Slow motion: wait this long after every batch (0 for full speed)."""
        self._c.delay = max(0.0, float(seconds))

    @property
    def paused(self) -> bool:
        return self._c.paused

    @property
    def stopping(self) -> bool:
        return self._c.stop.is_set()

    # -- building ---------------------------------------------------------------------
    def build(self) -> Autoencoder:
        """Seed everything and build the model (also done by :meth:`run`)."""
        if self.ae is None:
            import keras

            from aeviewer.core.models.registry import build_autoencoder

            keras.utils.set_random_seed(self.config.seed)
            self.ae = build_autoencoder(
                self.config.preset, self.dataset.input_shape, self.config.model_options()
            )
        return self.ae

    # -- running ----------------------------------------------------------------------
    def run(self) -> FinishReport:
        """Train until done, stopped, or the loss is no longer finite. Never raises."""
        try:
            ae = self.build()
            self.listener.on_start(ae, self.config)
            targets = self._greedy_targets(ae) if self.config.greedy else []
            targets.append(self._main_target(ae))
            for target in targets:
                if len(targets) > 1:
                    self.listener.on_stage(target.name, target.title)
                self._train(target, main=target is targets[-1])
                if self._c.stop.is_set():
                    break
            if self._c.stop.is_set():
                report = FinishReport(
                    "stopped", f"Stopped after {self.steps} batches.", self.epochs_done, self.steps
                )
            else:
                report = FinishReport(
                    "completed", f"Trained {self.epochs_done} epochs.", self.epochs_done, self.steps
                )
        except NonFiniteLossError as exc:
            self._restore_good_weights()
            report = FinishReport("nan", str(exc), self.epochs_done, self.steps)
        except Exception as exc:  # reported, never raised: the caller may be a GUI thread
            report = FinishReport(
                "error", f"{type(exc).__name__}: {exc}", self.epochs_done, self.steps
            )
        self.listener.on_finished(report)
        return report

    def _main_target(self, ae: Autoencoder) -> _Target:
        title = "Fine-tuning the stacked autoencoder" if self.config.greedy else "Training"
        return _Target(
            "train",
            title,
            ae.model.trainable_variables,
            ae.loss_terms,
            self.dataset.x_train,
            self.dataset.x_val,
            ae.model.optimizer,
            self.config.epochs,
            metric_names=ae.metric_names,
        )

    def _greedy_targets(self, ae: Autoencoder) -> list[_Target]:
        from aeviewer.core.greedy import greedy_stages
        from aeviewer.core.models.autoencoder import make_optimizer

        return [
            _Target(
                s.name,
                s.title,
                s.variables,
                s.loss_fn,
                s.x_train,
                s.x_val,
                make_optimizer(ae.options),
                self.config.pretrain_epochs,
            )
            for s in greedy_stages(ae, self.dataset)
        ]

    def _compile(self, t: _Target) -> None:
        import tensorflow as tf

        t.optimizer.build(t.variables)
        variables, optimizer, loss_fn = t.variables, t.optimizer, t.loss_fn

        def step(x: Any) -> dict[str, Any]:
            with tf.GradientTape() as tape:
                terms = loss_fn(x, True)
            grads = tape.gradient(terms["loss"], variables)
            ok = tf.math.is_finite(terms["loss"])
            for g in grads:
                if g is not None:
                    ok = tf.logical_and(ok, tf.reduce_all(tf.math.is_finite(g)))

            def apply() -> Any:
                optimizer.apply(grads, variables)
                return tf.constant(True)

            # A non-finite loss or gradient never reaches the weights: the last good ones stay.
            tf.cond(ok, apply, lambda: tf.constant(False))
            return terms

        t.step_fn = tf.function(step, jit_compile=self.config.jit_compile, reduce_retracing=True)
        t.eval_fn = tf.function(lambda x: loss_fn(x, False), reduce_retracing=True)

    def _train(self, t: _Target, main: bool) -> None:
        self._compile(t)
        x = np.ascontiguousarray(t.x_train, dtype=np.float32)
        n = len(x)
        bs = max(1, min(self.config_batch_size(), n))
        batches = math.ceil(n / bs)
        rng = np.random.default_rng(self.config.seed + 7919 * (self.epochs_done + 1))
        for epoch in range(1, t.epochs + 1):
            if self._c.stop.is_set():
                return
            perm = rng.permutation(n)
            sums: dict[str, float] = {}
            seen = 0
            t0 = time.perf_counter()
            for b in range(batches):
                if not self._gate():
                    break
                self._apply_pending_lr(t.optimizer)
                xb = x[perm[b * bs : (b + 1) * bs]]
                terms = t.step_fn(xb)
                losses = {k: float(v) for k, v in terms.items()}
                if not all(math.isfinite(v) for v in losses.values()):
                    raise NonFiniteLossError(self._nan_message(epoch, b + 1, t.optimizer))
                for k, v in losses.items():
                    sums[k] = sums.get(k, 0.0) + v * len(xb)
                seen += len(xb)
                self.steps += 1
                rate = seen / max(time.perf_counter() - t0, 1e-9)
                if self.config.batch_report_every and (b + 1) % self.config.batch_report_every == 0:
                    self.listener.on_batch(
                        BatchReport(epoch, b + 1, batches, self.steps, losses, rate, t.name)
                    )
                if main and self.config.snapshot_interval > 0:
                    now = time.perf_counter()
                    if now - self._last_snapshot >= self.config.snapshot_interval:
                        self._last_snapshot = now
                        self._publish_weights(epoch)
                        if self.config.live_latent_size > 0:
                            self._publish_latent(epoch, live=True)
                if self._c.delay > 0:
                    self._c.stop.wait(self._c.delay)
            if seen == 0:
                return
            seconds = time.perf_counter() - t0
            logs = {k: v / seen for k, v in sums.items()}
            if t.x_val is not None and len(t.x_val):
                logs.update({f"val_{k}": v for k, v in self._evaluate(t).items()})
            partial = seen < n
            if main:
                self.epochs_done += 1
            for k, v in logs.items():
                self.history.setdefault(f"{t.name}:{k}" if not main else k, []).append(v)
            self.listener.on_epoch(
                EpochReport(epoch, t.epochs, logs, seconds, seen / seconds, t.name, partial)
            )
            if main:
                self._publish_latent(epoch)
                self._publish_weights(epoch)
            if partial:
                return

    def config_batch_size(self) -> int:
        return self.config.model_options().batch_size

    def _evaluate(self, t: _Target, batch_size: int = 1024) -> dict[str, float]:
        assert t.x_val is not None
        sums: dict[str, float] = {}
        for i in range(0, len(t.x_val), batch_size):
            xb = np.ascontiguousarray(t.x_val[i : i + batch_size], dtype=np.float32)
            for k, v in t.eval_fn(xb).items():
                sums[k] = sums.get(k, 0.0) + float(v) * len(xb)
        return {k: v / len(t.x_val) for k, v in sums.items()}

    def _gate(self) -> bool:
        """Block while paused; ``False`` when stopping. Consumes one step when stepping."""
        c = self._c
        while not c.stop.is_set():
            with c.lock:
                if not c.paused:
                    return True
                if c.step_budget > 0:
                    c.step_budget -= 1
                    return True
            c.wake.wait(0.05)
            c.wake.clear()
        return False

    def _apply_pending_lr(self, optimizer: Any) -> None:
        with self._c.lock:
            lr, self._c.pending_lr = self._c.pending_lr, None
        if lr is not None:
            optimizer.learning_rate = lr

    def _nan_message(self, epoch: int, batch: int, optimizer: Any) -> str:
        lr = float(np.asarray(optimizer.learning_rate))
        return (
            f"Training stopped: the loss became NaN or infinite at epoch {epoch}, batch "
            f"{batch} (learning rate {lr:g} is probably too high). The last good weights "
            "are kept."
        )

    def _publish_latent(self, epoch: int, live: bool = False) -> None:
        assert self.ae is not None
        idx = self.latent_indices[: self.config.live_latent_size] if live else self.latent_indices
        codes = self.ae.encode(self.dataset.x_val[idx])
        self.listener.on_latent(LatentReport(epoch, codes, idx.copy(), partial=live))

    def _publish_weights(self, epoch: int) -> None:
        assert self.ae is not None
        self._good_weights = [np.array(w) for w in self.ae.model.get_weights()]
        self.listener.on_weights(
            ModelSnapshot.capture(self.ae.encoder, self.ae.decoder, epoch, self.steps)
        )

    def _restore_good_weights(self) -> None:
        if self.ae is None:
            return
        weights = self.ae.model.get_weights()
        if all(np.all(np.isfinite(w)) for w in weights):
            return
        if self._good_weights is not None:
            self.ae.model.set_weights(self._good_weights)
