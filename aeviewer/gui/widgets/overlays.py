"""Extra layers over the latent view (trails), the shortcuts help overlay, and the guard that
leaves a focused slider its arrow keys."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
import shiboken6
from PySide6.QtCore import QEvent, QObject, QRect, Qt, Slot
from PySide6.QtGui import QAction, QColor, QFont, QFontMetrics, QKeyEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QLineEdit,
    QWidget,
)

from aeviewer.gui import palette


class TrailsOverlay:
    """Lines showing how chosen samples' codes moved over the epochs, on a PlotWidget."""

    def __init__(self, plot: pg.PlotWidget) -> None:
        self._plot = plot
        self._items: list[pg.PlotDataItem] = []

    def set_trails(self, trails: Sequence[np.ndarray], labels: Sequence[int] = ()) -> None:
        """One polyline per (E, 2) array; coloured by class label when given; ends dotted."""
        while len(self._items) < len(trails):
            item = pg.PlotDataItem(symbol="o", symbolSize=7, symbolPen=None)
            item.setZValue(5)
            self._plot.addItem(item)
            self._items.append(item)
        for i, item in enumerate(self._items):
            if i >= len(trails) or len(trails[i]) == 0:
                item.hide()
                continue
            xy = np.asarray(trails[i], np.float64)
            color = (
                palette.class_color(labels[i])
                if i < len(labels)
                else QColor(palette.theme().accent)
            )
            item.setData(
                xy[:, 0], xy[:, 1], pen=pg.mkPen(color, width=3), symbolBrush=pg.mkBrush(color)
            )
            item.show()

    def count(self) -> int:
        return sum(1 for it in self._items if it.isVisible())

    def clear(self) -> None:
        self.set_trails([])


SHORTCUTS = (
    ("Space", "start / pause"),
    ("S", "one batch (step)"),
    ("R", "reset"),
    ("Esc", "stop, close this help, or leave presenter mode"),
    ("← →", "scrub the time machine one epoch"),
    ("P", "replay the run"),
    ("L", "log-scale loss"),
    ("T", "latent trails on / off"),
    ("F11", "presenter mode"),
    ("F1 or ?", "this help"),
    ("Ctrl+O", "open data"),
    ("Ctrl+M", "open your own model"),
    ("Ctrl+Shift+O / Ctrl+S", "open / save a session"),
    ("Ctrl+Shift+S", "save the model (.keras)"),
    ("Ctrl+Q", "quit"),
)

_MODIFIER_KEYS = {
    Qt.Key.Key_Shift,
    Qt.Key.Key_Control,
    Qt.Key.Key_Alt,
    Qt.Key.Key_Meta,
    Qt.Key.Key_AltGr,
}


def shortcut_keys() -> set[str]:
    """Every key sequence :data:`SHORTCUTS` names, in ``QKeySequence`` portable text."""
    keys: set[str] = set()
    for text, _ in SHORTCUTS:
        for part in re.split(r" / | or ", text):
            keys |= {"Left", "Right"} if part == "← →" else {part.strip()}
    if "?" in keys:
        keys.add("Shift+?")  # the same key: "?" is typed with Shift on most layouts
    return keys


