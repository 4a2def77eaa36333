"""Training speed: the app's own path against plain ``model.fit`` on the same model and data.

App path: ``MainWindow.start()`` in a shown (offscreen) window, so the training thread, its
listener, the throttled signals and every live view run as in class. Baseline: ``fit(x, x,
batch_size=bs, epochs=1 + k, verbose=0)`` (``fit(x, ...)`` for the VAE) of a model built by
``build_autoencoder`` with the same preset and options. Both rates are samples/s over the
whole epochs after the first (which compiles): wall-clock time between the ends of epoch 1 and
epoch 1 + k, so the app's per-epoch validation, latent codes and weight snapshots count
against it. The two alternate ``rounds`` times (the machine is noisy); medians are compared.
"""

from __future__ import annotations

import gc
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import Qt

from aeviewer.bench import qt
from aeviewer.bench.report import Results, median

if TYPE_CHECKING:
    from aeviewer.bench.data import BenchData
    from aeviewer.gui.main_window import MainWindow


@dataclass
class SpeedSettings:
    presets: tuple[str, ...] = ("stacked", "vae")
    epochs: int = 8  # measured epochs, after the first
    rounds: int = 2


def run(data: BenchData, results: Results, s: SpeedSettings) -> None:
    window = qt.open_window(data.dataset)
    try:
        for preset in s.presets:
            fit_rates, app_rates = [], []
            for _ in range(s.rounds):
                fit_rates.append(fit_rate(data, preset, s.epochs))
                app_rates.append(app_rate(window, data, preset, s.epochs))
            fit, app = median(fit_rates), median(app_rates)
            bs = preset_options(preset).batch_size
            results.set(
                f"train_speedup_{preset}",
                app / fit,
                f"app {app:,.0f} vs fit {fit:,.0f} samples/s (medians of "
                f"{'/'.join(f'{r:,.0f}' for r in app_rates)} and "
                f"{'/'.join(f'{r:,.0f}' for r in fit_rates)}); {data.label}, batch {bs}, "
                f"{s.epochs} epochs after the first",
            )
    finally:
        if window.run.state in ("running", "paused"):
            qt.stop_training(window)
        qt.close_window(window)


def preset_options(preset: str) -> Any:
    """The preset's default :class:`ModelOptions` (what the window's Start trains with)."""
    from aeviewer.core.models import get_preset

    return get_preset(preset).defaults


def settle() -> None:
    """Collect the garbage of the path timed before (a ``fit``'s model and data pipeline, a
    stopped run's) before timing the next: the window's collector (gui/collector.py) had
    collected it inside the next path's timed steps, up to 3.6 s of finalizers there."""
    gc.collect()


def fit_setup(data: BenchData, preset: str) -> tuple[Any, Any, np.ndarray]:
    """What a timed plain ``fit`` trains, after :func:`settle`: the preset's autoencoder
    (seed 0), its default options and the training array as ``fit`` takes it."""
    import keras

    from aeviewer.core.models import build_autoencoder

    settle()
    opts = preset_options(preset)
    keras.utils.set_random_seed(0)
    ae = build_autoencoder(preset, data.dataset.input_shape, opts)
    return ae, opts, np.ascontiguousarray(data.dataset.x_train, dtype=np.float32)


def fit_rate(data: BenchData, preset: str, epochs: int) -> float:
    """Samples/s of plain ``model.fit`` over ``epochs`` epochs after the first."""
    import keras

    ae, opts, x = fit_setup(data, preset)
    ends: list[float] = []

    class EpochEnds(keras.callbacks.Callback):
        def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
            ends.append(time.perf_counter())

    y = None if ae.variational else x
    ae.model.fit(
        x, y, batch_size=opts.batch_size, epochs=1 + epochs, verbose=0, callbacks=[EpochEnds()]
    )
    return len(x) * epochs / (ends[-1] - ends[0])


def app_rate(window: MainWindow, data: BenchData, preset: str, epochs: int) -> float:
    """Samples/s of the window's training over ``epochs`` epochs after the first."""
    settle()
    ends: list[float] = []

    def on_epoch_ended(_x: float, report: Any) -> None:  # runs on the training thread
        if report.stage == "train" and not report.partial:
            ends.append(time.perf_counter())

    worker = window.worker
    worker.epoch_ended.connect(on_epoch_ended, Qt.ConnectionType.DirectConnection)
    try:
        qt.start_training(window, preset, epochs=1 + epochs)
        qt.wait_until(
            lambda: window.run.state == "finished", 600, what=f"{preset} training to finish"
        )
    finally:
        worker.epoch_ended.disconnect(on_epoch_ended)
    if len(ends) < 2:
        raise RuntimeError(f"{preset}: the window trained {len(ends)} epochs, not {1 + epochs}")
    return data.dataset.n_train * (len(ends) - 1) / (ends[-1] - ends[0])
