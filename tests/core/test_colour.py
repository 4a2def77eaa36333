"""aeviewer.core.colour: CIEDE2000 against published test data, sRGB to Lab, CVD simulation."""

from __future__ import annotations

import numpy as np
import pytest

from aeviewer.core.colour import (
    CVD_MATRICES,
    ciede2000,
    contrast_ratio,
    hex_distance,
    hex_to_rgb,
    pairwise_distances,
    simulate_cvd,
    srgb_to_lab,
)

# Sharma, Wu and Dalal (2005), Table 1: (Lab 1, Lab 2, CIEDE2000). The pairs chosen exercise
# the hue wrap-around (7.1792 / 7.2195), the mean hue near 0/360 (4.8045 / 4.7461), a chroma of
# zero (2.3669), large differences, and very dark and very light colours.
SHARMA = [
    ((50.0000, 2.6772, -79.7751), (50.0000, 0.0000, -82.7485), 2.0425),
    ((50.0000, -1.3802, -84.2814), (50.0000, 0.0000, -82.7485), 1.0000),
    ((50.0000, 0.0000, 0.0000), (50.0000, -1.0000, 2.0000), 2.3669),
    ((50.0000, 2.4900, -0.0010), (50.0000, -2.4900, 0.0009), 7.1792),
    ((50.0000, 2.4900, -0.0010), (50.0000, -2.4900, 0.0011), 7.2195),
    ((50.0000, -0.0010, 2.4900), (50.0000, 0.0009, -2.4900), 4.8045),
    ((50.0000, -0.0010, 2.4900), (50.0000, 0.0011, -2.4900), 4.7461),
    ((50.0000, 2.5000, 0.0000), (73.0000, 25.0000, -18.0000), 27.1492),
    ((50.0000, 2.5000, 0.0000), (56.0000, -27.0000, -3.0000), 31.9030),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((22.7233, 20.0904, -46.6940), (23.0331, 14.9730, -42.5619), 2.0373),
    ((90.9257, -0.5406, -0.9208), (88.6381, -0.8985, -0.7239), 1.5381),
    ((2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), 0.9082),
]


def test_ciede2000_matches_sharma_test_data() -> None:
    lab1 = np.array([p[0] for p in SHARMA])
    lab2 = np.array([p[1] for p in SHARMA])
    expected = np.array([p[2] for p in SHARMA])
    np.testing.assert_allclose(ciede2000(lab1, lab2), expected, atol=1e-4)
    np.testing.assert_allclose(ciede2000(lab2, lab1), expected, atol=1e-4)  # symmetric
    assert ciede2000(lab1[0], lab1[0]) == 0.0


def test_srgb_to_lab_known_colours() -> None:
    lab = srgb_to_lab(hex_to_rgb(["#ffffff", "#000000", "#ff0000", "#808080"]))
    np.testing.assert_allclose(lab[0], [100.0, 0.0, 0.0], atol=1e-3)
    np.testing.assert_allclose(lab[1], [0.0, 0.0, 0.0], atol=1e-6)
    np.testing.assert_allclose(lab[2], [53.24, 80.09, 67.20], atol=0.02)  # sRGB red, D65
    np.testing.assert_allclose(lab[3], [53.59, 0.0, 0.0], atol=0.02)


@pytest.mark.parametrize("kind", sorted(CVD_MATRICES))
def test_cvd_keeps_greys_and_loses_what_it_should(kind: str) -> None:
    greys = hex_to_rgb(["#000000", "#808080", "#ffffff"])
    np.testing.assert_allclose(simulate_cvd(greys, kind), greys, atol=2e-3)
    # Red and green collapse for protanopes and deuteranopes; blue and green for tritanopes.
    pair = ("#d62728", "#2ca02c") if kind != "tritanopia" else ("#1f77b4", "#2ca02c")
    assert hex_distance(*pair, vision=kind) < 0.5 * hex_distance(*pair)


def test_pairwise_distances_agree_with_single_ones() -> None:
    colours = ["#268cfc", "#c47706", "#1d742f"]
    for vision in ("normal", "deuteranopia"):
        d = pairwise_distances(colours, vision)
        assert d.shape == (3, 3) and np.allclose(np.diag(d), 0.0)
        assert d[0, 2] == pytest.approx(hex_distance(colours[0], colours[2], vision))


def test_contrast_ratio() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio("#ffffff", "#777777") == contrast_ratio("#777777", "#ffffff")
