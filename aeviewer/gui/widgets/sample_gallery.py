"""A grid of validation originals over their reconstructions, and a row of generated samples.

Refreshed every epoch, so tiles are pooled: ``set_pairs`` with the same number of columns only
swaps the images in existing :class:`ImageTile` widgets (no widget is created or destroyed).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from aeviewer.gui import palette
from aeviewer.gui.widgets.image_tile import ImageTile

__all__ = ["SampleGallery"]

_ROW_ORIGINAL, _ROW_NOISY, _ROW_RECON, _ROW_GENERATED = 0, 1, 2, 3
_TILE_MIN = 64
_TILE_MAX = 180  # keeps rows on screen when the gallery is docked wide


class SampleGallery(QWidget):
    """Originals over reconstructions (with an optional noisy row) and generated samples.

    Clicking a column of the pair rows selects it and emits ``sample_clicked`` with the
    dataset index given for that column; clicking a generated sample emits
    ``generated_clicked`` with its column.
    """

    sample_clicked = Signal(int)
    generated_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None, tile_size: int = _TILE_MIN) -> None:
        super().__init__(parent)
        self._tile_size = int(tile_size)
        self._rows: dict[int, list[ImageTile]] = {
            row: [] for row in (_ROW_ORIGINAL, _ROW_NOISY, _ROW_RECON, _ROW_GENERATED)
        }
        self._indices: list[int] = []
        self._has_noisy = False
        self._generated = 0
        self._selected: int | None = None

        self._placeholder = QLabel(self)
        self._placeholder.setObjectName("hint")
        self._placeholder.setFont(palette.font(palette.BASE_POINT_SIZE))
        self._placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._placeholder.setWordWrap(True)

        self._headers: dict[int, QLabel] = {}
        self._grid = QGridLayout()
        self._grid.setHorizontalSpacing(4)
        self._grid.setVerticalSpacing(4)
        names = {
            _ROW_ORIGINAL: "Original",
            _ROW_NOISY: "Noisy input",
            _ROW_RECON: "Reconstruction",
            _ROW_GENERATED: "Generated",
        }
        for row, name in names.items():
            header = QLabel(name, self)
            header.setFont(palette.font(palette.BASE_POINT_SIZE))
            header.setWordWrap(True)
            header.setMaximumWidth(190)
            header.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            header.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
            header.hide()
            self._grid.addWidget(header, row, 0)
            self._headers[row] = header

        self._layout = QVBoxLayout(self)
        self._layout.addWidget(self._placeholder)
        self._layout.addLayout(self._grid)
        self._layout.addStretch(1)
        self._update_visibility()

    # ----------------------------------------------------------------- public API
    def set_pairs(
        self,
        originals: np.ndarray,
        reconstructions: np.ndarray,
        indices: Sequence[int],
        noisy: np.ndarray | None = None,
        captions: Sequence[str] | None = None,
    ) -> None:
        """Show originals over their reconstructions, one column per sample.

        Parameters
        ----------
        originals, reconstructions : np.ndarray
            ``(N, H, W)`` images in [0, 1].
        indices : sequence of int
            Dataset index of each column (what ``sample_clicked`` emits).
        noisy : np.ndarray, optional
            ``(N, H, W)`` corrupted inputs, shown in a "Noisy input" row between the two.
        captions : sequence of str, optional
            One caption per column under the original, e.g. the digit label ``"5"``.
        """
        n = len(indices)
        arrays = {"originals": originals, "reconstructions": reconstructions}
        if noisy is not None:
            arrays["noisy"] = noisy
        for name, arr in arrays.items():
            if len(arr) != n:
                raise ValueError(f"{name} has {len(arr)} images for {n} indices")
        if captions is not None and len(captions) != n:
            raise ValueError(f"{len(captions)} captions for {n} indices")

        self._indices = [int(i) for i in indices]
        self._has_noisy = noisy is not None
        rows = [(_ROW_ORIGINAL, originals), (_ROW_RECON, reconstructions)]
        if noisy is not None:
            rows.append((_ROW_NOISY, noisy))
        for row, images in rows:
            tiles = self._ensure_tiles(row, n)
            for tile, image in zip(tiles, images, strict=False):
                tile.set_image(image)
        for col, tile in enumerate(self._rows[_ROW_ORIGINAL][:n]):
            tile.set_caption("" if captions is None else str(captions[col]))
        self._update_visibility()
        self._apply_selection()

    def set_generated(self, images: np.ndarray | None, title: str = "Generated") -> None:
        """Show a bottom row of generated samples (``None`` or empty hides the row).

        Parameters
        ----------
        images : np.ndarray or None
            ``(M, H, W)`` decoded samples in [0, 1].
        title : str
            Row header, e.g. ``"Generated: N(0, I)"`` or ``"Generated: fitted Gaussian"``.
        """
        m = 0 if images is None else len(images)
        self._headers[_ROW_GENERATED].setText(title)
        if images is not None and m:
            tiles = self._ensure_tiles(_ROW_GENERATED, m)
            for tile, image in zip(tiles, images, strict=False):
                tile.set_image(image)
        self._generated = m
        self._update_visibility()

    def pair_count(self) -> int:
        """The number of original/reconstruction columns shown."""
        return len(self._indices)

    def generated_count(self) -> int:
        """The number of generated samples shown."""
        return self._generated

    def indices(self) -> list[int]:
        """The dataset index of each pair column."""
        return list(self._indices)

    def set_selected(self, index: int | None) -> None:
        """Highlight the column showing dataset index ``index`` (``None`` clears it)."""
        self._selected = None if index is None else int(index)
        self._apply_selection()

    def selected(self) -> int | None:
        """The selected dataset index (it may not be among the columns shown)."""
        return self._selected

    def set_placeholder(self, text: str) -> None:
        """Set the text shown while there are no pairs, e.g. "Reconstructions appear after the
        first epoch"."""
        self._placeholder.setText(text)
        self._update_visibility()

    def placeholder(self) -> str:
        """The placeholder text."""
        return self._placeholder.text()

    def original_tiles(self) -> list[ImageTile]:
        """The tiles of the "Original" row, one per column."""
        return self._rows[_ROW_ORIGINAL][: self.pair_count()]

    def noisy_tiles(self) -> list[ImageTile]:
        """The tiles of the "Noisy input" row (empty when no noisy images are shown)."""
        return self._rows[_ROW_NOISY][: self.pair_count()] if self._has_noisy else []

    def reconstruction_tiles(self) -> list[ImageTile]:
        """The tiles of the "Reconstruction" row, one per column."""
        return self._rows[_ROW_RECON][: self.pair_count()]

    def generated_tiles(self) -> list[ImageTile]:
        """The tiles of the generated row."""
        return self._rows[_ROW_GENERATED][: self._generated]

    def apply_theme(self) -> None:
        """Re-read the theme and repaint every tile."""
        for tiles in self._rows.values():
            for tile in tiles:
                tile.apply_theme()

    # ----------------------------------------------------------------- internals
    def _ensure_tiles(self, row: int, n: int) -> list[ImageTile]:
        """Grow the row's pool to ``n`` tiles (never shrinks it) and return the first ``n``."""
        tiles = self._rows[row]
        while len(tiles) < n:
            col = len(tiles)
            tile = ImageTile(parent=self, min_size=self._tile_size)
            tile.setMaximumWidth(_TILE_MAX)
            tile.hide()
            if row == _ROW_GENERATED:
                tile.clicked.connect(partial(self._on_generated_tile_clicked, col))
            else:
                tile.clicked.connect(partial(self._on_pair_tile_clicked, col))
            self._grid.addWidget(tile, row, col + 1)
            tiles.append(tile)
        return tiles[:n]

    def _update_visibility(self) -> None:
        n = self.pair_count()
        visible_rows = {
            _ROW_ORIGINAL: n,
            _ROW_NOISY: n if self._has_noisy else 0,
            _ROW_RECON: n,
            _ROW_GENERATED: self._generated,
        }
        for row, count in visible_rows.items():
            self._headers[row].setVisible(count > 0)
            for col, tile in enumerate(self._rows[row]):
                tile.setVisible(col < count)
        columns = max(visible_rows.values())
        for col in range(1, self._grid.columnCount()):
            # Only shown columns share the width (a stretched empty column would take space).
            self._grid.setColumnStretch(col, 1 if col <= columns else 0)
        empty = n == 0 and bool(self._placeholder.text())
        self._placeholder.setVisible(empty)
        # The hint takes the free height (centred) while empty; the trailing stretch otherwise.
        self._layout.setStretch(0, 1 if empty else 0)
        self._layout.setStretch(2, 0 if empty else 1)

    def _apply_selection(self) -> None:
        for row in (_ROW_ORIGINAL, _ROW_NOISY, _ROW_RECON):
            for col, tile in enumerate(self._rows[row]):
                on = col < len(self._indices) and self._indices[col] == self._selected
                tile.set_highlighted(on)

    # ----------------------------------------------------------------- slots
    def _on_pair_tile_clicked(self, col: int) -> None:
        if col >= len(self._indices):
            return
        index = self._indices[col]
        self.set_selected(index)
        self.sample_clicked.emit(index)

    def _on_generated_tile_clicked(self, col: int) -> None:
        self.generated_clicked.emit(col)
