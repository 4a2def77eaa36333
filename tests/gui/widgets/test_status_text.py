"""StatusText: the status line changes without relaying out the window."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from aeviewer.gui.widgets.status_text import StatusText


class _LayoutRequests(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            self.count += 1
        return False


def _in_a_row(qtbot, line: QWidget) -> tuple[QWidget, _LayoutRequests]:
    row = QWidget()
    qtbot.addWidget(row)
    QHBoxLayout(row).addWidget(line)
    row.resize(500, 40)
    row.show()
    qtbot.waitExposed(row)
    qtbot.wait(50)  # the layout requests of showing it are done
    requests = _LayoutRequests()
    row.installEventFilter(requests)
    return row, requests


def test_new_text_repaints_without_a_layout_request(qtbot) -> None:
    line = StatusText()
    _row, requests = _in_a_row(qtbot, line)
    for i in range(20):
        line.setText(f"epoch 1/20 · batch {i * 37}/250 · {1000 + i * 991:,} samples/s")
        qtbot.wait(1)
    assert requests.count == 0
    assert line.text().startswith("epoch 1/20 · batch 703/250")
    # What the QLabel it replaced did: a layout request for a new text.
    label = QLabel("")
    _row2, requests2 = _in_a_row(qtbot, label)
    label.setText("epoch 1/20 · batch 1/250")
    qtbot.wait(5)
    assert requests2.count > 0


def test_the_text_is_drawn_in_the_palette_colour_and_elided(qtbot) -> None:
    line = StatusText()
    line.setStyleSheet("QWidget { background: black; color: white; }")
    line.setFont(QFont(line.font().family(), 12))
    _row, _ = _in_a_row(qtbot, line)
    line.setText("epoch 3/20")
    qtbot.wait(5)
    image = line.grab().toImage()
    lit = sum(
        QColor(image.pixel(x, y)).lightness() > 128
        for x in range(0, image.width(), 2)
        for y in range(image.height())
    )
    assert lit > 10  # white text on black
    assert line.sizeHint().height() >= line.fontMetrics().height()
    line.setText("x" * 500)  # longer than the row: elided, kept in full
    assert len(line.text()) == 500
