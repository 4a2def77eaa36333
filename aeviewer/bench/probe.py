"""Start-up probe: the app prints when its window is shown and when it can train, then quits.

``aeviewer bench`` launches the app with ``AEVIEWER_WINDOW_HOOK`` set to :data:`HOOK`, and the app
calls :func:`install` with its window (``aeviewer/app.py``, which imports nothing of the bench).
Times are seconds since the process started: ``AEVIEWER_STARTUP_T0`` (the launcher's
``time.time()`` just before it started the process) when set, else the kernel's start time of
this process.
"""

from __future__ import annotations

import os
import time
from typing import Any

T0_ENV = "AEVIEWER_STARTUP_T0"


def seconds_since_start() -> float:
    """Seconds since this process started (see the module docstring)."""
    t0 = os.environ.get(T0_ENV)
    if t0:
        return time.time() - float(t0)
    with open("/proc/self/stat", encoding="ascii") as f:  # Linux: field 22, in clock ticks
        fields = f.read().rsplit(")", 1)[1].split()
    started = int(fields[19]) / os.sysconf("SC_CLK_TCK")
    return time.clock_gettime(time.CLOCK_BOOTTIME) - started


def install(window: Any) -> None:
    """Print ``window_shown <s>`` once the window has painted for the first time, and
    ``ready <s>`` once ``window.run.tf_ready`` is true; then close the window (ending
    ``app.exec()``)."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    timer = QTimer(window)
    timer.setInterval(10)

    def poll() -> None:
        if window.run.tf_ready:
            timer.stop()
            print(f"ready {seconds_since_start():.3f}", flush=True)
            window.close()

    def shown() -> None:
        print(f"window_shown {seconds_since_start():.3f}", flush=True)
        timer.timeout.connect(poll)
        timer.start()

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                watched.removeEventFilter(self)
                QTimer.singleShot(0, shown)  # after this paint and its siblings' are done
            return False

    window._startup_probe = FirstPaint(window)  # kept alive by the window
    window.installEventFilter(window._startup_probe)


#: What the app's window hook is set to (``aeviewer.app.WINDOW_HOOK_ENV``) to install the probe.
HOOK = f"{__name__}:{install.__name__}"
