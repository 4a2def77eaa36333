"""Training speed on full-size data sets: the app's own path against plain ``model.fit``.

Both as :mod:`aeviewer.bench.speed` (the window's training thread with every view live,
against ``fit`` of the same preset, options, batch size and data; rounds alternate and their
medians are compared), on the generated sets of :mod:`aeviewer.bench.fullsize`:

- ``train_speedup_mnist60k``: stacked on the MNIST-shaped 60,000 digits, whole epochs after
  the first (``speed``'s rates), so the app's epoch-end work on 10,000 validation samples
  counts against it.
- ``train_speedup_cifar_conv``: conv on the CIFAR-shaped 50,000 32x32x3 images. An epoch takes
  about a minute per path on 2 CPU cores, so both are timed over the same steps of their first
  epoch, from the end of step ``warm`` (compilation done) to the end of step ``warm + steps``,
  and then stopped: the full array is shuffled and fed as for a whole epoch, and the app's live
  codes and snapshots count, but neither path's epoch-end work does.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt

from aeviewer.bench import qt, speed
from aeviewer.bench.report import Results, median

if TYPE_CHECKING:
    from aeviewer.bench.data import BenchData
    from aeviewer.gui.main_window import MainWindow


@dataclass
class FullSpeedSettings:
    rounds: int = 2
    epochs: int = 1  # mnist60k: measured epochs after the first (1,875 steps each)
    warm: int = 20  # cifar_conv: steps before the timed ones (compilation, caches)
    steps: int = 100  # cifar_conv: timed steps


def run_mnist60k(data: BenchData, results: Results, s: FullSpeedSettings) -> None:
    window = qt.open_window(data.dataset)
    try:
        fit_rates, app_rates = [], []
        for _ in range(s.rounds):
            fit_rates.append(speed.fit_rate(data, "stacked", s.epochs))
            app_rates.append(speed.app_rate(window, data, "stacked", s.epochs))
    finally:
        _close(window)
    how = f"{s.epochs} epoch{'s' if s.epochs > 1 else ''} after the first"
    _set(results, "train_speedup_mnist60k", "stacked", data, fit_rates, app_rates, how)


def run_cifar_conv(data: BenchData, results: Results, s: FullSpeedSettings) -> None:
    """Skips the row, saying why, while the conv preset or the window cannot take the set."""
    from aeviewer.core.models import build_autoencoder

    shape = data.dataset.input_shape
    try:
        build_autoencoder("conv", shape)
    except Exception as exc:
        results.skip(
            "train_speedup_cifar_conv",
            f"skipped: the conv preset cannot take {_shape(shape)} images yet ({exc})",
        )
        return
    per_epoch = -(-data.dataset.n_train // speed.preset_options("conv").batch_size)
    if s.warm < 1 or s.warm + s.steps > per_epoch:
        raise ValueError(f"{s.warm} + {s.steps} steps do not fit in an epoch of {per_epoch}")
    fit_rates, app_rates = [], []
    window = qt.open_window(data.dataset)
    try:
        for _ in range(s.rounds):
            fit_rates.append(fit_step_rate(data, "conv", s.warm, s.steps))
            app_rates.append(app_step_rate(window, data, "conv", s.warm, s.steps))
    except WindowTrainingError as exc:
        results.skip("train_speedup_cifar_conv", f"skipped: {exc}")
        return
    finally:
        _close(window)
    how = f"steps {s.warm + 1}-{s.warm + s.steps} of {per_epoch} in the first epoch"
    _set(results, "train_speedup_cifar_conv", "conv", data, fit_rates, app_rates, how)


class WindowTrainingError(RuntimeError):
    """The window's run ended before the steps to time (it cannot train this data set)."""


def _shape(shape: tuple[int, ...]) -> str:
    return "x".join(str(d) for d in shape)


