"""Where the main window's docks go at a given size, and how large each is: arithmetic only.

The docks go into a left column, a right column (beside the latent space) and a bottom row,
each a stack of tab groups. :data:`PLAIN` and :data:`LESSON` list the arrangements from the
roomiest to the most compact; :func:`plan` takes the first in which every panel gets at least
its minimum size, the latent space and the loss stay large, and shares out the rest.
:class:`aeviewer.gui.layout.DockLayout` measures the panels and applies the plan.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

SMALLEST_WINDOW = (800, 560)  # under the smallest supported size, 1024x768 or 1280x720

__all__ = ["LESSON", "PLAIN", "Arrangement", "Plan", "Room", "Shares", "plan"]

Group = tuple[str, ...]  # docks sharing one place as tabs; the first is in front at first
Size = tuple[int, int]  # width, height in pixels

C, N, L, P, D, G, K = "controls", "denoise", "loss", "preview", "draw", "gallery", "lesson"


@dataclass(frozen=True)
class Arrangement:
    """Tab groups stacked in the left and right columns and side by side in the bottom row.

    The bottom row spans the latent space and the right column, unless ``right_full``: then
    the right column takes the whole height and the row only spans the latent space.
    """

    left: tuple[Group, ...] = ()
    right: tuple[Group, ...] = ()
    bottom: tuple[Group, ...] = ()
    right_full: bool = False

    def without(self, hidden: set[str]) -> Arrangement:
        """This arrangement less the ``hidden`` docks. Without the controls (presenter mode)
        the rest of the left column joins the front of the bottom row."""

        def keep(groups: tuple[Group, ...]) -> tuple[Group, ...]:
            kept = (tuple(d for d in g if d not in hidden) for g in groups)
            return tuple(g for g in kept if g)

        left, right, bottom = keep(self.left), keep(self.right), keep(self.bottom)
        if left and not any(C in g for g in left):
            left, bottom = (), left + bottom
        return Arrangement(left, right, bottom, self.right_full and bool(right))

    def groups(self) -> tuple[Group, ...]:
        return self.left + self.right + self.bottom

    def caption_over_lesson(self) -> bool:
        """Whether the lesson's caption goes over its panel: the panel alone fills a bottom
        row as wide as the latent space or wider (the caption wraps to fewer lines there)."""
        return not self.left and self.bottom == ((K,),)


A = Arrangement
#: Without a lesson panel: the denoising strip, then the canvas and gallery, then the decoded
#: point, then the controls give way to tabs; the loss shares tabs only as a last resort.
PLAIN = (
    A(left=((C,), (N,)), right=((L,), (P,)), bottom=((D,), (G,)), right_full=True),
    A(left=((C,),), right=((L,), (P,)), bottom=((D,), (N,), (G,)), right_full=True),
    A(left=((C,),), right=((L,), (P,)), bottom=((D, N), (G,)), right_full=True),
    A(left=((C,),), right=((L,), (P,)), bottom=((D,), (N,), (G,))),
    A(left=((C,),), right=((L,), (P,)), bottom=((D, G, N),), right_full=True),
    A(left=((C,),), right=((L,), (P, D, G, N))),
    A(right=((L,), (C, P, D, G, N))),
    A(right=((L, C, P, D, G, N),)),
)
#: With a lesson panel: it keeps the bottom row (or, in a short window, goes beside the latent
#: space, in front of the tabs) while the other panels give way as above.
LESSON = (
    A(left=((C,), (N,)), right=((L,), (P,)), bottom=((G, D), (K,))),
    A(left=((C,),), right=((L,), (P,)), bottom=((G, D, N), (K,))),
    A(left=((C,),), right=((L,), (P, G, D, N)), bottom=((K,),)),
    A(right=((L,), (C, P, G, D, N)), bottom=((K,),), right_full=True),
    A(right=((L,), (C, P, G, D, N)), bottom=((K,),)),
    A(right=((L,), (K, C, P, G, D, N))),
    A(right=((L, C, P, G, D, N),), bottom=((K,),)),
)


@dataclass(frozen=True)
class Shares:
    """How the room beyond the minimum sizes is shared."""

    right: float = 0.26  # the loss's column, of the width
    loss: float = 0.66  # the loss, of its column's height
    loss_least: float = 1 / 3  # the loss's height, of the room's, or the arrangement is skipped
    bottom: float = 0.36  # the bottom row, of the height
    lesson_row: float = 0.42  # the bottom row with a lesson panel in it
    lesson: float = 0.58  # the lesson panel, of the bottom row's width
    gallery: float = 1.5  # the gallery's width in the bottom row, of its minimum
    lesson_slack: float = 0.04  # of the width, over the lesson panel's minimum beside the latent
    latent: float = 0.45  # of the width, that the latent space keeps beside a controls column


NORMAL = Shares()
PRESENTING = Shares(right=0.32, loss=0.72)  # read from the back of a hall: a larger loss


@dataclass(frozen=True)
class Room:
    """What the panels need, measured by the caller.

    Attributes
    ----------
    size : Size
        The room the docks and the central widget share.
    sep : int
        A separator between docks.
    need : callable
        A group's least size (its largest panel, and a title or tab bar).
    centre : callable
        The central widget's least height at a width, with the lesson's caption or not.
    caption : callable
        The lesson's caption's height at a width (0 without one).
    latent_width : int
        The latent view's least width.
    canvas_rows : int
        The drawing panel's height besides its canvas (a canvas alone is kept square).
    """

    size: Size
    sep: int
    need: Callable[[Group], Size]
    centre: Callable[[int, bool], int]
    caption: Callable[[int], int]
    latent_width: int
    canvas_rows: int


@dataclass
class Plan:
    """An arrangement and its sizes: column widths, row height, and each group's share."""

    arrangement: Arrangement
    left_w: int
    right_w: int
    bottom_h: int
    left_h: list[int]
    right_h: list[int]
    bottom_w: list[int]


