"""What an opened session shows: its view state, stage markers and loss-curve events (no Qt)."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from aeviewer.core.history import RunHistory
from aeviewer.core.models import ModelOptions
from aeviewer.core.stages import MAIN_STAGE_TITLE, stage_heading


@dataclass(frozen=True)
class SessionView:
    """What a session restores besides its history: the run's settings and the views'."""

    preset: str
    options: ModelOptions
    epochs: int
    lesson: str | None
    noise: tuple[float, float, float] | None  # the noise sliders when it was saved
    epoch: int  # the time machine's epoch when it was saved, 0 for the latest
    #: The PCA plane's axes on screen, (2, k): a refit on the same codes may flip their signs.
    pca_axes: np.ndarray | None = None
    point: tuple[float, float] | None = None  # the decoded point
    #: What the user chose in the lesson (LessonController.state), checked on restoring.
    lesson_state: dict[str, Any] | None = None


def session_view(history: RunHistory) -> SessionView:
    """Read and check a session's settings before anything on screen changes.

    Raises
    ------
    ValueError
        One line naming what is damaged (an unknown preset, options that cannot train, ...).
    """
    from aeviewer.core.lessons import get_lesson
    from aeviewer.core.models import get_preset

    st = history.settings
    preset = get_preset(str(st.get("preset", "stacked")))
    try:
        raw = st.get("options") or {}
        known = {f.name for f in dataclasses.fields(ModelOptions)}
        options = preset.defaults.updated(**{k: v for k, v in dict(raw).items() if k in known})
        epochs = int(st.get("epochs", len(history)))
        view = dict(st.get("view") or {})
        noise = None
        if view.get("noise") is not None:
            g, m, sp = (float(v) for v in view["noise"])
            if not all(math.isfinite(v) for v in (g, m, sp)):
                raise ValueError("noise levels are not finite numbers")
            noise = (g, m, sp)
        epoch = int(view.get("epoch", 0))
        axes = None
        if view.get("pca_axes") is not None:
            axes = np.asarray(view["pca_axes"], np.float32)
            if axes.ndim != 2 or axes.shape[0] != 2 or not np.all(np.isfinite(axes)):
                raise ValueError("the projection's axes are not a 2-row table of numbers")
        point = None
        if view.get("point") is not None:
            px, py = (float(v) for v in view["point"])
            if math.isfinite(px) and math.isfinite(py):
                point = (px, py)
        # The lesson panel's state is checked value by value as it is restored: a damaged
        # one falls back to the panel's defaults and never stops the run from opening.
        saved_lesson = view.get("lesson")
        lesson_state = dict(saved_lesson) if isinstance(saved_lesson, dict) else None
    except (TypeError, ValueError, ArithmeticError) as exc:  # 1e999 read as an int: Overflow
        raise ValueError(f"its settings are damaged ({exc})") from None
    options.validate()
    lesson = str(st["lesson"]) if st.get("lesson") else None
    if lesson is not None:
        try:
            get_lesson(lesson)
        except ValueError:
            lesson = None  # a lesson this version does not have: the run still opens
    return SessionView(
        preset.name,
        options,
        epochs,
        lesson,
        noise,
        epoch if 0 < epoch <= len(history) else 0,
        axes,
        point,
        lesson_state,
    )


def stage_markers(history: RunHistory) -> list[tuple[float, str]]:
    """The loss plot's stage markers of a greedy run: ``history.stages``, else rebuilt from
    the stages' epochs (a stage starts where the one before ended; labels as drawn live)."""
    if history.stages:
        return list(history.stages)
    starts: dict[str, float] = {}
    for e in history.stage_epochs:
        starts.setdefault(str(e["stage"]), float(e["x"]) - float(e["epoch"]))
    if not starts:
        return []
    n = len(starts) + 1
    markers = [(x, stage_heading(k, n)) for k, x in enumerate(starts.values(), start=1)]
    if history.records:
        first = history.records[0]
        markers.append((first.x - first.epoch, MAIN_STAGE_TITLE))
    return markers



def batches_per_epoch(history: RunHistory) -> int:
    """Batches the run trained per epoch, counted in its first epoch's losses (0 if none)."""
    if not history.records:
        return 0
    bx, _ = history.batches()
    last = history.records[0].x
    return int(np.count_nonzero((bx > last - 1) & (bx <= last)))


def curve_events(history: RunHistory) -> list[tuple[Any, ...]]:
    """The loss plot's input of a whole run, in the order training delivered it.

    ``("marker", x, text)``, ``("batches", x, losses)`` and ``("epoch", x, logs, stage)``:
    a greedy stage's marker comes before its batches and epochs (a marker restarts the
    smoothed curve and leaves a gap), so replaying these redraws the curves as they were.
    A stage's batches and epochs lie in ``(marker x, next marker x]``.
    """
    markers = sorted(stage_markers(history))
    bx, by = history.batches()
    epochs = [(float(e["x"]), dict(e["logs"]), str(e["stage"])) for e in history.stage_epochs]
    epochs += [(r.x, r.logs, "train") for r in history.records]
    epochs.sort(key=lambda e: e[0])
    bounds = [-math.inf, *(x for x, _ in markers), math.inf]
    events: list[tuple[Any, ...]] = []
    for k in range(len(bounds) - 1):
        lo, hi = bounds[k], bounds[k + 1]
        if k:
            events.append(("marker", *markers[k - 1]))
        inside = (bx > lo) & (bx <= hi)
        if inside.any():
            events.append(("batches", bx[inside], by[inside]))
        events += [("epoch", *e) for e in epochs if lo < e[0] <= hi]
    return events
