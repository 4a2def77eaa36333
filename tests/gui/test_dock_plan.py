"""The dock plan's arithmetic, with made-up panel sizes (no Qt): which arrangement each room
gets, and sizes that add up."""

from __future__ import annotations

from aeviewer.gui import dock_plan
from aeviewer.gui.dock_plan import LESSON, NORMAL, PLAIN, Arrangement, Room

TITLE, TAB, SEP = 30, 30, 6
PANELS = {  # least sizes of the panels, about as measured at 1080p
    "controls": (410, 640),
    "denoise": (440, 240),
    "loss": (320, 180),
    "preview": (150, 170),
    "draw": (190, 255),
    "gallery": (420, 200),
    "lesson": (790, 320),
}


def room(width: int, height: int, panels: dict[str, tuple[int, int]] = PANELS) -> Room:
    def need(group: tuple[str, ...]) -> tuple[int, int]:
        sizes = [panels[n] for n in group]
        if len(group) > 1 and "controls" in group:  # controls behind a tab may scroll
            w, h = panels["controls"]
            sizes[group.index("controls")] = (w, min(h, 160))
        w, h = max(s[0] for s in sizes), max(s[1] for s in sizes)
        if len(group) == 1:
            return w, h + (0 if group == ("lesson",) else TITLE)
        return max(w, 100 * len(group)), h + TAB

    return Room(
        size=(width, height),
        sep=SEP,
        need=need,
        centre=lambda w, caption: 350 + 40 + (80 if caption else 0),
        caption=lambda w: 60,
        latent_width=400,
        canvas_rows=TITLE + 70,
    )


def test_a_large_window_tabs_nothing() -> None:
    found = dock_plan.plan(PLAIN, room(1920, 1030), NORMAL)
    assert found is not None and found.arrangement is PLAIN[0]
    assert not any(len(g) > 1 for g in found.arrangement.groups())


def test_each_smaller_window_gives_way_in_order() -> None:
    chosen = [
        PLAIN.index(dock_plan.plan(PLAIN, room(w, h), NORMAL).arrangement)  # type: ignore[union-attr]
        for w, h in ((1920, 1030), (1600, 850), (1366, 715), (1024, 715))
    ]
    assert chosen == sorted(chosen) and chosen[0] < chosen[-1]
    compact = PLAIN[chosen[-1]]
    assert ("loss",) in compact.right  # the loss keeps a place of its own
    assert any("controls" in g and len(g) > 1 for g in compact.groups())  # behind a tab


def test_sizes_fill_the_room_and_respect_minimums() -> None:
    r = room(1600, 850)
    for a in (*PLAIN, *LESSON):
        found = dock_plan.fit(a, r, NORMAL)
        if found is None:
            continue
        need = {g: r.need(g) for g in a.groups()}
        for groups, sizes, axis in (
            (a.left, found.left_h, 1),
            (a.right, found.right_h, 1),
            (a.bottom, found.bottom_w, 0),
        ):
            assert all(s >= need[g][axis] for g, s in zip(groups, sizes, strict=True)), a
        if len(a.right) > 1:
            below = a.bottom and not a.right_full  # the row under the column, and its separator
            column = 850 - (found.bottom_h + SEP if below else 0)
            assert sum(found.right_h) + SEP * (len(a.right) - 1) == column, a


def test_a_lesson_panel_is_never_squeezed_below_its_width() -> None:
    for width in (1024, 1280, 1366, 1600, 1920):
        found = dock_plan.plan(LESSON, room(width, 715), NORMAL)
        if found is None:
            continue
        a = found.arrangement
        sizes = dict(zip(a.bottom, found.bottom_w, strict=True))
        if ("lesson",) in sizes:
            assert sizes[("lesson",)] >= PANELS["lesson"][0]


def test_without_the_controls_the_left_column_joins_the_bottom_row() -> None:
    a = PLAIN[0].without({"controls"})
    assert a.left == () and a.bottom[0] == ("denoise",)
    assert Arrangement(right=(("loss", "controls"),)).without({"controls"}).right == (("loss",),)
