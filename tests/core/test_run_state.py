"""RunState: a str enum whose predicates answer the window's questions about a run."""

from __future__ import annotations

import pytest

from aeviewer.core.run_state import RunState

S = RunState


def test_states_compare_and_print_as_their_strings() -> None:
    assert S.RUNNING == "running" and "paused" == S.PAUSED  # noqa: SIM300
    assert S("stopping") is S.STOPPING
    assert str(S.FINISHED) == "finished" and f"{S.IDLE}" == "idle"
    assert S.PAUSED in ("running", "paused")
    with pytest.raises(ValueError):
        S("walking")


@pytest.mark.parametrize(
    ("state", "active", "can_start", "ending", "ongoing", "can_step"),
    [
        (S.LOADING, False, False, False, False, False),
        (S.IDLE, False, True, False, False, True),
        (S.RUNNING, True, False, False, True, True),
        (S.PAUSED, True, False, False, True, True),
        (S.STOPPING, False, False, True, True, False),
        (S.FINISHED, False, True, False, False, True),
    ],
)
def test_predicates(
    state: RunState, active: bool, can_start: bool, ending: bool, ongoing: bool, can_step: bool
) -> None:
    assert state.active is active
    assert state.can_start is can_start
    assert state.ending is ending
    assert state.ongoing is ongoing
    assert state.can_step is can_step


def test_predicates_match_the_tuples_they_replace() -> None:
    """The window's checks were written as string tuples; each predicate answers the same."""
    for state in S:
        assert state.active == (state in ("running", "paused"))
        assert state.can_start == (state in ("idle", "finished"))
        assert state.ongoing == (state in ("running", "paused", "stopping"))
        assert state.can_step == (state in ("idle", "finished", "paused", "running"))
