"""Colours, pens, brushes and fonts, created once and reused (a new brush per point is slow).

Class colours are the Okabe-Ito / Tableau colour-blind-friendly set, bright enough to read on
a projector against the dark theme and dark enough against the light one.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pyqtgraph as pg
from PySide6.QtGui import QBrush, QColor, QFont, QPen

CLASS_HEX = (
    "#4e9bff",  # 0 blue
    "#ff9f1c",  # 1 orange
    "#2ec27e",  # 2 green
    "#ff5c5c",  # 3 red
    "#b48cff",  # 4 purple
    "#c48a5a",  # 5 brown
    "#ff7ad9",  # 6 pink
    "#a0a0a0",  # 7 grey
    "#d4d42a",  # 8 olive
    "#27d3e6",  # 9 cyan
)

BASE_POINT_SIZE = 12  # readable from the back row; presenter mode scales it up


@dataclass(frozen=True)
class Theme:
    name: str
    background: str
    panel: str
    foreground: str
    muted: str
    accent: str
    train: str
    val: str
    raw: str
    marker: str
    grid_alpha: float


THEMES = {
    "dark": Theme(
        "dark",
        background="#15171c",
        panel="#1e2128",
        foreground="#e8e8e8",
        muted="#9aa0aa",
        accent="#ffcc33",
        train="#4e9bff",
        val="#ff9f1c",
        raw="#4e9bff",
        marker="#ffffff",
        grid_alpha=0.15,
    ),
    "light": Theme(
        "light",
        background="#ffffff",
        panel="#f3f4f6",
        foreground="#15171c",
        muted="#5b6270",
        accent="#d62f2f",
        train="#1f5fbf",
        val="#d9480f",
        raw="#1f5fbf",
        marker="#000000",
        grid_alpha=0.2,
    ),
}

_current = THEMES["dark"]


def theme() -> Theme:
    """The theme in use."""
    return _current


def set_theme(name: str) -> Theme:
    """Switch the theme for plots created or restyled from now on."""
    global _current
    _current = THEMES.get(name, THEMES["dark"])
    pg.setConfigOption("background", _current.background)
    pg.setConfigOption("foreground", _current.foreground)
    return _current


def class_color(label: int, alpha: int = 255) -> QColor:
    """The colour of class ``label`` (cycled past ten classes)."""
    c = QColor(CLASS_HEX[int(label) % len(CLASS_HEX)])
    c.setAlpha(alpha)
    return c


@lru_cache(maxsize=64)
def class_brush(label: int, alpha: int = 220) -> QBrush:
    """A shared brush for class ``label``: reuse it, never create one per point."""
    return QBrush(class_color(label, alpha))


@lru_cache(maxsize=64)
def pen(color: str, width: float = 2.0, alpha: int = 255) -> QPen:
    """A shared cosmetic pen."""
    c = QColor(color)
    c.setAlpha(alpha)
    p = QPen(c)
    p.setWidthF(width)
    p.setCosmetic(True)
    return p


def font(point_size: int = BASE_POINT_SIZE, bold: bool = False) -> QFont:
    f = QFont()
    f.setPointSize(point_size)
    f.setBold(bold)
    return f


def stylesheet(t: Theme, scale: float = 1.0) -> str:
    """Application-wide style: large type and high contrast for projectors."""
    pt = round(BASE_POINT_SIZE * scale)
    return f"""
    QWidget {{ background: {t.background}; color: {t.foreground}; font-size: {pt}pt; }}
    QDockWidget::title {{ background: {t.panel}; padding: 6px; font-weight: bold; }}
    QGroupBox {{ border: 1px solid {t.muted}; border-radius: 6px; margin-top: 1.2em;
                 padding-top: 0.4em; }}
    QGroupBox::title {{ subcontrol-origin: margin; left: 8px; padding: 0 4px;
                        color: {t.muted}; }}
    QPushButton {{ background: {t.panel}; border: 1px solid {t.muted}; border-radius: 5px;
                   padding: 6px 12px; }}
    QPushButton:hover {{ border-color: {t.accent}; }}
    QPushButton:disabled {{ color: {t.muted}; border-color: {t.panel}; }}
    QPushButton#primary {{ background: {t.train}; color: white; font-weight: bold;
                           border-color: {t.train}; }}
    QPushButton:checked {{ background: {t.accent}; color: black; }}
    QComboBox, QSpinBox, QDoubleSpinBox, QLineEdit {{ background: {t.panel};
        border: 1px solid {t.muted}; border-radius: 4px; padding: 3px 6px; }}
    QStatusBar {{ background: {t.panel}; color: {t.foreground}; }}
    QLabel#caption {{ color: {t.muted}; }}
    QLabel#hint {{ color: {t.muted}; font-style: italic; }}
    QLabel#banner {{ background: {t.panel}; color: {t.foreground}; padding: 8px 12px;
                     font-size: {round(pt * 1.25)}pt; border-left: 6px solid {t.accent}; }}
    QSlider::groove:horizontal {{ height: 6px; background: {t.panel}; border-radius: 3px; }}
    QSlider::handle:horizontal {{ background: {t.accent}; width: 16px; margin: -6px 0;
                                  border-radius: 8px; }}
    QToolTip {{ background: {t.panel}; color: {t.foreground}; border: 1px solid {t.muted}; }}
    """
