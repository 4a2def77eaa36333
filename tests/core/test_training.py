"""The headless trainer: learning, controls, NaN stop, reproducibility, reports, greedy mode."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from aeviewer.core.datasets import Dataset
from aeviewer.core.inference import ModelSnapshot
from aeviewer.core.models import PRESETS, Autoencoder, build_autoencoder, get_preset
from aeviewer.core.training import (
    CHUNK_MAX,
    LIVE_SHARE,
    BatchReport,
    EpochReport,
    FinishReport,
    LatentReport,
    Trainer,
    TrainingConfig,
    TrainingListener,
)


class Recorder(TrainingListener):
    def __init__(self) -> None:
        self.batches: list[BatchReport] = []
        self.epochs: list[EpochReport] = []
        self.latents: list[LatentReport] = []
        self.snapshots: list = []
        self.stages: list[str] = []
        self.finished: FinishReport | None = None

    def on_batch(self, report: BatchReport) -> None:
        self.batches.append(report)

    def on_epoch(self, report: EpochReport) -> None:
        self.epochs.append(report)

    def on_latent(self, report: LatentReport) -> None:
        self.latents.append(report)

    def on_weights(self, snapshot) -> None:
        self.snapshots.append(snapshot)

    def on_stage(self, stage: str, title: str) -> None:
        self.stages.append(stage)

    def on_finished(self, report: FinishReport) -> None:
        self.finished = report


def untrained_val_loss(preset: str, ds: Dataset, seed: int = 0) -> float:
    import keras

    keras.utils.set_random_seed(seed)
    ae = build_autoencoder(preset, ds.input_shape)
    return float(ae.loss_terms(np.asarray(ds.x_val), training=False)["loss"])


@pytest.mark.parametrize("preset", list(PRESETS))
def test_every_preset_learns(preset: str, digits_small: Dataset) -> None:
    rec = Recorder()
    trainer = Trainer(digits_small, TrainingConfig(preset=preset, epochs=2), rec)
    report = trainer.run()
    assert report.reason == "completed", report.message
    assert [e.epoch for e in rec.epochs] == [1, 2]
    assert rec.epochs[-1].logs["val_loss"] < untrained_val_loss(preset, digits_small)
    assert len(trainer.history["loss"]) == 2
    if get_preset(preset).variational:
        assert {"val_reconstruction_loss", "val_kl_loss"} <= set(rec.epochs[-1].logs)
    # Latent codes of the fixed validation sample after each epoch, and weight snapshots.
    assert len(rec.latents) == 2
    assert rec.latents[-1].codes.shape == (100, get_preset(preset).defaults.latent_dim)
    assert rec.snapshots and rec.snapshots[-1].epoch == 2
    assert trainer.ae is not None
    z = rec.latents[-1].codes[:5]
    np.testing.assert_allclose(rec.snapshots[-1].decoder(z), trainer.ae.decode(z), atol=3e-5)


def _run_in_thread(trainer: Trainer) -> threading.Thread:
    t = threading.Thread(target=trainer.run, name="trainer")
    t.start()
    return t


def _wait(predicate, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.01)


def test_pause_step_resume_stop(digits_small: Dataset) -> None:
    rec = Recorder()
    trainer = Trainer(
        digits_small, TrainingConfig(preset="stacked", epochs=50), rec, start_paused=True
    )
    thread = _run_in_thread(trainer)
    try:
        time.sleep(0.5)
        assert trainer.steps == 0  # paused from the start
        trainer.step()
        _wait(lambda: trainer.steps == 1)
        time.sleep(0.3)
        assert trainer.steps == 1  # exactly one batch, then paused again
        trainer.step(3)
        _wait(lambda: trainer.steps == 4)
        time.sleep(0.3)
        assert trainer.steps == 4
        trainer.resume()
        _wait(lambda: trainer.steps > 20)
        trainer.pause()
        time.sleep(0.2)
        paused_at = trainer.steps
        time.sleep(0.3)
        assert trainer.steps == paused_at
        trainer.resume()
        _wait(lambda: trainer.steps > paused_at + 5)
        before = trainer.steps
        trainer.stop()
        thread.join(10)
        assert not thread.is_alive()
        # At full speed batches run in compiled chunks of about 20 ms: it stops within one.
        assert trainer.steps <= before + CHUNK_MAX
    finally:
        trainer.stop()
        thread.join(10)
    assert rec.finished is not None and rec.finished.reason == "stopped"


def test_stop_while_paused_returns(digits_small: Dataset) -> None:
    trainer = Trainer(digits_small, TrainingConfig(epochs=5), start_paused=True)
    thread = _run_in_thread(trainer)
    time.sleep(0.3)
    trainer.stop()
    thread.join(10)
    assert not thread.is_alive() and trainer.steps == 0


def test_learning_rate_changes_live(digits_small: Dataset) -> None:
    trainer = Trainer(digits_small, TrainingConfig(epochs=50), start_paused=True)
    thread = _run_in_thread(trainer)
    try:
        trainer.step()
        _wait(lambda: trainer.steps == 1)
        trainer.set_learning_rate(0.0123)
        trainer.step()
        _wait(lambda: trainer.steps == 2)
        assert trainer.ae is not None
        assert float(np.asarray(trainer.ae.model.optimizer.learning_rate)) == pytest.approx(0.0123)
    finally:
        trainer.stop()
        thread.join(10)
    with pytest.raises(ValueError):
        trainer.set_learning_rate(-1.0)


def _snapshot_weights(snapshot: ModelSnapshot) -> list[np.ndarray]:
    return [w for m in (snapshot.encoder, snapshot.decoder) for op in m.ops for w in op.weights]


def _assert_model_is_the_snapshot(ae: Autoencoder, snapshot: ModelSnapshot) -> None:
    """The model's weights equal the snapshot's exactly (what the views decode with)."""
    now = ModelSnapshot.capture(ae.encoder, ae.decoder, 0, 0)
    got, want = _snapshot_weights(now), _snapshot_weights(snapshot)
    assert len(got) == len(want)
    for a, b in zip(got, want, strict=True):
        np.testing.assert_array_equal(a, b)


class StartRecorder(Recorder):
    """Also keeps the untrained model's weights, as the GUI's first snapshot does."""

    def on_start(self, ae, config) -> None:
        self.initial = ModelSnapshot.capture(ae.encoder, ae.decoder, 0, 0)


def test_nan_loss_stops_with_a_reason_and_keeps_good_weights(digits_small: Dataset) -> None:
    """Divergence in the first epoch, before any snapshot: the initial weights are kept, and
    the listener's latest snapshot is exactly the model."""
    opts = get_preset("linear").defaults.updated(optimizer="sgd", learning_rate=10.0)
    rec = StartRecorder()
    trainer = Trainer(digits_small, TrainingConfig(preset="linear", options=opts, epochs=5), rec)
    report = trainer.run()
    assert report.reason == "nan" and report.epochs_done == 0 and report.steps > 1
    assert "NaN" in report.message and "learning rate 10" in report.message
    assert "\n" not in report.message
    assert trainer.ae is not None
    assert all(np.all(np.isfinite(w)) for w in trainer.ae.model.get_weights())
    assert np.all(np.isfinite(trainer.ae.reconstruct(digits_small.x_val[:10])))
    assert rec.snapshots and rec.snapshots[-1].epoch == 0
    _assert_model_is_the_snapshot(trainer.ae, rec.snapshots[-1])
    _assert_model_is_the_snapshot(trainer.ae, rec.initial)


