"""The full-size rows' plumbing: generated data sets, the epoch-end probe, step-timed speed.

Tiny sets and short runs; no timed assertions (rates are only checked to be rates)."""

from __future__ import annotations

import math
import re
from types import SimpleNamespace

import numpy as np
import pytest

from aeviewer.bench import fullsize, qt, speed_full
from aeviewer.bench.data import BenchData
from aeviewer.bench.epoch_work import PIECES, EpochWork
from aeviewer.bench.live_full import _set_epoch_view, growth_ends
from aeviewer.bench.report import TARGETS, Results


def test_the_new_rows_have_their_targets() -> None:
    targets = {t.key: (t.limit, t.better) for t in TARGETS}
    assert targets["train_speedup_mnist60k"] == (1.3, "higher")
    assert targets["train_speedup_cifar_conv"] == (1.1, "higher")
    assert targets["rss_growth_mb_60k"] == (50.0, "lower")
    assert targets["epoch_view_ms_60k"] == (60.0, "lower")


def test_the_mnist_shaped_set_is_full_size_real_digits() -> None:
    data = fullsize.mnist_bench_data()
    ds = data.dataset
    assert ds.x_train.shape == (60_000, 28, 28) and ds.x_val.shape == (10_000, 28, 28)
    assert ds.is_image and ds.x_train.dtype == np.float32
    assert not ds.x_train.flags.writeable and not ds.x_val.flags.writeable
    assert ds.x_train.min() >= 0.0 and ds.x_train.max() <= 1.0
    assert ds.y_train is not None and ds.y_val is not None
    assert set(np.unique(ds.y_train)) == set(range(10)) and len(ds.class_names) == 10
    assert fullsize.mnist_bench_data() is data  # built once, shared by two groups
    # Real strokes: about MNIST's share of ink, not noise.
    assert 0.05 < float((ds.x_val > 0.5).mean()) < 0.25


def test_shifted_copies_move_each_image_by_at_most_two_pixels() -> None:
    images = np.zeros((3, 12, 12), np.float32)
    for k in range(3):
        images[k, 6, 4 + k] = 1.0  # one lit pixel, a different column per image
    out, src = fullsize.shifted(images, 50, np.random.default_rng(0))
    assert out.shape == (50, 12, 12) and sorted(set(src)) == [0, 1, 2]
    for img, k in zip(out, src, strict=True):
        (y,), (x,) = np.nonzero(img)
        assert abs(y - 6) <= fullsize.MAX_SHIFT and abs(x - (4 + k)) <= fullsize.MAX_SHIFT
    assert len({tuple(np.argwhere(img)[0]) for img in out}) > 5  # the shifts vary


def test_the_cifar_shaped_set_is_smooth_colour_and_fixed_by_its_seed() -> None:
    ds = fullsize.cifar_shaped(300, 100)
    assert ds.x_train.shape == (300, 32, 32, 3) and ds.x_val.shape == (100, 32, 32, 3)
    assert ds.is_image and ds.x_train.dtype == np.float32 and not ds.x_train.flags.writeable
    assert ds.x_train.min() >= 0.0 and ds.x_train.max() <= 1.0
    assert np.array_equal(fullsize.cifar_shaped(300, 100).x_val, ds.x_val)
    x = ds.x_train
    neighbours = np.abs(np.diff(x, axis=2)).mean()
    strangers = np.abs(x - np.roll(x, 1, axis=0)).mean()
    assert neighbours < strangers / 3  # smooth images, not per-pixel noise
    assert np.abs(x[..., 0] - x[..., 1]).mean() > 0.05  # colour, not grey in three channels
    assert fullsize.CIFAR_SHAPED == (50_000, 10_000) and fullsize.CIFAR_SIDE == 32


def test_memory_growth_ends_are_a_quarter_of_a_short_run_and_a_minute_of_a_long_one() -> None:
    first, last = growth_ends([float(v) for v in range(121)])
    assert first == [float(v) for v in range(1, 31)] and last == [float(v) for v in range(91, 121)]
    first, last = growth_ends([float(v) for v in range(301)])
    assert len(first) == len(last) == 60 and first[0] == 1.0 and last[-1] == 300.0
    assert growth_ends([5.0, 6.0]) == ([6.0], [5.0, 6.0])


