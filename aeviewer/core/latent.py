"""Latent-space maths for the views: 2-D projections, their inverses, and sampling codes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Projection:
    """A map from latent codes to the 2-D plane the scatter shows, and back when it can.

    ``kind`` is ``"identity"`` (2-D codes), ``"pca"`` (linear; clicks invert it exactly
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

    def transform(self, codes: np.ndarray) -> np.ndarray:
        codes = np.asarray(codes, dtype=np.float32)
        if self.kind == "identity":
            return codes[..., :2].copy()
        if self.kind == "tsne":  # no formula: a new code lands where its nearest neighbour is
            assert self.ref_codes is not None and self.ref_xy is not None
            flat = codes.reshape(-1, codes.shape[-1])
            d = ((flat[:, None, :] - self.ref_codes[None]) ** 2).sum(-1)
            return self.ref_xy[np.argmin(d, axis=1)].reshape((*codes.shape[:-1], 2))
        out: np.ndarray = ((codes - self.mean) @ self.components.T).astype(np.float32)
        return out

    def inverse(self, xy: np.ndarray) -> np.ndarray:
        """Codes for plane points: the PCA plane's point (mean + x*pc1 + y*pc2)."""
        xy = np.asarray(xy, dtype=np.float32)
        if self.kind == "identity":
            return xy.copy()
        if self.kind != "pca":
            raise ValueError("a t-SNE map has no inverse; decode the nearest sample instead")
        out: np.ndarray = (self.mean + xy @ self.components).astype(np.float32)
        return out

    def title(self) -> str:
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
        return {"identity": ("z₁", "z₂"), "pca": ("PC 1", "PC 2")}.get(
            self.kind, ("t-SNE 1", "t-SNE 2")
        )


def identity_projection(latent_dim: int = 2) -> Projection:
    return Projection(
        "identity", np.zeros(latent_dim, np.float32), np.eye(2, latent_dim, dtype=np.float32)
    )


def fit_pca(codes: np.ndarray, previous: Projection | None = None) -> Projection:
    """PCA plane of ``codes``; axis signs follow ``previous`` so the picture does not flip."""
    codes = np.asarray(codes, dtype=np.float64)
    k = codes.shape[1]
    if k <= 2:
        return identity_projection(k)
    mean = codes.mean(axis=0)
    centred = codes - mean
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    comps = vt[:2]
    if previous is not None and previous.kind == "pca" and previous.components.shape == comps.shape:
        signs = np.sign(np.sum(comps * previous.components, axis=1))
        comps = comps * np.where(signs == 0, 1, signs)[:, None]
    var = s**2
    total = float(var.sum()) or 1.0
    explained = (float(var[0] / total), float(var[1] / total) if len(var) > 1 else 0.0)
    return Projection("pca", mean.astype(np.float32), comps.astype(np.float32), explained)


def fit_tsne(codes: np.ndarray, seed: int = 0) -> tuple[Projection, np.ndarray]:
    """t-SNE embedding of ``codes`` (slow: run it off the GUI thread)."""
    from sklearn.manifold import TSNE

    codes = np.asarray(codes, dtype=np.float32)
    perplexity = float(min(30.0, max(2.0, (len(codes) - 1) / 3)))
    xy = TSNE(
        n_components=2, perplexity=perplexity, init="pca", random_state=seed, max_iter=500
    ).fit_transform(codes)
    xy = xy.astype(np.float32)
    proj = Projection(
        "tsne",
        codes.mean(axis=0),
        np.zeros((2, codes.shape[1]), np.float32),
        ref_codes=codes,
        ref_xy=xy,
    )
    return proj, xy


def nearest_index(points: np.ndarray, xy: tuple[float, float]) -> int:
    """Index of the row of ``points`` (N, 2) nearest to ``xy``; -1 when empty."""
    if len(points) == 0:
        return -1
    d = np.sum((points - np.asarray(xy, dtype=points.dtype)) ** 2, axis=1)
    return int(np.argmin(d))


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
