"""The headless trainer: epochs with pause, resume, step, stop and a live learning rate.

It runs in whatever thread calls :meth:`Trainer.run` and reports through a plain
:class:`TrainingListener` (no Qt). Controls are thread-safe ``threading`` primitives, because
the training thread runs no event loop. Step runs exactly the batches asked for; stop, pause
and a new learning rate take effect at the next chunk boundary (see below), at most about
:data:`CHUNK_SECONDS` later.

The loop is the app's own rather than ``fit()``: XLA-compiled steps (1.3-2x the samples/s of
``fit()`` on CPU, ../shared/design/PITFALLS.md; convolutional models compile without XLA, see
:meth:`Trainer.use_xla`). At full speed one compiled call runs a chunk
of up to :data:`CHUNK_MAX` batches in a ``while_loop``: a call costs the training thread about
1 ms of Python and TensorFlow dispatch, as much as a small batch itself, and every call takes
the GIL from the GUI thread. Chunks are sized to last about :data:`CHUNK_SECONDS`, so stopping
stays immediate; stepping and slow motion run one batch per call. Every batch is still
reported, and the split into chunks does not change the result: all full batches run the same
compiled loop body.

Beside it: ``training_reports`` (reports, listener), ``training_controls``, ``training_steps``
(the compiled functions) and ``warm_models`` (built models kept for the next run).
"""

from __future__ import annotations

import dataclasses
import math
import time
from typing import TYPE_CHECKING, Any

import numpy as np

from aeviewer.core.inference import ModelSnapshot
from aeviewer.core.memory import HeapTrimmer
from aeviewer.core.training_config import TrainingConfig as TrainingConfig  # re-exported
from aeviewer.core.training_controls import TrainingControls
from aeviewer.core.training_reports import (
    BatchReport,
    EpochReport,
    FinishReport,
    LatentReport,
    TrainingListener,
)
from aeviewer.core.training_steps import LossFn as LossFn  # re-exported
from aeviewer.core.training_steps import (
    Target,
    compile_encoder,
    encode_in_pieces,
    evaluate,
    has_convolutions,
    stage_targets,
    trace,
)
from aeviewer.core.warm_models import WARM_MAX as WARM_MAX  # re-exported
from aeviewer.core.warm_models import WarmModel, lend_model

if TYPE_CHECKING:
    from aeviewer.core.datasets import Dataset
    from aeviewer.core.models import Autoencoder

CHUNK_MAX = 16  # batches per compiled call at full speed
CHUNK_SECONDS = 0.02  # ...and about this long at most, so stop and pause stay immediate
CHUNK_BYTES = 8 << 20  # ...and this much input at most (large batches run one per call)
LIVE_SHARE = 0.05  # the most of the training time that live snapshots and codes may take


