"""A grid of validation originals over their reconstructions, and a row of generated samples.

Refreshed every epoch, so tiles are pooled: ``set_pairs`` with the same number of columns only
swaps the images in existing :class:`ImageTile` widgets (no widget is created or destroyed).

The tiles are as large as the gallery's width and height both allow, square, and the gallery
never asks for more height than it is given (in a 1080p window's bottom row it scrolled when
its tiles were as tall as its width made them). Each row's name goes where it costs the tiles
least (:meth:`SampleGallery.tile_side`): beside its row in a wide gallery, above it in a
narrow one, where a column of names would take a tenth of the width from ten tiles.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import numpy as np
from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from aeviewer.gui import palette
from aeviewer.gui.widgets.image_tile import ImageTile

__all__ = ["SampleGallery"]

_ROW_ORIGINAL, _ROW_NOISY, _ROW_RECON, _ROW_GENERATED = 0, 1, 2, 3
_TILE_MIN = 64
_TILE_MAX = 180  # keeps rows on screen when the gallery is docked wide
_TILE_FRAME = 4  # ImageTile's margin around its image (room for the highlight frame)
_NAME_WIDTH = 130  # the column of row names beside the rows ("Generated: fitted Gaussian" wraps)
#: ... or wider: a name wraps between its words, never inside one ("Reconstruction" in presenter
#: mode's larger type was cut to "onstruction").
_SPACING = 4  # between columns


class _RowName(QLabel):
    """A row's name: wrapped beside its row, but never height-for-width.

    A wrapped QLabel is height-for-width, and so becomes the grid around it: a scroll area
    then sizes the gallery to its tiles' preferred heights at any width (it scrolled).
    """

    def hasHeightForWidth(self) -> bool:
        return False


def _check_images(name: str, images: np.ndarray) -> None:
    """Refuse what no tile shows before any state changes: a half-filled gallery would have
    rows without tiles."""
    shape = np.shape(images)
    if not (len(shape) == 3 or (len(shape) == 4 and shape[-1] in (1, 3))):
        raise ValueError(f"{name} has shape {shape}; expected (N, H, W) or (N, H, W, 3) images")


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

        self._headers: dict[int, _RowName] = {}
        self._names_beside: bool | None = None  # where the row names are (see tile_side)
        self._names_width = 0  # their column's width, when beside
        self._grid = QGridLayout()
        self._grid.setHorizontalSpacing(_SPACING)
        self._grid.setVerticalSpacing(2)
        names = {
            _ROW_ORIGINAL: "Original",
            _ROW_NOISY: "Noisy input",
            _ROW_RECON: "Reconstruction",
            _ROW_GENERATED: "Generated",
        }
        for row, name in names.items():
            header = _RowName(name, self)
            header.setFont(palette.font(palette.BASE_POINT_SIZE))
            header.hide()
            self._headers[row] = header
        self._place_names(beside=True)

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
            ``(N, H, W)`` grey or ``(N, H, W, 3)`` colour images in [0, 1].
        indices : sequence of int
            Dataset index of each column (what ``sample_clicked`` emits).
        noisy : np.ndarray, optional
            Corrupted inputs of the same shape, shown in a "Noisy input" row between the two.
        captions : sequence of str, optional
            One caption per column under the original, e.g. the digit label ``"5"``.
        """
        n = len(indices)
        arrays = {"originals": originals, "reconstructions": reconstructions}
        if noisy is not None:
            arrays["noisy"] = noisy
        for name, arr in arrays.items():
            _check_images(name, arr)
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
            ``(M, H, W)`` or ``(M, H, W, 3)`` decoded samples in [0, 1].
        title : str
            Row header, e.g. ``"Generated: N(0, I)"`` or ``"Generated: fitted Gaussian"``.
        """
        if images is not None:
            _check_images("generated", images)
        m = 0 if images is None else len(images)
        self._headers[_ROW_GENERATED].setText(title)
        if images is not None and m:
            tiles = self._ensure_tiles(_ROW_GENERATED, m)
            for tile, image in zip(tiles, images, strict=False):
                tile.set_image(image)
        self._generated = m
        self._update_visibility()

    def clear(self) -> None:
        """Show no samples, only the placeholder (a new run has none yet)."""
        self._indices = []
        self._has_noisy = False
        self._generated = 0
        self._selected = None
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
            tile = ImageTile(parent=self, min_size=self._tile_size, opaque=True)
            tile.set_fit(True)  # sized by _fit_tiles, not height-for-width (see the module)
            tile.hide()
            if row == _ROW_GENERATED:
                tile.clicked.connect(partial(self._on_generated_tile_clicked, col))
            else:
                tile.clicked.connect(partial(self._on_pair_tile_clicked, col))
            top = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
            self._grid.addWidget(tile, 2 * row + 1, col + 1, top)  # column 0: the names
            tiles.append(tile)
        return tiles[:n]

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_tiles()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange) and self._headers:
            self._fit_tiles()  # presenter mode's type: the names' column follows it

    def _name_width(self) -> int:
        """The names' column: :data:`_NAME_WIDTH`, or the longest word of a name if wider."""
        words = (
            h.fontMetrics().horizontalAdvance(word)
            for h in self._headers.values()
            for word in h.text().split()
        )
        return max(_NAME_WIDTH, max(words, default=0) + 4)

    def tile_side(self) -> tuple[int, bool]:
        """The side of the images in pixels, and whether the row names go beside the rows.

        The largest side that fits the gallery's width (all columns) and height (all rows
        shown, with their captions), with the names in a column of their own or each above
        its row, whichever leaves the larger side.
        """
        counts = self._visible_counts()
        columns, rows = max(counts.values()), sum(1 for c in counts.values() if c)
        if not columns:
            return self._tile_size, True
        m = self._layout.contentsMargins()
        width = self.width() - m.left() - m.right() - _SPACING * (columns - 1)
        height = self.height() - m.top() - m.bottom() - 2 * (2 * rows - 1)  # row spacing
        names = 0
        for row, count in counts.items():
            if count:  # the caption line of its tiles, and the row's name when above it
                tile = self._rows[row][0]
                height -= tile.heightForWidth(100) - 100
                names += self._headers[row].fontMetrics().height() + 2
        beside = min((width - self._name_width() - _SPACING) // columns, height // rows)
        above = min(width // columns, (height - names) // rows)
        fits = beside - 2 * _TILE_FRAME >= self._tile_size  # the names' column fits at all
        side = (beside if fits and beside >= above else above) - 2 * _TILE_FRAME
        return int(max(self._tile_size, min(side, _TILE_MAX))), fits and beside >= above

    def minimumSizeHint(self) -> QSize:
        # The same wherever the row names are (the narrower arrangement's width): were it to
        # change with them, the window's layout would move the latent view under the mouse.
        hint = super().minimumSizeHint()
        columns = max(self._visible_counts().values())
        if not columns:
            return hint
        m = self._layout.contentsMargins()
        tile = self._tile_size + 2 * _TILE_FRAME
        width = m.left() + m.right() + columns * tile + (columns - 1) * _SPACING
        return QSize(width, hint.height())

    def _fit_tiles(self) -> None:
        side, beside = self.tile_side()
        self._place_names(beside)
        side += 2 * _TILE_FRAME
        for tiles in self._rows.values():
            for tile in tiles:  # aligned in its cell, a tile takes its size hint
                tile.set_hint_width(side)
                tile.setMaximumSize(side, tile.heightForWidth(side))

    def names_beside(self) -> bool:
        """Whether the row names are in a column beside the rows (else above each row)."""
        return bool(self._names_beside)

    def _place_names(self, beside: bool) -> None:
        width = self._name_width() if beside else 0
        if (beside, width) == (self._names_beside, self._names_width):
            return
        self._names_beside, self._names_width = beside, width
        for row, header in self._headers.items():
            self._grid.removeWidget(header)
            header.setWordWrap(beside)
            if beside:
                header.setFixedWidth(width)
                header.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self._grid.addWidget(header, 2 * row + 1, 0)
            else:  # one line over the whole row
                header.setMinimumWidth(0)
                header.setMaximumWidth(16777215)
                header.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom)
                self._grid.addWidget(header, 2 * row, 0, 1, -1)

    def _visible_counts(self) -> dict[int, int]:
        """How many tiles each row shows."""
        n = self.pair_count()
        return {
            _ROW_ORIGINAL: n,
            _ROW_NOISY: n if self._has_noisy else 0,
            _ROW_RECON: n,
            _ROW_GENERATED: self._generated,
        }

    def _update_visibility(self) -> None:
        visible_rows = self._visible_counts()
        n = self.pair_count()
        for row, count in visible_rows.items():
            self._headers[row].setVisible(count > 0)
            for col, tile in enumerate(self._rows[row]):
                tile.setVisible(col < count)
        columns = max(visible_rows.values())
        for col in range(1, self._grid.columnCount()):
            # Only shown columns share the width (a stretched empty column would take space).
            self._grid.setColumnStretch(col, 1 if col <= columns else 0)
        self._fit_tiles()
        empty = n == 0 and bool(self._placeholder.text())
        self._placeholder.setVisible(empty)
        # The hint takes the free height (centred) while empty; otherwise the grid does, up
        # to its tiles' largest size (_fit_tiles), then the trailing stretch.
        self._layout.setStretch(0, 1 if empty else 0)
        self._layout.setStretch(1, 0 if empty else 100)
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
