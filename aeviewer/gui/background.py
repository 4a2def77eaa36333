"""Jobs that must run on the training thread (it owns the Keras models): saving the model,
training a comparison model, and the like. Results come back as a signal, as numpy or text."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from aeviewer.core.errors import first_line


class BackgroundJobs(QObject):
    """Lives in the training thread; runs one callable at a time, after any training run."""

    job_finished = Signal(str, object, str)  # name, result, error ("" when it worked)

    @Slot(str, object)
    def run(self, name: str, fn: Callable[[], Any]) -> None:
        from aeviewer.runtime import configure_tensorflow

        try:
            configure_tensorflow()
            result = fn()
        except Exception as exc:  # reported as one line; the app stays usable
            self.job_finished.emit(name, None, first_line(exc, limit=None))
            return
        self.job_finished.emit(name, result, "")
