"""The compiled functions a Trainer calls: chunks of training steps, evaluation and encoding."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from aeviewer.core.stages import MAIN_STAGE_TITLE

if TYPE_CHECKING:
    from aeviewer.core.datasets import Dataset
    from aeviewer.core.models import Autoencoder
    from aeviewer.core.training_config import TrainingConfig

LossFn = Callable[[Any, bool], dict[str, Any]]

MAX_TERMS = 8  # loss terms a step can return (columns of the chunk's loss table)


@dataclass
class Target:
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


def stage_targets(ae: Autoencoder, dataset: Dataset, config: TrainingConfig) -> list[Target]:
    """What a run trains, in order: the greedy pretraining stages when ``config.greedy``, then
    the whole model with the model's own optimizer."""
    targets = _greedy_targets(ae, dataset, config.pretrain_epochs) if config.greedy else []
    title = MAIN_STAGE_TITLE if config.greedy else "Training"
    targets.append(
        Target(
            "train",
            title,
            ae.model.trainable_variables,
            ae.loss_terms,
            dataset.x_train,
            dataset.x_val,
            ae.model.optimizer,
            config.epochs,
            metric_names=ae.metric_names,
        )
    )
    return targets


def _greedy_targets(ae: Autoencoder, dataset: Dataset, epochs: int) -> list[Target]:
    """The greedy pretraining stages, ``epochs`` each, each with an optimizer of its own."""
    from aeviewer.core.greedy import greedy_stages
    from aeviewer.core.models.autoencoder import make_optimizer

    return [
        Target(
            s.name,
            s.title,
            s.variables,
            s.loss_fn,
            s.x_train,
            s.x_val,
            make_optimizer(ae.options),
            epochs,
        )
        for s in greedy_stages(ae, dataset)
    ]


@contextlib.contextmanager
def philox_random() -> Iterator[None]:
    """While tracing a step, make Keras' random layers draw with the Philox algorithm.

    Keras' TensorFlow backend draws noise (GaussianNoise, Dropout, the VAE's Sampling) with
    ``tf.random.stateless_*`` and algorithm ``"auto_select"``, which XLA on CPU compiles to a
    generator about 17x slower than Philox: the noise cost the denoising preset most of its
    speed (docs/performance.md). On CPU without XLA, "auto_select" is Philox too.
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


def trace(t: Target, jit_compile: bool) -> None:
    """Give ``t`` its compiled functions.

    ``t.step_fn(xs, count)`` trains on batches ``xs[:count]`` in order in one call and returns
    a ``(len(xs), MAX_TERMS)`` table of loss terms (columns named by ``t.term_names``) and the
    number of batches run; ``t.eval_fn(x)`` gives the loss terms of one batch.
    """
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
        row += [tf.constant(0.0)] * (MAX_TERMS - len(row))
        return tf.stack(row), tf.math.is_finite(terms["loss"])

    def chunk(xs: Any, count: Any) -> tuple[Any, Any]:
        """Train on batches ``xs[:count]`` in order; stop early after a non-finite loss."""
        with philox_random():  # runs when traced, not at every call
            return loop(xs, count)

    def loop(xs: Any, count: Any) -> tuple[Any, Any]:

        def more(i: Any, finite: Any, table: Any) -> Any:
            return tf.logical_and(i < count, finite)

        def body(i: Any, _finite: Any, table: Any) -> tuple[Any, Any, Any]:
            row, finite = one(xs[i])
            return i + 1, finite, tf.tensor_scatter_nd_update(table, [[i]], row[None])

        table = tf.zeros([tf.shape(xs)[0], MAX_TERMS], tf.float32)
        done, _, table = tf.while_loop(more, body, (tf.constant(0), tf.constant(True), table))
        return table, done

    t.step_fn = tf.function(chunk, jit_compile=jit_compile, reduce_retracing=True)
    t.eval_fn = tf.function(lambda x: loss_fn(x, False), reduce_retracing=True)


def evaluate(t: Target, batch_size: int = 1024) -> dict[str, float]:
    """Mean loss terms of ``t``'s validation data, by ``t.eval_fn`` on batches."""
    assert t.x_val is not None
    sums: dict[str, float] = {}
    for i in range(0, len(t.x_val), batch_size):
        xb = np.ascontiguousarray(t.x_val[i : i + batch_size], dtype=np.float32)
        for k, v in t.eval_fn(xb).items():
            sums[k] = sums.get(k, 0.0) + float(v) * len(xb)
    return {k: v / len(t.x_val) for k, v in sums.items()}


def compile_encoder(ae: Autoencoder, jit_compile: bool) -> Any:
    """A compiled function from a batch to its codes (``z_mean`` for a VAE)."""
    import tensorflow as tf

    def encode(xb: Any) -> Any:
        out = ae.encoder(xb, training=False)
        return out[0] if ae.variational else out

    return tf.function(encode, jit_compile=jit_compile)


def encode_in_pieces(encode_fn: Any, x: np.ndarray, piece: int, latent_dim: int) -> np.ndarray:
    """Codes of ``x`` from calls of ``encode_fn`` on pieces of exactly ``piece`` rows."""
    parts = []
    for i in range(0, len(x), piece):
        xb = x[i : i + piece]
        m = len(xb)
        if m < piece:  # pad the last piece: another size would compile another function
            xb = np.concatenate([xb, np.zeros((piece - m, *xb.shape[1:]), xb.dtype)])
        parts.append(np.asarray(encode_fn(xb))[:m])
    if not parts:
        return np.zeros((0, latent_dim), np.float32)
    return np.concatenate(parts).astype(np.float32, copy=False)


def has_convolutions(model: Any) -> bool:
    """Whether ``model`` or a model nested in it has a convolution layer."""
    return any("Conv" in type(layer).__name__ for layer in _layers(model))


def _layers(model: Any) -> Iterator[Any]:
    """Every layer of ``model``, nested models' included."""
    for layer in model.layers:
        yield layer
        if hasattr(layer, "layers"):
            yield from _layers(layer)
