"""NoisePanel: sliders map to floats and signal; set_images fills the three tiles."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from aeviewer.gui.widgets.noise_panel import NoisePanel


@pytest.fixture
def panel(qtbot):
    p = NoisePanel()
    qtbot.addWidget(p)
    p.show()
    qtbot.waitExposed(p)
    return p


def _labels(panel: NoisePanel) -> set[str]:
    return {label.text() for label in panel.findChildren(QLabel)}


def test_slider_ranges(panel):
    assert (panel.gaussian_slider.minimum(), panel.gaussian_slider.maximum()) == (0, 100)
    assert (panel.mask_slider.minimum(), panel.mask_slider.maximum()) == (0, 90)
    assert (panel.salt_slider.minimum(), panel.salt_slider.maximum()) == (0, 50)
    assert panel.noise() == (0.0, 0.0, 0.0)
    assert {"Gaussian σ", "Masking", "Salt && pepper"} <= _labels(panel)


@pytest.mark.parametrize(
    ("slider", "value", "expected", "label"),
    [
        ("gaussian_slider", 25, (0.25, 0.0, 0.0), "0.25"),
        ("mask_slider", 30, (0.0, 0.30, 0.0), "30%"),
        ("salt_slider", 7, (0.0, 0.0, 0.07), "7%"),
    ],
)
def test_moving_a_slider_emits_the_mapped_value(qtbot, panel, slider, value, expected, label):
    with qtbot.waitSignal(panel.noise_changed, timeout=1000) as blocker:
        getattr(panel, slider).setValue(value)
    assert blocker.args == pytest.approx(list(expected))
    assert panel.noise() == pytest.approx(expected)
    assert label in _labels(panel)


def test_key_press_moves_a_slider_by_one_step(qtbot, panel):
    panel.gaussian_slider.setFocus()
    with qtbot.waitSignal(panel.noise_changed, timeout=1000) as blocker:
        qtbot.keyClick(panel.gaussian_slider, Qt.Key.Key_Right)
    assert blocker.args == pytest.approx([0.01, 0.0, 0.0])


def test_set_noise_moves_sliders_and_emits_once(qtbot, panel):
    seen: list[tuple[float, float, float]] = []
    panel.noise_changed.connect(lambda g, m, s: seen.append((g, m, s)))
    panel.set_noise(0.5, 0.2, 0.1)
    assert seen == [pytest.approx((0.5, 0.2, 0.1))]
    assert panel.gaussian_slider.value() == 50
    assert {"0.50", "20%", "10%"} <= _labels(panel)
    panel.set_noise(5.0, 2.0, -1.0)  # clamped to the slider ranges
    assert panel.noise() == pytest.approx((1.0, 0.9, 0.0))


def test_set_images_fills_tiles_and_captions(panel):
    clean = np.zeros((28, 28), dtype=np.float32)
    noisy = np.full((28, 28), 0.3, dtype=np.float32)
    recon = np.full((28, 28), 0.1, dtype=np.float32)
    panel.set_images(clean, noisy, recon, "MSE 0.090 · PSNR 10.5 dB", "MSE 0.010 · PSNR 20.0 dB")
    clean_tile, noisy_tile, recon_tile = panel.tiles()
    assert [t.title() for t in panel.tiles()] == ["Clean", "Noisy input", "Reconstruction"]
    np.testing.assert_array_equal(clean_tile.image(), clean)
    np.testing.assert_array_equal(noisy_tile.image(), noisy)
    np.testing.assert_array_equal(recon_tile.image(), recon)
    assert clean_tile.caption() == "model input"
    assert noisy_tile.caption() == "MSE 0.090 · PSNR 10.5 dB"
    assert recon_tile.caption() == "MSE 0.010 · PSNR 20.0 dB"
    assert all(t.image_rect().width() >= 140 for t in panel.tiles())
    panel.set_images(None, None, None)
    assert all(t.image() is None for t in panel.tiles())
    assert noisy_tile.caption() == ""


def test_placeholder_and_theme(panel):
    panel.set_placeholder("Train a model first")
    panel.apply_theme()
    panel.grab()
