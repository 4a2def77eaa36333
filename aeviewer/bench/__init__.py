"""``aeviewer bench``: the benchmark suite (``make bench``).

Every figure is measured in one run, as a ratio or a latency against a baseline taken in the
same process, then printed as a table (key | value | target | result | note) and optionally
written as JSON with exactly the keys of :data:`aeviewer.bench.report.KEYS`. Missing a target
is reported, not an error: the exit code is 0 unless the command line is wrong.

Groups, in the order they run: ``startup`` (fresh processes), ``scatter`` (the latent view
alone), ``live`` (a real main window training: GUI latencies), ``notebook`` (the same click
and stroke latencies with a notebook's own dense and conv autoencoders opened and
fine-tuning), ``live_full`` (a real main window training on a 60,000-sample set for minutes:
memory and epoch-end work), ``speed`` (the app's training path against ``model.fit``),
``speed_full`` (the same on full-size sets), ``quality`` (preset defaults against the course's
recipes). The full-size sets are generated in the run (``fullsize.py``). Nothing here imports
Qt or TensorFlow at module level: the CLI imports this module.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from aeviewer.bench.report import KEYS, CpuMonitor, Results

GROUPS = ("startup", "scatter", "live", "notebook", "live_full", "speed", "speed_full", "quality")
GROUP_KEYS = {
    "startup": ("startup_window_s", "startup_ready_s"),
    "scatter": ("scatter_10k_ms", "scatter_60k_ms"),
    "live": ("ui_late_p99_ms", "ui_late_max_ms", "decode_p95_ms", "canvas_p95_ms"),
    "notebook": tuple(k for k in KEYS if "_notebook_" in k),
    "live_full": ("rss_growth_mb", "rss_growth_mb_60k", "epoch_view_ms_60k"),
    "speed": ("train_speedup_stacked", "train_speedup_vae"),
    "speed_full": ("train_speedup_mnist60k", "train_speedup_cifar_conv"),
    "quality": tuple(k for k in KEYS if k.startswith("quality_")),
}


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="aeviewer bench",
        description="Benchmark training speed, GUI latency, start-up, quality and memory.",
    )
    p.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    p.add_argument(
        "--long",
        action="store_true",
        help="rss_growth_mb over 10 minutes (default 2; rss_growth_mb_60k stays 5), and the "
        "full-size speed rows over more epochs and steps",
    )
    p.add_argument(
        "--quick", action="store_true", help="tiny data and short runs: checks the plumbing"
    )
    p.add_argument(
        "--mnist",
        metavar="PATH",
        help="folder of MNIST's t10k IDX files (default: the copy bundled with aeviewer)",
    )
    p.add_argument(
        "--only",
        metavar="GROUPS",
        help=f"comma-separated groups to run: {', '.join(GROUPS)} (default: all)",
    )
    p.add_argument(
        "--quality-epochs", type=int, default=10, metavar="E", help="epochs of each quality run"
    )
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the suite; returns the exit code (0 even when targets are missed)."""
    args = parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    groups = _groups(args.only)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    if "AEVIEWER_SETTINGS" not in os.environ:  # never touch the user's window layout
        tmp = tempfile.mkdtemp(prefix="aeviewer-bench-")
        os.environ["AEVIEWER_SETTINGS"] = str(Path(tmp) / "settings.ini")

    from aeviewer.bench.data import find_mnist

    mnist = find_mnist(args.mnist)
    results = Results()
    for key in KEYS:
        if not any(key in GROUP_KEYS[g] for g in groups):
            results.skip(key, "not run (--only)")
    t_all = time.monotonic()
    busy: dict[str, float] = {}
    for group in groups:
        _log(f"{group}…")
        t = time.monotonic()
        cpu = CpuMonitor()
        try:
            _RUNNERS[group](results, args, mnist)
        except Exception as exc:
            traceback.print_exc(file=sys.stderr)
            for key in GROUP_KEYS[group]:
                row = results.rows[key]
                if row.value is None and not row.failed:
                    results.skip(key, f"error: {type(exc).__name__}: {exc}")
        busy[group] = cpu.other_cores()
        _log(
            f"{group} done in {time.monotonic() - t:.0f} s "
            f"(other processes used {busy[group]:.2f} of {os.cpu_count()} cores)"
        )
    print(results.table())
    minutes = (time.monotonic() - t_all) / 60
    mode = " (--quick: plumbing only, not the figures)" if args.quick else ""
    print(f"\nbench: {results.summary()}; {minutes:.1f} min{mode}")
    from aeviewer.runtime import training_device

    if training_device():  # the groups that trained loaded TensorFlow
        print(f"bench: trained on {training_device()}")
    if busy:
        worst = max(busy, key=lambda g: busy[g])
        verdict = "quiet" if busy[worst] < 0.15 else "BUSY: figures are skewed, run again"
        print(
            f"bench: machine {verdict}: other processes used up to {busy[worst]:.2f} of "
            f"{os.cpu_count()} cores ({worst}); "
            + ", ".join(f"{g} {v:.2f}" for g, v in busy.items())
        )
    if args.json:
        results.write_json(args.json)
        print(f"bench: wrote {args.json}")
    return 0


