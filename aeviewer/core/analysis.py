"""The numbers behind the lesson panels: subspaces, activations, generation and re-exports.

Pure numpy / scipy / scikit-learn (no Qt, no TensorFlow): the main window calls these with
arrays and passes the results to the widgets in :mod:`aeviewer.gui.widgets.lesson_panels`.
Decoders and reconstructors come in as plain callables on numpy arrays, so every function here
is testable with a lambda. The analyses of one topic live in their own modules and are
importable from here too: :mod:`~aeviewer.core.recon_errors` (errors and anomalies),
:mod:`~aeviewer.core.mosaics` (latent grids, mosaics, cross-fades),
:mod:`~aeviewer.core.noise_ladder` (PSNR at rising noise) and :mod:`~aeviewer.core.cloud3d`
(the 3-D cloud's projection and planes).
"""

from __future__ import annotations

import numpy as np

from aeviewer.core.cloud3d import oblique_projection, plane_grid
from aeviewer.core.mosaics import manifold_grid, pixel_crossfade, tile_mosaic
from aeviewer.core.noise_ladder import NOISY_INPUT, PSNR_CAP_DB, psnr_axis_range, psnr_ladder
from aeviewer.core.recon_errors import (
    flat_samples,
    reconstruction_errors,
    threshold_for_fraction,
    top_k_worst,
)

__all__ = [
    "NOISY_INPUT",
    "PSNR_CAP_DB",
    "activation_histograms",
    "class_accuracy",
    "fit_diagonal_gaussian",
    "manifold_grid",
    "oblique_projection",
    "pca_fit",
    "pixel_crossfade",
    "plane_grid",
    "psnr_axis_range",
    "psnr_ladder",
    "reconstruction_errors",
    "sample_gaussian",
    "subsample",
    "subspace_angle_degrees",
    "threshold_for_fraction",
    "tile_mosaic",
    "top_k_worst",
]


def subspace_angle_degrees(a: np.ndarray, b: np.ndarray) -> float:
    """Largest principal angle between the spans of two sets of row vectors.

    Parameters
    ----------
    a, b : np.ndarray
        ``(k, D)`` and ``(m, D)`` row bases, e.g. a linear decoder's kernel and the first
        PCA components. The rows need not be orthonormal, only independent.

    Returns
    -------
    float
        The angle in degrees, in [0, 90]: 0 when the spans are the same subspace (whatever
        the basis inside it), 90 when some direction of one is orthogonal to the other.

    Raises
    ------
    ValueError
        If the arrays are not 2-D with the same number of columns.
    """
    a2 = np.atleast_2d(np.asarray(a, dtype=np.float64))
    b2 = np.atleast_2d(np.asarray(b, dtype=np.float64))
    if a2.ndim != 2 or b2.ndim != 2 or a2.shape[1] != b2.shape[1]:
        raise ValueError(f"need (k, D) bases of the same D, got {a2.shape} and {b2.shape}")
    from scipy.linalg import subspace_angles  # here: importing scipy.linalg costs 0.2 s at start-up

    angles = subspace_angles(a2.T, b2.T)  # columns span the subspaces; sorted descending
    return float(np.degrees(np.max(angles)))


