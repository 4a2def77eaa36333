"""The latent view's state without Qt: the codes on screen, their projection, and what a click
on the plane decodes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from aeviewer.core.latent import (
    Projection,
    fit_pca,
    identity_projection,
    nearest_index,
    plane_xy,
)


@dataclass
class LatentState:
    """The codes shown in the latent view and how they are projected onto its plane.

    ``codes`` are the latest epoch-end codes of the validation rows ``indices`` (from epoch
    ``codes_epoch``); ``shown_indices`` are the rows behind the points drawn now (live codes
    are a subsample); ``tsne_xy`` is the t-SNE map on screen, if one is.
    """

    projection: Projection | None = None
    codes: np.ndarray | None = None
    indices: np.ndarray | None = None
    shown_indices: np.ndarray | None = None
    codes_epoch: int = 0
    tsne_xy: np.ndarray | None = None

    def clear(self) -> None:
        self.projection = self.codes = self.indices = self.shown_indices = self.tsne_xy = None
        self.codes_epoch = 0

    @property
    def shows_tsne(self) -> bool:
        return self.projection is not None and self.projection.kind == "tsne"

    def reproject(self, codes: np.ndarray | None = None, keep: bool = True) -> Projection:
        """Fit the PCA plane of ``codes`` (default: the codes held) and make it the projection.

        With ``keep`` the axes keep the signs of the PCA plane shown (the picture does not
        flip between epochs); a t-SNE map or no plane gives a fresh fit.
        """
        codes = self.codes if codes is None else codes
        if codes is None:
            raise ValueError("no codes to project")
        shown = self.projection
        previous = shown if keep and shown is not None and shown.kind == "pca" else None
        self.projection = fit_pca(codes, previous)
        self.tsne_xy = None
        return self.projection

    def plane(self, codes: np.ndarray, indices: np.ndarray) -> np.ndarray:
        """``(N, 2)`` positions of ``codes`` on the plane (1-D codes: their strip)."""
        if self.projection is None:
            raise ValueError("no projection yet")
        return plane_xy(self.projection, codes, indices)

    def click_projection(self, code_dim: int | None) -> Projection | None:
        """The projection a click decodes through for a decoder of ``code_dim`` inputs, or
        None when there is none yet: 1-D and 2-D codes are shown as they are; a plane of
        other codes would not fit this decoder."""
        proj = self.projection
        if proj is not None and (code_dim is None or proj.latent_dim == code_dim):
            return proj
        if code_dim is not None and code_dim <= 2:
            return identity_projection(code_dim)
        return None

    def code_at(self, proj: Projection, x: float, y: float) -> tuple[np.ndarray, str] | None:
        """The code a click at ``(x, y)`` stands for, and a caption saying which: the inverse
        of an invertible projection, else the code of the nearest sample on the map."""
        if proj.invertible:
            code = proj.inverse(np.array([x, y], np.float32))
            shown = ", ".join(f"{v:.2f}" for v in code[:4])
            return code, f"z = ({shown}{', …' if len(code) > 4 else ''})"
        pts, codes = self.tsne_xy, self.codes
        if pts is None or codes is None or len(pts) != len(codes):
            return None
        i = nearest_index(pts, (x, y))
        if i < 0:
            return None
        sample = i if self.shown_indices is None else int(self.shown_indices[i])
        return codes[i], f"nearest sample #{sample}"  # its code now, decoded with today's weights