def _groups(only: str | None) -> list[str]:
    if not only:
        return list(GROUPS)
    chosen = [g.strip() for g in only.split(",") if g.strip()]
    unknown = [g for g in chosen if g not in GROUPS]
    if unknown:
        raise SystemExit(
            f"aeviewer bench: error: unknown group(s) {', '.join(unknown)}; "
            f"choose from {', '.join(GROUPS)}"
        )
    return [g for g in GROUPS if g in chosen]


def _log(text: str) -> None:
    print(f"bench: {text}", file=sys.stderr, flush=True)


def _data(args: argparse.Namespace, mnist: Path | None) -> object:
    from aeviewer.bench.data import load_bench_data

    return load_bench_data(mnist, max_train=1000 if args.quick else None)


def _tensorflow() -> None:
    from aeviewer.runtime import configure_tensorflow

    configure_tensorflow()  # quality trains on this thread


def _run_startup(results: Results, args: argparse.Namespace, mnist: Path | None) -> None:
    from aeviewer.bench import startup

    startup.run(results, launches=1 if args.quick else 3)


def _run_scatter(results: Results, args: argparse.Namespace, mnist: Path | None) -> None:
    from aeviewer.bench import scatter

    scatter.run(results, repeats=3 if args.quick else 15)


def _run_live(results: Results, args: argparse.Namespace, mnist: Path | None) -> None:
    # No TensorFlow import here: the window's training thread loads it, as in the app (its
    # threads then run at the training thread's priority).
    from aeviewer.bench import live

    s = live.LiveSettings()
    if args.quick:
        s = live.LiveSettings(lateness_s=2.0, clicks=15, moves=20)
    live.run(_data(args, mnist), results, s)  # type: ignore[arg-type]


def _run_notebook(results: Results, args: argparse.Namespace, mnist: Path | None) -> None:
    from aeviewer.bench import live, notebook

    s = notebook.NotebookSettings()
    if args.quick:
        s = notebook.NotebookSettings(user=live.LiveSettings(clicks=10, moves=20))
    notebook.run(_data(args, mnist), results, s)  # type: ignore[arg-type]


def _run_live_full(results: Results, args: argparse.Namespace, mnist: Path | None) -> None:
    from aeviewer.bench import fullsize, live, live_full

    s = live_full.FullLiveSettings(memory_s=600.0 if args.long else 120.0)
    if args.quick:
        user = live.LiveSettings(clicks=10, moves=20)
        s = live_full.FullLiveSettings(memory_s=6.0, full_s=10.0, user=user)
    live_full.run(fullsize.mnist_bench_data(args.quick), results, s)


def _run_speed(results: Results, args: argparse.Namespace, mnist: Path | None) -> None:
    from aeviewer.bench import speed

    s = speed.SpeedSettings(epochs=1, rounds=1) if args.quick else speed.SpeedSettings()
    speed.run(_data(args, mnist), results, s)  # type: ignore[arg-type]


def _run_speed_full(results: Results, args: argparse.Namespace, mnist: Path | None) -> None:
    from aeviewer.bench import fullsize, speed_full

    s = speed_full.FullSpeedSettings()
    if args.long:  # nearly the whole first epoch of the conv row
        s = speed_full.FullSpeedSettings(epochs=3, warm=30, steps=700)
    if args.quick:
        s = speed_full.FullSpeedSettings(rounds=1, epochs=1, warm=2, steps=8)
    speed_full.run_mnist60k(fullsize.mnist_bench_data(args.quick), results, s)
    speed_full.run_cifar_conv(fullsize.cifar_bench_data(args.quick), results, s)


def _run_quality(results: Results, args: argparse.Namespace, mnist: Path | None) -> None:
    _tensorflow()  # on the MNIST files given with --mnist, else the bundled test set
    from aeviewer.bench import quality

    quality.run(_data(args, mnist), results, 1 if args.quick else args.quality_epochs)  # type: ignore[arg-type]


_RUNNERS: dict[str, Callable[[Results, argparse.Namespace, Path | None], None]] = {
    "startup": _run_startup,
    "scatter": _run_scatter,
    "live": _run_live,
    "notebook": _run_notebook,
    "live_full": _run_live_full,
    "speed": _run_speed,
    "speed_full": _run_speed_full,
    "quality": _run_quality,
}
