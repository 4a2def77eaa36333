"""The main window's docks laid out for its size, from a 1024x768 projector to a 4K screen.

:class:`DockLayout` measures every panel's minimum size in the current style, asks
:mod:`aeviewer.gui.dock_plan` for the roomiest arrangement that fits, and puts the docks there.
It does it again (debounced) when the window's size or screen changes, when the app shows or
hides a dock, and when a panel outgrows its place (a lesson's plots arrive). Only the controls
ever scroll, vertically, and only where they share tabs.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QDockWidget,
    QFrame,
    QLabel,
    QMainWindow,
    QScrollArea,
    QStyle,
    QTabBar,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from aeviewer.gui import dock_plan
from aeviewer.gui.dock_plan import C, D, Group, K, Plan, Room

__all__ = ["DockLayout", "scrollable", "tab_docks_on_top"]

RELAYOUT_MS = 120  # after the last resize of a drag: one layout, not one per pixel
COMPACT_LATENT = QSize(360, 220)  # the latent view's floor when nothing fits above it
SMALLEST_WINDOW = QSize(*dock_plan.SMALLEST_WINDOW)
SCROLLED_CONTROLS = 160  # px of the controls that show where they may scroll


def scrollable(widget: QWidget) -> QScrollArea:
    """``widget`` in a frameless scroll area: a dock never forces the window larger than the
    screen. :class:`DockLayout` keeps each view at its minimum size or more, so only the
    controls ever scroll."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(widget)
    return area


