"""The picture input (the canvas's place for colour data): open, drop, clear, and one line for
what is not a picture."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent

from aeviewer.gui.widgets.picture_input import PicturePanel


def _photo(path: Path, w: int = 60, h: int = 40) -> Path:
    rgb = np.zeros((h, w, 3), np.uint8)
    rgb[..., 0] = 255  # red left half, blue right half
    rgb[:, w // 2 :] = (0, 0, 255)
    Image.fromarray(rgb).save(path)
    return path


def test_open_picture_shows_it_in_colour_and_in_proportion(qtbot, tmp_path: Path) -> None:
    panel = PicturePanel()
    qtbot.addWidget(panel)
    panel.resize(300, 300)
    panel.show()
    path = _photo(tmp_path / "p.png")
    panel.ask_path = lambda: str(path)  # type: ignore[method-assign]
    with qtbot.waitSignal(panel.picture_changed, timeout=2000):
        qtbot.mouseClick(panel.open_button, Qt.MouseButton.LeftButton)
    got = panel.input.picture()
    assert got is not None and got.shape == (40, 60, 3)
    r = panel.input.picture_rect()
    assert abs(r.width() / r.height() - 60 / 40) < 0.05  # not stretched to a square
    image = panel.input.grab().toImage()
    left = image.pixelColor(r.x() + r.width() // 4, r.center().y())
    right = image.pixelColor(r.x() + 3 * r.width() // 4, r.center().y())
    assert (left.red(), left.blue()) == (255, 0) and (right.red(), right.blue()) == (0, 255)
    with qtbot.waitSignal(panel.picture_changed, timeout=2000):
        qtbot.mouseClick(panel.clear_button, Qt.MouseButton.LeftButton)
    assert panel.input.is_empty()


def test_a_dropped_file_opens_and_a_bad_one_says_why_and_keeps_the_picture(
    qtbot, tmp_path: Path
) -> None:
    panel = PicturePanel()
    qtbot.addWidget(panel)
    panel.show()
    failures: list[str] = []
    panel.failed.connect(failures.append)

    def drop(path: Path) -> None:
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(path))])
        args = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton)
        enter = QDragEnterEvent(QPoint(50, 50), *args, Qt.KeyboardModifier.NoModifier)
        panel.input.dragEnterEvent(enter)  # Qt delivers drops only inside a real drag
        assert enter.isAccepted()
        panel.input.dropEvent(QDropEvent(QPointF(50, 50), *args, Qt.KeyboardModifier.NoModifier))

    drop(_photo(tmp_path / "cat.png", 20, 20))
    first = panel.input.picture()
    assert first is not None and first.shape == (20, 20, 3)
    bad = tmp_path / "notes.png"
    bad.write_text("this is text")
    drop(bad)
    assert len(failures) == 1 and failures[0].startswith("notes.png: ")
    after = panel.input.picture()
    assert after is not None
    np.testing.assert_array_equal(after, first)
