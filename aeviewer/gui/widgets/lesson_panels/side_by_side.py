"""Labelled rows of images for comparing models on the same samples.

E.g. "Original" on top, "Stacked · 163,814 parameters" over its reconstructions, "Tied ·
82,414 parameters" over its: tying the weights halves the parameters, not the quality.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtWidgets import QVBoxLayout, QWidget

from aeviewer.gui.widgets.image_tile import ImageTile
from aeviewer.gui.widgets.lesson_panels._base import LessonPanel
from aeviewer.gui.widgets.lesson_panels._image_rows import ImageRows

__all__ = ["SideBySidePanel"]


class SideBySidePanel(LessonPanel):
    """Titled rows of images, one row per model (and optionally the originals), and a note.

    Parameters
    ----------
    parent : QWidget, optional
        Parent widget.
    title : str
        Heading above the rows (``""`` for none).
    """

    def __init__(self, parent: QWidget | None = None, title: str = "") -> None:
        super().__init__(title, parent)
        self._rows = ImageRows(self, headers_above=True)
        layout = QVBoxLayout(self.content())
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._rows)
        layout.addStretch(1)
        self.apply_theme()

    def set_rows(self, rows: Sequence[tuple[str, np.ndarray]]) -> None:
        """Show one titled row of images per ``(title, images)``, top to bottom.

        Parameters
        ----------
        rows : sequence of (str, np.ndarray)
            Title, e.g. ``"Tied · 82,414 parameters"``, and ``(N, H, W)`` or ``(N, H, W, 3)``
            images in [0, 1]. An empty sequence empties the panel (its message shows, if any).
        """
        self._rows.set_rows(rows)
        self._refresh_message()

    def row_count(self) -> int:
        """The number of rows shown."""
        return self._rows.row_count()

    def row_titles(self) -> list[str]:
        """The titles of the rows shown."""
        return self._rows.row_titles()

    def row_tiles(self, row: int) -> list[ImageTile]:
        """The tiles shown in row ``row``."""
        return self._rows.tiles(row)

    def apply_theme(self) -> None:
        """Re-read the theme: labels and tiles."""
        super().apply_theme()
        self._rows.apply_theme()

    def _has_data(self) -> bool:
        return self._rows.row_count() > 0
