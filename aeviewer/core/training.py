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
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from aeviewer.core.inference import ModelSnapshot
from aeviewer.core.memory import HeapTrimmer
from aeviewer.core.models import ModelOptions, get_preset
from aeviewer.core.stages import MAIN_STAGE_TITLE

if TYPE_CHECKING:
    from aeviewer.core.datasets import Dataset
    from aeviewer.core.models import Autoencoder

LossFn = Callable[[Any, bool], dict[str, Any]]

CHUNK_MAX = 16  # batches per compiled call at full speed
CHUNK_SECONDS = 0.02  # ...and about this long at most, so stop and pause stay immediate
CHUNK_BYTES = 8 << 20  # ...and this much input at most (large batches run one per call)
_MAX_TERMS = 8  # loss terms a step can return (columns of the chunk's loss table)

#: Built models kept, with their compiled steps, for the next run of the same model: TF keeps
#: every XLA executable it compiles (no eviction: tensorflow/tensorflow#64170), so a new model
#: per Start grew the process by 50-110 MB a run (a 30-minute soak failed on it). A run of the
#: same preset and options takes the kept model back with fresh initial weights.
WARM_MAX = 8


@dataclass
class _Warm:
    """A built autoencoder and its compiled main-stage functions, free for the next run."""

    ae: Any
    steps: tuple[Any, Any, list[str]] | None = None  # step_fn, eval_fn, term names
    encode_fn: Any = None


_warm_pool: dict[tuple[Any, ...], _Warm] = {}
_warm_lock = threading.Lock()


def _release_warm(key: tuple[Any, ...], warm: _Warm) -> None:
    """Give a model back to the pool (its trainer is gone)."""
    with _warm_lock:
        _warm_pool.pop(key, None)
        _warm_pool[key] = warm
        while len(_warm_pool) > WARM_MAX:
            _warm_pool.pop(next(iter(_warm_pool)))


def _take_warm(key: tuple[Any, ...]) -> _Warm | None:
    with _warm_lock:
        return _warm_pool.pop(key, None)


def _same_shapes(a: list[Any], b: list[Any]) -> bool:
    return len(a) == len(b) and all(
        tuple(u.shape) == tuple(v.shape) for u, v in zip(a, b, strict=False)
    )


def _copy_state(dst: Any, src: Any) -> bool:
    """Give model ``dst`` the variables of ``src`` (same architecture), optimizer included;
    False, changing nothing, when they do not match."""
    old, new = list(dst.model.variables), list(src.model.variables)
    if getattr(dst.model.optimizer, "built", False):  # slots, iterations, learning rate
        src.model.optimizer.build(src.model.trainable_variables)
        old += dst.model.optimizer.variables
        new += src.model.optimizer.variables
    if not _same_shapes(old, new):
        return False
    for a, b in zip(old, new, strict=True):
        a.assign(b)
    return True


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
    #: XLA for the compiled steps; None: on, except for models with convolutions (XLA's CPU
    #: convolutions trained the conv preset at 40 samples/s here, against 2k without it).
    jit_compile: bool | None = None

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
    step_fn: Any = None  # (xs (k, batch, ...), count) -> (losses (k, terms), batches run)
    eval_fn: Any = None
    metric_names: tuple[str, ...] = ("loss",)
    term_names: list[str] = field(default_factory=list)  # columns of step_fn's losses


class NonFiniteLossError(RuntimeError):
    pass