class NonFiniteLossError(RuntimeError):
    pass


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
        self._c = TrainingControls(paused=start_paused)
        # The weights a NaN stop goes back to, with their (epoch, step): the initial ones, then
        # those of each published snapshot, so after the stop the model is what the views show.
        self._good: tuple[list[np.ndarray], int, int] | None = None
        self._last_snapshot = 0.0
        self._live_wait = config.snapshot_interval  # grows for models whose live views cost
        self._heap = HeapTrimmer()
        self._encode_fn: Any = None
        self._warm: WarmModel | None = None
        self._started = False  # run() has reported on_start: a later run() continues
        n_val = len(dataset.x_val)
        rng = np.random.default_rng(12345)
        k = min(config.latent_sample_size, n_val)
        self.latent_indices = np.sort(rng.permutation(n_val)[:k]) if k < n_val else np.arange(n_val)

    # -- thread-safe controls ---------------------------------------------------------
    def pause(self) -> None:
        self._c.pause()

    def resume(self) -> None:
        self._c.resume()

    def step(self, batches: int = 1) -> None:
        """Run exactly ``batches`` more batches, then stay paused."""
        self._c.step(batches)

    def stop(self) -> None:
        """Stop after the current batch (returns at once; ``run`` returns soon after)."""
        self._c.stop()

    def set_learning_rate(self, lr: float) -> None:
        self._c.set_learning_rate(lr)

    def set_batch_delay(self, seconds: float) -> None:
        """Slow motion: wait this long after every batch (0 for full speed)."""
        self._c.set_delay(seconds)

    def extend(
        self, epochs: int, start_paused: bool = False, batch_size: int | None = None
    ) -> None:
        """Let the next :meth:`run` train ``epochs`` more epochs of the same model.

        Its weights, optimizer state, history and epoch count go on from where the last run
        ended (epochs are numbered on from there); greedy pretraining stages are not run again.
        ``batch_size`` may change (it shapes no weight). Call it while no run is under way.
        """
        if epochs < 1:
            raise ValueError(f"epochs must be at least 1, not {epochs!r}")
        options = self.config.model_options()
        if batch_size is not None:
            options = options.updated(batch_size=int(batch_size))
        self.config = dataclasses.replace(
            self.config, epochs=self.epochs_done + int(epochs), greedy=False, options=options
        )
        self._c.rearm(paused=start_paused)

    @property
    def paused(self) -> bool:
        return self._c.paused

    @property
    def stopping(self) -> bool:
        return self._c.stopping

    # -- building ---------------------------------------------------------------------
    def build(self) -> Autoencoder:
        """Seed everything and build the model (also done by :meth:`run`)."""
        if self.ae is None:
            import keras

            keras.utils.set_random_seed(self.config.seed)
            cfg, shape = self.config, self.dataset.input_shape
            if cfg.model_files:  # a user's model, opened on this thread (no warm pool)
                from aeviewer.core.user_models import open_for_training

                self.ae = open_for_training(cfg, shape)
            else:
                options = cfg.model_options()
                self._warm = lend_model(self, cfg.preset, shape, options, cfg.jit_compile)
                self.ae = self._warm.ae  # a kept model has the new one's initial weights
        return self.ae

    def use_xla(self) -> bool:
        """Whether the compiled steps use XLA: the config's choice, else on unless the model
        has convolutions (XLA on CPU ran the conv preset's steps about 50x slower than plain
        TensorFlow, which trains it a little faster than ``fit()``)."""
        if self.config.jit_compile is not None:
            return self.config.jit_compile
        ae = self.build()
        return not has_convolutions(ae.model)

    # -- running ----------------------------------------------------------------------
    def run(self) -> FinishReport:
        """Train until done, stopped, or the loss is no longer finite. Never raises."""
        try:
            ae = self.build()
            self._good = (ae.model.get_weights(), self.epochs_done, self.steps)
            if not self._started:  # a continued run keeps the model the listener knows
                self._started = True
                self.listener.on_start(ae, self.config)
                if self.config.model_files:  # a trained model: its latent space before any step
                    self._publish_latent(0)
            targets = stage_targets(ae, self.dataset, self.config)
            for target in targets:
                if len(targets) > 1:
                    self.listener.on_stage(target.name, target.title)
                self._train(target, main=target is targets[-1])
                if self._c.stopping:
                    break
            if self._c.stopping:
                report = FinishReport(
                    "stopped", f"Stopped after {self.steps} batches.", self.epochs_done, self.steps
                )
            else:
                report = FinishReport(
                    "completed",
                    f"Trained {self.epochs_done} epoch{'' if self.epochs_done == 1 else 's'}.",
                    self.epochs_done,
                    self.steps,
                )
        except NonFiniteLossError as exc:
            report = FinishReport("nan", str(exc), self.epochs_done, self.steps)
            try:
                self._restore_good_weights()
            except Exception as restore_exc:  # still reported, never raised
                report = FinishReport(
                    "error",
                    "Training stopped on a NaN loss, and restoring the last good weights "
                    f"failed: {type(restore_exc).__name__}: {restore_exc}",
                    self.epochs_done,
                    self.steps,
                )
        except Exception as exc:  # reported, never raised: the caller may be a GUI thread
            report = FinishReport(
                "error", f"{type(exc).__name__}: {exc}", self.epochs_done, self.steps
            )
        self.listener.on_finished(report)
        return report

    def _compile(self, t: Target, main: bool = False) -> None:
        warm = self._warm if main else None
        if warm is not None and warm.steps is not None:
            t.step_fn, t.eval_fn, t.term_names = warm.steps
            return
        trace(t, self.use_xla())
        if warm is not None:
            warm.steps = (t.step_fn, t.eval_fn, t.term_names)

    def _train(self, t: Target, main: bool) -> None:
        import tensorflow as tf

        self._compile(t, main=main)
        x = np.ascontiguousarray(t.x_train, dtype=np.float32)
        n = len(x)
        bs = max(1, min(self.config_batch_size(), n))
        batches = math.ceil(n / bs)
        full = n // bs  # batches of exactly ``bs`` samples; a smaller last one runs alone
        cap = max(1, min(CHUNK_MAX, CHUNK_BYTES // (bs * x[:1].nbytes or 1)))
        buf = np.empty((cap, bs, *x.shape[1:]), np.float32)  # one shape: one compiled loop
        fixed_shape = self.use_xla()
        per_batch = math.inf  # seconds, measured: sizes the chunks
        rng = np.random.default_rng(self.config.seed + 7919 * (self.epochs_done + 1))
        first = self.epochs_done + 1 if main else 1  # a continued run numbers its epochs on
        for epoch in range(first, t.epochs + 1):
            if self._c.stopping:
                return
            perm = rng.permutation(n)
            sums: dict[str, float] = {}
            seen = 0
            b = 0
            t0 = time.perf_counter()
            while b < batches:
                allowed = self._c.gate(CHUNK_MAX)
                if not allowed:
                    break
                lr = self._c.take_learning_rate()
                if lr is not None:
                    t.optimizer.learning_rate = lr
                if b < full:
                    count = max(1, min(allowed, full - b, cap, int(CHUNK_SECONDS / per_batch)))
                    idx = perm[b * bs : (b + count) * bs]
                    np.take(x, idx, axis=0, out=buf[:count].reshape(count * bs, *x.shape[1:]))
                    # XLA compiles per shape, so its loop always gets the whole buffer; without
                    # XLA only the batches run are copied into TensorFlow (conv on photos: 8 MB).
                    xs = buf if fixed_shape else buf[:count]
                else:
                    count = 1
                    xs = x[perm[b * bs :]][None]
                started = time.perf_counter()
                table, done = t.step_fn(xs, tf.constant(count, tf.int32))
                done = int(done)
                rows = table.numpy()[:done, : len(t.term_names)]
                per_batch = (time.perf_counter() - started) / max(done, 1)
                for j, row in enumerate(rows):
                    losses = dict(zip(t.term_names, (float(v) for v in row), strict=True))
                    if not all(math.isfinite(v) for v in losses.values()):
                        raise NonFiniteLossError(self._nan_message(epoch, b + j + 1, t.optimizer))
                    size = bs if b + j < full else n - full * bs
                    for key, v in losses.items():
                        sums[key] = sums.get(key, 0.0) + v * size
                    seen += size
                    self.steps += 1
                    every = self.config.batch_report_every
                    if every and (b + j + 1) % every == 0:
                        rate = seen / max(time.perf_counter() - t0, 1e-9)
                        self.listener.on_batch(
                            BatchReport(epoch, b + j + 1, batches, self.steps, losses, rate, t.name)
                        )
                b += done
                if main and self.config.snapshot_interval > 0:
                    now = time.perf_counter()
                    if now - self._last_snapshot >= self._live_wait:
                        self._publish_weights(epoch)
                        if self.config.live_latent_size > 0:
                            self._publish_latent(epoch, live=True)
                        self._last_snapshot = time.perf_counter()
                        # A heavy model's live views come less often, never more than
                        # LIVE_SHARE of the training time (a conv model on colour photos).
                        cost = self._last_snapshot - now
                        self._live_wait = max(
                            self.config.snapshot_interval, cost * (1 - LIVE_SHARE) / LIVE_SHARE
                        )
                self._c.wait_delay()
            if seen == 0:
                return
            seconds = time.perf_counter() - t0
            logs = {k: v / seen for k, v in sums.items()}
            if t.x_val is not None and len(t.x_val):
                logs.update({f"val_{k}": v for k, v in evaluate(t).items()})
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
            self._heap.maybe_trim()  # the last epoch's weight copies are free now
            if partial:
                return

    def config_batch_size(self) -> int:
        return self.config.model_options().batch_size

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
        codes = self._encode(np.asarray(self.dataset.x_val[idx], np.float32))
        self.listener.on_latent(LatentReport(epoch, codes, idx.copy(), partial=live))

    def _encode(self, x: np.ndarray) -> np.ndarray:
        """Codes (``z_mean`` for a VAE) of ``x``, in compiled calls on pieces of one size.

        The eager Keras call costs the training thread 10-30 ms of Python, holding the GIL
        the GUI needs, at every live snapshot; a compiled one about 1 ms. Pieces have the size
        of the live sample, so the live and the epoch-end codes share one compiled function.
        """
        ae = self.ae
        assert ae is not None
        if self._encode_fn is None and self._warm is not None:
            self._encode_fn = self._warm.encode_fn
        if self._encode_fn is None:
            self._encode_fn = compile_encoder(ae, self.use_xla())
            if self._warm is not None:
                self._warm.encode_fn = self._encode_fn
        piece = self.config.live_latent_size or len(self.latent_indices)
        piece = max(1, min(piece, len(self.latent_indices)))
        return encode_in_pieces(self._encode_fn, x, piece, ae.options.latent_dim)

    def _publish_weights(self, epoch: int) -> None:
        assert self.ae is not None
        self._good = (self.ae.model.get_weights(), epoch, self.steps)  # numpy copies already
        self.listener.on_weights(
            ModelSnapshot.capture(self.ae.encoder, self.ae.decoder, epoch, self.steps)
        )

    def _restore_good_weights(self) -> None:
        """After a NaN stop: go back to the last published weights, and publish them again.

        Always, not only when the weights are non-finite: the compiled step never applies a
        non-finite update, so the model holds the last finite but diverging step's weights,
        which no view has shown and "Save model" would write. Publishing what is kept makes
        the listener's latest snapshot equal the model exactly.
        """
        if self.ae is None or self._good is None:
            return
        weights, epoch, step = self._good
        self.ae.model.set_weights(weights)
        snapshot = ModelSnapshot.capture(self.ae.encoder, self.ae.decoder, epoch, step)
        self.listener.on_weights(snapshot)