def test_epoch_view_times_each_epoch_end_of_a_real_window(tiny) -> None:
    window = qt.open_window(tiny)
    work = EpochWork(window).install()
    shown: list[int] = []
    window.live.epoch_shown.connect(shown.append)
    try:
        qt.start_training(window, "stacked", epochs=3)
        # Epochs of a few batches could outrun the views (the window then skips an epoch's).
        window.run.set_speed(0.1)
        qt.wait_until(lambda: window.run.state == "finished", 120, what="3 epochs")
    finally:
        work.remove()
        qt.close_window(window)
    assert work.missing == [] and shown == [1, 2, 3]
    assert sorted(work.totals()) == [2, 3]  # epoch 1's end is left out
    for epoch in (2, 3):
        pieces = work.ms[epoch]
        for label in ("loss plot", "scatter", "time-machine record", "gallery pairs"):
            assert pieces[label] > 0, (epoch, label)
    assert "show_report" not in vars(window.latent)  # the window has its own methods back
    results = Results()
    _set_epoch_view(results, work, shown, 60, "stacked on digits")
    row = results.rows["epoch_view_ms_60k"]
    assert row.value is not None and row.value > 0 and not row.failed
    assert "2 epochs after the first" in row.note and "drawing 60 codes" in row.note


def test_epoch_view_fails_when_the_window_lacks_a_piece() -> None:
    window = SimpleNamespace(latent=SimpleNamespace(show_report=lambda *a: None))
    work = EpochWork(window).install()  # type: ignore[arg-type]
    work.remove()
    assert len(work.missing) == len(PIECES) - 1 and "time_machine.record_snapshot" in work.missing
    results = Results()
    _set_epoch_view(results, work, [], 0, "nowhere")
    assert results.status("epoch_view_ms_60k") == "FAIL"
    assert "the window has no" in results.rows["epoch_view_ms_60k"].note
    own = window.latent.show_report
    work = EpochWork(window).install()  # type: ignore[arg-type]
    assert window.latent.show_report is not own
    work.remove()
    assert window.latent.show_report is own  # an attribute of the object itself is put back


def test_cifar_row_times_the_same_steps_in_the_window_and_in_fit() -> None:
    data = BenchData(fullsize.cifar_shaped(256, 64, side=16), "tiny colour")
    results = Results()
    speed_full.run_cifar_conv(data, results, speed_full.FullSpeedSettings(2, 1, warm=1, steps=3))
    row = results.rows["train_speedup_cifar_conv"]
    assert row.value is not None and math.isfinite(row.value) and row.value > 0, row.note
    assert "steps 2-4 of 4 in the first epoch" in row.note and "batch 64" in row.note
    assert re.search(r"medians of [\d,]+/[\d,]+ and [\d,]+/[\d,]+\)", row.note)  # 2 rounds


def test_cifar_row_says_why_it_is_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    from aeviewer.core.models import OptionsError

    def refuse(*args: object, **kwargs: object) -> None:
        raise OptionsError("conv: images must be grey")

    monkeypatch.setattr("aeviewer.core.models.build_autoencoder", refuse)
    data = BenchData(fullsize.cifar_shaped(64, 16, side=16), "tiny colour")
    results = Results()
    speed_full.run_cifar_conv(data, results, speed_full.FullSpeedSettings())
    row = results.rows["train_speedup_cifar_conv"]
    assert row.value is None and results.status("train_speedup_cifar_conv") == "skip"
    assert "cannot take 16x16x3 images yet" in row.note and "must be grey" in row.note


def test_steps_that_do_not_fit_in_an_epoch_are_refused() -> None:
    data = BenchData(fullsize.cifar_shaped(128, 16, side=16), "tiny colour")
    with pytest.raises(ValueError, match="do not fit in an epoch of 2"):
        speed_full.run_cifar_conv(data, Results(), speed_full.FullSpeedSettings(warm=1, steps=5))