def _set(
    results: Results,
    key: str,
    preset: str,
    data: BenchData,
    fit_rates: list[float],
    app_rates: list[float],
    how: str,
) -> None:
    fit, app = median(fit_rates), median(app_rates)
    results.set(
        key,
        app / fit,
        f"{preset}: app {app:,.0f} vs fit {fit:,.0f} samples/s (medians of "
        f"{'/'.join(f'{r:,.0f}' for r in app_rates)} and "
        f"{'/'.join(f'{r:,.0f}' for r in fit_rates)}); {data.label}, batch "
        f"{speed.preset_options(preset).batch_size}, {how}",
    )


def _close(window: MainWindow) -> None:
    if window.run.state in ("running", "paused"):
        qt.stop_training(window)
    qt.close_window(window)


def fit_step_rate(data: BenchData, preset: str, warm: int, steps: int) -> float:
    """Samples/s of plain ``model.fit`` from the end of step ``warm`` to the end of step
    ``warm + steps`` of its first epoch (then it stops)."""
    import keras

    ae, opts, x = speed.fit_setup(data, preset)
    ends: list[float] = []

    class StepEnds(keras.callbacks.Callback):
        def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
            ends.append(time.perf_counter())
            if len(ends) >= warm + steps:
                self.model.stop_training = True

    y = None if ae.variational else x
    ae.model.fit(x, y, batch_size=opts.batch_size, epochs=1, verbose=0, callbacks=[StepEnds()])
    if len(ends) < warm + steps:
        raise RuntimeError(f"{preset}: fit ran {len(ends)} steps, not {warm + steps}")
    return opts.batch_size * steps / (ends[warm + steps - 1] - ends[warm - 1])


def app_step_rate(window: MainWindow, data: BenchData, preset: str, warm: int, steps: int) -> float:
    """Samples/s of the window's training from the end of step ``warm`` to the end of step
    ``warm + steps`` of the first epoch it trains, then Stop.

    Times come from its batch reports, taken on the training thread as they are sent; they
    come at most 20 times a second, so the span runs from the first report at or past each
    step. Steps count within the epoch: a second call continues the stopped run (Start on the
    same settings does), whose epochs number on.
    """
    speed.settle()
    seen: list[tuple[float, int, int]] = []  # time, epoch, batch within it

    def on_batches(chunk: Any) -> None:  # runs on the training thread
        seen.append((time.perf_counter(), int(chunk.last.epoch), int(chunk.last.batch)))

    def reached() -> bool:
        return any(e == seen[0][1] and b >= warm + steps for _, e, b in seen[-3:])

    worker = window.worker
    worker.batches_reported.connect(on_batches, Qt.ConnectionType.DirectConnection)
    try:
        try:
            qt.start_training(window, preset, epochs=1)
        except RuntimeError as exc:
            raise WindowTrainingError(
                f"the window does not train {preset} on {data.label}: {exc}; it says "
                f"{window.controls.hint.text()!r}"
            ) from exc
        qt.wait_until(
            lambda: (bool(seen) and reached()) or window.run.state == "finished",
            900,
            what=f"{preset} steps",
        )
        if not (seen and reached()):
            finish = window.run.finish
            why = "" if finish is None else f" ({finish.reason}: {finish.message})"
            raise WindowTrainingError(
                f"the window's {preset} run on {data.label} ended after "
                f"{seen[-1][2] if seen else 0} steps{why}"
            )
        qt.stop_training(window)
    finally:
        worker.batches_reported.disconnect(on_batches)
    first = [(t, b) for t, e, b in seen if e == seen[0][1]]
    t1, b1 = next((t, b) for t, b in first if b >= warm)
    t2, b2 = next((t, b) for t, b in first if b >= warm + steps)
    if b2 <= b1:
        raise RuntimeError(f"{preset}: one batch report covers steps {warm}-{warm + steps}")
    return speed.preset_options(preset).batch_size * (b2 - b1) / (t2 - t1)
