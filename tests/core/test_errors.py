"""first_line / typed_first_line: the one line a user sees of an error."""

from __future__ import annotations

import pytest

from aeviewer.core.errors import DEFAULT_MESSAGE, first_line, typed_first_line


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (ValueError("bad shape"), "bad shape"),
        (ValueError("\n   \n  bad shape  \n(28, 28) expected\n"), "bad shape"),
        ("  first\nsecond", "first"),
        (KeyError("x"), "'x'"),  # KeyError's str() quotes its key
        (RuntimeError(), "RuntimeError"),  # a blank exception: its class name says more
        (KeyboardInterrupt(" \n "), "KeyboardInterrupt"),
        ("", DEFAULT_MESSAGE),
        (" \n\t\n", DEFAULT_MESSAGE),
    ],
)
def test_first_line(error: BaseException | str, expected: str) -> None:
    assert first_line(error) == expected


def test_first_line_cuts_to_the_limit() -> None:
    long = "x" * 1000 + "\nnext"
    assert first_line(long) == "x" * 300
    assert first_line(RuntimeError(long), limit=20) == "x" * 20
    assert first_line(long, limit=None) == "x" * 1000


def test_default_is_for_blank_strings_only() -> None:
    assert first_line("", default="nothing") == "nothing"
    assert first_line(ValueError(""), default="nothing") == "ValueError"
    assert first_line("", default="") == ""


def test_typed_first_line() -> None:
    assert typed_first_line(KeyError("x")) == "KeyError: 'x'"
    assert typed_first_line(OSError("disk full\nerrno 28")) == "OSError: disk full"
    assert typed_first_line(RuntimeError()) == "RuntimeError"
    assert typed_first_line(ValueError("y" * 500), limit=10) == "ValueError: " + "y" * 10
