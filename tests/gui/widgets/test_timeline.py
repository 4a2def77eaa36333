"""The time machine's bar: the Play button's text and glyph on every theme, and slider handles
big enough to grab, with the application's style sheet applied."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QSlider, QStyle, QStyleOptionSlider

from aeviewer.gui import palette
from aeviewer.gui.widgets.timeline import PAUSE_TEXT, PLAY_TEXT, TimelineBar

# Every theme, and presenter mode's high-contrast ones at its font scale.
STYLES = [
    ("dark", 1.0),
    ("light", 1.0),
    ("dark-contrast", palette.PRESENTER_SCALE),
    ("light-contrast", palette.PRESENTER_SCALE),
]


def _bar(qtbot, theme: str, scale: float) -> TimelineBar:
    bar = TimelineBar()
    bar.setStyleSheet(palette.stylesheet(palette.THEMES[theme], scale))
    qtbot.addWidget(bar)
    bar.resize(700, 60)
    with qtbot.waitExposed(bar):
        bar.show()
    bar.set_epochs(5)
    return bar


def test_play_button_reads_play_then_pause(qtbot) -> None:
    bar = TimelineBar(interval_ms=10_000)  # no replay step during the test
    qtbot.addWidget(bar)
    bar.set_epochs(5)
    assert bar.play_button.text() == "▶ Play" == PLAY_TEXT
    assert bar.play_button.icon().isNull()  # the glyph is text, in the text's colour
    with qtbot.waitSignal(bar.play_toggled) as signal:
        qtbot.mouseClick(bar.play_button, Qt.MouseButton.LeftButton)
    assert signal.args == [True] and bar.playing()
    assert bar.play_button.text() == "❚❚ Pause" == PAUSE_TEXT
    bar.play(False)
    assert bar.play_button.text() == PLAY_TEXT and not bar.playing()


def test_the_glyphs_are_in_the_font(qtbot) -> None:
    bar = TimelineBar()
    qtbot.addWidget(bar)
    metrics = bar.play_button.fontMetrics()
    for text in (PLAY_TEXT, PAUSE_TEXT):
        assert metrics.inFontUcs4(ord(text[0])), f"{text[0]!r} would draw as a box"


@pytest.mark.parametrize(("theme", "scale"), STYLES)
@pytest.mark.parametrize("playing", [False, True])
def test_play_glyph_stands_out_from_the_button(qtbot, theme: str, scale: float, playing) -> None:
    """The glyph's pixels contrast with the button's fill (the style's media icon was a dark
    triangle on the dark theme's dark button)."""
    bar = _bar(qtbot, theme, scale)
    bar.set_interval(10_000)
    bar.play(playing)
    button = bar.play_button
    image = button.grab().toImage()
    w, h = image.width(), image.height()
    background = image.pixelColor(6, h // 2).name()  # inside the border, left of the text
    metrics = button.fontMetrics()
    left = (w - metrics.horizontalAdvance(button.text())) // 2
    glyph = metrics.horizontalAdvance(button.text()[:2])  # "▶" or "❚❚"
    contrasts = [
        palette.contrast_ratio(QColor(image.pixelColor(x, y)).name(), background)
        for x in range(max(0, left - 2), min(w, left + glyph + 2))
        for y in range(h // 4, 3 * h // 4)
    ]
    assert max(contrasts) >= 4.5
    assert sum(c >= 3.0 for c in contrasts) >= 12  # a shape, not a stray pixel


@pytest.mark.parametrize(("theme", "scale"), STYLES)
def test_slider_handles_are_big_enough_to_grab(qtbot, theme: str, scale: float) -> None:
    bar = _bar(qtbot, theme, scale)
    slider: QSlider = bar.slider
    option = QStyleOptionSlider()
    slider.initStyleOption(option)
    style = slider.style()
    cc = QStyle.ComplexControl.CC_Slider
    handle = style.subControlRect(cc, option, QStyle.SubControl.SC_SliderHandle, slider)
    groove = style.subControlRect(cc, option, QStyle.SubControl.SC_SliderGroove, slider)
    assert handle.width() >= 18 and handle.height() >= 18
    assert groove.height() >= 8
    assert slider.height() >= handle.height()  # the handle is not cut by its slider
    assert slider.rect().contains(handle)


@pytest.mark.parametrize("scale", [1.0, palette.PRESENTER_SCALE])
def test_the_epoch_label_is_never_cut(qtbot, scale: float) -> None:
    bar = _bar(qtbot, "dark", scale)
    bar.resize(500, bar.sizeHint().height())  # a narrow window: the slider gives way
    for n, at in ((1, 1), (120, 7), (1000, 999)):
        bar.set_epochs(n)
        bar.select(at)
        label = bar.label
        text = label.fontMetrics().horizontalAdvance(label.text())
        assert text <= label.contentsRect().width(), (label.text(), label.width())