def test_nan_stop_keeps_exactly_the_last_published_snapshot(digits_small: Dataset) -> None:
    """One good epoch, then a learning rate that diverges: the model goes back to the
    epoch-1 snapshot (what the views showed), not to the last finite diverging step."""

    class RaiseLr(StartRecorder):
        def on_epoch(self, report: EpochReport) -> None:
            super().on_epoch(report)
            trainer.set_learning_rate(10.0)

    opts = get_preset("linear").defaults.updated(optimizer="sgd", learning_rate=1e-2)
    rec = RaiseLr()
    trainer = Trainer(digits_small, TrainingConfig(preset="linear", options=opts, epochs=5), rec)
    report = trainer.run()
    assert report.reason == "nan" and report.epochs_done == 1
    assert trainer.ae is not None
    epoch1 = [s for s in rec.snapshots if s.epoch == 1]
    assert epoch1 and rec.snapshots[-1].epoch == 1
    _assert_model_is_the_snapshot(trainer.ae, rec.snapshots[-1])
    _assert_model_is_the_snapshot(trainer.ae, epoch1[0])
    # ... and that is a trained model, not the initial one.
    trained = _snapshot_weights(epoch1[0])
    initial = _snapshot_weights(rec.initial)
    assert any(not np.array_equal(a, b) for a, b in zip(trained, initial, strict=True))


def test_runs_are_reproducible(digits_small: Dataset) -> None:
    def run() -> dict[str, list[float]]:
        trainer = Trainer(digits_small, TrainingConfig(preset="denoising", epochs=2, seed=3))
        trainer.run()
        return trainer.history

    a, b = run(), run()
    for key in a:
        np.testing.assert_allclose(a[key], b[key], rtol=1e-5)