def pca_fit(x: np.ndarray, k: int = 2) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Principal component analysis with scikit-learn's ``PCA`` (exact SVD solver).

    The course compares the linear autoencoder with scikit-learn's PCA: this is that PCA,
    with the component signs fixed so pictures do not flip between runs.

    Parameters
    ----------
    x : np.ndarray
        ``(N, ...)`` samples, flattened to ``(N, D)``.
    k : int, default 2
        Number of components, ``1 <= k <= min(N, D)``.

    Returns
    -------
    mean : np.ndarray
        ``(D,)`` sample mean.
    components : np.ndarray
        ``(k, D)`` orthonormal rows, by decreasing variance; each row's largest-magnitude
        entry is positive (scikit-learn's ``svd_flip`` convention, applied to the
        components), so the signs do not flip between runs.
    codes : np.ndarray
        ``(N, k)`` projections ``(x - mean) @ components.T`` (scikit-learn's ``transform``).
    """
    flat = flat_samples(x, "pca_fit")
    n, d = flat.shape
    if not 1 <= k <= min(n, d):
        raise ValueError(f"k must be between 1 and min(N, D) = {min(n, d)}, got {k}")
    from sklearn.decomposition import PCA  # here: scikit-learn takes a second to import

    pca = PCA(n_components=k, svd_solver="full").fit(flat)
    mean = np.asarray(pca.mean_, dtype=np.float64)
    comps = np.asarray(pca.components_, dtype=np.float64)
    biggest = np.argmax(np.abs(comps), axis=1)
    signs = np.sign(comps[np.arange(k), biggest])
    comps = comps * np.where(signs == 0, 1.0, signs)[:, None]
    return mean, comps, (flat - mean) @ comps.T


def activation_histograms(
    codes: np.ndarray, bins: int = 30
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Histograms of a sigmoid coding layer: every activation, and each neuron's mean.

    A sparse autoencoder shows most activations near 0 and per-neuron means near the target
    sparsity (e.g. 0.1); a plain one spreads both.

    Parameters
    ----------
    codes : np.ndarray
        ``(N, K)`` activations in [0, 1] (values outside are counted in the end bins).
    bins : int, default 30
        Bins over [0, 1] for both histograms.

    Returns
    -------
    edges_all, counts_all : np.ndarray
        ``(bins + 1,)`` edges and ``(bins,)`` int64 counts of all ``N * K`` activations.
    edges_mean, counts_mean : np.ndarray
        The same for the ``K`` per-neuron mean activations.
    """
    a = np.asarray(codes, dtype=np.float64)
    if a.ndim != 2 or a.size == 0:
        raise ValueError(f"codes must be a non-empty (N, K) array, got shape {a.shape}")
    if bins < 1:
        raise ValueError(f"bins must be >= 1, got {bins}")
    a = np.clip(a, 0.0, 1.0)  # sigmoid round-off must not drop a sample from the counts
    counts_all, edges_all = np.histogram(a, bins=bins, range=(0.0, 1.0))
    counts_mean, edges_mean = np.histogram(a.mean(axis=0), bins=bins, range=(0.0, 1.0))
    return edges_all, counts_all.astype(np.int64), edges_mean, counts_mean.astype(np.int64)


def class_accuracy(pred_labels: np.ndarray, labels: np.ndarray) -> float:
    """Fraction of predictions equal to the labels.

    Parameters
    ----------
    pred_labels, labels : np.ndarray
        ``(N,)`` integer labels, ``N >= 1``.

    Returns
    -------
    float
        Accuracy in [0, 1].
    """
    p = np.asarray(pred_labels).reshape(-1)
    y = np.asarray(labels).reshape(-1)
    if p.shape != y.shape or p.size == 0:
        raise ValueError(f"need two non-empty label arrays of one length, got {p.size}, {y.size}")
    return float(np.mean(p == y))


# ---------------------------------------------------------------- generation
def fit_diagonal_gaussian(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The course's density model of a plain autoencoder's codes: N(m, diag(s²)).

    Parameters
    ----------
    codes : np.ndarray
        ``(N, K)`` codes of training samples, ``N >= 2``.

    Returns
    -------
    mean, std : np.ndarray
        ``(K,)`` float64 per-dimension mean and standard deviation.
    """
    c = np.asarray(codes, dtype=np.float64)
    if c.ndim != 2 or c.shape[0] < 2:
        raise ValueError(f"need (N, K) codes with N >= 2, got shape {c.shape}")
    return c.mean(axis=0), c.std(axis=0)


def sample_gaussian(mean: np.ndarray, std: np.ndarray, n: int, seed: int = 0) -> np.ndarray:
    """``n`` float32 codes drawn from N(mean, diag(std²)) (the VAE prior: zeros and ones)."""
    m = np.asarray(mean, dtype=np.float64).reshape(-1)
    s = np.asarray(std, dtype=np.float64).reshape(-1)
    if m.shape != s.shape or n < 0:
        raise ValueError(f"mean and std differ ({m.shape} vs {s.shape}) or n < 0 ({n})")
    rng = np.random.default_rng(seed)
    out: np.ndarray = (m + s * rng.standard_normal((n, m.size))).astype(np.float32)
    return out


# ---------------------------------------------------------------- helpers of the panels
def subsample(n: int, cap: int, seed: int = 0) -> np.ndarray:
    """Sorted row indices: all ``n`` rows, or ``cap`` of them chosen at random (fixed seed).

    The anomaly lesson scores at most ``cap`` validation samples at each epoch end, so the
    GUI thread stays responsive on MNIST's 10,000.
    """
    if n < 0 or cap < 1:
        raise ValueError(f"need n >= 0 and cap >= 1, got {n}, {cap}")
    if n <= cap:
        return np.arange(n)
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(n, size=cap, replace=False))
