"""Errors as the user sees them: one line, never a traceback (no Qt)."""

from __future__ import annotations

DEFAULT_MESSAGE = "Something went wrong."


def first_line(
    error: BaseException | str, limit: int | None = 300, default: str = DEFAULT_MESSAGE
) -> str:
    """The first non-empty line of an error's text, stripped and cut to ``limit`` characters.

    TensorFlow's and Keras' messages run to pages; a status line or dialog shows one line.

    Parameters
    ----------
    error : BaseException or str
        An exception (its ``str()``), or a message.
    limit : int or None, default 300
        Most characters kept; None keeps the whole line.
    default : str
        What a blank message gives. An exception with a blank message gives its class name
        instead (``KeyboardInterrupt``), which says more.

    Examples
    --------
    >>> first_line(ValueError("\\n  bad shape  \\n(28, 28) expected"))
    'bad shape'
    >>> first_line(RuntimeError())
    'RuntimeError'
    """
    text = str(error)
    line = next((s.strip() for s in text.splitlines() if s.strip()), "")
    if not line:
        return type(error).__name__ if isinstance(error, BaseException) else default
    return line if limit is None else line[:limit]


def typed_first_line(error: BaseException, limit: int | None = 300) -> str:
    """``"<class name>: <first line>"``, or the class name alone when the message is blank:
    for errors whose type says what went wrong (``KeyError: 'x'``)."""
    name = type(error).__name__
    line = first_line(str(error), limit, default="")
    return f"{name}: {line}" if line else name


__all__ = ["DEFAULT_MESSAGE", "first_line", "typed_first_line"]
