"""Latent-space maths for the views: 2-D projections, their inverses, and sampling codes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Projection:
    """A map from latent codes to the 2-D plane the scatter shows, and back when it can.

    ``kind`` is ``"identity"`` (2-D codes as they are, 1-D ones as a strip along x),
    ``"pca"`` (linear; clicks invert it exactly
    within the plane, adding back the mean) or ``"tsne"`` (no inverse: a click decodes the
    nearest sample's code).
    """

    kind: str
    mean: np.ndarray
    components: np.ndarray  # (2, k) rows: the plane's axes in latent space
    explained: tuple[float, float] = (1.0, 0.0)
    ref_codes: np.ndarray | None = None  # t-SNE: the embedded codes ...
    ref_xy: np.ndarray | None = None  # ... and where they landed

    @property
    def invertible(self) -> bool:
        return self.kind in ("identity", "pca")

    @property
    def latent_dim(self) -> int:
        return int(self.mean.shape[0])

    @property
    def strip(self) -> bool:
        """1-D codes: shown along x, spread over y only so that the points do not overlap
        (see :func:`strip_offsets`); y carries no meaning and clicks ignore it."""
        return self.kind == "identity" and self.latent_dim == 1

    def transform(self, codes: np.ndarray) -> np.ndarray:
        """Plane coordinates ``(..., 2)`` of ``codes`` ``(..., latent_dim)``."""
        codes = np.asarray(codes, dtype=np.float32)
        if self.kind == "identity":
            if codes.shape[-1] == 1:  # a 1-D code sits on the x axis (y = 0)
                return np.concatenate([codes, np.zeros_like(codes)], axis=-1)
            return codes[..., :2].copy()
        if self.kind == "tsne":  # no formula: a new code lands where its nearest neighbour is
            assert self.ref_codes is not None and self.ref_xy is not None
            flat = codes.reshape(-1, codes.shape[-1])
            d = ((flat[:, None, :] - self.ref_codes[None]) ** 2).sum(-1)
            xy = self.ref_xy[np.argmin(np.nan_to_num(d, nan=np.inf), axis=1)]
            xy = np.where(finite_rows(flat)[:, None], xy, np.nan).astype(np.float32)
            return xy.reshape((*codes.shape[:-1], 2))
        out: np.ndarray = ((codes - self.mean) @ self.components.T).astype(np.float32)
        return out

    def inverse(self, xy: np.ndarray) -> np.ndarray:
        """Codes for plane points: the PCA plane's point (mean + x*pc1 + y*pc2)."""
        xy = np.asarray(xy, dtype=np.float32)
        if self.kind == "identity":
            k = self.latent_dim
            if k <= 2:
                return xy[..., :k].copy()  # 1-D codes: y is only the spread
            plane = np.zeros((*xy.shape[:-1], k), np.float32)  # the plane of z1 and z2
            plane[..., :2] = xy
            return plane
        if self.kind != "pca":
            raise ValueError("a t-SNE map has no inverse; decode the nearest sample instead")
        out: np.ndarray = (self.mean + xy @ self.components).astype(np.float32)
        return out

    def title(self) -> str:
        if self.strip:
            return "Latent space (1-D codes, spread up and down only to be seen)"
        if self.kind == "identity" and self.latent_dim > 2:
            return f"z₁ and z₂ of the {self.latent_dim}-D codes (the others at 0)"
        if self.kind == "identity":
            return "Latent space (2-D codes)"
        if self.kind == "pca":
            share = 100 * sum(self.explained)
            return (
                f"PCA of the {self.latent_dim}-D codes ({share:.0f}% of variance): "
                "clicks decode through the PCA inverse"
            )
        return f"t-SNE of the {self.latent_dim}-D codes: clicks decode the nearest sample"

    def axis_labels(self) -> tuple[str, str]:
        if self.strip:
            return ("z₁", "")
        return {"identity": ("z₁", "z₂"), "pca": ("PC 1", "PC 2")}.get(
            self.kind, ("t-SNE 1", "t-SNE 2")
        )


def identity_projection(latent_dim: int = 2) -> Projection:
    """Codes of 1 or 2 dimensions, shown as they are (1-D ones as a strip along x).

    For more dimensions, the plane of the first two (clicks set the others to 0): a fallback
    only, since those two axes need not be where the codes vary (:func:`fit_pca` is).
    """
    return Projection(
        "identity", np.zeros(latent_dim, np.float32), np.eye(2, latent_dim, dtype=np.float32)
    )


def strip_offsets(indices: np.ndarray) -> np.ndarray:
    """Vertical spread in [-1, 1) for the points of a 1-D strip, one per sample index.

    Fixed by the sample's index (a golden-ratio sequence, evenly spread), so a point keeps its
    height from one update to the next and only its code moves it, along x.
    """
    i = np.asarray(indices, dtype=np.float64)
    out: np.ndarray = ((i * 0.6180339887498949) % 1.0 * 2.0 - 1.0).astype(np.float32)
    return out


def plane_xy(projection: Projection, codes: np.ndarray, indices: np.ndarray) -> np.ndarray:
    """Where the scatter draws ``codes`` of samples ``indices``: the projection, plus the
    vertical spread of a 1-D strip."""
    xy = projection.transform(codes)
    if projection.strip:
        xy[..., 1] = strip_offsets(indices)
    return xy


def finite_rows(codes: np.ndarray) -> np.ndarray:
    """Boolean mask of the rows of ``codes`` (N, k) whose values are all finite."""
    return np.isfinite(np.asarray(codes)).all(axis=-1)


#: Codes up to this size find their axes from the k x k covariance; beyond it (a flattened
#: feature map of thousands of values) its eigen-decomposition would cost more than the SVD.
COVARIANCE_MAX_DIM = 512


def _top_axes(centred: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The two main axes of ``centred`` (N, k), as rows, and every axis's variance, largest
    first.

    The SVD of the whole (N, k) array took 7-27 ms for 2,000-10,000 codes of 32 values, at
    each epoch end of the GUI thread, while the covariance's eigen-decomposition takes under
    1 ms (docs/performance.md). Each axis's sign is fixed (its largest entry positive) so
    that the first fit does not depend on the LAPACK routine.
    """
    if centred.shape[1] <= COVARIANCE_MAX_DIM:
        var, vecs = np.linalg.eigh(centred.T @ centred)
        var, axes = np.clip(var[::-1], 0.0, None), vecs[:, ::-1].T
    else:
        _, s, axes = np.linalg.svd(centred, full_matrices=False)
        var = s**2
    axes = axes[:2]
    big = np.abs(axes).argmax(axis=1)
    axes = axes * np.where(axes[np.arange(len(axes)), big] < 0, -1.0, 1.0)[:, None]
    return axes, var


def fit_pca(codes: np.ndarray, previous: Projection | None = None) -> Projection:
    """PCA plane of ``codes``; axis signs follow ``previous`` so the picture does not flip.

    Rows holding NaN or infinity (a diverging run) are left out of the fit: one of them would
    make every component NaN. With fewer than two finite rows the plane is ``previous``'s
    when it fits, else the first two latent axes.
    """
    codes = np.asarray(codes, dtype=np.float64)
    k = codes.shape[1]
    if k <= 2:
        return identity_projection(k)
    codes = codes[finite_rows(codes)]
    if len(codes) < 2:
        if previous is not None and previous.kind == "pca" and previous.latent_dim == k:
            return previous
        return Projection("pca", np.zeros(k, np.float32), np.eye(2, k, dtype=np.float32), (0, 0))
    mean = codes.mean(axis=0)
    comps, var = _top_axes(codes - mean)
    if previous is not None and previous.kind == "pca" and previous.components.shape == comps.shape:
        signs = np.sign(np.sum(comps * previous.components, axis=1))
        comps = comps * np.where(signs == 0, 1, signs)[:, None]
    total = float(var.sum()) or 1.0
    explained = (float(var[0] / total), float(var[1] / total) if len(var) > 1 else 0.0)
    return Projection("pca", mean.astype(np.float32), comps.astype(np.float32), explained)


def fit_tsne(codes: np.ndarray, seed: int = 0) -> tuple[Projection, np.ndarray]:
    """t-SNE embedding of ``codes`` (slow: run it off the GUI thread).

    Returns the projection and one point per row of ``codes``; rows that are not finite are
    left out of the embedding and get NaN points (the scatter skips them).
    """
    from sklearn.manifold import TSNE

    codes = np.asarray(codes, dtype=np.float32)
    ok = finite_rows(codes)
    good = codes[ok]
    if len(good) < 3:
        raise ValueError(f"t-SNE needs at least 3 finite codes, got {len(good)}")
    perplexity = float(min(30.0, max(2.0, (len(good) - 1) / 3)))
    embedded = TSNE(
        n_components=2, perplexity=perplexity, init="pca", random_state=seed, max_iter=500
    ).fit_transform(good)
    xy = np.full((len(codes), 2), np.nan, np.float32)
    xy[ok] = embedded
    proj = Projection(
        "tsne",
        good.mean(axis=0),
        np.zeros((2, codes.shape[1]), np.float32),
        ref_codes=good,
        ref_xy=xy[ok],
    )
    return proj, xy


def nearest_index(points: np.ndarray, xy: tuple[float, float]) -> int:
    """Index of the row of ``points`` (N, 2) nearest to ``xy``; -1 when empty or when no row
    is finite (rows holding NaN are never the nearest)."""
    if len(points) == 0:
        return -1
    d = np.sum((points - np.asarray(xy, dtype=points.dtype)) ** 2, axis=1)
    d = np.where(np.isfinite(d), d, np.inf)
    i = int(np.argmin(d))
    return i if np.isfinite(d[i]) else -1


def sample_codes(
    codes: np.ndarray | None, n: int, variational: bool, latent_dim: int, seed: int = 0
) -> np.ndarray:
    """Codes to generate from: the VAE's prior N(0, I), or for a plain autoencoder a diagonal
    Gaussian fitted to its codes, as the course does."""
    rng = np.random.default_rng(seed)
    if variational or codes is None or len(codes) < 2:
        return rng.standard_normal((n, latent_dim)).astype(np.float32)
    mean = codes.mean(axis=0)
    std = codes.std(axis=0)
    return (mean + std * rng.standard_normal((n, codes.shape[1]))).astype(np.float32)


def interpolate_codes(a: np.ndarray, b: np.ndarray, steps: int) -> np.ndarray:
    """``(1 - t) a + t b`` for ``steps`` values of t from 0 to 1."""
    t = np.linspace(0.0, 1.0, steps, dtype=np.float32)[:, None]
    out: np.ndarray = ((1 - t) * a[None] + t * b[None]).astype(np.float32)
    return out