class DockLayout(QObject):
    """Lays out a main window's docks for its size (see the module docstring).

    Parameters
    ----------
    window : QMainWindow
        The window; its docks' widgets are :func:`scrollable` areas.
    docks : dict of str to QDockWidget
        The docks by the names of :mod:`aeviewer.gui.dock_plan`.
    latent : QWidget
        The central view that keeps the most room (its own minimum size is its floor).
    presenting : callable
        Whether presenter mode is on (the loss gets more room).
    caption : QLabel, optional
        The lesson's caption, in the central widget's layout. It names the lesson, so the
        lesson's dock has no title bar; where the lesson's panel spans the width under the
        latent space, the caption goes over that panel, in fewer lines.
    """

    def __init__(
        self,
        window: QMainWindow,
        docks: dict[str, QDockWidget],
        latent: QWidget,
        presenting: Callable[[], bool],
        caption: QLabel | None = None,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._docks = docks
        self._latent = latent
        self._latent_min = latent.minimumSize()
        self._presenting = presenting
        self._caption = caption
        self._banner = _Banner()  # the lesson's dock's title bar: empty, or the caption
        docks[K].setTitleBarWidget(self._banner)
        self._auto = False  # re-balance after changes: once the first layout has run
        self._applying = False
        self._forced = False  # the next timeout lays out even if nothing it checks changed
        self._laid_out_size = QSize()
        self._plan: Plan | None = None
        self._needs: dict[str, QSize] = {}  # each placed panel's minimum at the last layout
        self._centre_need_then = 0
        self._chrome = (0, 0, 0)  # title bar, tab bar, separator: measured at each layout
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(RELAYOUT_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._laid_out_docks: set[str] = set()  # the docks placed by the last layout
        # A minimum of its own, so the window's layout does not impose the current
        # arrangement's: the window shrinks to any supported size, then is laid out again.
        window.setMinimumSize(SMALLEST_WINDOW)
        window.installEventFilter(self)
        for dock in docks.values():
            dock.installEventFilter(self)
            dock.dockLocationChanged.connect(self._on_dock_moved)
            dock.topLevelChanged.connect(self._on_dock_moved)
        self._tab_probe = QTabBar(window)  # measures dock tab bars in the current style
        self._tab_probe.hide()

    # ----------------------------------------------------------------- public API
    def arrangement(self) -> dock_plan.Arrangement | None:
        """The arrangement of the last layout (``None`` before the first)."""
        return self._plan.arrangement if self._plan else None

    def settled(self) -> bool:
        """Whether the docks are laid out for the window as it is (no layout pending)."""
        return not self._timer.isActive() and self._laid_out_size == self._window.size()

    def schedule(self, debounce: bool = False, force: bool = False) -> None:
        """Lay out again in :data:`RELAYOUT_MS` if the window's size or its shown docks have
        changed by then (``force``: in any case); ``debounce``: once the window has been still
        that long (dragging its edge resizes it many times)."""
        if not self._auto or self._applying:
            return
        if debounce or not self._timer.isActive():
            self._timer.start()
        self._forced = self._forced or force

    def follow(self) -> None:
        """Re-balance after later changes, leaving the docks as they are until then (a layout
        restored from the last session)."""
        if not self._auto:
            self._auto = True
            self._laid_out_size = self._window.size()
            self._laid_out_docks = self._placed()

    def apply(self) -> None:
        """Arrange the docks for the window's size now, and re-balance after later changes."""
        self._timer.stop()
        self._forced = False
        self._auto = True
        self._applying = True
        try:
            self._latent.setMinimumSize(self._latent_min)
            found = self._choose()
            if found is None:  # nothing fits: the latent view gives way too
                self._latent.setMinimumSize(COMPACT_LATENT.boundedTo(self._latent_min))
                found = self._choose()
            if found is None:  # the most compact, at its minimum sizes
                found = dock_plan.fit(self._candidates()[-1], self._room(), self._shares(), True)
                assert found is not None
            a = found.arrangement
            self._needs = {n: self._need(n) for g in a.groups() for n in g}
            controls = self._docks[C].widget()
            if C in self._needs and controls is not None:  # no separator drag cuts them
                controls.setMinimumWidth(self._needs[C].width())
            self._home_caption(a.caption_over_lesson())
            self._place(a)
            layout = self._window.layout()
            if layout is not None:
                layout.activate()  # resizeDocks works on the docks' places as laid out
            self._size(found)
            self._plan = found
            self._watch()
            centre = self._window.centralWidget()
            self._centre_need_then = self._centre_need(centre.width()) if centre else 0
            self._laid_out_size = self._window.size()
            self._laid_out_docks = self._placed()
        finally:
            self._applying = False

    def _on_dock_moved(self, *_args: object) -> None:
        """The user moved a dock: their arrangement stands until the window's size changes."""
        if self._auto and not self._applying:
            self._timer.stop()
            self._forced = False
            self._laid_out_size = self._window.size()
            self._laid_out_docks = self._placed()

    def _on_timer_timeout(self) -> None:
        # A dock the user drags into tabs is hidden and shown on the way: only a change of
        # the docks shown, or of the window's size, lays them out again.
        moved = self._window.size() != self._laid_out_size
        if self._forced or moved or self._placed() != self._laid_out_docks:
            self.apply()

    # ----------------------------------------------------------------- events
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if watched is self._window:
            if kind == QEvent.Type.Resize and self._window.isVisible():
                if self._window.size() != self._laid_out_size:
                    self.schedule(debounce=True)
            elif kind in (QEvent.Type.ScreenChangeInternal, QEvent.Type.DevicePixelRatioChange):
                self.schedule(force=True)
        elif isinstance(watched, QDockWidget):
            if kind in (QEvent.Type.Show, QEvent.Type.Hide) and not event.spontaneous():
                self.schedule()  # the app shows or hides a dock (a lesson, a data set's views)
        elif kind == QEvent.Type.LayoutRequest and self._outgrown():
            self.schedule(force=True)  # a panel's new data make it larger than its place
        return False

    def _outgrown(self) -> bool:
        """Whether a panel (or the central widget) needs more room than it has, and more than
        at the last layout: one that cannot fit anyway must not start a layout after each."""
        if self._plan is None:
            return False
        centre = self._window.centralWidget()
        if centre is not None and centre.isVisible():
            height = self._centre_need(centre.width())  # a banner over the latent space
            if height != self._centre_need_then and height > centre.height():
                return True
        for name, before in self._needs.items():
            area = self._docks[name].widget()
            if not self._docks[name].isVisible() or not isinstance(area, QScrollArea):
                continue
            need = self._need(name)
            room = area.size()
            if need != before and (need.width() > room.width() or need.height() > room.height()):
                return True
        return False

    def _watch(self) -> None:
        """Hear of size changes of every panel (a new lesson panel is a new widget)."""
        for widget in [*(_inner(d) for d in self._docks.values()), self._window.centralWidget()]:
            if widget is not None:
                widget.removeEventFilter(self)
                widget.installEventFilter(self)

    # ----------------------------------------------------------------- measuring
    def _shares(self) -> dock_plan.Shares:
        return dock_plan.PRESENTING if self._presenting() else dock_plan.NORMAL

    def _placed(self) -> set[str]:
        """The docks the app shows and the user has not floated: the ones to lay out."""
        return {n for n, d in self._docks.items() if not d.isHidden() and not d.isFloating()}

    def _candidates(self) -> list[dock_plan.Arrangement]:
        """The arrangements for the docks the app shows (and are not floating)."""
        placed = self._placed()
        hidden = set(self._docks) - placed
        found: list[dock_plan.Arrangement] = []
        for a in dock_plan.LESSON if K in placed else dock_plan.PLAIN:
            a = a.without(hidden)
            if a not in found:
                found.append(a)
        return found

    def _choose(self) -> Plan | None:
        self._chrome = self._measure_chrome()
        room = self._room()
        for a in self._candidates():
            found = dock_plan.fit(a, room, self._shares())
            if found is not None:
                return found
        return None

    def _room(self) -> Room:
        w = self._window
        height = w.height()
        bars: list[QWidget] = [w.menuBar(), w.statusBar()]
        top = (Qt.ToolBarArea.TopToolBarArea, Qt.ToolBarArea.BottomToolBarArea)
        only = Qt.FindChildOption.FindDirectChildrenOnly
        bars += [b for b in w.findChildren(QToolBar, options=only) if w.toolBarArea(b) in top]
        for bar in bars:
            if not bar.isHidden():
                height -= max(bar.height(), bar.sizeHint().height())
        canvas = getattr(_inner(self._docks[D]), "canvas", None)
        canvas_side = canvas.minimumHeight() if isinstance(canvas, QWidget) else 0
        caption = self._caption
        return Room(
            size=(w.width(), height),
            sep=self._chrome[2],
            need=self._group_need,
            centre=self._centre_need,
            caption=lambda width: (
                caption.heightForWidth(width) if caption and not caption.isHidden() else 0
            ),
            latent_width=max(self._latent.minimumWidth(), self._latent.minimumSizeHint().width()),
            canvas_rows=self._group_need((D,))[1] - canvas_side,
        )

    def _measure_chrome(self) -> tuple[int, int, int]:
        """A dock's title bar, a dock tab bar, and a separator, in pixels."""
        title = self._chrome[0]  # measured on a dock that shows its own title bar
        for dock in self._docks.values():
            area = dock.widget()
            if dock.titleBarWidget() is None and area is not None:
                title = dock.minimumSizeHint().height() - area.minimumSizeHint().height()
                break
        style = self._window.style()
        sep = style.pixelMetric(QStyle.PixelMetric.PM_DockWidgetSeparatorExtent, None, self._window)
        return max(title, 0), self._tabs((C,)).height(), sep

    def _need(self, name: str) -> QSize:
        """The least room a dock's panel needs (the controls: all of their height)."""
        inner = _inner(self._docks[name])
        if inner is None:
            return QSize(0, 0)
        need = _min_size(inner)
        if name == C:  # never sideways: as wide as they are, and a scroll bar
            area = self._docks[name].widget()
            bar = area.verticalScrollBar() if isinstance(area, QScrollArea) else None
            width = max(need.width(), inner.sizeHint().width())
            width += (bar.sizeHint().width() if bar else 0) + 4  # and a little air
            need = QSize(width, inner.sizeHint().height())
        return need

    def _group_need(self, group: Group) -> tuple[int, int]:
        """A tab group's least size: its largest panel under a title bar, or under a tab bar
        wide enough for every tab's whole title (a tabbed dock shows no title bar). Controls
        that share tabs may scroll."""
        title, _tab, _sep = self._chrome
        sizes = [self._need(n) for n in group]
        if len(group) > 1 and C in group:
            i = group.index(C)
            sizes[i] = QSize(sizes[i].width(), min(sizes[i].height(), SCROLLED_CONTROLS))
        w, h = max(s.width() for s in sizes), max(s.height() for s in sizes)
        if len(group) == 1:
            return w, h + (0 if group[0] == K else title)
        tabs = self._tabs(group)
        return max(w, tabs.width()), h + tabs.height()

    def _tabs(self, group: Group) -> QSize:
        """A dock tab bar's size with the group's titles, whole."""
        probe = self._tab_probe
        while probe.count():
            probe.removeTab(0)
        for name in group:
            probe.addTab(self._docks[name].windowTitle())
        probe.ensurePolished()  # the app's style sheet sets its font, as on the docks' tabs
        return probe.sizeHint()

    def _centre_need(self, width: int, caption: bool | None = None) -> int:
        """The central widget's least height at ``width``: the latent view's minimum and the
        lines over and under it (banners wrap), with the lesson's caption or without it
        (``None``: wherever it is now)."""
        centre = self._window.centralWidget()
        layout = centre.layout() if centre is not None else None
        if layout is None:
            return self._latent.minimumHeight()
        label = self._caption
        if caption is None:
            caption = label is not None and label.parentWidget() is centre
        height, shown = 0, 0
        for i in range(layout.count()):
            item = layout.itemAt(i)
            widget = item.widget() if item is not None else None
            if widget is None or widget.isHidden() or (widget is label and not caption):
                continue
            shown += 1
            if widget is self._latent:
                height += max(widget.minimumHeight(), widget.minimumSizeHint().height())
            elif widget.hasHeightForWidth():
                height += widget.heightForWidth(width)
            else:
                height += widget.sizeHint().height()
        if (
            caption
            and label is not None
            and not label.isHidden()
            and label.parentWidget() is not centre
        ):
            height += label.heightForWidth(width)
            shown += 1
        m = layout.contentsMargins()
        return height + m.top() + m.bottom() + layout.spacing() * max(shown - 1, 0)

    # ----------------------------------------------------------------- applying
    def _place(self, a: dock_plan.Arrangement) -> None:
        w = self._window
        before = self._tab_groups()
        docks = [self._docks[n] for g in a.groups() for n in g]
        for dock in docks:
            w.removeDockWidget(dock)  # out of old tab groups: each goes back where `a` says
        left = Qt.DockWidgetArea.LeftDockWidgetArea
        right = Qt.DockWidgetArea.RightDockWidgetArea
        bottom = Qt.DockWidgetArea.BottomDockWidgetArea
        w.setCorner(Qt.Corner.BottomLeftCorner, left if a.left else bottom)
        w.setCorner(Qt.Corner.BottomRightCorner, right if a.right_full else bottom)
        sides = (
            (a.left, left, Qt.Orientation.Vertical),
            (a.right, right, Qt.Orientation.Vertical),
            (a.bottom, bottom, Qt.Orientation.Horizontal),
        )
        for groups, area, orientation in sides:
            previous: QDockWidget | None = None
            for group in groups:
                first = self._docks[group[0]]
                if previous is None:
                    w.addDockWidget(area, first, orientation)
                else:  # before any tabs: a split of a tabbed dock adds a tab (Qt docs)
                    w.splitDockWidget(previous, first, orientation)
                previous = first
        for group in a.groups():
            for name in group[1:]:
                w.tabifyDockWidget(self._docks[group[0]], self._docks[name])
        for group in a.groups():
            for name in group:  # a tab names a tabbed dock: no title bar over it as well
                if name != K:  # the lesson's dock keeps the banner for its title bar
                    _show_title(self._docks[name], len(group) == 1)
        for dock in docks:
            dock.show()
        for group in a.groups():
            if len(group) > 1:  # the tab the user chose stays in front while its group does
                self._docks[before.get(frozenset(group), group[0])].raise_()

    def _tab_groups(self) -> dict[frozenset[str], str]:
        """Each tab group now, and the dock in front of it."""
        names = {d: n for n, d in self._docks.items()}
        groups: dict[frozenset[str], str] = {}
        for name, dock in self._docks.items():
            tabbed = [names[d] for d in self._window.tabifiedDockWidgets(dock) if d in names]
            if tabbed and not dock.isHidden() and not dock.visibleRegion().isEmpty():
                groups[frozenset([name, *tabbed])] = name
        return groups

    def _home_caption(self, over_lesson: bool) -> None:
        """Put the caption over the lesson's panel or back over the latent space, shown or
        hidden as it was."""
        label = self._caption
        centre = self._window.centralWidget()
        layout = centre.layout() if centre is not None else None
        if label is None or not isinstance(layout, QBoxLayout):
            return
        if over_lesson == (label.parentWidget() is self._banner):
            return
        shown = not label.isHidden()
        if over_lesson:
            layout.removeWidget(label)
            self._banner.hold(label)
        else:
            self._banner.hold(None)
            layout.insertWidget(0, label)
        label.setVisible(shown)
        self._banner.updateGeometry()

    def _size(self, p: Plan) -> None:
        w, a = self._window, p.arrangement
        horizontal, vertical = Qt.Orientation.Horizontal, Qt.Orientation.Vertical

        def firsts(groups: tuple[Group, ...]) -> list[QDockWidget]:
            return [self._docks[g[0]] for g in groups]

        for groups, size, orientation in (
            (a.bottom, p.bottom_h, vertical),
            (a.left, p.left_w, horizontal),
            (a.right, p.right_w, horizontal),
        ):
            if groups:
                w.resizeDocks(firsts(groups)[:1], [size], orientation)
        for groups, sizes, orientation in (
            (a.left, p.left_h, vertical),
            (a.right, p.right_h, vertical),
            (a.bottom, p.bottom_w, horizontal),
        ):
            if len(groups) > 1:
                w.resizeDocks(firsts(groups), sizes, orientation)


def tab_docks_on_top(window: QMainWindow) -> None:
    """Dock tabs above their panels, where a lecturer looks for them."""
    window.setTabPosition(Qt.DockWidgetArea.AllDockWidgetAreas, QTabWidget.TabPosition.North)


class _Banner(QWidget):
    """A dock's title bar that holds a word-wrapped label (or nothing, and takes no room), as
    tall as the label's text at the dock's width."""

    def __init__(self) -> None:
        super().__init__()
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._label: QLabel | None = None

    def hold(self, label: QLabel | None) -> None:
        if self._label is not None:
            self._layout.removeWidget(self._label)
        self._label = label
        if label is not None:
            self._layout.addWidget(label)

    def sizeHint(self) -> QSize:
        # No width of its own: the dock's width sets it (a wrapped label's hint is wide).
        label = self._label
        if label is None or label.isHidden() or self.width() <= 1:
            return QSize(0, 0)
        return QSize(0, label.heightForWidth(self.width()))

    def minimumSizeHint(self) -> QSize:
        return QSize(0, 0)  # never the window's minimum: the layout gives it its height

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()  # another width wraps the text to another height


def _show_title(dock: QDockWidget, on: bool) -> None:
    """Show the dock's own title bar, or an empty widget in its place."""
    old = dock.titleBarWidget()
    if on == (old is None):
        return
    dock.setTitleBarWidget(None if on else QWidget())  # type: ignore[arg-type]  # None: Qt's own
    if old is not None:
        old.deleteLater()


def _inner(dock: QDockWidget) -> QWidget | None:
    area = dock.widget()
    return area.widget() if isinstance(area, QScrollArea) else area


def _min_size(widget: QWidget) -> QSize:
    """The size a layout will not go under: the minimum size where set, else the hint."""
    hint, fixed = widget.minimumSizeHint(), widget.minimumSize()
    return QSize(fixed.width() or hint.width(), fixed.height() or hint.height())
