"""What every lesson panel shares: a heading, a large grey message while empty, styled labels
and plot axes readable from the back row.

Label sizes go through each label's own style sheet, not ``setFont``: the application style
sheet sets ``QWidget { font-size }``, and a style sheet font wins over ``setFont`` (Qt docs,
"Qt Style Sheets": "fonts set with setFont() are overridden").
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from typing import Any, Protocol, runtime_checkable

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QLabel, QSizePolicy, QStackedWidget, QVBoxLayout, QWidget

from aeviewer.gui import palette
from aeviewer.gui.widgets.plot_title import fitted_title

__all__ = [
    "KeepsState",
    "LessonPanel",
    "label_style",
    "make_plot",
    "saved_choice",
    "saved_flag",
    "saved_int",
    "saved_number",
    "style_plot",
]

# role -> (theme colour, point size, bold, italic)
_ROLES: dict[str, tuple[str, int, bool, bool]] = {
    "heading": ("foreground", 16, True, False),
    "message": ("muted", 20, False, False),
    "note": ("foreground", 20, True, False),
    "hint": ("muted", 16, False, True),
    "row": ("foreground", 14, True, False),
    "text": ("foreground", 14, False, False),
    "number": ("foreground", 34, True, False),  # a result read from the back row (accuracy)
}
TICK_PT = 12
AXIS_LABEL_PT = 14
TITLE_PT = 14


def label_style(role: str) -> str:
    """The style sheet of a label playing ``role`` (see ``_ROLES``) in the current theme."""
    color_name, size, bold, italic = _ROLES[role]
    color = getattr(palette.theme(), color_name)
    size = palette.pt(max(size, palette.BASE_POINT_SIZE))  # presenter mode scales pt()
    return (
        f"background: transparent; color: {color}; font-size: {size}pt;"
        f" font-weight: {'bold' if bold else 'normal'};"
        f" font-style: {'italic' if italic else 'normal'};"
    )


def make_plot(mouse: bool = True) -> pg.PlotWidget:
    """A plot widget without the context menu (clutter on a projector).

    Parameters
    ----------
    mouse : bool
        Whether wheel and drag zoom and pan the view; off for plots with fixed extents.
    """
    plot = pg.PlotWidget()
    item = plot.getPlotItem()
    item.setMenuEnabled(False, enableViewBoxMenu=None)
    item.vb.setMenuEnabled(False)
    if not mouse:
        item.setMouseEnabled(x=False, y=False)
        item.hideButtons()
    return plot


def style_plot(plot: pg.PlotWidget, x_label: str = "", y_label: str = "", title: str = "") -> None:
    """Restyle ``plot`` from the current theme: background, grid, big ticks, labels, title."""
    t = palette.theme()
    plot.setBackground(t.background)
    item = plot.getPlotItem()
    item.showGrid(x=True, y=True, alpha=t.grid_alpha)
    for name, text in (("bottom", x_label), ("left", y_label)):
        axis = item.getAxis(name)
        axis.setPen(palette.pen(t.foreground, 1.5))
        axis.setTextPen(t.foreground)
        axis.setTickFont(palette.font(TICK_PT))
        axis.setStyle(maxTickLevel=1)  # the finest grid is invisible and costly to repaint
        # No "(x0.001)" rescaling of the ticks. Not enableAutoSIPrefix(False): in pyqtgraph
        # 0.14 it computes a prefix for the current range once and keeps it for good.
        axis.setLabel(
            text or None,
            color=t.foreground,
            siPrefixEnableRanges=(),
            **{"font-size": f"{palette.pt(AXIS_LABEL_PT)}pt"},
        )
    fitted_title(plot).set(title, palette.font(TITLE_PT), t.foreground)


@runtime_checkable
class KeepsState(Protocol):
    """A widget whose user-set controls a session keeps (as :meth:`LessonPanel.state`)."""

    def state(self) -> dict[str, Any]: ...

    def restore_state(self, state: Mapping[str, Any]) -> None: ...


# A session file may be old, damaged or hostile: each reader returns ``None`` (keep the
# default) for a missing key, a wrong type, a bool posing as a number, NaN or out of range.
def _saved(state: Any, key: str) -> Any:
    return state.get(key) if isinstance(state, Mapping) else None


def saved_number(
    state: Mapping[str, Any], key: str, lo: float = -math.inf, hi: float = math.inf
) -> float | None:
    """``state[key]`` as a finite float in ``[lo, hi]``, or ``None``."""
    value = _saved(state, key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) and lo <= number <= hi else None


def saved_int(state: Mapping[str, Any], key: str, lo: int, hi: int) -> int | None:
    """``state[key]`` as an int in ``[lo, hi]``, or ``None``."""
    value = _saved(state, key)
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if lo <= value <= hi else None


def saved_flag(state: Mapping[str, Any], key: str) -> bool | None:
    """``state[key]`` if it is a bool, else ``None``."""
    value = _saved(state, key)
    return value if isinstance(value, bool) else None


def saved_choice(state: Mapping[str, Any], key: str, choices: Collection[str]) -> str | None:
    """``state[key]`` if it is one of ``choices``, else ``None``."""
    value = _saved(state, key)
    return value if isinstance(value, str) and value in choices else None


def legend_fill() -> QBrush:
    """A translucent panel-coloured brush for legends and line labels."""
    c = QColor(palette.theme().panel)
    c.setAlpha(200)
    return QBrush(c)


class LessonPanel(QWidget):
    """A heading, the panel's content (or a large grey message in its place) and a note.

    Subclasses lay out their widgets in :meth:`content`, report whether they show anything in
    :meth:`_has_data`, call :meth:`_refresh_message` after changing data, and extend
    :meth:`apply_theme`.

    Parameters
    ----------
    title : str
        The heading; ``""`` hides it.
    parent : QWidget, optional
        Parent widget.
    """

    def __init__(self, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._message = ""
        self._message_over_data = False  # set_message came after the last data
        self._unavailable = ""  # why the panel cannot show the data set (set_unavailable)
        self._labels: list[tuple[QLabel, str]] = []
        self._heading = self._styled_label(title, "heading")
        self._heading.setVisible(bool(title))
        self._content = QWidget(self)
        self._message_label = self._styled_label("", "message")
        self._message_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._stack = QStackedWidget(self)
        self._stack.addWidget(self._content)
        self._stack.addWidget(self._message_label)
        self._note = self._styled_label("", "note")
        self._note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._note.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self._heading)
        layout.addWidget(self._note)  # the lesson's number goes first: never scrolled away
        layout.addWidget(self._stack, 1)

    # ----------------------------------------------------------------- public API
    def set_title(self, text: str) -> None:
        """Set the heading above the panel (``""`` hides it)."""
        self._heading.setText(text)
        self._heading.setVisible(bool(text))

    def title(self) -> str:
        """The heading text."""
        return self._heading.text()

    def set_message(self, text: str) -> None:
        """Show ``text`` large and grey in place of the content.

        Parameters
        ----------
        text : str
            E.g. ``"Training the comparison model…"``; ``""`` removes the message. It shows at
            once (over stale data too), hides when new data arrive, and comes back whenever
            the panel is emptied, until it is set to ``""``.
        """
        self._message = text
        self._message_over_data = bool(text)
        self._refresh_message(data_changed=False)

    def message(self) -> str:
        """The message text (shown or not)."""
        return self._message

    def message_visible(self) -> bool:
        """Whether the message (or the reason of :meth:`set_unavailable`) is shown instead of
        the content."""
        return self._stack.currentWidget() is self._message_label

    def set_unavailable(self, reason: str) -> None:
        """Say in one line why the panel cannot show the data set, in place of the content.

        Parameters
        ----------
        reason : str
            E.g. ``"The generated digits need an image data set: synthetic3d holds 3-D
            points"`` (see :mod:`aeviewer.core.lesson_needs`); it stands over the message and
            any data until it is set to ``""``.
        """
        self._unavailable = reason
        self._note.setVisible(bool(self._note.text()) and not reason)  # it is about the content
        self._refresh_message(data_changed=False)

    def unavailable(self) -> str:
        """The reason set by :meth:`set_unavailable` (``""``: the panel can show the data)."""
        return self._unavailable

    def shown_message(self) -> str:
        """The line shown in place of the content (``""`` while the content shows)."""
        return self._message_label.text() if self.message_visible() else ""

    def shows_content(self) -> bool:
        """Whether the content shows, with data in it."""
        return not self.message_visible() and self._has_data()

    def set_note(self, text: str) -> None:
        """Show ``text`` large and bold under the content, e.g. "Angle between the two
        subspaces: 2.4°" (``""`` hides it)."""
        self._note.setText(text)
        self._note.setVisible(bool(text) and not self._unavailable)

    def note(self) -> str:
        """The note text."""
        return self._note.text()

    def hasHeightForWidth(self) -> bool:
        return False

    def heightForWidth(self, width: int) -> int:
        """-1: no height-for-width. The lesson dock's scroll area would otherwise make the
        panel as tall as its square tiles and wrapped labels ask for at the dock's width
        (530 px in a 360 px dock at 1080p: the bottom scrolled away); sized to the dock, the
        tiles shrink to fit, and only a dock below the panel's minimum scrolls."""
        return -1

    def content(self) -> QWidget:
        """The widget subclasses lay out their content in."""
        return self._content

    def apply_theme(self) -> None:
        """Re-read :func:`aeviewer.gui.palette.theme` and restyle the panel's labels."""
        for label, role in self._labels:
            label.setStyleSheet(label_style(role))

    # ----------------------------------------------------------------- session state
    def state(self) -> dict[str, Any]:
        """What the user set on the panel (sliders, switches, spin boxes), as plain JSON
        values for a session; ``{}`` for a panel without such controls."""
        return {}

    def restore_state(self, state: Mapping[str, Any]) -> None:
        """Set the controls to a :meth:`state` read back from a session, silently (no signal:
        nothing refreshes, trains or starts a job).

        Unknown keys are ignored; a missing or damaged value (wrong type, NaN, out of range)
        leaves that control as it is, on a new panel its default.
        """

    # ----------------------------------------------------------------- for subclasses
    def _has_data(self) -> bool:
        """Whether the panel shows something (the message hides then)."""
        return True

    def _refresh_message(self, data_changed: bool = True) -> None:
        """Show the message or the content; subclasses call it after changing their data."""
        if data_changed:
            self._message_over_data = False
        show = bool(self._message) and (self._message_over_data or not self._has_data())
        self._message_label.setText(self._unavailable or self._message)
        show = show or bool(self._unavailable)
        # A hidden page still sets the stack's minimum size: ignored, the content no longer
        # widens the panel past a narrow dock and cuts the message off.
        policy = QSizePolicy.Policy.Ignored if show else QSizePolicy.Policy.Preferred
        self._content.setSizePolicy(policy, policy)
        self._stack.setCurrentWidget(self._message_label if show else self._content)

    def _styled_label(self, text: str, role: str) -> QLabel:
        """A word-wrapped label restyled for ``role`` by every :meth:`apply_theme`."""
        label = QLabel(text, self)
        label.setWordWrap(True)
        label.setStyleSheet(label_style(role))
        self._labels.append((label, role))
        return label
