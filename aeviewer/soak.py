"""``make soak``: live training for a long time with every view busy, then PASS or FAIL.

The real main window trains (the app's default preset on the bundled digits, 1000 epochs, and
Start again whenever a run ends) while timers act like a lecturer: clicks on the latent view
(real mouse events on the plot's viewport), strokes on the drawing canvas, noise slider moves
and gallery clicks. The latent scatter, loss plot, gallery and denoising strip update live;
the autosave runs as in a lecture (into a temporary folder unless $AEVIEWER_AUTOSAVE_DIR is
set). Every ``--sample`` seconds it records resident memory, threads, ``sys.getrefcount(None)``
and ``sys.getrefcount(True)`` (PySide6 6.12.0 drops references to them and aborts the process:
../shared/design/PITFALLS.md), and the lateness of a GUI heartbeat (a hang shows there).

Display: under ``xvfb-run`` when DISPLAY is unset and xvfb-run exists (a real X server, as on
a lecturer's machine), otherwise ``QT_QPA_PLATFORM=offscreen``; the report says which. When Qt's
xcb plugin cannot load under xvfb-run (missing ``libxcb-*`` libraries), it says which packages
to install and runs offscreen.

    python -m aeviewer.soak [--minutes 30] [--preset vanilla] [--sample 10]

Exit code 0 on PASS, 1 on FAIL.
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from aeviewer.core.memory import rss_mb

CHILD_ENV = "AEVIEWER_SOAK_CHILD"

#: Limits (see ``_report``; what runs measured: docs/reliability.md). Memory: the first seconds
#: of clicks, strokes and gallery clicks after epoch 1 take memory once (the views' decoders,
#: images and caches), up to the warm-up limit. From then on resident memory may grow (codes
#: and losses of every epoch; the time machine's weight snapshots wait on disk) by this much
#: per minute of run, but never less than the floor nor more than the ceiling: a 2-minute run
#: may grow 50 MB, a 30-minute one 240 MB. A leak of 100 MB a minute fails both.
WARMUP_S = 20.0
MAX_WARMUP_GROWTH_MB = 150.0
MAX_RSS_GROWTH_MB_PER_MIN = 8.0
#: A floor well above what 2-minute runs grow after the warm-up, with the C heap trimmed.
RSS_GROWTH_FLOOR_MB = 50.0
MAX_RSS_GROWTH_MB = 250.0
#: ... and over the second half of a run of at least 10 minutes: a leak.
MAX_LATE_RSS_GROWTH_MB = 100.0
MAX_EXTRA_THREADS = 3  # OS threads at the end vs after the first epoch (transient savers)
MAX_REFCOUNT_FALL = 1000  # PySide6 6.12.0 falls by about one per Qt call: millions here
MAX_HEARTBEAT_LATE_S = 3.0  # the GUI never stops answering longer than this
MIN_SAVES_AFTER_S = 120.0  # a run this long has autosaved at least once (every 2 minutes)


def rss_growth_limit(minutes: float) -> float:
    """The resident-memory growth a run of ``minutes`` may show (MB)."""
    return min(MAX_RSS_GROWTH_MB, max(RSS_GROWTH_FLOOR_MB, MAX_RSS_GROWTH_MB_PER_MIN * minutes))


@dataclass
class Sample:
    t: float
    epochs: int
    batches: int
    rss_mb: float
    threads: int
    refs_none: int
    refs_true: int
    late_max_ms: float


@dataclass
class Counters:
    clicks: int = 0
    strokes: int = 0
    noise: int = 0
    gallery: int = 0
    restarts: int = 0
    exceptions: list[str] = field(default_factory=list)


def os_threads() -> int:
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


def display_mode() -> str:
    if os.environ.get(CHILD_ENV) == "xvfb":
        return "Xvfb (xvfb-run)"
    if os.environ.get("QT_QPA_PLATFORM"):
        return f"QT_QPA_PLATFORM={os.environ['QT_QPA_PLATFORM']}"
    return f"DISPLAY={os.environ.get('DISPLAY', '')}"


def _reexec_under_xvfb(argv: Sequence[str]) -> int | None:
    """Run this soak again under xvfb-run when there is no display; None to run here."""
    if os.environ.get(CHILD_ENV) or os.environ.get("DISPLAY") or os.environ.get("QT_QPA_PLATFORM"):
        return None
    xvfb = shutil.which("xvfb-run")
    if xvfb is None:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        return None
    env = {**os.environ, CHILD_ENV: "xvfb"}
    under_x = [xvfb, "-a", "-s", "-screen 0 1920x1080x24", sys.executable]
    # Qt aborts (exit code 134) when its xcb plugin's libraries are missing: try it first.
    probe = subprocess.run(
        [*under_x, "-c", "from PySide6.QtWidgets import QApplication; QApplication([])"],
        env={**env, "QT_QPA_PLATFORM": "xcb"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    if probe.returncode != 0:
        print(xcb_hint(probe.returncode), flush=True)
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        return None
    return subprocess.call([*under_x, "-m", "aeviewer.soak", *argv], env=env)


#: What Qt 6's xcb plugin needs on Debian and Ubuntu (the README's troubleshooting list).
XCB_PACKAGES = (
    "libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 "
    "libxcb-xkb1 libxkbcommon-x11-0 libxcb-shape0 libxcb-randr0 libxcb-xinerama0"
)


def xcb_hint(code: int) -> str:
    """One line: Qt's xcb plugin failed (exit ``code``), the packages to install, and the
    fallback. Names the libraries ``ldd`` finds missing when it can."""
    missing = _missing_xcb_libraries()
    packages = " ".join(sorted({_debian_package(lib) for lib in missing})) or XCB_PACKAGES
    found = f" ({', '.join(missing)} not found)" if missing else ""
    return (
        f"aeviewer soak: Qt's xcb plugin cannot start under xvfb-run (exit code {code}){found}; "
        f"install: sudo apt-get install {packages}. Running offscreen instead."
    )


def _missing_xcb_libraries() -> list[str]:
    try:
        import PySide6

        qt = os.path.join(os.path.dirname(PySide6.__file__), "Qt")
        plugin = os.path.join(qt, "plugins", "platforms", "libqxcb.so")
        libs = [plugin, *sorted(glob.glob(os.path.join(qt, "lib", "libQt6XcbQpa.so*")))[:1]]
        out = subprocess.run(["ldd", *libs], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted({line.split()[0] for line in out.splitlines() if "not found" in line})


def _debian_package(soname: str) -> str:
    """``libxcb-cursor.so.0`` -> ``libxcb-cursor0``; ``libxkbcommon-x11.so.0`` ->
    ``libxkbcommon-x11-0`` (Debian puts a hyphen before a version after a digit)."""
    stem, _, version = soname.partition(".so.")
    version = version.split(".")[0]
    return f"{stem}{'-' if stem[-1:].isdigit() else ''}{version}"


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    p = argparse.ArgumentParser(prog="aeviewer.soak", description=__doc__.splitlines()[0])
    p.add_argument("--minutes", type=float, default=30.0, help="how long to train (default 30)")
    p.add_argument("--preset", default="vanilla", help="model preset (default: the app's)")
    p.add_argument("--sample", type=float, default=10.0, help="seconds between samples")
    args = p.parse_args(argv)
    code = _reexec_under_xvfb(argv)
    if code is not None:
        return code
    from aeviewer.runtime import configure_environment

    configure_environment()
    return run(args.minutes, args.preset, args.sample)


def run(minutes: float, preset: str, sample_s: float) -> int:
    from PySide6.QtWidgets import QApplication

    own_dir = None
    if not os.environ.get("AEVIEWER_AUTOSAVE_DIR"):
        own_dir = tempfile.mkdtemp(prefix="aeviewer-soak-")
        os.environ["AEVIEWER_AUTOSAVE_DIR"] = own_dir
    if not os.environ.get("AEVIEWER_SETTINGS"):
        os.environ["AEVIEWER_SETTINGS"] = os.path.join(own_dir or tempfile.mkdtemp(), "s.ini")
    app = QApplication.instance() or QApplication(["aeviewer-soak"])
    assert isinstance(app, QApplication)
    counters = Counters()
    old_hook = sys.excepthook

    def hook(kind: Any, value: Any, tb: Any) -> None:  # exceptions raised in Qt slots
        counters.exceptions.append(f"{kind.__name__}: {value}")
        old_hook(kind, value, tb)

    sys.excepthook = hook
    try:
        return _soak(minutes, preset, sample_s, counters)
    finally:
        sys.excepthook = old_hook
        if own_dir:
            shutil.rmtree(own_dir, ignore_errors=True)


def _soak(minutes: float, preset: str, sample_s: float, counters: Counters) -> int:
    import numpy as np
    from PySide6.QtCore import QPointF, Qt, QTimer
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    from aeviewer.core.datasets import load_dataset
    from aeviewer.gui.main_window import MainWindow

    ds = load_dataset("digits")
    window = MainWindow(ds, restore=False)
    window.data.load_selected = lambda s: ds  # type: ignore[method-assign]
    window.resize(1600, 1000)
    window.show()
    _wait(lambda: window.run.tf_ready, 180)
    epochs_seen: list[int] = []
    window.live.epoch_shown.connect(epochs_seen.append)
    rng = np.random.default_rng(0)
    left = Qt.MouseButton.LeftButton

    def mouse(kind: QMouseEvent.Type, pos: QPointF, buttons: Qt.MouseButton) -> QMouseEvent:
        button = Qt.MouseButton.NoButton if kind == QMouseEvent.Type.MouseMove else left
        return QMouseEvent(kind, pos, pos, button, buttons, Qt.KeyboardModifier.NoModifier)

    def start() -> None:
        window.controls.set_settings(preset=preset, epochs=1000)
        window.run.start()

    def click_latent() -> None:
        plot = window.latent_view.plot_widget
        vb = plot.getPlotItem().vb
        (x0, x1), (y0, y1) = vb.viewRange()
        x, y = x0 + (x1 - x0) * rng.uniform(0.2, 0.8), y0 + (y1 - y0) * rng.uniform(0.2, 0.8)
        pos = QPointF(plot.mapFromScene(vb.mapViewToScene(QPointF(x, y))))
        port = plot.viewport()
        QApplication.sendEvent(port, mouse(QMouseEvent.Type.MouseButtonPress, pos, left))
        QApplication.sendEvent(
            port, mouse(QMouseEvent.Type.MouseButtonRelease, pos, Qt.MouseButton.NoButton)
        )
        counters.clicks += 1

    pen: dict[str, Any] = {"pos": None, "n": 0}

    def stroke() -> None:
        canvas = window.canvas_panel.canvas
        rect = canvas.canvas_rect()
        if pen["pos"] is None or pen["n"] % 30 == 0:
            if pen["pos"] is not None:
                canvas.clear()
            pen["pos"] = QPointF(rect.center())
            canvas_press = mouse(QMouseEvent.Type.MouseButtonPress, pen["pos"], left)
            QApplication.sendEvent(canvas, canvas_press)
        p: QPointF = pen["pos"]
        a = rng.uniform(0, 2 * np.pi)
        x = min(max(p.x() + 10 * np.cos(a), rect.left() + 20), rect.right() - 20)
        y = min(max(p.y() + 10 * np.sin(a), rect.top() + 20), rect.bottom() - 20)
        pen["pos"] = QPointF(x, y)
        QApplication.sendEvent(canvas, mouse(QMouseEvent.Type.MouseMove, pen["pos"], left))
        pen["n"] += 1
        if pen["n"] % 30 == 29:
            QApplication.sendEvent(
                canvas,
                mouse(QMouseEvent.Type.MouseButtonRelease, pen["pos"], Qt.MouseButton.NoButton),
            )
        counters.strokes += 1

    def noise() -> None:
        g, m, s = rng.uniform(0, 0.6), rng.choice([0.0, rng.uniform(0, 0.5)]), 0.0
        window.noise_panel.set_noise(float(g), float(m), s)
        counters.noise += 1

    def gallery() -> None:
        if window.gallery.pair_count():
            window.gallery.sample_clicked.emit(int(rng.integers(0, window.gallery.pair_count())))
            counters.gallery += 1

    def keep_training() -> None:
        if window.run.state in ("finished", "idle"):  # a lecturer presses Start again
            start()
            counters.restarts += 1

    beat = {"last": time.monotonic(), "late": 0.0}

    def heartbeat() -> None:
        now = time.monotonic()
        beat["late"] = max(beat["late"], now - beat["last"] - 0.05)
        beat["last"] = now

    timers = []
    for ms, fn in (
        (1500, click_latent),
        (150, stroke),
        (5000, noise),
        (7000, gallery),
        (1000, keep_training),
        (50, heartbeat),
    ):
        t = QTimer()
        t.setInterval(ms)
        t.timeout.connect(fn)
        timers.append(t)

    print(
        f"aeviewer soak: {preset} on {ds.name} ({ds.n_train:,} train / {ds.n_val:,} validation), "
        f"{minutes:g} min, display: {display_mode()}, PySide6 {_pyside_version()}",
        flush=True,
    )
    start()
    _wait(lambda: len(epochs_seen) >= 1, 300)
    for t in timers:
        t.start()
    samples: list[Sample] = []

    def take(t0: float) -> None:
        samples.append(
            Sample(
                time.monotonic() - t0,
                len(epochs_seen),
                window.loss_plot.batch_count(),
                rss_mb(),
                os_threads(),
                sys.getrefcount(None),
                sys.getrefcount(True),
                1000 * beat["late"],
            )
        )
        beat["late"] = 0.0
        s = samples[-1]
        print(
            f"{s.t / 60:7.1f} {s.epochs:7d} {s.rss_mb:8.0f} {s.threads:8d} {s.refs_none:11d} "
            f"{s.refs_true:11d} {s.late_max_ms:9.0f} {counters.clicks:7d} {counters.strokes:8d} "
            f"{window.sessions.autosaver.saves:6d}",
            flush=True,
        )

    print(
        " minute  epochs   RSS MB  threads   refs(None)  refs(True)  late ms  clicks  strokes"
        "  saves",
        flush=True,
    )
    t0 = time.monotonic()
    beat["last"] = t0
    take(t0)
    end = t0 + 60 * minutes
    while time.monotonic() < end:
        _wait(lambda: False, min(sample_s, max(0.05, end - time.monotonic())), quiet=True)
        take(t0)
    for t in timers:
        t.stop()
    # The end: once a save being written is done (its buffers are transient), training on.
    _wait(window.sessions.autosaver.idle, 60, quiet=True)
    take(t0)
    saves = (window.sessions.autosaver.saves, window.sessions.autosaver.failures)
    batches_before_stop = window.run.trainer.steps if window.run.trainer else 0
    t_close = time.monotonic()
    window.close()
    close_s = time.monotonic() - t_close
    stopped = not window.training_thread().isRunning()
    window.deleteLater()
    QApplication.processEvents()
    ok = _report(samples, counters, close_s, stopped, batches_before_stop, minutes, saves)
    print("PASS" if ok else "FAIL", flush=True)
    return 0 if ok else 1


def _report(
    samples: list[Sample],
    c: Counters,
    close_s: float,
    stopped: bool,
    steps: int,
    minutes: float,
    saves: tuple[int, int],
) -> bool:
    first, last = samples[0], samples[-1]
    warm = next((s for s in samples if s.t >= WARMUP_S), first)
    # The last sample, taken with no autosave being written: not the least of the last few,
    # which let a leak grow unseen for as long as they span.
    end_rss = last.rss_mb
    peak = max(s.rss_mb for s in samples)
    warmup = warm.rss_mb - first.rss_mb
    growth = end_rss - warm.rss_mb
    growth_limit = rss_growth_limit(minutes)
    written, failed = saves
    needs_save = 60 * minutes >= MIN_SAVES_AFTER_S
    extra_threads = last.threads - first.threads
    fall_none = first.refs_none - min(s.refs_none for s in samples)
    fall_true = first.refs_true - min(s.refs_true for s in samples)
    late = max(s.late_max_ms for s in samples) / 1000
    half = len(samples) // 2
    mid_rss = min(s.rss_mb for s in samples[half : half + 6])
    long_run = last.t >= 600
    late_growth = end_rss - mid_rss
    recent = samples[-min(len(samples), 4)]
    progressing = last.epochs > recent.epochs or last.batches > recent.batches
    rows = [
        (
            f"RSS warm-up (epoch 1 + {warm.t:.0f} s)",
            f"{warmup:+.0f} MB ({first.rss_mb:.0f} -> {warm.rss_mb:.0f})",
            f"<= {MAX_WARMUP_GROWTH_MB:.0f} MB",
            warmup <= MAX_WARMUP_GROWTH_MB,
        ),
        (
            "RSS growth after the warm-up",
            f"{growth:+.0f} MB ({warm.rss_mb:.0f} -> {end_rss:.0f}, peak {peak:.0f})",
            f"<= {growth_limit:.0f} MB",
            growth <= growth_limit,
        ),
        (
            "RSS growth over the 2nd half",
            f"{late_growth:+.0f} MB" if long_run else "n/a (run < 10 min)",
            f"<= {MAX_LATE_RSS_GROWTH_MB:.0f} MB",
            not long_run or late_growth <= MAX_LATE_RSS_GROWTH_MB,
        ),
        (
            "OS threads (end - start)",
            f"{extra_threads:+d} ({first.threads} -> {last.threads})",
            f"<= {MAX_EXTRA_THREADS}",
            extra_threads <= MAX_EXTRA_THREADS,
        ),
        (
            "sys.getrefcount(None) fall",
            f"{fall_none} ({first.refs_none} -> {last.refs_none})",
            f"<= {MAX_REFCOUNT_FALL}",
            fall_none <= MAX_REFCOUNT_FALL,
        ),
        (
            "sys.getrefcount(True) fall",
            f"{fall_true} ({first.refs_true} -> {last.refs_true})",
            f"<= {MAX_REFCOUNT_FALL}",
            fall_true <= MAX_REFCOUNT_FALL,
        ),
        (
            "GUI heartbeat, worst lateness",
            f"{1000 * late:.0f} ms",
            f"<= {1000 * MAX_HEARTBEAT_LATE_S:.0f} ms",
            late <= MAX_HEARTBEAT_LATE_S,
        ),
        ("exceptions in Qt slots", str(len(c.exceptions)), "0", not c.exceptions),
        (
            "autosaves written (failed)",
            f"{written} ({failed})",
            ">= 1 (0)" if needs_save else "(0)",
            failed == 0 and (written >= 1 or not needs_save),
        ),
        ("still training at the end", f"{last.epochs} epochs, {steps} batches", "yes", progressing),
        ("close() with training on", f"{close_s:.2f} s", "<= 2 s", close_s <= 2.0 and stopped),
    ]
    print()
    print(f"{'check':32} {'value':44} {'limit':12} result")
    for name, value, limit, ok in rows:
        print(f"{name:32} {value:44} {limit:12} {'ok' if ok else 'FAIL'}")
    print(
        f"activity: {c.clicks} latent clicks, {c.strokes} canvas moves, {c.noise} noise changes, "
        f"{c.gallery} gallery clicks, {c.restarts} restarts"
    )
    for text in c.exceptions[:5]:
        print(f"exception: {text}")
    return all(ok for *_, ok in rows)


def _wait(done: Any, timeout_s: float, quiet: bool = False) -> None:
    """Run the event loop until ``done()`` or ``timeout_s``; TimeoutError unless ``quiet``."""
    from PySide6.QtCore import QEventLoop, QTimer

    deadline = time.monotonic() + timeout_s
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(20)

    def check() -> None:
        if done() or time.monotonic() > deadline:
            loop.quit()

    timer.timeout.connect(check)
    timer.start()
    if not done():
        loop.exec()
    timer.stop()
    if not quiet and not done():
        raise TimeoutError(f"timed out after {timeout_s:g} s")


def _pyside_version() -> str:
    import PySide6

    return str(PySide6.__version__)


if __name__ == "__main__":
    sys.exit(main())