def plan(candidates: Sequence[Arrangement], room: Room, shares: Shares) -> Plan | None:
    """The first of ``candidates`` that fits ``room``, with its sizes (``None``: none fits)."""
    for a in candidates:
        found = fit(a, room, shares)
        if found is not None:
            return found
    return None


def fit(a: Arrangement, room: Room, shares: Shares, force: bool = False) -> Plan | None:
    """Sizes for ``a``, or ``None`` if a panel would be under its minimum or the latent space
    or the loss would be small (``force``: the sizes anyway)."""
    width, height = room.size
    sep = room.sep
    need = {g: room.need(g) for g in a.groups()}
    over = a.caption_over_lesson()

    left_w = max((need[g][0] for g in a.left), default=0)
    left_sep = sep if a.left else 0
    right_sep = sep if a.right else 0
    right_min = max((need[g][0] for g in a.right), default=0)
    span = width - left_w - left_sep  # the latent space and the right column
    right_max = span - right_sep - room.latent_width
    lesson_right = any(K in g for g in a.right)
    # A lesson's panel beside the latent space: a little over its minimum, which its plots'
    # axes (wider with other data) do not always count in full.
    slack = round(shares.lesson_slack * width) if lesson_right else 0
    want = right_min + slack if lesson_right else max(right_min, round(shares.right * width))
    right_w = max(right_min, min(want, right_max)) if a.right else 0
    centre_w = span - right_w - right_sep
    row_w = centre_w if a.right_full else span
    if over:
        w, h = need[(K,)]
        need[(K,)] = (w, h + room.caption(row_w))

    centre_h = room.centre(centre_w, not over)
    bottom_min = max((need[g][1] for g in a.bottom), default=0)
    bottom_sep = sep if a.bottom else 0
    right_need = _stacked(a.right, need, sep)
    bottom_max = height - bottom_sep - max(centre_h, 0 if a.right_full else right_need)
    share = shares.lesson_row if any(K in g for g in a.bottom) else shares.bottom
    bottom_h = max(bottom_min, min(round(share * height), bottom_max)) if a.bottom else 0
    column_h = height - (0 if a.right_full else bottom_h + bottom_sep)

    loss_share = 0.5 if lesson_right else shares.loss
    right_h = _stack(a.right, need, column_h, sep, loss_share)
    loss_h = next((h for g, h in zip(a.right, right_h, strict=True) if L in g), height)
    fits = (
        right_min <= right_max
        and bottom_min <= bottom_max
        and _stacked(a.left, need, sep) <= height
        and _sided(a.bottom, need, sep) <= row_w
        and right_need <= column_h
        # A column for the controls only while the latent space keeps the larger part.
        and (not a.left or centre_w >= shares.latent * width)
        and loss_h >= shares.loss_least * height
    )
    bottom_w = _row(a.bottom, need, row_w, bottom_h, sep, shares, room.canvas_rows)
    # The gallery, where it has a place of its own, with tiles larger than their minimum.
    gallery = [w for g, w in zip(a.bottom, bottom_w, strict=True) if g == (G,)]
    fits = fits and all(w >= shares.gallery * need[(G,)][0] for w in gallery)
    if not fits and not force:
        return None
    left_h = _stack(a.left, need, height, sep, None)
    return Plan(a, left_w, right_w, bottom_h, left_h, right_h, bottom_w)


