"""Autosave: the run so far, every few minutes of training and whenever a run ends.

Each run has its own file, a history-only session (curves, codes, weight snapshots, no
``.keras`` model) named by the run's id (``run-<id>.aevsession``) in Qt's per-user
AppDataLocation, or ``$AEVIEWER_AUTOSAVE_DIR`` (tests). A run continued after Done keeps its
file; another run, however short, never replaces it. The newest :data:`KEEP_RUNS` runs stay
(File → Recent runs); older ones are removed. Beside each file a small ``.json`` names the run
for that menu. Files are written atomically (a temporary file, then a rename), so a crash or a
kill during a save leaves the previous autosave whole. The GUI thread only makes a shallow copy
of the history (microseconds); zipping and writing run on a short-lived daemon thread, one at a
time, which holds plain data only (``gui/relay.py``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import re
import secrets
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QStandardPaths, QTimer, Signal

from aeviewer.core.history import RunHistory, snapshot_nbytes
from aeviewer.core.requests import LatestRequest
from aeviewer.gui.relay import run_in_thread

AUTOSAVE_NAME = "autosave.aevsession"  # a history without a run id (an older session's)
RUN_PREFIX = "run-"
KEEP_RUNS = 8  # runs whose autosaves stay (File → Recent runs)
_RUN_ID = re.compile(r"[0-9A-Za-z-]{1,40}")
INTERVAL_MS = 120_000  # two minutes of training
#: Weight snapshots kept in an autosave, evenly spread over the run (the first and last
#: always): a long run of the 1.1M-parameter vanilla model holds 4.4 MB per epoch.
MAX_SNAPSHOT_BYTES = 32 * 1024**2
#: ... and in the one written when the window closes: 32 MB took 1.4 s to write on 2 busy
#: cores, and closing must take under 2 s (the curves and every epoch's codes are kept whole).
CLOSE_SNAPSHOT_BYTES = 8 * 1024**2
STALE_TEMP_S = 3600.0  # temporary files of a killed save older than this are removed


def autosave_dir() -> Path:
    """Where autosaves go: ``$AEVIEWER_AUTOSAVE_DIR``, else Qt's AppDataLocation."""
    env = os.environ.get("AEVIEWER_AUTOSAVE_DIR")
    if env:
        return Path(env).expanduser()
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base) if base else Path.home() / ".aeviewer"


def new_run_id() -> str:
    """A run's id: when it started, and a random tail (two windows may start in one second)."""
    return f"{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(2)}"


def autosave_path(history: RunHistory | None = None) -> Path:
    """Where ``history`` is autosaved: its run's own file (its settings' ``run_id``)."""
    run = str(history.settings.get("run_id", "")) if history is not None else ""
    name = f"{RUN_PREFIX}{run}.aevsession" if _RUN_ID.fullmatch(run) else AUTOSAVE_NAME
    return autosave_dir() / name


def recent_autosaves(folder: Path | None = None) -> list[Path]:
    """The autosaved runs, newest first."""
    folder = autosave_dir() if folder is None else folder
    found = [*folder.glob(f"{RUN_PREFIX}*.aevsession"), folder / AUTOSAVE_NAME]
    stamped = []
    for p in found:
        with contextlib.suppress(OSError):
            stamped.append((p.stat().st_mtime, p))
    return [p for _, p in sorted(stamped, key=lambda t: t[0], reverse=True)]


def run_title(history: RunHistory) -> str:
    """What the Recent runs menu calls a run: its model, data and lesson."""
    from aeviewer.core.models import get_preset

    st = history.settings
    try:
        model = get_preset(str(st.get("preset", ""))).title
    except ValueError:
        model = str(st.get("preset", "a model"))
    data = st.get("dataset_name") or st.get("dataset") or "its data"
    lesson = f" (lesson {st['lesson']})" if st.get("lesson") else ""
    return f"{model} on {data}{lesson}"


def describe_autosave(path: Path) -> str:
    """One menu line: when the run was last saved, what it trained, and for how long."""
    try:
        saved = time.strftime("%a %H:%M", time.localtime(path.stat().st_mtime))
    except OSError:
        saved = "?"
    title, epochs = path.stem, None
    with contextlib.suppress(OSError, ValueError, TypeError, AttributeError, ArithmeticError):
        info = json.loads(path.with_suffix(".json").read_text(encoding="utf-8")[:4096])
        title, epochs = str(info["title"])[:80], int(info["epochs"])
    count = f", {epochs} epoch{'s' if epochs != 1 else ''}" if epochs is not None else ""
    return f"{saved}: {title}{count}"


