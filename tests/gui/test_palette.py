"""Class colours and marker shapes: distinct for every reader, on every theme."""

from __future__ import annotations

from itertools import combinations

import pytest
from pyqtgraph.graphicsItems.ScatterPlotItem import Symbols

from aeviewer.core.colour import CVD_MATRICES, contrast_ratio, pairwise_distances
from aeviewer.gui import palette

MIN_DE_NORMAL = 20.0  # CIEDE2000 between any two class colours, normal vision
MIN_DE_CVD = 10.0  # ... as seen with each simulated dichromacy (Machado 2009, severity 1)
MIN_CONTRAST = 3.0  # WCAG 2 non-text contrast of each class colour against each background


@pytest.mark.parametrize(
    ("vision", "least"),
    [("normal", MIN_DE_NORMAL)] + [(kind, MIN_DE_CVD) for kind in sorted(CVD_MATRICES)],
)
def test_every_two_class_colours_differ_clearly(vision: str, least: float) -> None:
    d = pairwise_distances(palette.CLASS_HEX, vision)
    pairs = [(a, b, round(float(d[a, b]), 1)) for a, b in combinations(range(10), 2)]
    close = [p for p in pairs if p[2] < least]
    assert len(palette.CLASS_HEX) == 10
    assert not close, f"class pairs closer than {least} ({vision}): {close}"


@pytest.mark.parametrize("theme", sorted(palette.THEMES))
def test_every_class_colour_stands_out_on_every_background(theme: str) -> None:
    background = palette.THEMES[theme].background
    ratios = {c: round(contrast_ratio(c, background), 2) for c in palette.CLASS_HEX}
    assert min(ratios.values()) >= MIN_CONTRAST, ratios


def test_each_class_has_its_own_symbol() -> None:
    symbols = [palette.class_symbol(k) for k in range(10)]
    assert len(set(symbols)) == 10
    assert all(s in Symbols for s in symbols)  # pyqtgraph draws each of them
    assert palette.class_symbol(13) == palette.class_symbol(3)  # cycled with the colours
    assert palette.class_color(13) == palette.class_color(3)


def test_presenter_type_grows_with_the_screen() -> None:
    from aeviewer.gui.palette import PRESENTER_SCALE, presenter_scale

    assert presenter_scale(720) == presenter_scale(768) == 1.0
    assert presenter_scale(1080) == presenter_scale(2160) == PRESENTER_SCALE
    assert 1.0 < presenter_scale(900) < PRESENTER_SCALE
