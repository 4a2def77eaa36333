"""Colour difference for choosing plot colours: sRGB to CIELAB, CIEDE2000, and simulated
colour-vision deficiencies (Machado, Oliveira and Fernandes 2009, severity 1.0).

Pure numpy, no Qt: the palette's tests use it to check that every two class colours differ
clearly for normal vision and under protanopia, deuteranopia and tritanopia, and that each
stands out against each theme's background.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

# sRGB (D65) linear RGB -> CIE XYZ, IEC 61966-2-1.
_RGB_TO_XYZ = np.array(
    [
        [0.4124564, 0.3575761, 0.1804375],
        [0.2126729, 0.7151522, 0.0721750],
        [0.0193339, 0.1191920, 0.9503041],
    ]
)
_WHITE_D65 = _RGB_TO_XYZ.sum(axis=1)  # XYZ of sRGB white: the reference white of Lab

# Machado et al. 2009, severity 1.0, applied to linear sRGB (as colorspacious and colour-science
# do): protanomaly/deuteranomaly/tritanomaly at full severity simulate the dichromacies.
CVD_MATRICES: dict[str, np.ndarray] = {
    "protanopia": np.array(
        [
            [0.152286, 1.052583, -0.204868],
            [0.114503, 0.786281, 0.099216],
            [-0.003882, -0.048116, 1.051998],
        ]
    ),
    "deuteranopia": np.array(
        [
            [0.367322, 0.860646, -0.227968],
            [0.280085, 0.672501, 0.047413],
            [-0.011820, 0.042940, 0.968881],
        ]
    ),
    "tritanopia": np.array(
        [
            [1.255528, -0.076749, -0.178779],
            [-0.078411, 0.930809, 0.147602],
            [0.004733, 0.691367, 0.303900],
        ]
    ),
}


def hex_to_rgb(colours: str | Sequence[str]) -> np.ndarray:
    """``"#rrggbb"`` (or a sequence of them) as sRGB in 0..1, shape (3,) or (N, 3)."""
    single = isinstance(colours, str)
    items = [colours] if isinstance(colours, str) else list(colours)
    rgb = np.array([[int(c.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)] for c in items]) / 255.0
    return rgb[0] if single else rgb


def srgb_to_linear(rgb: np.ndarray) -> np.ndarray:
    """Undo the sRGB transfer curve (values 0..1)."""
    c = np.asarray(rgb, dtype=np.float64)
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def linear_to_srgb(rgb: np.ndarray) -> np.ndarray:
    """Apply the sRGB transfer curve to linear values, clipped to 0..1."""
    c = np.clip(np.asarray(rgb, dtype=np.float64), 0.0, 1.0)
    return np.where(c <= 0.0031308, 12.92 * c, 1.055 * c ** (1 / 2.4) - 0.055)


def srgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """sRGB (0..1, last axis of size 3) to CIELAB (D65 white)."""
    xyz = srgb_to_linear(rgb) @ _RGB_TO_XYZ.T / _WHITE_D65
    eps, kappa = 216 / 24389, 24389 / 27
    f = np.where(xyz > eps, np.cbrt(xyz), (kappa * xyz + 16) / 116)
    return np.stack(
        [116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])],
        axis=-1,
    )


def simulate_cvd(rgb: np.ndarray, kind: str) -> np.ndarray:
    """sRGB colours (0..1) as seen with deficiency ``kind`` (a key of :data:`CVD_MATRICES`)."""
    linear = srgb_to_linear(rgb) @ CVD_MATRICES[kind].T
    return linear_to_srgb(linear)


def ciede2000(lab1: np.ndarray, lab2: np.ndarray) -> np.ndarray:
    """CIEDE2000 colour difference of CIELAB colours (broadcast over leading axes).

    Sharma, Wu and Dalal (2005), "The CIEDE2000 color-difference formula: implementation
    notes, supplementary test data, and mathematical observations"; kL = kC = kH = 1.
    About 1 is a just-noticeable difference; 20 or more reads as two different colours.
    """
    a = np.asarray(lab1, dtype=np.float64)
    b = np.asarray(lab2, dtype=np.float64)
    L1, a1, b1 = a[..., 0], a[..., 1], a[..., 2]
    L2, a2, b2 = b[..., 0], b[..., 1], b[..., 2]
    c_mean = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_mean**7 / (c_mean**7 + 25.0**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360
    chroma_zero = (c1p * c2p) == 0

    dLp = L2 - L1
    dCp = c2p - c1p
    dh = h2p - h1p
    dh = np.where(dh > 180, dh - 360, np.where(dh < -180, dh + 360, dh))
    dh = np.where(chroma_zero, 0.0, dh)
    dHp = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh) / 2)

    Lp = (L1 + L2) / 2
    Cp = (c1p + c2p) / 2
    h_sum = h1p + h2p
    far = np.abs(h1p - h2p) > 180
    hp = np.where(far, np.where(h_sum < 360, h_sum + 360, h_sum - 360), h_sum) / 2
    hp = np.where(chroma_zero, h_sum, hp)

    t = (
        1
        - 0.17 * np.cos(np.radians(hp - 30))
        + 0.24 * np.cos(np.radians(2 * hp))
        + 0.32 * np.cos(np.radians(3 * hp + 6))
        - 0.20 * np.cos(np.radians(4 * hp - 63))
    )
    d_theta = 30 * np.exp(-(((hp - 275) / 25) ** 2))
    rc = 2 * np.sqrt(Cp**7 / (Cp**7 + 25.0**7))
    sl = 1 + 0.015 * (Lp - 50) ** 2 / np.sqrt(20 + (Lp - 50) ** 2)
    sc = 1 + 0.045 * Cp
    sh = 1 + 0.015 * Cp * t
    rt = -np.sin(np.radians(2 * d_theta)) * rc
    terms = (dLp / sl) ** 2 + (dCp / sc) ** 2 + (dHp / sh) ** 2 + rt * (dCp / sc) * (dHp / sh)
    return np.sqrt(np.maximum(terms, 0.0))


def hex_distance(a: str, b: str, vision: str = "normal") -> float:
    """CIEDE2000 distance of two ``"#rrggbb"`` colours as seen with ``vision`` (``"normal"``
    or a key of :data:`CVD_MATRICES`)."""
    rgb = hex_to_rgb([a, b])
    if vision != "normal":
        rgb = simulate_cvd(rgb, vision)
    lab = srgb_to_lab(rgb)
    return float(ciede2000(lab[0], lab[1]))


def pairwise_distances(colours: Sequence[str], vision: str = "normal") -> np.ndarray:
    """(N, N) CIEDE2000 distances of ``colours`` as seen with ``vision`` (see
    :func:`hex_distance`); the diagonal is 0."""
    rgb = hex_to_rgb(colours)
    if vision != "normal":
        rgb = simulate_cvd(rgb, vision)
    lab = srgb_to_lab(rgb)
    return ciede2000(lab[:, None, :], lab[None, :, :])


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two ``"#rrggbb"`` colours (1 to 21)."""
    y = srgb_to_linear(hex_to_rgb([a, b])) @ _RGB_TO_XYZ[1]
    hi, lo = max(y), min(y)
    return float((hi + 0.05) / (lo + 0.05))
