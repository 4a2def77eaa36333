"""What a lecturer would see wrong in the main window at its current size.

:func:`problems` lists clipped labels and buttons, visible scroll bars and panels under their
minimum size in the main views (the latent space, loss, decoded point, draw, denoising strip,
gallery and lesson panel), and controls out of reach. Used by ``tests/gui/test_layout_sizes.py``
in process and in a subprocess at a device-pixel ratio of 2.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontMetrics, QTextDocument
from PySide6.QtGui import Qt as GuiQt  # mightBeRichText lives in QtGui's Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QCheckBox,
    QDockWidget,
    QLabel,
    QRadioButton,
    QScrollArea,
    QStyle,
    QStyleOptionButton,
    QTabBar,
    QWidget,
)

SLACK = 1  # px: rounding of text widths
TITLE_MARGIN = 4  # px: QGraphicsTextItem's document margin
SETTLED_TICKS = 15  # 10 ms event-loop turns with no layout pending


def view_docks(window: Any) -> list[QDockWidget]:
    """The docks of the main views that are on screen (a dock behind a tab is not)."""
    docks = [
        window.loss_dock,
        window.preview_dock,
        window.draw_dock,
        window.denoise_dock,
        window.gallery_dock,
        window.lesson_dock,
    ]
    # A dock behind a tab lies outside the window until its tab is chosen (see fronts()).
    return [d for d in docks if d.isVisible() and not d.visibleRegion().isEmpty()]


def fronts(window: Any) -> Iterator[QDockWidget]:
    """Bring each dock behind a tab to the front in turn (yielded once it is there), then
    the docks that were in front back."""
    app = QApplication.instance()
    docks = [d for d in window.findChildren(QDockWidget) if d.isVisible()]
    front = [d for d in docks if not d.visibleRegion().isEmpty()]
    for dock in docks:
        if dock not in front:
            dock.raise_()
            app.processEvents()
            yield dock
    for dock in front:
        dock.raise_()
    app.processEvents()


def settle(window: Any, timeout_s: float = 30.0) -> None:
    """Process events until the window's dock layout has been settled for a while (a layout
    is applied, panels answer with their new sizes, which may ask for another)."""
    app = QApplication.instance()
    deadline = time.monotonic() + timeout_s
    quiet = 0
    while quiet < SETTLED_TICKS and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
        quiet = quiet + 1 if window.dock_layout.settled() else 0


def all_problems(window: Any, latent_title: bool = True) -> list[str]:
    """:func:`problems` with each dock behind a tab brought to the front in turn."""
    found = problems(window, latent_title)
    for dock in fronts(window):
        found += [f"[{dock.windowTitle()} in front] {p}" for p in problems(window, latent_title)]
    return found


def _name(w: QWidget) -> str:
    text = w.text() if isinstance(w, (QLabel, QAbstractButton)) else ""
    return f"{type(w).__name__}({text[:40]!r})" if text else type(w).__name__


def _outside(w: QWidget, top: QWidget) -> str:
    """The first ancestor (up to ``top``) whose area does not hold all of ``w``."""
    rect = w.rect()
    child: QWidget = w
    parent = w.parentWidget()
    while parent is not None:
        r = QRect(child.mapTo(parent, rect.topLeft()), rect.size())
        if not parent.rect().adjusted(-SLACK, -SLACK, SLACK, SLACK).contains(r):
            return f"{_name(w)} lies outside {_name(parent)} ({r} in {parent.rect()})"
        if parent is top:
            return ""
        child, parent = parent, parent.parentWidget()
    return ""


def _label_clipped(label: QLabel) -> str:
    text = label.text()
    if label.buddy() is not None:  # "&&" shows as "&", a lone "&" marks the mnemonic
        text = text.replace("&&", "\0").replace("&", "").replace("\0", "&")
    if not text or (label.pixmap() is not None and not label.pixmap().isNull()):
        return ""
    room = label.contentsRect().adjusted(label.margin(), label.margin(), -label.margin(), 0)
    room.setWidth(room.width() - max(label.indent(), 0))
    rich = label.textFormat() == Qt.TextFormat.RichText or (
        label.textFormat() == Qt.TextFormat.AutoText and GuiQt.mightBeRichText(text)
    )
    if rich:
        doc = QTextDocument()
        doc.setDefaultFont(label.font())
        doc.setDocumentMargin(0)
        doc.setHtml(text)
        if label.wordWrap():
            doc.setTextWidth(room.width())
        need_w, need_h = doc.idealWidth(), doc.size().height()
        if need_w > room.width() + SLACK or need_h > room.height() + SLACK:
            return f"{_name(label)} needs {need_w:.0f}x{need_h:.0f} in {room.size()}"
        return ""
    fm = QFontMetrics(label.font())
    if label.wordWrap():
        longest = max((fm.horizontalAdvance(word) for word in text.split()), default=0)
        if longest > room.width() + SLACK:
            return f"{_name(label)}: a word of {longest} px in {room.width()} px"
        flags = int(Qt.TextFlag.TextWordWrap)
        need = fm.boundingRect(QRect(0, 0, room.width(), 100000), flags, text).height()
        if need > room.height() + SLACK:
            return f"{_name(label)}: wrapped it needs {need} px of height in {room.height()}"
        return ""
    need = max(fm.horizontalAdvance(line) for line in text.split("\n"))
    lines = text.count("\n") + 1
    if need > room.width() + SLACK or fm.height() * lines > room.height() + 2 * SLACK + 1:
        return f"{_name(label)} needs {need}x{fm.height() * lines} in {room.size()}"
    return ""


def _button_clipped(button: QAbstractButton) -> str:
    text = button.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
    if not text:
        return ""
    fm = QFontMetrics(button.font())
    if isinstance(button, (QCheckBox, QRadioButton)):
        opt = QStyleOptionButton()
        button.initStyleOption(opt)  # type: ignore[attr-defined]
        element = (
            QStyle.SubElement.SE_CheckBoxContents
            if isinstance(button, QCheckBox)
            else QStyle.SubElement.SE_RadioButtonContents
        )
        room = button.style().subElementRect(element, opt, button).width()
    else:
        icon = button.iconSize().width() + 4 if not button.icon().isNull() else 0
        room = button.contentsRect().width() - icon - 4  # the frame and a little padding
    need = fm.horizontalAdvance(text)
    if need > room + SLACK:
        return f"{_name(button)} needs {need} px of text in {room}"
    return ""


def _plot_titles_clipped(root: QWidget) -> list[str]:
    """pyqtgraph draws plot titles in the scene: the text must lie inside the plot's view
    (a plot item wider than its widget centres its title past the widget's edge)."""
    found = []
    for plot in root.findChildren(pg.PlotWidget):
        if not plot.isVisible():
            continue
        label = plot.getPlotItem().titleLabel
        if not label.isVisible() or not label.text:
            continue
        text = plot.mapFromScene(label.item.sceneBoundingRect()).boundingRect()
        text.adjust(TITLE_MARGIN, 0, -TITLE_MARGIN, 0)  # the text item's own margins
        room = plot.viewport().rect()
        if text.left() < room.left() - SLACK or text.right() > room.right() + SLACK:
            span = f"{text.left()}..{text.right()}"
            found.append(f"plot title {label.text[:40]!r} spans {span} in {room.width()} px")
    return found


def _area_problems(area: QAbstractScrollArea, vertical_ok: bool) -> list[str]:
    found = []
    if area.horizontalScrollBar().isVisible():
        found.append(
            f"{_name(area.widget() if isinstance(area, QScrollArea) else area)}: "
            "a horizontal scroll bar"
        )
    if area.verticalScrollBar().isVisible() and not vertical_ok:
        inner = area.widget() if isinstance(area, QScrollArea) else area
        found.append(f"{_name(inner)}: a vertical scroll bar")
    return found


def _text_problems(root: QWidget) -> list[str]:
    found = []
    for w in [root, *root.findChildren(QWidget)]:
        if not w.isVisible():
            continue
        if isinstance(w, QLabel):
            why = _label_clipped(w)
        elif isinstance(w, QAbstractButton):
            why = _button_clipped(w)
        else:
            continue
        why = why or _outside(w, root)
        if why:
            found.append(why)
    return found


def problems(window: Any, latent_title: bool = True) -> list[str]:
    """Everything wrong with the window's layout as it stands (``[]``: nothing);
    ``latent_title``: whether the latent view's plot title must fit too."""
    found: list[str] = []
    for dock in view_docks(window):
        where = dock.windowTitle()
        area = dock.widget()
        inner = area.widget() if isinstance(area, QScrollArea) else area
        if isinstance(area, QAbstractScrollArea):
            found += [f"{where}: {p}" for p in _area_problems(area, vertical_ok=False)]
        for sub in inner.findChildren(QAbstractScrollArea):
            if sub.isVisible() and not isinstance(sub, pg.GraphicsView):
                found += [f"{where}: {p}" for p in _area_problems(sub, vertical_ok=False)]
        low = inner.minimumSizeHint()
        if inner.width() < low.width() or inner.height() < low.height():
            found.append(f"{where}: {inner.size()} under its minimum {low}")
        found += [f"{where}: {p}" for p in _text_problems(inner)]
        found += [f"{where}: {p}" for p in _plot_titles_clipped(inner)]
    for bar in window.findChildren(QTabBar):
        if bar.isVisible() and bar.count() > 1:
            need = sum(bar.tabSizeHint(i).width() for i in range(bar.count()))
            if need > bar.width() + SLACK:
                tabs = ", ".join(bar.tabText(i) for i in range(bar.count()))
                found.append(f"tabs ({tabs}) need {need} px in {bar.width()}")
    centre = window.centralWidget()
    found += [f"centre: {p}" for p in _text_problems(centre)]
    if latent_title:
        found += [f"centre: {p}" for p in _plot_titles_clipped(centre)]
    low = window.latent_view.minimumSize().expandedTo(window.latent_view.minimumSizeHint())
    size = window.latent_view.size()
    if size.width() < low.width() or size.height() < low.height():
        found.append(f"latent view: {size} under its minimum {low}")
    found += _controls_problems(window)
    return found


def _controls_problems(window: Any) -> list[str]:
    """The controls: no sideways scrolling, nothing cut, every input reachable."""
    dock = window.controls_dock
    if window.presenter.on:
        return []  # its essential buttons are in the presenter toolbar
    if dock.isHidden():
        return ["controls: hidden"]
    if dock.visibleRegion().isEmpty():  # behind a tab: all_problems() brings it forward
        return []
    area = dock.widget()
    assert isinstance(area, QScrollArea)
    found = [f"controls: {p}" for p in _area_problems(area, vertical_ok=True)]
    inner = area.widget()
    if inner.width() < inner.minimumSizeHint().width():
        found.append(f"controls: {inner.width()} px wide, under {inner.minimumSizeHint()}")
    for w in inner.findChildren(QWidget):
        if not w.isVisible():
            continue
        why = ""
        if isinstance(w, QLabel):
            why = _label_clipped(w)
        elif isinstance(w, QAbstractButton):
            why = _button_clipped(w)
        why = why or _outside(w, inner)  # in the scrolled widget: reachable by scrolling
        if why:
            found.append(f"controls: {why}")
    return found


def main(argv: list[str]) -> int:
    """``python tests/layout_audit.py WxH [LESSON]``: the window laid out at that logical size,
    as one line of JSON (its device-pixel ratio, problems and dock geometries)."""
    import json

    from aeviewer.core.datasets import load_dataset
    from aeviewer.gui.main_window import MainWindow

    width, height = (int(v) for v in argv[0].split("x"))
    app = QApplication(argv[:1])
    MainWindow.worker_warm_up = lambda self: None  # type: ignore[method-assign]  # no TF needed
    window = MainWindow(load_dataset("digits", max_train=64, max_val=60), restore=False)
    window.resize(width, height)
    window.show()
    if len(argv) > 1:
        window.lessons.open(argv[1])
    settle(window)
    docks = {
        d.objectName(): d.geometry().getRect()
        for d in window.findChildren(QDockWidget)
        if d.isVisible() and not d.visibleRegion().isEmpty()
    }
    report = {
        "dpr": window.devicePixelRatio(),
        "size": [window.width(), window.height()],
        "arrangement": repr(window.dock_layout.arrangement()),
        "docks": docks,
        "problems": all_problems(window),
    }
    window.close()
    deadline = time.monotonic() + 30
    while window.training_thread().isRunning() and time.monotonic() < deadline:
        app.processEvents()
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    import sys

    raise SystemExit(main(sys.argv[1:]))