def test_a_new_run_of_the_same_model_reuses_it_from_fresh_weights(digits_small: Dataset) -> None:
    """TF never frees an XLA executable, so each Start of a new model grew the process by tens
    of MB: a run of the same model takes the last one back, compiled steps and all, with
    exactly the initial weights, optimizer state and noise seeds of a fresh model."""
    import gc

    import keras

    def run(seed: int, lr: float) -> tuple[Trainer, dict[str, list[float]]]:
        opts = get_preset("denoising").defaults.updated(learning_rate=lr)
        trainer = Trainer(digits_small, TrainingConfig("denoising", opts, epochs=2, seed=seed))
        trainer.run()
        return trainer, trainer.history

    first, first_history = run(3, 1e-3)
    model, step_fn = first.ae, first._warm.steps[0]  # type: ignore[union-attr]
    del first
    gc.collect()
    second = Trainer(digits_small, TrainingConfig("denoising", epochs=2, seed=4))
    assert second.build() is model  # taken back (the learning rate is not part of the model)
    keras.utils.set_random_seed(4)
    fresh = build_autoencoder("denoising", digits_small.input_shape)
    for a, b in zip(model.model.variables, fresh.model.variables, strict=True):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))  # seed states included
    assert int(np.asarray(model.model.optimizer.iterations)) == 0
    del second
    gc.collect()
    again, history = run(3, 1e-3)
    assert again.ae is model and again._warm.steps[0] is step_fn  # type: ignore[union-attr]
    for key in first_history:  # the same run as the first, on the kept model
        np.testing.assert_allclose(history[key], first_history[key], rtol=1e-5)
    while_used = Trainer(digits_small, TrainingConfig("denoising", epochs=2, seed=3))
    assert while_used.build() is not model  # in use by `again`: never shared