def _stacked(groups: Sequence[Group], need: dict[Group, Size], sep: int) -> int:
    return sum(need[g][1] for g in groups) + sep * max(len(groups) - 1, 0)


def _sided(groups: Sequence[Group], need: dict[Group, Size], sep: int) -> int:
    return sum(need[g][0] for g in groups) + sep * max(len(groups) - 1, 0)


def _stack(
    groups: Sequence[Group],
    need: dict[Group, Size],
    height: int,
    sep: int,
    first_share: float | None,
) -> list[int]:
    """Heights of stacked groups: the first takes ``first_share`` of the column (``None``:
    just what it needs, the controls), the others the rest; none under its minimum."""
    if not groups:
        return []
    free = height - sep * (len(groups) - 1)
    if len(groups) == 1:
        return [free]
    mins = [need[g][1] for g in groups]
    first = mins[0] if first_share is None else round(first_share * free)
    first = max(mins[0], min(first, free - sum(mins[1:])))
    rest = free - first
    others = [max(m, rest * m // max(sum(mins[1:]), 1)) for m in mins[1:]]
    others[-1] = rest - sum(others[:-1])
    return [first, *others]


def _row(
    groups: Sequence[Group],
    need: dict[Group, Size],
    width: int,
    height: int,
    sep: int,
    shares: Shares,
    canvas_rows: int,
) -> list[int]:
    """Widths in the bottom row: the lesson's group (else the gallery's) takes what the
    others leave; a canvas alone is as wide as it is tall."""
    if not groups:
        return []
    free = width - sep * (len(groups) - 1)
    mins = [need[g][0] for g in groups]
    wide = next((i for i, g in enumerate(groups) if K in g), None)
    if wide is None:
        wide = next((i for i, g in enumerate(groups) if G in g), len(groups) - 1)
    widths = list(mins)
    narrow = sum(m for i, m in enumerate(mins) if i != wide)
    for i, g in enumerate(groups):
        if g == (D,):
            widths[i] = max(mins[i], height - canvas_rows)  # the canvas square
        elif K in groups[wide] and i != wide:  # the lesson's share, the rest as they need
            widths[i] = max(mins[i], round((1 - shares.lesson) * free * mins[i] / narrow))
    others = sum(w for i, w in enumerate(widths) if i != wide)
    if others > free - mins[wide]:  # no room for the shares: the others at their minimum
        widths = [m if i != wide else w for i, (m, w) in enumerate(zip(mins, widths, strict=True))]
        others = narrow
    widths[wide] = max(mins[wide], free - others)
    return widths
