"""Long runs: the time machine's weight snapshots stay within their budget, on disk."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from bad_inputs import tiny_history

from aeviewer.core.history import snapshot_nbytes


def test_snapshots_are_thinned_evenly_within_the_budget() -> None:
    h = tiny_history(epochs=1)
    snap = h.records[0].snapshot
    assert snap is not None
    per = snapshot_nbytes(snap)
    for e in range(2, 1001):  # a 1000-epoch run
        h.add_epoch(e, float(e), {"loss": 0.1})
        h.set_codes(e, np.zeros((50, 2)), np.arange(50))
        h.records[-1].snapshot = snap
        h.thin_snapshots(max_bytes=64 * per)
    kept = [r.epoch for r in h.records if r.snapshot is not None]
    assert 32 <= len(kept) <= 64
    assert kept[0] == 1 and kept[-1] == 1000
    gaps = np.diff(kept)
    assert gaps.max() <= 4 * np.median(gaps)  # spread over the run, not all at one end
    assert all(r.codes is not None for r in h.records)  # codes and losses stay for every epoch


def test_scrubbing_to_a_thinned_epoch_uses_the_nearest_earlier_snapshot() -> None:
    h = tiny_history(epochs=5)
    h.records[1].snapshot = h.records[2].snapshot = None  # epochs 2 and 3
    assert h.snapshot_at(3) is h.records[0].snapshot
    assert h.snapshot_at(4) is h.records[3].snapshot
    h.records[0].snapshot = None
    assert h.snapshot_at(1) is h.records[3].snapshot  # none earlier: the nearest later


def test_all_but_the_latest_snapshot_wait_on_disk_and_decode_the_same(tmp_path: Path) -> None:
    from aeviewer.core import spill
    from aeviewer.core.session import load_session, save_session

    h = tiny_history(epochs=4)
    x = np.random.default_rng(1).random((3, 28, 28)).astype(np.float32)
    before = [r.snapshot.reconstruct(x) for r in h.records]
    assert h.spill_snapshots() == 3 and h.spill_snapshots() == 0
    snaps = [r.snapshot for r in h.records]
    assert all(s is not None for s in snaps)
    assert [spill.is_spilled(s) for s in snaps] == [True, True, True, False]
    for s in snaps[:3]:
        assert all(
            isinstance(w, np.memmap)
            for m in (s.encoder, s.decoder)
            for op in m.ops
            for w in op.weights
        )
    files = sorted(p.name for p in Path(h._spill_dir.name).iterdir())
    assert len(files) == 3
    for snap, want in zip(snaps, before, strict=True):
        np.testing.assert_array_equal(snap.reconstruct(x), want)
    h.release_pages()  # pages go back; the weights read again from the files
    np.testing.assert_array_equal(snaps[0].reconstruct(x), before[0])
    # A session saved from spilled snapshots holds the same weights.
    loaded, _ = load_session(save_session(tmp_path / "s.aevsession", h))
    for rec, want in zip(loaded.records, before, strict=True):
        np.testing.assert_allclose(rec.snapshot.reconstruct(x), want, rtol=1e-6)
    # Thinning removes the files of the snapshots it drops.
    h.records[1].snapshot = snaps[1]
    h.thin_snapshots(max_bytes=1)  # keeps 3: every other epoch and the latest
    assert len(list(Path(h._spill_dir.name).iterdir())) < 3


def test_codes_are_thinned_evenly_within_their_budget() -> None:
    from aeviewer.core.history import RunHistory

    h = RunHistory()
    codes = np.zeros((10_000, 30), np.float32)  # MNIST's whole validation set, 30-D: 1.2 MB
    budget = 40 * codes.nbytes
    for e in range(1, 301):
        h.add_epoch(e, float(e), {"loss": 0.1})
        h.set_codes(e, codes + e, np.arange(10_000))
        h.thin_codes(max_bytes=budget)
    kept = [r.epoch for r in h.records if r.codes is not None]
    assert 20 <= len(kept) <= 40
    assert sum(r.codes.nbytes for r in h.records if r.codes is not None) <= budget
    assert kept[0] == 1 and kept[-1] == 300
    gaps = np.diff(kept)
    assert gaps.max() <= 4 * np.median(gaps)
    # A thinned epoch shows the nearest earlier epoch that kept its codes.
    thinned = next(e for e in range(1, 301) if e not in kept)
    epoch, c = h.codes_at(thinned)  # type: ignore[misc]
    assert epoch == max(k for k in kept if k <= thinned)
    assert float(c[0, 0]) == epoch
    assert h.codes_at(300)[0] == 300  # type: ignore[index]


def test_default_budget_holds_a_long_run_of_full_validation_codes() -> None:
    from aeviewer.core.history import MAX_CODES_BYTES, RunHistory

    h = RunHistory()
    for e in range(1, 1001):  # set_codes thins to the default budget by itself
        h.add_epoch(e, float(e), {"loss": 0.1})
        h.set_codes(e, np.zeros((10_000, 30), np.float32), np.arange(10_000))
    held = sum(r.codes.nbytes for r in h.records if r.codes is not None)
    assert held <= MAX_CODES_BYTES
    assert h.records[-1].codes is not None