def test_compiled_chunks_train_exactly_like_one_batch_per_call(digits_small: Dataset) -> None:
    """Full speed runs up to CHUNK_MAX batches per compiled call, slow motion one: the
    per-batch losses and the final weights must be the same (stacked, and the VAE's noise)."""
    for preset in ("stacked", "vae"):

        def run(delay: float, preset: str = preset) -> tuple[list[float], list[np.ndarray]]:
            rec = Recorder()
            config = TrainingConfig(preset=preset, epochs=2, seed=5, batch_report_every=1)
            trainer = Trainer(digits_small, config, rec)
            trainer.set_batch_delay(delay)
            trainer.run()
            assert trainer.ae is not None
            return [b.losses["loss"] for b in rec.batches], trainer.ae.model.get_weights()

        fast_losses, fast_weights = run(0.0)
        slow_losses, slow_weights = run(1e-4)
        batches = -(-300 // get_preset(preset).defaults.batch_size)  # the last one is smaller
        assert len(fast_losses) == len(slow_losses) == 2 * batches
        np.testing.assert_allclose(fast_losses, slow_losses, rtol=1e-4, atol=1e-6)
        for a, b in zip(fast_weights, slow_weights, strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


def test_xla_is_on_for_dense_models_and_off_for_convolutions(digits_small: Dataset) -> None:
    """XLA on CPU trained the conv preset 50x slower than plain TensorFlow (40 samples/s):
    convolutional models train without it, dense ones with it, and the config can decide."""
    use = {p: Trainer(digits_small, TrainingConfig(preset=p)).use_xla() for p in PRESETS}
    off = {p for p, on in use.items() if not on}
    assert off == {n for n, p in PRESETS.items() if p.convolutional} == {"conv", "conv-vae"}
    forced = TrainingConfig(preset="conv", jit_compile=True)
    assert Trainer(digits_small, forced).use_xla() is True


def test_batch_reports_are_throttled(digits_small: Dataset) -> None:
    rec = Recorder()
    Trainer(digits_small, TrainingConfig(epochs=1, batch_report_every=3), rec).run()
    batches = -(-300 // 32)
    assert len(rec.batches) == batches // 3
    assert all(b.batch % 3 == 0 for b in rec.batches)
    assert rec.batches[-1].samples_per_s > 0


def test_live_snapshots_of_a_costly_model_take_a_bounded_share_of_the_run(
    digits_small: Dataset,
) -> None:
    """Live snapshots are asked for every millisecond; each costs 20 ms here (as encoding a
    conv model's codes can): they come less often, within about LIVE_SHARE of the time."""

    class Slow(Recorder):
        def on_weights(self, snapshot) -> None:
            super().on_weights(snapshot)
            time.sleep(0.02)

    rec = Slow()
    config = TrainingConfig(epochs=5, snapshot_interval=0.001, seed=0)
    trainer = Trainer(digits_small, config, rec)
    trainer.set_batch_delay(0.02)  # a run of a second or more: many chances to publish
    t0 = time.perf_counter()
    trainer.run()
    elapsed = time.perf_counter() - t0
    live = len(rec.snapshots) - 5  # the epoch-end snapshots are always sent
    assert live >= 1  # still live, only less often
    assert live * 0.02 <= 2 * LIVE_SHARE * elapsed + 0.02


def test_batch_delay_slows_training(digits_small: Dataset) -> None:
    trainer = Trainer(digits_small, TrainingConfig(epochs=1))
    trainer.set_batch_delay(0.05)
    t0 = time.perf_counter()
    trainer.run()
    assert time.perf_counter() - t0 > 0.05 * 9


def test_greedy_pretraining_trains_stage_by_stage(digits_small: Dataset) -> None:
    rec = Recorder()
    config = TrainingConfig(preset="stacked", epochs=1, greedy=True, pretrain_epochs=2)
    trainer = Trainer(digits_small, config, rec)
    assert trainer.run().reason == "completed"
    assert rec.stages == ["stage1", "stage2", "train"]
    stage1 = [e for e in rec.epochs if e.stage == "stage1"]
    assert len(stage1) == 2 and stage1[1].logs["loss"] < stage1[0].logs["loss"]
    assert rec.epochs[-1].stage == "train"
    assert rec.epochs[-1].logs["val_loss"] < untrained_val_loss("stacked", digits_small)
    assert "stage1:loss" in trainer.history


def test_greedy_refuses_tied_models(digits_small: Dataset) -> None:
    report = Trainer(digits_small, TrainingConfig(preset="tied", greedy=True)).run()
    assert report.reason == "error" and "greedy" in report.message


def test_a_finished_run_continues_the_same_model(digits_small: Dataset) -> None:
    """Start after Done trains more epochs of the same model: numbered on, history kept."""
    starts: list[int] = []

    class Starts(Recorder):
        def on_start(self, ae, config) -> None:
            starts.append(config.epochs)

    rec = Starts()
    trainer = Trainer(digits_small, TrainingConfig(preset="stacked", epochs=2), rec)
    assert trainer.run().reason == "completed"
    ae, steps = trainer.ae, trainer.steps
    weights = [w.copy() for w in ae.model.get_weights()]
    trainer.extend(2)
    report = trainer.run()
    assert report.reason == "completed" and report.epochs_done == 4
    assert trainer.ae is ae and trainer.steps == 2 * steps
    assert [e.epoch for e in rec.epochs] == [1, 2, 3, 4]
    assert {e.epochs for e in rec.epochs[2:]} == {4}
    assert len(trainer.history["loss"]) == 4
    # Trained on from the first run's weights, not from fresh ones.
    assert rec.epochs[2].logs["val_loss"] < rec.epochs[0].logs["val_loss"]
    after = ae.model.get_weights()
    assert any(not np.array_equal(a, b) for a, b in zip(weights, after, strict=True))
    assert starts == [2]  # the listener was told of one model, once
    assert [s.epoch for s in rec.snapshots] == [1, 2, 3, 4]


def test_a_stopped_run_continues_and_a_greedy_run_does_not_pretrain_again(
    digits_small: Dataset,
) -> None:
    rec = Recorder()
    config = TrainingConfig(preset="stacked", epochs=1, greedy=True, pretrain_epochs=1)
    trainer = Trainer(digits_small, config, rec, start_paused=True)
    thread = _run_in_thread(trainer)
    trainer.step(2)
    _wait(lambda: trainer.steps == 2)
    trainer.stop()
    thread.join(10)
    assert rec.finished is not None and rec.finished.reason == "stopped"
    stages = list(rec.stages)
    trainer.extend(1, start_paused=True)
    assert trainer.paused
    trainer.step(3)
    thread = _run_in_thread(trainer)
    _wait(lambda: trainer.paused and trainer.steps >= 5)
    trainer.stop()
    thread.join(10)
    assert stages == ["stage1"] and rec.stages == stages  # no stage runs again
    assert rec.batches[-1].stage == "train" and trainer.steps == 5
    assert rec.finished.reason == "stopped"


def test_extend_refuses_no_epochs(digits_small: Dataset) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        Trainer(digits_small, TrainingConfig(epochs=1)).extend(0)