class HelpOverlay(QWidget):
    """A translucent sheet over the window listing the keyboard shortcuts.

    Any key or click closes it: while it shows, it takes the keyboard, so the window's
    shortcuts (Space, S, R...) do not act behind it. It follows the window's size and scales
    its type to fit.
    """

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, False)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._previous_focus: QWidget | None = None
        parent.installEventFilter(self)  # its resizes (the window's own events only: cheap)
        self.hide()

    # ----------------------------------------------------------------- public API
    def rows(self) -> tuple[tuple[str, str], ...]:
        """The (keys, what they do) rows shown."""
        return SHORTCUTS

    def toggle(self) -> None:
        """Show the sheet, or close it when it shows."""
        if self.isVisible():
            self.close_help()
        else:
            self.open_help()

    def open_help(self) -> None:
        """Cover the window and take the keyboard (the focus goes back on close)."""
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self._previous_focus = QApplication.focusWidget()
        self.raise_()
        self.show()
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def close_help(self) -> None:
        """Hide the sheet and give the keyboard back to the widget that had it."""
        self.hide()
        w, self._previous_focus = self._previous_focus, None
        if w is not None and shiboken6.isValid(w) and w.isVisible():
            w.setFocus(Qt.FocusReason.OtherFocusReason)

    def content_rect(self) -> QRect:
        """Where the title, the rows and the closing line are drawn (inside :meth:`rect`)."""
        return self._layout()[0]

    # ----------------------------------------------------------------- events
    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride:
            event.accept()  # every key is the sheet's: it closes it, it triggers nothing
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        event.accept()
        if Qt.Key(event.key()) not in _MODIFIER_KEYS:  # Shift alone (typing "?") keeps it open
            self.close_help()

    def mousePressEvent(self, event: object) -> None:
        self.close_help()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        parent = self.parentWidget()
        if parent is not None and watched is parent and event.type() == QEvent.Type.Resize:
            self.setGeometry(parent.rect())
        return False

    # ----------------------------------------------------------------- drawing
    def _layout(self) -> tuple[QRect, QFont, QFont, QFont, int, int]:
        """The block's rectangle, the title, row and footer fonts, the row height and the key
        column's width: as large as fits the sheet (at most 30 px type), never wider."""
        rows = self.rows()
        w, h = max(1, self.width()), max(1, self.height())
        px = max(9, min(30, int(0.8 * h / (len(rows) + 4) / 1.5)))
        while True:
            body, title, foot = QFont(), QFont(), QFont()
            body.setPixelSize(px)
            title.setPixelSize(round(px * 1.4))
            title.setBold(True)
            foot.setPixelSize(max(8, round(px * 0.75)))
            fm = QFontMetrics(body)
            key_w = max(fm.horizontalAdvance(k) for k, _ in rows)
            what_w = max(fm.horizontalAdvance(t) for _, t in rows)
            gap = px * 2
            row_h = round(fm.height() * 1.5)
            block_w = key_w + gap + what_w
            block_h = 2 * QFontMetrics(title).height() + row_h * len(rows) + 2 * fm.height()
            if (block_w <= 0.92 * w and block_h <= 0.96 * h) or px <= 9:
                break
            px -= 1
        rect = QRect((w - block_w) // 2, (h - block_h) // 2, block_w, block_h)
        return rect, title, body, foot, row_h, key_w

    def paintEvent(self, event: QPaintEvent) -> None:
        t = palette.theme()
        rect, title, body, foot, row_h, key_w = self._layout()
        p = QPainter(self)
        bg = QColor(t.background)
        bg.setAlpha(240)
        p.fillRect(self.rect(), bg)
        center = Qt.AlignmentFlag.AlignCenter
        p.setPen(QColor(t.foreground))
        p.setFont(title)
        title_h = 2 * QFontMetrics(title).height()
        p.drawText(QRect(0, rect.top(), self.width(), title_h), center, "Keyboard shortcuts")
        p.setFont(body)
        gap = body.pixelSize() * 2
        vcenter = Qt.AlignmentFlag.AlignVCenter
        for i, (key, what) in enumerate(self.rows()):
            y = rect.top() + title_h + row_h * i
            p.setPen(QColor(t.accent))
            p.drawText(
                QRect(rect.left(), y, key_w, row_h), Qt.AlignmentFlag.AlignRight | vcenter, key
            )
            p.setPen(QColor(t.foreground))
            left = rect.left() + key_w + gap
            p.drawText(
                QRect(left, y, rect.right() - left + 1, row_h),
                Qt.AlignmentFlag.AlignLeft | vcenter,
                what,
            )
        p.setPen(QColor(t.muted))
        p.setFont(foot)
        y = rect.top() + title_h + row_h * len(self.rows())
        p.drawText(
            QRect(0, y, self.width(), rect.bottom() - y), center, "press any key or click to close"
        )
        p.end()


class SliderKeys(QObject):
    """Leaves the arrow keys to a focused slider, spin box or text field.

    The window's arrow shortcuts scrub the time machine; Qt gives window shortcuts the key
    before the focused widget, so without this a focused noise slider or the interpolation
    slider could not be moved from the keyboard. The shortcuts are disabled while such a
    widget has the focus.
    """

    KEEP_KEYS = (QAbstractSlider, QAbstractSpinBox, QLineEdit)

    def __init__(self, actions: Sequence[QAction], parent: QObject) -> None:
        super().__init__(parent)
        self._actions = list(actions)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._on_app_focus_changed)

    def shortcuts_active(self) -> bool:
        """Whether the guarded shortcuts are on (no slider or field has the focus)."""
        return all(a.isEnabled() for a in self._actions)

    @Slot(QWidget, QWidget)
    def _on_app_focus_changed(self, _old: QWidget | None, now: QWidget | None) -> None:
        on = not isinstance(now, self.KEEP_KEYS)
        for action in self._actions:
            if shiboken6.isValid(action):
                action.setEnabled(on)
