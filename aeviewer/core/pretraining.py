"""Unsupervised pretraining: a trained encoder under a small classifier, taught with few labels,
against the same classifier trained from scratch (the course's last autoencoder application)."""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class PretrainingResult:
    labels_used: int
    pretrained_accuracy: float
    scratch_accuracy: float
    classes: int = 10  # chance is 1 / classes
    per_class: int = 10
    stopped: bool = False  # ``stop`` was set before both classifiers finished


def few_labels(y: np.ndarray, per_class: int, seed: int = 0) -> np.ndarray:
    """Indices of ``per_class`` samples of each class (fewer when a class has fewer)."""
    rng = np.random.default_rng(seed)
    picks = [rng.permutation(np.flatnonzero(y == c))[:per_class] for c in np.unique(y)]
    return np.sort(np.concatenate(picks))


def compare_pretraining(
    encoder: Any,
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_val: np.ndarray,
    y_val: np.ndarray,
    per_class: int = 10,
    epochs: int = 60,
    seed: int = 0,
    stop: threading.Event | None = None,
) -> PretrainingResult:
    """Train ``Dense(classes)`` on the frozen trained ``encoder``'s codes and on a fresh copy
    of the encoder's architecture (trainable, from scratch), with the same few labels.

    Call on the thread that owns ``encoder`` (the training thread). Setting ``stop`` ends
    the training after the current batch (the result then says ``stopped``).
    """
    import keras

    class _Stop(keras.callbacks.Callback):
        def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
            if stop is not None and stop.is_set():
                self.model.stop_training = True

    keras.utils.set_random_seed(seed)
    idx = few_labels(np.asarray(y_train), per_class, seed)
    x, y = np.asarray(x_train)[idx], np.asarray(y_train)[idx]
    outputs = int(max(np.max(y_train), np.max(y_val))) + 1  # sparse labels index the softmax
    classes = len(np.unique(np.asarray(y_train)))  # chance is 1 / classes: 3 for digits 1,5,6

    def classifier(enc: Any) -> Any:
        inputs = keras.Input(enc.input_shape[1:])
        codes = enc(inputs)
        if isinstance(codes, (list, tuple)):  # a VAE's encoder: use z_mean
            codes = codes[0]
        out = keras.layers.Dense(outputs, activation="softmax")(codes)
        model = keras.Model(inputs, out)
        model.compile(
            optimizer=keras.optimizers.Adam(1e-2),
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
        )
        return model

    frozen = keras.models.clone_model(encoder)
    frozen.set_weights(encoder.get_weights())
    frozen.trainable = False
    scratch = keras.models.clone_model(encoder)  # same layers, new random weights
    accs = []
    for enc in (frozen, scratch):
        if stop is not None and stop.is_set():
            return PretrainingResult(len(idx), math.nan, math.nan, classes, per_class, True)
        model = classifier(enc)
        model.fit(x, y, epochs=epochs, batch_size=32, verbose=0, callbacks=[_Stop()])
        pred = np.argmax(model.predict(np.asarray(x_val), verbose=0), axis=1)
        accs.append(float(np.mean(pred == np.asarray(y_val))))
    stopped = stop is not None and stop.is_set()
    return PretrainingResult(len(idx), accs[0], accs[1], classes, per_class, stopped)
