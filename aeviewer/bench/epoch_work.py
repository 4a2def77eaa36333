"""The GUI thread's work at each epoch end, timed in a real window without changing it.

At an epoch end the window draws the codes of the whole validation set (the scatter), records
the epoch's weights in the time machine (kept on disk), refreshes the gallery's pairs and
generated samples, the latent trails and the lesson panel, and adds the epoch's point to the
loss plot. Each of those is a method the controllers look up on each other when they call it
(``self.w.latent.show_report(...)``), so :class:`EpochWork` replaces them on the window's
controller objects with timed wrappers that call the originals; the classes are untouched.
The views run one per turn of the event loop: an epoch's figure is the sum of its pieces.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aeviewer.gui.main_window import MainWindow


def _after_snapshot(work: EpochWork, args: tuple[Any, ...]) -> int | None:
    """A view refreshed after an epoch's snapshot was recorded (the window starts its
    epoch-end views there): that epoch's."""
    return work.epoch


def _full_report(work: EpochWork, args: tuple[Any, ...]) -> int | None:
    """The scatter of an epoch's full report; the live codes drawn during an epoch are not
    epoch-end work."""
    report = args[0]
    return None if report.partial else int(report.epoch)


def _epoch_snapshot(work: EpochWork, args: tuple[Any, ...]) -> int | None:
    """The snapshot the time machine keeps for an epoch (its record has none yet); the ones
    published between epoch ends are not kept."""
    epoch = int(args[0].epoch)
    rec = work.window.time_machine.history.record(epoch)
    return epoch if rec is not None and rec.snapshot is None else None


def _train_point(work: EpochWork, args: tuple[Any, ...]) -> int | None:
    """The loss plot's point of a training epoch (``add_epoch(x, logs, stage)``)."""
    stage = args[2] if len(args) > 2 else "train"
    return round(args[0]) if stage == "train" else None


@dataclass(frozen=True)
class Piece:
    """One epoch-end method: where it lives on the window, and the epoch a call belongs to
    (``epoch_of``, asked before the call; None: the call is not epoch-end work)."""

    owner: str  # attribute of the window: "latent", "time_machine", ...
    method: str
    label: str
    epoch_of: Callable[[EpochWork, tuple[Any, ...]], int | None] = _after_snapshot


#: What the window does at an epoch end, on the GUI thread.
PIECES: tuple[Piece, ...] = (
    Piece("loss_plot", "add_epoch", "loss plot", _train_point),
    Piece("latent", "show_report", "scatter", _full_report),
    Piece("time_machine", "record_snapshot", "time-machine record", _epoch_snapshot),
    Piece("samples", "refresh_gallery_pairs", "gallery pairs"),
    Piece("samples", "refresh_gallery_generated", "gallery generated"),
    Piece("time_machine", "update_trails", "trails"),
    Piece("lessons", "refresh", "lesson panel"),
)


class EpochWork:
    """Times :data:`PIECES` on ``window`` from :meth:`install` to :meth:`remove`.

    Only epoch-end calls count: the scatter of an epoch's full report (not the live codes
    drawn during the epoch), the snapshot the time machine records for an epoch (not the
    ones between), and the views that follow it; the loss plot's point of a training epoch.
    Views are filed under the epoch whose snapshot was recorded last. A call made inside
    another timed call counts once, in the outer one.
    """

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.ms: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        self.missing: list[str] = []  # pieces this window does not have (renamed?)
        self.epoch = 0  # the latest epoch whose snapshot the time machine recorded
        self._depth = 0
        self._saved: list[tuple[object, str, Any]] = []  # owner, name, its own attribute

    def install(self) -> EpochWork:
        for piece in PIECES:
            owner = getattr(self.window, piece.owner, None)
            original = getattr(owner, piece.method, None)
            if owner is None or not callable(original):
                self.missing.append(f"{piece.owner}.{piece.method}")
                continue
            self._saved.append((owner, piece.method, vars(owner).get(piece.method)))
            setattr(owner, piece.method, self._timed(piece, original))
        return self

    def remove(self) -> None:
        """Give the window its own methods back."""
        for owner, name, own in reversed(self._saved):
            if own is None:
                delattr(owner, name)  # the class's method shows through again
            else:
                setattr(owner, name, own)
        self._saved.clear()

    def _timed(self, piece: Piece, original: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            if self._depth:
                return original(*args, **kwargs)
            epoch = piece.epoch_of(self, args)
            self._depth += 1
            t = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                ms = 1000 * (time.perf_counter() - t)
                self._depth -= 1
                if epoch is not None:
                    self.ms[epoch][piece.label] += ms
                    if piece.epoch_of is _epoch_snapshot:
                        self.epoch = epoch

        return timed

    def totals(self, first: int = 2) -> dict[int, float]:
        """Milliseconds of epoch-end work per epoch, from epoch ``first`` on (epoch 1's end
        includes the first drawing of every view)."""
        return {e: sum(p.values()) for e, p in sorted(self.ms.items()) if e >= first}

    def worst_piece(self, first: int = 2) -> tuple[str, float]:
        """The slowest single piece of any epoch from ``first`` on, and its milliseconds."""
        pieces = [(label, ms) for e, p in self.ms.items() if e >= first for label, ms in p.items()]
        return max(pieces, key=lambda p: p[1], default=("-", float("nan")))
