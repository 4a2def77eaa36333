"""Python's cyclic garbage collector, run only in the GUI thread.

Automatic collection runs in whichever thread happens to allocate, and the training thread
allocates all the time. A collection there destroys the Qt objects of any garbage cycle (a
replaced lesson panel, a removed plot item, a closed window) in the wrong thread: seen here as
a deadlock with the GUI thread in the fault suite (PySide6 6.11). pyqtgraph's
``GarbageCollector`` is the recipe: switch automatic collection off and collect from a GUI
timer, with the same thresholds. This one is installed once per application and owned by it;
pyqtgraph's made a parentless timer per window, which the window's last reference, dropped by
a worker thread, destroyed in that thread: a segfault in ``QTimerInfoList::activateTimers``
(see ``gui/relay.py``)."""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer

from aeviewer.gui.input_gate import input_held

INTERVAL_MS = 500


class GuiCollector(QObject):
    """Collects garbage cycles from a GUI-thread timer, generation by generation as gc would."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        self.collections = 0
        self.frozen = False
        gc.disable()
        gc.collect()  # what is alive now (the imports) stays: out of later collections' way
        gc.freeze()
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.check)
        self._timer.start()

    def check(self) -> None:
        if input_held():
            # A click or a stroke is being answered, and a collection of the training thread's
            # young objects takes tens of ms: it waits, as the redraws do (input_gate.py).
            return
        g0, g1, g2 = gc.get_count()
        t0, t1, t2 = self.threshold
        if g0 <= t0:
            return
        generation = 0
        if g1 > t1:
            # No full collection while TensorFlow loads (before freeze_once): each would walk
            # its growing import, slowing the start-up (docs/performance.md).
            generation = 2 if g2 > t2 and self.frozen else 1
        gc.collect(generation)
        self.collections += 1

    def freeze_once(self) -> None:
        """Move every object alive now out of the collector's sight, once per process.

        Called when TensorFlow and Keras are imported: unfrozen, their objects make every full
        collection in the GUI thread a stall of a tenth of a second or more. Once only, so that
        later garbage is never frozen (and kept) with them.
        """
        if not self.frozen:
            self.frozen = True
            gc.freeze()


def install_gui_collector() -> GuiCollector | None:
    """Install the collector once per application (idempotent); None without an application."""
    app = QCoreApplication.instance()
    if app is None:
        return None
    found = app.findChild(GuiCollector)
    if found is not None:
        return found
    return GuiCollector(app)


__all__ = ["GuiCollector", "install_gui_collector"]
