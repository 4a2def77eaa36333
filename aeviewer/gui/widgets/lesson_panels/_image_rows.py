"""Titled rows of image tiles, pooled: new data of the same size only swaps images."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from aeviewer.gui.widgets.image_tile import ImageTile
from aeviewer.gui.widgets.lesson_panels._base import label_style

__all__ = ["ImageRows"]

TILE_MIN = 72
TILE_MAX = 110  # rows stay compact: the panel shares a docked area with the gallery
_HEADER_MAX = 220


class ImageRows(QWidget):
    """Rows of :class:`ImageTile` s, each with a title (above the row, or to its left).

    Parameters
    ----------
    parent : QWidget, optional
        Parent widget.
    headers_above : bool
        Titles on their own line above each row (long titles such as "Tied · 82,414
        parameters"); otherwise in a column to the left (short ones such as "Original").
    tile_size : int
        Minimum side of each tile in pixels.
    """

    def __init__(
        self, parent: QWidget | None = None, headers_above: bool = True, tile_size: int = TILE_MIN
    ) -> None:
        super().__init__(parent)
        self._above = headers_above
        self._tile_size = int(tile_size)
        self._headers: list[QLabel] = []
        self._tiles: list[list[ImageTile]] = []
        self._counts: list[int] = []
        self._rows = 0
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(4)
        self._grid.setVerticalSpacing(2)

    def set_rows(
        self,
        rows: Sequence[tuple[str, np.ndarray]],
        captions: Sequence[Sequence[str]] = (),
    ) -> None:
        """Show one titled row of tiles per ``(title, images)``.

        Parameters
        ----------
        rows : sequence of (str, np.ndarray)
            Title and ``(N, H, W)`` grey or ``(N, H, W, 3)`` colour images in [0, 1]; rows
            may differ in ``N``.
        captions : sequence of sequences of str
            Optional captions per row (a row's list may be empty or shorter than ``N``).
        """
        for r, (title, images) in enumerate(rows):
            header, tiles = self._ensure_row(r, len(images))
            header.setText(title)
            row_captions = list(captions[r]) if r < len(captions) else []
            for col, tile in enumerate(tiles):
                tile.set_image(images[col])
                tile.set_caption(row_captions[col] if col < len(row_captions) else "")
            self._counts[r] = len(images)
        self._rows = len(rows)
        self._update_visibility()

    def row_count(self) -> int:
        """The number of rows shown."""
        return self._rows

    def row_titles(self) -> list[str]:
        """The titles of the rows shown."""
        return [h.text() for h in self._headers[: self._rows]]

    def tiles(self, row: int) -> list[ImageTile]:
        """The tiles shown in row ``row``."""
        return self._tiles[row][: self._counts[row]] if row < self._rows else []

    def apply_theme(self) -> None:
        """Re-read the theme: headers and tiles."""
        for header in self._headers:
            header.setStyleSheet(label_style("row"))
        for tiles in self._tiles:
            for tile in tiles:
                tile.apply_theme()

    # ----------------------------------------------------------------- internals
    def _grid_pos(self, row: int, col: int) -> tuple[int, int]:
        """Grid cell of tile ``col`` of ``row`` (headers take a line or the first column)."""
        return (2 * row + 1, col) if self._above else (row, col + 1)

    def _ensure_row(self, row: int, n: int) -> tuple[QLabel, list[ImageTile]]:
        while len(self._headers) <= row:
            r = len(self._headers)
            header = QLabel(self)
            header.setWordWrap(True)
            header.setStyleSheet(label_style("row"))
            if self._above:
                self._grid.addWidget(header, 2 * r, 0, 1, -1)
            else:
                header.setMaximumWidth(_HEADER_MAX)
                header.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self._grid.addWidget(header, r, 0)
            self._headers.append(header)
            self._tiles.append([])
            self._counts.append(0)
        tiles = self._tiles[row]
        while len(tiles) < n:
            tile = ImageTile(parent=self, min_size=self._tile_size)
            tile.setMaximumWidth(TILE_MAX)
            self._grid.addWidget(tile, *self._grid_pos(row, len(tiles)))
            tiles.append(tile)
        return self._headers[row], tiles[:n]

    def _update_visibility(self) -> None:
        columns = 0
        for r, header in enumerate(self._headers):
            shown = r < self._rows
            header.setVisible(shown)
            count = self._counts[r] if shown else 0
            columns = max(columns, count)
            for col, tile in enumerate(self._tiles[r]):
                tile.setVisible(col < count)
        first = 0 if self._above else 1
        for col in range(self._grid.columnCount()):
            # Only shown columns share the width (a stretched empty column would take space).
            self._grid.setColumnStretch(col, 1 if first <= col < first + columns else 0)
