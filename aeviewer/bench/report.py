"""The figures of ``aeviewer bench``: their targets, the table and the JSON (no Qt, no TF)."""

from __future__ import annotations

import json
import math
import os
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Target:
    """A figure's limit: ``value <= limit`` (``lower``) or ``value >= limit`` (``higher``)."""

    key: str
    limit: float
    better: str  # "lower" | "higher"
    unit: str = ""
    aim: float | None = None

    def passes(self, value: float) -> bool:
        return value <= self.limit if self.better == "lower" else value >= self.limit

    def text(self) -> str:
        op = "<=" if self.better == "lower" else ">="
        aim = f" (aim {self.aim:g})" if self.aim is not None else ""
        return f"{op} {self.limit:g}{self.unit}{aim}"


CLICK_MS = 5.0  # a click on the latent view to its decoded image, p95
STROKE_MS = 10.0  # a pen move on the canvas to its reconstruction painted, p95

TARGETS: tuple[Target, ...] = (
    Target("train_speedup_stacked", 1.3, "higher", "x", aim=1.5),
    Target("train_speedup_vae", 1.3, "higher", "x", aim=1.5),
    Target("decode_p95_ms", CLICK_MS, "lower", " ms"),
    Target("canvas_p95_ms", STROKE_MS, "lower", " ms"),
    Target("decode_p95_ms_notebook_dense", CLICK_MS, "lower", " ms"),
    Target("canvas_p95_ms_notebook_dense", STROKE_MS, "lower", " ms"),
    Target("decode_p95_ms_notebook_conv", CLICK_MS, "lower", " ms"),
    Target("canvas_p95_ms_notebook_conv", STROKE_MS, "lower", " ms"),
    Target("ui_late_p99_ms", 20.0, "lower", " ms"),
    Target("ui_late_max_ms", 60.0, "lower", " ms"),
    Target("scatter_10k_ms", 10.0, "lower", " ms"),
    Target("scatter_60k_ms", 60.0, "lower", " ms"),
    Target("startup_window_s", 1.0, "lower", " s"),
    Target("startup_ready_s", 5.0, "lower", " s"),
    Target("quality_stacked", 1.0, "lower", "", aim=0.9),
    Target("quality_denoising", 1.0, "lower", "", aim=0.9),
    Target("quality_vae", 1.0, "lower", "", aim=0.9),
    Target("quality_vanilla", 1.0, "lower", "", aim=0.9),
    Target("rss_growth_mb", 50.0, "lower", " MB"),
    Target("train_speedup_mnist60k", 1.3, "higher", "x"),
    Target("train_speedup_cifar_conv", 1.1, "higher", "x"),
    Target("rss_growth_mb_60k", 50.0, "lower", " MB"),
    Target("epoch_view_ms_60k", 60.0, "lower", " ms"),
)

#: The JSON's keys, exactly.
KEYS: tuple[str, ...] = tuple(t.key for t in TARGETS)


@dataclass
class Row:
    value: float | None = None
    note: str = "not run"
    #: The measurement itself went wrong (an event that never showed its image): the row
    #: fails whatever its value, which summarises only the events that worked.
    failed: bool = False


class Results:
    """One value (or none, with the reason) and one note per key of :data:`KEYS`."""

    def __init__(self) -> None:
        self.rows: dict[str, Row] = {k: Row() for k in KEYS}

    def set(self, key: str, value: float | None, note: str = "", failed: bool = False) -> None:
        """Record ``key``; ``failed`` marks it FAIL whatever ``value`` is (a non-finite value
        is stored as none)."""
        if key not in self.rows:
            raise KeyError(f"unknown benchmark key {key!r}")
        ok = value is not None and math.isfinite(value)
        self.rows[key] = Row(float(value) if ok and value is not None else None, note, failed)

    def skip(self, key: str, reason: str) -> None:
        self.set(key, None, reason)

    def status(self, key: str) -> str:
        row = self.rows[key]
        if row.failed:
            return "FAIL"
        if row.value is None:
            return "skip"
        target = next(t for t in TARGETS if t.key == key)
        return "pass" if target.passes(row.value) else "FAIL"

    def as_json(self) -> dict[str, float | None]:
        """``{key: value}`` for exactly :data:`KEYS` (``None`` for a figure not measured)."""
        return {k: (None if r.value is None else round(r.value, 4)) for k, r in self.rows.items()}

    def write_json(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.as_json(), indent=2) + "\n", encoding="utf-8")

    def table(self) -> str:
        """key | value | target | pass/fail | note, as aligned text."""
        lines = [("key", "value", "target", "result", "note")]
        for t in TARGETS:
            row = self.rows[t.key]
            value = "-" if row.value is None else _fmt(row.value)
            lines.append((t.key, value, t.text(), self.status(t.key), row.note))
        widths = [max(len(line[i]) for line in lines) for i in range(4)]
        out = []
        for n, line in enumerate(lines):
            cells = [line[i].ljust(widths[i]) for i in range(4)]
            out.append(" | ".join([*cells, line[4]]).rstrip())
            if n == 0:
                out.append("-+-".join("-" * w for w in widths) + "-+-" + "-" * 4)
        return "\n".join(out)

    def summary(self) -> str:
        counts = {s: 0 for s in ("pass", "FAIL", "skip")}
        for k in KEYS:
            counts[self.status(k)] += 1
        failed = [k for k in KEYS if self.status(k) == "FAIL"]
        text = f"{counts['pass']} pass, {counts['FAIL']} fail, {counts['skip']} not measured"
        return text + (f" (failed: {', '.join(failed)})" if failed else "")


def _fmt(value: float) -> str:
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}" if abs(value) >= 1 else f"{value:.3f}"


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0-100) of ``values``, linear interpolation; NaN when empty."""
    if not values:
        return math.nan
    s = sorted(values)
    pos = (len(s) - 1) * q / 100.0
    lo = math.floor(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def median(values: list[float]) -> float:
    return percentile(values, 50.0)


class CpuMonitor:
    """How busy other processes kept the machine since :meth:`start` (Linux ``/proc``).

    The benchmarks compare rates and latencies measured in one process; another process
    taking a core (a test run, a build) skews them, so every run says how much CPU others used.
    """

    def __init__(self) -> None:
        self.start()

    def start(self) -> None:
        self._t = time.monotonic()
        self._busy = _machine_busy_s()
        self._own = _own_cpu_s()

    def other_cores(self) -> float:
        """Average number of cores busy with other processes since :meth:`start`."""
        elapsed = time.monotonic() - self._t
        if elapsed <= 0:
            return 0.0
        other = (_machine_busy_s() - self._busy) - (_own_cpu_s() - self._own)
        return max(0.0, other / elapsed)


def _machine_busy_s() -> float:
    try:
        with open("/proc/stat", encoding="ascii") as f:
            v = [int(x) for x in f.readline().split()[1:9]]
    except OSError:
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq, steal = v
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def _own_cpu_s() -> float:
    """CPU seconds of this process and of its waited-for children (the start-up launches)."""
    try:
        with open("/proc/self/stat", encoding="ascii") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")
