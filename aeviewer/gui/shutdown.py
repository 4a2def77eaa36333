"""Closing the window: stop training and jobs, save the run as it stands, and end the training
thread, in about 1.5 s; SIGTERM (a logout, ``kill``) closes the same way."""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from aeviewer.gui.relay import strand

if TYPE_CHECKING:
    from aeviewer.gui.main_window import MainWindow


class Shutdown:
    """``shutdown()`` ends the window's work once; later calls only report."""

    def __init__(self, w: MainWindow) -> None:
        self.w = w
        self.done = False

    CLOSE_BUDGET_S = 1.5  # closing, the final autosave included, takes at most about this

    def __call__(self, timeout_ms: int = 1000) -> bool:
        """Stop training, jobs and the thread, and save the run as it stands, in about 1.5 s.

        True when the training thread stopped within ``timeout_ms``. One that does not
        (TensorFlow still importing, a first XLA compile, a job that cannot stop) is left to end
        on its own (``relay.strand``): destroying a running QThread aborts the process.
        """
        if self.done:
            return not self.w.thread_.isRunning()
        self.done = True
        t0 = time.monotonic()
        self.w.run.pending_start = None  # a Start queued for TensorFlow or data must not begin now
        if self.w.run.trainer is not None:
            self.w.run.trainer.stop()
        for _then, stop in list(self.w.jobs.callbacks.values()):
            if stop is not None:
                with contextlib.suppress(Exception):  # closing goes on whatever a job does
                    stop()
        self.w.thread_.quit()
        # The last autosave may be 2 minutes old: write the run as it stands, while the
        # thread stops (the GUI thread takes no more reports from it now).
        self.w.sessions.autosaver.save_on_close(0.4)
        if self.w.run.tf_ready or not self.w.warm_up_started:
            if (
                self.w.run.trainer is not None
                and not self.w.run.trainer.steps
                and not self.w.jobs.callbacks
            ):
                # Its first compile (seconds, XLA's) cannot be interrupted either: a short
                # wait, in case it is just ending; else the thread finishes on its own.
                timeout_ms = min(timeout_ms, 300)
            ok = bool(self.w.thread_.wait(timeout_ms))
        else:
            # TensorFlow is importing there: that cannot be interrupted, and it holds the GIL
            # for a second at a time (its libraries' start-up), so each wait here for the
            # thread, or for the GIL after one, only delays the close.
            ok = False
        self.w.sessions.autosaver.wait(max(0.0, self.CLOSE_BUDGET_S - (time.monotonic() - t0)))
        if not ok:
            strand(
                self.w.thread_,
                self.w.worker,
                self.w.background,
                grace_s=0.3 if self.w.run.tf_ready else 0.0,
            )
        return ok

    @staticmethod
    def close_on_sigterm() -> None:
        """SIGTERM (a logout, a shutdown, ``kill``) closes the windows as the close button does:
        the run is saved and the process exits cleanly. Installed once, by the app itself (a
        QApplication named "aeviewer": never under pytest), when nothing else handles SIGTERM.
        """
        app = QApplication.instance()
        if (
            app is None
            or app.applicationName() != "aeviewer"
            or threading.current_thread() is not threading.main_thread()
            or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
        ):
            return

        asked = threading.Event()

        def on_sigterm(_signum: int, _frame: Any) -> None:
            # Python runs this between two bytecodes of the GUI thread, maybe deep in a slot:
            # only take note. A second SIGTERM ends the process at once.
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            asked.set()

        def on_wake() -> None:
            # Python sees a signal only when it runs: this timer's slot runs the handler, then
            # closes at once, holding the GIL (TensorFlow's import may hold it a second at a
            # time: each hand-over would delay the close by as much).
            if asked.is_set():
                wake.stop()
                QApplication.closeAllWindows()

        signal.signal(signal.SIGTERM, on_sigterm)
        wake = QTimer(app)
        wake.setObjectName("aeviewer-sigterm-wake")
        wake.timeout.connect(on_wake)
        wake.start(100)