def prune_autosaves(keep: int, spare: Path, folder: Path | None = None) -> None:
    """Remove the run files beyond the newest ``keep`` (never ``spare``, just written)."""
    runs = [p for p in recent_autosaves(folder) if p.name.startswith(RUN_PREFIX)]
    for p in runs[keep:]:
        if p != spare:
            for q in (p, p.with_suffix(".json")):
                with contextlib.suppress(OSError):
                    q.unlink()


def autosave_copy(
    history: RunHistory,
    max_snapshot_bytes: int = MAX_SNAPSHOT_BYTES,
    view: dict[str, Any] | None = None,
) -> RunHistory:
    """A shallow copy of ``history`` that a thread can write while training goes on.

    Arrays are shared (nobody changes them in place); lists and records are copied, since the
    GUI thread appends to them. Epochs whose weight snapshot has not arrived yet are left out
    (the next autosave has them), and snapshots are thinned to ``max_snapshot_bytes``.
    """
    records = [dataclasses.replace(r, logs=dict(r.logs)) for r in history.records]
    while records and records[-1].snapshot is None:
        records.pop()
    held = [r for r in records if r.snapshot is not None]
    if held:
        per = max(1, snapshot_nbytes(held[-1].snapshot))  # type: ignore[arg-type]
        keep = max(2, max_snapshot_bytes // per)
        if len(held) > keep:
            chosen = set(np.linspace(0, len(held) - 1, keep).round().astype(int).tolist())
            for i, r in enumerate(held):
                if i not in chosen:
                    r.snapshot = None
    return RunHistory(
        settings={**history.settings, **({"view": view} if view is not None else {})},
        latent_indices=history.latent_indices,
        batch_x=list(history.batch_x),
        batch_loss=list(history.batch_loss),
        records=records,
        stage_epochs=list(history.stage_epochs),
        stages=list(history.stages),
        first_snapshot=history.first_snapshot,
    )


class Autosaver(QObject):
    """Saves ``history()`` every ``interval_ms`` while a run is under way, and when it ends.

    The window calls :meth:`on_state_changed` with its state, and :meth:`save_on_close` when it
    closes; :meth:`wait` joins a save in progress. One save at a time: a save asked for while
    one is written starts when that one is done (:meth:`idle` says when nothing is left).
    """

    saved = Signal(str)  # path
    failed = Signal(str)  # one line

    def __init__(
        self,
        history: Callable[[], RunHistory],
        parent: QObject | None = None,
        interval_ms: int = INTERVAL_MS,
        view: Callable[[], dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(parent)
        self._history = history
        self._view = view  # what the views show, saved with the run (a session's "view")
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.save_now)
        self._thread: threading.Thread | None = None
        # Busy from the start of a save until its _on_written, both in the GUI thread. Not
        # ``thread.is_alive()``: the thread is still unwinding when its result arrives, so a
        # save asked for then (the one _pending holds) was put off for a wake-up that never
        # came, and a run's last autosave was silently lost.
        self._busy = False
        self._save = LatestRequest()  # the save _on_written belongs to (save_on_close's own)
        # Saves asked for while one is written, oldest first: each keeps the history (and what
        # its views showed) it was asked for, which a new run may have replaced on screen since.
        self._pending: dict[int, tuple[RunHistory, dict[str, Any] | None]] = {}
        self._last_key: tuple[Any, ...] | None = None
        self.saves = 0  # completed saves (for tests and the soak)
        self.failures = 0  # failed saves (for the soak)

    def path(self) -> Path:
        """The current run's file."""
        return autosave_path(self._history())

    def adopt(self) -> None:
        """The history shown now came from a file (an opened session): save it only once
        something new is recorded, so it never overwrites another run's autosave."""
        history = self._history()
        self._last_key = self._key(history, self._view_of(history))

    def running(self) -> bool:
        """A run is being autosaved (the timer is on)."""
        return self._timer.isActive()

    def idle(self) -> bool:
        """No save is being written and none is waiting to start."""
        return not self._busy and not self._pending

    def _view_of(self, history: RunHistory) -> dict[str, Any] | None:
        return self._view() if self._view is not None and history is self._history() else None

    def on_state_changed(self, state: str) -> None:
        if state in ("running", "paused"):
            if not self._timer.isActive():
                self._timer.start()
        elif state in ("finished", "idle") and self._timer.isActive():
            self._timer.stop()
            self.save_now()  # the run ended (completed, stopped, NaN, error or reset)

    def save_now(
        self,
        max_snapshot_bytes: int = MAX_SNAPSHOT_BYTES,
        history: RunHistory | None = None,
        view: dict[str, Any] | None = None,
    ) -> bool:
        """Start a save of the current history (or ``history``, with ``view``); False when
        there is nothing new to save (or when a save is being written: this one then starts
        once that one is done, with the history and view of now)."""
        if history is None:
            history = self._history()
            view = self._view_of(history)
        if self._busy:
            self._pending.pop(id(history), None)
            self._pending[id(history)] = (history, view)  # the latest ask of a run wins
            return False
        self._pending.pop(id(history), None)
        key = self._key(history, view)
        if key == self._last_key:
            return self._next_pending()
        copy = autosave_copy(history, max_snapshot_bytes, view)
        if not any(r.snapshot is not None for r in copy.records):
            return self._next_pending()  # no finished epoch yet: a session needs one to reopen
        self._last_key = key
        path = autosave_path(history)
        info = json.dumps({"title": run_title(history), "epochs": len(copy.records)})

        def work() -> None:  # plain data only (see gui/relay.py)
            from aeviewer.core.persistence import atomic_write
            from aeviewer.core.session import save_session

            _remove_stale_temps(path)
            save_session(path, copy, None)
            atomic_write(path.with_suffix(".json"), lambda tmp: tmp.write_text(info, "utf-8"))
            prune_autosaves(KEEP_RUNS, path, path.parent)

        self._busy = True
        ticket = self._save.new()
        self._thread = run_in_thread(
            self,
            "aeviewer-autosave",
            work,
            lambda _r, error: self._on_written(ticket, error, history, path),
        )
        return True

    def _next_pending(self) -> bool:
        """Start the oldest save still waiting, if any (False when none started)."""
        while self._pending and not self._busy:
            history, view = self._pending.pop(next(iter(self._pending)))
            if self.save_now(history=history, view=view):
                return True
        return False

    def _on_written(self, ticket: int, error: str, history: RunHistory, path: Path) -> None:
        history.release_pages()  # the save read the spilled snapshots' files
        if error:
            self.failures += 1
            self.failed.emit(f"Autosave failed: {error}")
        else:
            self.saves += 1
            self.saved.emit(str(path))
        if not self._save.is_current(ticket):
            return  # an older save, overtaken by save_on_close's
        self._busy = False
        self._next_pending()

    @staticmethod
    def _key(history: RunHistory, view: dict[str, Any] | None = None) -> tuple[Any, ...]:
        """What a save holds: a history with the same key has nothing new. The last epoch's
        snapshot arrives after its record, with no batch in between: a save made between the
        two left that epoch out, so whether it is whole counts too. What the views show counts
        for a run's own file (a point clicked after Done); a history without a run id (an
        older session opened) shares the one legacy file and is saved only for new epochs."""
        last_whole = bool(history.records) and history.records[-1].snapshot is not None
        run = history.settings.get("run_id")
        return (
            run,
            len(history.records),
            len(history.batch_x),
            sum(len(x) for x in history.batch_x),
            last_whole,
            json.dumps(view, sort_keys=True, default=str) if run else None,
        )

    def save_on_close(self, timeout_s: float = 0.5) -> bool:
        """The window is closing: start writing the run as it stands (then :meth:`wait`).

        Stops the timer. A save in progress is joined first, for at most ``timeout_s`` (its
        result may never be delivered: the event loop is ending). Snapshots are thinned to
        :data:`CLOSE_SNAPSHOT_BYTES`, so that the write fits in the close's 2 s. False when the
        earlier save is still running (nothing new starts); a save the process does not wait
        for leaves the previous autosave whole (the write is atomic).
        """
        self._timer.stop()
        if not self.wait(timeout_s):
            return False
        self._busy = False  # joined: _on_written's arrival no longer matters
        self._pending.clear()  # the run on screen comes first in the close's 2 s
        self.save_now(CLOSE_SNAPSHOT_BYTES)
        return True

    def wait(self, timeout_s: float = 10.0) -> bool:
        """Join a save in progress; True when none is left running."""
        t = self._thread
        if t is not None:
            t.join(timeout_s)
            return not t.is_alive()
        return True

    def stop(self) -> None:
        self._timer.stop()


def _remove_stale_temps(path: Path) -> None:
    """Remove temporary files of saves killed long ago (atomic_write names them ``.<stem>.*``)."""
    now = time.time()
    with contextlib.suppress(OSError):
        for p in path.parent.glob(f".{path.stem}.*.tmp*"):
            with contextlib.suppress(OSError):
                if now - p.stat().st_mtime > STALE_TEMP_S:
                    p.unlink()
