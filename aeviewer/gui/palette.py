"""Colours, pens, brushes and fonts, created once and reused (a new brush per point is slow).

Class colours are one set for every theme, chosen with :mod:`aeviewer.core.colour`: any two
differ by CIEDE2000 >= 20 for normal vision and >= 10 under simulated protanopia, deuteranopia
and tritanopia, and each has a WCAG contrast of at least 3:1 against both the dark and the light
background (so they sit at middle lightness). Each class also has its own marker shape, for
readers (and projectors) that still confuse two colours.

Presenter mode switches to a high-contrast variant of the theme (:func:`contrast_theme`) and
scales every font this module hands out (:func:`set_font_scale`): widgets re-read both in their
``apply_theme``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pyqtgraph as pg
from PySide6.QtGui import QBrush, QColor, QFont, QPen

from aeviewer.core import colour

CLASS_HEX = (
    "#268cfc",  # 0 blue
    "#c47706",  # 1 orange
    "#1d742f",  # 2 green
    "#fc3b8a",  # 3 pink
    "#9f7fb9",  # 4 lilac
    "#ce0806",  # 5 red
    "#3b49ff",  # 6 indigo
    "#b31ca5",  # 7 magenta
    "#039186",  # 8 teal
    "#89995a",  # 9 sage
)
# pyqtgraph symbols, one per class: solid shapes for the darker colours, thin ones ("x", "+",
# "star") only for the lighter colours, which keep enough ink to read.
CLASS_SYMBOLS = ("o", "s", "t1", "x", "+", "t", "d", "h", "star", "t2")

BASE_POINT_SIZE = 12  # readable from the back row; presenter mode scales it up
PRESENTER_SCALE = 1.4  # presenter mode's font scale on a 1080-line screen: 12 pt becomes 17 pt


def presenter_scale(screen_height: int) -> float:
    """Presenter mode's font scale for a screen ``screen_height`` logical pixels tall.

    Type grows with the room: :data:`PRESENTER_SCALE` from 1080 lines up, none at 768 lines
    or fewer (a 1280x720 projector's pixels are already large in the hall, and larger type
    there left the lesson panel scrolling and the loss squeezed flat), linear in between.
    """
    share = min(max((screen_height - 768) / (1080 - 768), 0.0), 1.0)
    return 1.0 + (PRESENTER_SCALE - 1.0) * share


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
    # High-contrast variants for presenter mode: a projector washes colours out, so text and
    # axes go to pure white on black (or black on white) and muted text stays above 7:1
    # (WCAG AAA); the class colours are unchanged (they are chosen to read on both).
    "dark-contrast": Theme(
        "dark-contrast",
        background="#000000",
        panel="#14161a",
        foreground="#ffffff",
        muted="#c9ced6",
        accent="#ffd400",
        train="#5cb0ff",
        val="#ffa733",
        raw="#5cb0ff",
        marker="#ffffff",
        grid_alpha=0.3,
    ),
    "light-contrast": Theme(
        "light-contrast",
        background="#ffffff",
        panel="#e8eaee",
        foreground="#000000",
        muted="#30353d",
        accent="#a00000",
        train="#0047b3",
        val="#b33c00",
        raw="#0047b3",
        marker="#000000",
        grid_alpha=0.35,
    ),
}

_current = THEMES["dark"]
_font_scale = 1.0


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


def contrast_theme(name: str) -> str:
    """The name of the high-contrast variant of theme ``name`` (presenter mode)."""
    base = name.removesuffix("-contrast")
    return f"{base if base in THEMES else 'dark'}-contrast"


def contrast_ratio(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours, by any name Qt knows ("white", "#15171c"): 1 to 21;
    7 or more reads from the back row (:func:`aeviewer.core.colour.contrast_ratio`)."""
    return colour.contrast_ratio(QColor(a).name(), QColor(b).name())


def set_font_scale(scale: float) -> None:
    """Scale every font and point size handed out from now on (presenter mode: about 1.4)."""
    global _font_scale
    _font_scale = max(0.5, min(float(scale), 3.0))


def font_scale() -> float:
    """The font scale in use (1 outside presenter mode)."""
    return _font_scale


def pt(size: float) -> int:
    """``size`` points at the current font scale (for style sheets and pyqtgraph labels)."""
    return max(1, round(size * _font_scale))


def class_color(label: int, alpha: int = 255) -> QColor:
    """The colour of class ``label`` (cycled past ten classes)."""
    c = QColor(CLASS_HEX[int(label) % len(CLASS_HEX)])
    c.setAlpha(alpha)
    return c


def class_symbol(label: int) -> str:
    """The pyqtgraph marker symbol of class ``label`` (cycled with the colours)."""
    return CLASS_SYMBOLS[int(label) % len(CLASS_SYMBOLS)]


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
    """A font of ``point_size`` points at the current font scale (see :func:`set_font_scale`)."""
    f = QFont()
    f.setPointSize(pt(point_size))
    f.setBold(bold)
    return f


def stylesheet(t: Theme, scale: float | None = None) -> str:
    """Application-wide style: large type and high contrast for projectors.

    ``scale`` multiplies the base point size; by default the current font scale.
    """
    pt = round(BASE_POINT_SIZE * (font_scale() if scale is None else scale))
    # Text on the accent (a checked button): black on the dark themes' yellow, white on the
    # light themes' red (black on the presenter red reads at 2.5:1).
    on_accent = max(("black", "white"), key=lambda c: contrast_ratio(t.accent, c))
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
    QPushButton#primary:disabled {{ background: {t.panel}; color: {t.muted};
                                    border-color: {t.muted}; }}
    QPushButton:checked {{ background: {t.accent}; color: {on_accent}; }}
    QCheckBox::indicator {{ width: 0.9em; height: 0.9em; border: 2px solid {t.muted};
                            border-radius: 3px; background: {t.panel}; }}
    QCheckBox::indicator:checked {{ background: {t.accent}; border-color: {t.accent}; }}
    QComboBox, QSpinBox, QDoubleSpinBox, QLineEdit {{ background: {t.panel};
        border: 1px solid {t.muted}; border-radius: 4px; padding: 3px 6px; }}
    QStatusBar {{ background: {t.panel}; color: {t.foreground}; }}
    QLabel#caption {{ color: {t.muted}; }}
    QLabel#hint {{ color: {t.muted}; font-style: italic; }}
    QLabel#banner {{ background: {t.panel}; color: {t.foreground}; padding: 8px 12px;
                     font-size: {round(pt * 1.25)}pt; border-left: 6px solid {t.accent}; }}
    QSlider:horizontal {{ min-height: 30px; }}
    QSlider::groove:horizontal {{ height: 8px; background: {t.panel}; border: 1px solid {t.muted};
                                  border-radius: 5px; }}
    QSlider::sub-page:horizontal {{ background: {t.muted}; border-radius: 5px; }}
    QSlider::handle:horizontal {{ background: {t.accent}; border: 2px solid {t.background};
                                  width: 20px; margin: -8px 0; border-radius: 12px; }}
    QSlider::handle:horizontal:disabled {{ background: {t.muted}; }}
    QToolTip {{ background: {t.panel}; color: {t.foreground}; border: 1px solid {t.muted}; }}
    QToolBar {{ background: {t.panel}; border: none; spacing: 10px; padding: 4px; }}
    QToolButton {{ background: {t.background}; color: {t.foreground}; padding: 6px 14px;
                   border: 1px solid {t.muted}; border-radius: 5px; }}
    QToolButton:hover {{ border-color: {t.accent}; }}
    """