@contextlib.contextmanager
def _philox_random() -> Iterator[None]:
    """While tracing a step, make Keras' random layers draw with the Philox algorithm.

    Keras' TensorFlow backend draws noise (GaussianNoise, Dropout, the VAE's Sampling) with
    ``tf.random.stateless_*`` and algorithm ``"auto_select"``, which XLA on CPU compiles to a
    generator about 17x slower than Philox: a GaussianNoise(0.2) on a 32x784 batch took
    12.6 ms compiled against 0.7 ms with Philox (TF 2.21), so the denoising preset trained
    at 2k samples/s, a sixth of ``fit()``. On CPU without XLA, "auto_select" is Philox too.
    """
    try:
        from tensorflow.python.ops import random_ops_util as rng
    except ImportError:  # pragma: no cover - another TensorFlow layout: keep its default
        yield
        return
    original = rng.get_key_counter_alg
    auto = ("auto_select", rng.Algorithm.AUTO_SELECT, rng.Algorithm.AUTO_SELECT.value)

    def philox(seed: Any, alg: Any) -> Any:
        return original(seed, "philox" if alg is None or alg in auto else alg)

    rng.get_key_counter_alg = philox
    try:
        yield
    finally:
        rng.get_key_counter_alg = original


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
        # The weights a NaN stop goes back to, with their (epoch, step): the initial ones, then
        # those of each published snapshot, so after the stop the model is what the views show.
        self._good: tuple[list[np.ndarray], int, int] | None = None
        self._last_snapshot = 0.0
        self._heap = HeapTrimmer()
        self._encode_fn: Any = None
        self._warm: _Warm | None = None
        self._started = False  # run() has reported on_start: a later run() continues
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
        with self._c.lock:
            self._c.stop.clear()
            self._c.paused = start_paused
            self._c.step_budget = 0
        self._c.wake.set()

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
            options = self.config.model_options()
            fresh = build_autoencoder(self.config.preset, self.dataset.input_shape, options)
            key = self._warm_key(options)
            warm = _take_warm(key)
            if warm is not None and _copy_state(warm.ae, fresh):
                self.ae = warm.ae  # the fresh model's initial weights, compiled steps kept
            else:
                warm = _Warm(fresh)
                self.ae = fresh
            self._warm = warm
            weakref.finalize(self, _release_warm, key, warm)  # free once this trainer is gone
        return self.ae

    def _warm_key(self, options: ModelOptions) -> tuple[Any, ...]:
        """What a kept model must match: the preset, the input and the options that shape the
        model (the learning rate is a variable of the optimizer, the batch size an input)."""
        shape = dataclasses.replace(options, learning_rate=0.0, batch_size=0)
        return (self.config.preset, tuple(self.dataset.input_shape), shape, self.config.jit_compile)

    def use_xla(self) -> bool:
        """Whether the compiled steps use XLA: the config's choice, else on unless the model
        has convolutions (XLA on CPU ran the conv preset's steps about 50x slower than plain
        TensorFlow, which trains it a little faster than ``fit()``)."""
        if self.config.jit_compile is not None:
            return self.config.jit_compile
        ae = self.build()
        return not any("Conv" in type(layer).__name__ for layer in _layers(ae.model))

    # -- running ----------------------------------------------------------------------
    def run(self) -> FinishReport:
        """Train until done, stopped, or the loss is no longer finite. Never raises."""
        try:
            ae = self.build()
            self._good = (ae.model.get_weights(), self.epochs_done, self.steps)
            if not self._started:  # a continued run keeps the model the listener knows
                self._started = True
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

    def _main_target(self, ae: Autoencoder) -> _Target:
        title = MAIN_STAGE_TITLE if self.config.greedy else "Training"
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

    def _compile(self, t: _Target, main: bool = False) -> None:
        warm = self._warm if main else None
        if warm is not None and warm.steps is not None:
            t.step_fn, t.eval_fn, t.term_names = warm.steps
            return
        self._trace(t)
        if warm is not None:
            warm.steps = (t.step_fn, t.eval_fn, t.term_names)

    def _trace(self, t: _Target) -> None:
        import tensorflow as tf

        t.optimizer.build(t.variables)
        variables, optimizer, loss_fn, names = t.variables, t.optimizer, t.loss_fn, t.term_names

        def one(x: Any) -> tuple[Any, Any]:
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
            if not names:  # at trace time: the order of the loss table's columns
                names.extend(terms)
            row = [tf.cast(tf.reshape(terms[k], []), tf.float32) for k in names]
            row += [tf.constant(0.0)] * (_MAX_TERMS - len(row))
            return tf.stack(row), tf.math.is_finite(terms["loss"])

        def chunk(xs: Any, count: Any) -> tuple[Any, Any]:
            """Train on batches ``xs[:count]`` in order; stop early after a non-finite loss."""
            with _philox_random():  # runs when traced, not at every call
                return loop(xs, count)

        def loop(xs: Any, count: Any) -> tuple[Any, Any]:

            def more(i: Any, finite: Any, table: Any) -> Any:
                return tf.logical_and(i < count, finite)

            def body(i: Any, _finite: Any, table: Any) -> tuple[Any, Any, Any]:
                row, finite = one(xs[i])
                return i + 1, finite, tf.tensor_scatter_nd_update(table, [[i]], row[None])

            table = tf.zeros([tf.shape(xs)[0], _MAX_TERMS], tf.float32)
            done, _, table = tf.while_loop(more, body, (tf.constant(0), tf.constant(True), table))
            return table, done

        t.step_fn = tf.function(chunk, jit_compile=self.use_xla(), reduce_retracing=True)
        t.eval_fn = tf.function(lambda x: loss_fn(x, False), reduce_retracing=True)

    def _train(self, t: _Target, main: bool) -> None:
        import tensorflow as tf

        self._compile(t, main=main)
        x = np.ascontiguousarray(t.x_train, dtype=np.float32)
        n = len(x)
        bs = max(1, min(self.config_batch_size(), n))
        batches = math.ceil(n / bs)
        full = n // bs  # batches of exactly ``bs`` samples; a smaller last one runs alone
        cap = max(1, min(CHUNK_MAX, CHUNK_BYTES // (bs * x[:1].nbytes or 1)))
        buf = np.empty((cap, bs, *x.shape[1:]), np.float32)  # one shape: one compiled loop
        per_batch = math.inf  # seconds, measured: sizes the chunks
        rng = np.random.default_rng(self.config.seed + 7919 * (self.epochs_done + 1))
        first = self.epochs_done + 1 if main else 1  # a continued run numbers its epochs on
        for epoch in range(first, t.epochs + 1):
            if self._c.stop.is_set():
                return
            perm = rng.permutation(n)
            sums: dict[str, float] = {}
            seen = 0
            b = 0
            t0 = time.perf_counter()
            while b < batches:
                allowed = self._gate()
                if not allowed:
                    break
                self._apply_pending_lr(t.optimizer)
                if b < full:
                    count = max(1, min(allowed, full - b, cap, int(CHUNK_SECONDS / per_batch)))
                    idx = perm[b * bs : (b + count) * bs]
                    np.take(x, idx, axis=0, out=buf[:count].reshape(count * bs, *x.shape[1:]))
                    xs = buf
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
            self._heap.maybe_trim()  # the last epoch's weight copies are free now
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

    def _gate(self) -> int:
        """How many batches may run now: 0 when stopping (it blocks while paused), 1 when
        stepping (one step consumed) or in slow motion, :data:`CHUNK_MAX` at full speed."""
        c = self._c
        while not c.stop.is_set():
            with c.lock:
                if not c.paused:
                    return 1 if c.delay > 0 else CHUNK_MAX
                if c.step_budget > 0:
                    c.step_budget -= 1
                    return 1
            c.wake.wait(0.05)
            c.wake.clear()
        return 0

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
        codes = self._encode(np.asarray(self.dataset.x_val[idx], np.float32))
        self.listener.on_latent(LatentReport(epoch, codes, idx.copy(), partial=live))

    def _encode(self, x: np.ndarray) -> np.ndarray:
        """Codes (``z_mean`` for a VAE) of ``x``, in compiled calls on pieces of one size.

        The eager Keras call costs the training thread 10-30 ms of Python, holding the GIL
        the GUI needs, at every live snapshot; a compiled one about 1 ms. Pieces have the size
        of the live sample, so the live and the epoch-end codes share one compiled function.
        """
        import tensorflow as tf

        ae = self.ae
        assert ae is not None
        if self._encode_fn is None and self._warm is not None:
            self._encode_fn = self._warm.encode_fn
        if self._encode_fn is None:

            def encode(xb: Any) -> Any:
                out = ae.encoder(xb, training=False)
                return out[0] if ae.variational else out

            self._encode_fn = tf.function(encode, jit_compile=self.use_xla())
            if self._warm is not None:
                self._warm.encode_fn = self._encode_fn
        piece = self.config.live_latent_size or len(self.latent_indices)
        piece = max(1, min(piece, len(self.latent_indices)))
        parts = []
        for i in range(0, len(x), piece):
            xb = x[i : i + piece]
            m = len(xb)
            if m < piece:  # pad the last piece: another size would compile another function
                xb = np.concatenate([xb, np.zeros((piece - m, *xb.shape[1:]), xb.dtype)])
            parts.append(np.asarray(self._encode_fn(xb))[:m])
        if not parts:
            return np.zeros((0, ae.options.latent_dim), np.float32)
        return np.concatenate(parts).astype(np.float32, copy=False)

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


def _layers(model: Any) -> Iterator[Any]:
    """Every layer of ``model``, nested models' included."""
    for layer in model.layers:
        yield layer
        if hasattr(layer, "layers"):
            yield from _layers(layer)
