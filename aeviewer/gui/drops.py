"""Files dropped on the window or named on the command line (``aeviewer FILE``), each opened
by the controller of its kind: a model (or an encoder and a decoder), a session, a picture."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QDragEnterEvent, QDropEvent

from aeviewer.core.datasets.files import IMAGE_EXTENSIONS
from aeviewer.core.session import SUFFIX as SESSION_SUFFIX
from aeviewer.gui.controllers.user_model import MODEL_SUFFIXES

if TYPE_CHECKING:
    from aeviewer.gui.main_window import MainWindow

Opener = Callable[["MainWindow", list[str], "str | None"], bool]


def _model(w: MainWindow, paths: list[str], split_at: str | None) -> bool:
    return w.user_model.open(paths, split_at)


def _session(w: MainWindow, paths: list[str], _: str | None) -> bool:
    if len(paths) != 1:
        w.show_error(f"{len(paths)} sessions: open one at a time.")
        return False
    return w.sessions.open(paths[0])


def _picture(w: MainWindow, paths: list[str], _: str | None) -> bool:
    ds = w.data.dataset
    if len(paths) != 1 or ds is None or ds.channels != 3:
        w.show_error(
            f"{Path(paths[0]).name}: pictures are opened for colour data; for a folder of "
            "pictures as training data use File → Open data folder…"
        )
        return False
    return w.picture_panel.open_file(paths[0])


#: A file's kind, by its suffix, and what opens it.
OPENERS: dict[str, Opener] = {
    **dict.fromkeys(MODEL_SUFFIXES, _model),
    SESSION_SUFFIX: _session,
    **dict.fromkeys(IMAGE_EXTENSIONS, _picture),
}


def open_files(w: MainWindow, paths: Sequence[str], split_at: str | None = None) -> bool:
    """Open ``paths``: all of one kind (two model files are an encoder and a decoder)."""
    paths = [str(p) for p in paths]
    openers = {OPENERS.get(Path(p).suffix.lower()) for p in paths}
    if len(openers) != 1 or None in openers:
        names = ", ".join(Path(p).name for p in paths)
        w.show_error(
            f"{names}: open a model (.keras, .h5; or an encoder and a decoder file), a session "
            "(.aevsession) or a picture"
        )
        return False
    opener = openers.pop()
    assert opener is not None
    return opener(w, paths, split_at)


class DropOpener(QObject):
    """Takes local files dropped anywhere on the window (the picture input takes its own)."""

    def __init__(self, w: MainWindow) -> None:
        super().__init__(w)
        self.w = w
        w.setAcceptDrops(True)
        w.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        moving = (QEvent.Type.DragEnter, QEvent.Type.DragMove)
        if isinstance(event, QDropEvent) and event.type() in moving and self._paths(event):
            event.acceptProposedAction()
            return True
        if isinstance(event, QDropEvent) and event.type() == QEvent.Type.Drop:
            paths = self._paths(event)
            if paths:
                event.acceptProposedAction()
                open_files(self.w, paths)
                return True
        return False

    @staticmethod
    def _paths(event: QDragEnterEvent | QDropEvent) -> list[str]:
        mime = event.mimeData()
        urls = mime.urls() if mime.hasUrls() else []
        return [u.toLocalFile() for u in urls if u.isLocalFile()]
