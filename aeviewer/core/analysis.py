"""The numbers behind the lesson panels: subspaces, errors, grids, mosaics and noise ladders.

Pure numpy / scipy / scikit-learn (no Qt, no TensorFlow): the main window calls these with
arrays and passes the results to the widgets in :mod:`aeviewer.gui.widgets.lesson_panels`.
Decoders and reconstructors come in as plain callables on numpy arrays, so every function here
is testable with a lambda.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from aeviewer.core import noise
from aeviewer.core.images import tile_images

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

PSNR_CAP_DB = 60.0  # a perfect reconstruction has infinite PSNR; a plot needs a number
NOISY_INPUT = "noisy input"  # the ladder's baseline series: the corrupted input itself


def _flat(x: np.ndarray, name: str) -> np.ndarray:
    """``x`` as float64 ``(N, D)``: one flattened sample per row."""
    a = np.asarray(x, dtype=np.float64)
    if a.ndim < 1 or a.shape[0] == 0:
        raise ValueError(f"{name} needs at least one sample, got shape {a.shape}")
    return a.reshape(a.shape[0], -1)


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
    flat = _flat(x, "pca_fit")
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


def reconstruction_errors(x: np.ndarray, recon: np.ndarray) -> np.ndarray:
    """Per-sample mean squared error.

    Parameters
    ----------
    x, recon : np.ndarray
        ``(N, ...)`` originals and reconstructions with the same number of values per sample
        (``(N, 28, 28)`` against ``(N, 784)`` is fine).

    Returns
    -------
    np.ndarray
        ``(N,)`` float64 errors.
    """
    a, b = _flat(x, "x"), _flat(recon, "recon")
    if a.shape != b.shape:
        raise ValueError(f"x and recon differ: {np.shape(x)} vs {np.shape(recon)}")
    out: np.ndarray = np.mean((a - b) ** 2, axis=1)
    return out


def top_k_worst(errors: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` largest errors, largest first (ties keep index order).

    Parameters
    ----------
    errors : np.ndarray
        ``(N,)`` errors.
    k : int
        How many; more than ``N`` returns all ``N``, 0 returns none.

    Returns
    -------
    np.ndarray
        ``(min(k, N),)`` int64 indices.
    """
    e = np.asarray(errors, dtype=np.float64).reshape(-1)
    if k < 0:
        raise ValueError(f"k must be >= 0, got {k}")
    order = np.argsort(-e, kind="stable")
    out: np.ndarray = order[: min(k, e.size)].astype(np.int64)
    return out


def threshold_for_fraction(errors: np.ndarray, fraction: float) -> float:
    """The error above which a ``fraction`` of the samples lie: the ``1 - fraction`` quantile.

    Parameters
    ----------
    errors : np.ndarray
        ``(N,)`` errors, ``N >= 1``.
    fraction : float
        In [0, 1]; 0.05 flags the worst 5% as anomalies.

    Returns
    -------
    float
        The threshold (linear interpolation between samples, numpy's default quantile).
    """
    e = np.asarray(errors, dtype=np.float64).reshape(-1)
    if e.size == 0:
        raise ValueError("threshold_for_fraction needs at least one error")
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"fraction must be between 0 and 1, got {fraction}")
    return float(np.quantile(e, 1.0 - fraction))


def manifold_grid(
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    n: int,
    n_rows: int | None = None,
) -> np.ndarray:
    """A regular grid of 2-D codes covering the given ranges: ``n`` per row, ``n_rows`` rows.

    Parameters
    ----------
    x_range, y_range : tuple of float
        ``(low, high)`` of each latent coordinate, ends included.
    n : int
        Points per row (along x), ``n >= 2``.
    n_rows : int, optional
        Rows (along y), ``>= 2``; ``n`` when omitted (a square grid). A grid drawn over a
        wide plot takes fewer rows, so its tiles stay square on screen.

    Returns
    -------
    np.ndarray
        ``(n_rows * n, 2)`` float32 codes, row-major with the first row at the top (largest
        y) and x increasing along a row: decoded and tiled with :func:`tile_mosaic`
        (``n_cols=n``), the mosaic has the same orientation as the latent scatter plot.
    """
    rows = n if n_rows is None else n_rows
    if n < 2 or rows < 2:
        raise ValueError(f"need at least 2 points per side, got {n} x {rows}")
    xs = np.linspace(float(x_range[0]), float(x_range[1]), n)
    ys = np.linspace(float(y_range[1]), float(y_range[0]), rows)  # top row first
    gx, gy = np.meshgrid(xs, ys)  # gx[r, c] = xs[c], gy[r, c] = ys[r]
    return np.stack([gx.ravel(), gy.ravel()], axis=1).astype(np.float32)


def tile_mosaic(images: np.ndarray, n_cols: int) -> np.ndarray:
    """Images side by side with no gaps (a decoded manifold reads as one picture).

    Parameters
    ----------
    images : np.ndarray
        ``(N, H, W)`` (or ``(N, H, W, 1)``, or ``(N, H*W)`` square images).
    n_cols : int
        Images per row; the last row is padded with black.

    Returns
    -------
    np.ndarray
        float32 ``(ceil(N / n_cols) * H, n_cols * W)``.
    """
    arr = np.asarray(images)
    if arr.ndim == 2:  # flat decoder output: square images
        side = math.isqrt(arr.shape[1])
        if side * side != arr.shape[1]:
            raise ValueError(f"cannot tile flat images of {arr.shape[1]} values: not square")
        arr = arr.reshape(arr.shape[0], side, side)
    return tile_images(arr, n_cols, pad=0, pad_value=0.0)


def pixel_crossfade(a: np.ndarray, b: np.ndarray, steps: int) -> np.ndarray:
    """Blend two images pixel by pixel: ``(1 - t) a + t b`` for ``t = linspace(0, 1, steps)``.

    Parameters
    ----------
    a, b : np.ndarray
        Images of the same shape.
    steps : int
        Number of frames, ``>= 2``: the first is ``a``, the last ``b``.

    Returns
    -------
    np.ndarray
        float32 ``(steps, *a.shape)``.
    """
    a32 = np.asarray(a, dtype=np.float32)
    b32 = np.asarray(b, dtype=np.float32)
    if a32.shape != b32.shape:
        raise ValueError(f"images differ in shape: {a32.shape} vs {b32.shape}")
    if steps < 2:
        raise ValueError(f"steps must be >= 2, got {steps}")
    t = np.linspace(0.0, 1.0, steps, dtype=np.float32).reshape((steps,) + (1,) * a32.ndim)
    out: np.ndarray = ((1.0 - t) * a32[None] + t * b32[None]).astype(np.float32)
    out[0], out[-1] = a32, b32  # exact endpoints, whatever the rounding
    return out


def _mean_psnr(clean: np.ndarray, other: np.ndarray) -> float:
    """Mean over images of :func:`aeviewer.core.noise.psnr` (range 1), each capped."""
    err = reconstruction_errors(clean, other)
    with np.errstate(divide="ignore"):
        db = 10.0 * np.log10(1.0 / err)  # noise.psnr's formula, vectorised; 1/0 -> inf
    return float(np.mean(np.minimum(db, PSNR_CAP_DB)))


def _corrupt(clean: np.ndarray, kind: str, level: float, seed: int) -> np.ndarray:
    if kind == "gaussian":
        return noise.corrupt(clean, gaussian_std=level, seed=seed)
    if kind == "mask":
        return noise.corrupt(clean, mask_rate=level, seed=seed)
    if kind == "salt_pepper":
        return noise.corrupt(clean, salt_pepper=level, seed=seed)
    raise ValueError(f"unknown noise kind {kind!r}: use 'gaussian', 'mask' or 'salt_pepper'")


def psnr_ladder(
    clean: np.ndarray,
    levels: Sequence[float] | np.ndarray,
    reconstruct: Mapping[str, Callable[[np.ndarray], np.ndarray]],
    kind: str = "gaussian",
    seed: int = 0,
) -> dict[str, np.ndarray]:
    """Mean PSNR of each reconstructor against the clean images, at rising noise levels.

    Parameters
    ----------
    clean : np.ndarray
        ``(N, H, W)`` images in [0, 1].
    levels : sequence of float or np.ndarray
        Noise levels: the Gaussian σ for ``kind="gaussian"``, the zeroed fraction for
        ``"mask"``, the replaced fraction for ``"salt_pepper"``.
    reconstruct : mapping of str to callable
        Name -> function from a corrupted ``(N, H, W)`` batch to its reconstruction (any
        shape with ``H * W`` values per image, e.g. a decoder's flat output).
    kind : str, default "gaussian"
        ``"gaussian"``, ``"mask"`` or ``"salt_pepper"`` (see :mod:`aeviewer.core.noise`).
    seed : int, default 0
        Seed of the corruption; the same seed at every level, so the curves are smooth (the
        noise pattern only grows).

    Returns
    -------
    dict of str to np.ndarray
        ``"noisy input"`` (the PSNR of the corrupted batch itself) first, then one entry per
        reconstructor in the given order; each a ``(len(levels),)`` float64 array in dB,
        averaged over the images, with each image capped at :data:`PSNR_CAP_DB` (a perfect
        reconstruction has infinite PSNR).
    """
    images = np.asarray(clean, dtype=np.float32)
    if images.ndim < 2 or images.shape[0] == 0:
        raise ValueError(f"psnr_ladder needs a batch of images, got shape {images.shape}")
    if NOISY_INPUT in reconstruct:
        raise ValueError(f"{NOISY_INPUT!r} is reserved for the corrupted input's own PSNR")
    names = [NOISY_INPUT, *reconstruct]
    out = {name: np.empty(len(levels), dtype=np.float64) for name in names}
    for i, level in enumerate(levels):
        noisy = _corrupt(images, kind, float(level), seed)
        out[NOISY_INPUT][i] = _mean_psnr(images, noisy)
        for name, fn in reconstruct.items():
            out[name][i] = _mean_psnr(images, np.asarray(fn(noisy)))
    return out


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


# ---------------------------------------------------------------- the 3-D cloud and its planes
def oblique_projection(xyz: np.ndarray, azimuth: float, elevation: float) -> np.ndarray:
    """Where 3-D points land on the screen seen from ``azimuth`` / ``elevation`` (degrees).

    An orthographic camera turned ``azimuth`` degrees around the third (vertical) axis and
    raised ``elevation`` degrees above the plane of the first two: the screen's y is the
    third axis seen from the side at elevation 0, and the first two axes seen from above
    at 90.

    Parameters
    ----------
    xyz : np.ndarray
        ``(N, 3)`` points (centre them first to turn them around their centre).
    azimuth, elevation : float
        Degrees.

    Returns
    -------
    np.ndarray
        ``(N, 2)`` float64 screen coordinates; lengths are kept along the screen's axes.
    """
    p = np.asarray(xyz, dtype=np.float64).reshape(-1, 3)
    a, e = np.radians(float(azimuth)), np.radians(float(elevation))
    right = np.array([-np.sin(a), np.cos(a), 0.0])
    up = np.array([-np.cos(a) * np.sin(e), -np.sin(a) * np.sin(e), np.cos(e)])
    return np.stack([p @ right, p @ up], axis=1)


def plane_grid(
    points: np.ndarray, origin: np.ndarray, basis: np.ndarray, lines: int = 5
) -> np.ndarray:
    """Line segments of a grid on the plane ``origin + span(basis)``, over the part of the
    plane the points project onto.

    Parameters
    ----------
    points : np.ndarray
        ``(N, 3)`` points, ``N >= 1``: the grid covers their projections (plus 5% margin).
    origin : np.ndarray
        ``(3,)`` a point of the plane.
    basis : np.ndarray
        ``(2, 3)`` independent rows spanning the plane (need not be orthonormal).
    lines : int, default 5
        Lines in each direction, ``>= 2``.

    Returns
    -------
    np.ndarray
        ``(2 * lines, 2, 3)`` segment end points, every segment on the plane.
    """
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 3)
    o = np.asarray(origin, dtype=np.float64).reshape(3)
    b = np.asarray(basis, dtype=np.float64).reshape(2, 3)
    if len(pts) == 0:
        raise ValueError("plane_grid needs at least one point")
    if lines < 2:
        raise ValueError(f"lines must be >= 2, got {lines}")
    coords = (pts - o) @ np.linalg.pinv(b)  # (N, 2): least-squares coordinates in the plane
    lo, hi = coords.min(axis=0), coords.max(axis=0)
    margin = 0.05 * np.maximum(hi - lo, 1e-9)
    lo, hi = lo - margin, hi + margin
    segments = []
    for s in np.linspace(lo[0], hi[0], lines):
        segments.append([o + s * b[0] + lo[1] * b[1], o + s * b[0] + hi[1] * b[1]])
    for t in np.linspace(lo[1], hi[1], lines):
        segments.append([o + lo[0] * b[0] + t * b[1], o + hi[0] * b[0] + t * b[1]])
    return np.asarray(segments, dtype=np.float64)


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


def psnr_axis_range(series: Mapping[str, np.ndarray], pad_db: float = 2.0) -> tuple[float, float]:
    """A y range (dB) for a noise ladder that keeps every line readable.

    The noisy input's PSNR at tiny noise is huge (capped at :data:`PSNR_CAP_DB`) and would
    squeeze the models' lines: the range covers the models' values fully and the baseline
    only up to a little above the best model.
    """
    models = [np.asarray(v, dtype=np.float64) for k, v in series.items() if k != NOISY_INPUT]
    every = [np.asarray(v, dtype=np.float64) for v in series.values()]
    if not every:
        raise ValueError("no series")
    pool = np.concatenate(models if models else every)
    pool = pool[np.isfinite(pool)]
    base = np.concatenate(every)
    base = base[np.isfinite(base)]
    if pool.size == 0:
        return 0.0, PSNR_CAP_DB
    lo = float(min(pool.min(), base.min() if base.size else pool.min())) - pad_db
    hi = float(pool.max()) + 2 * pad_db
    return max(0.0, lo), hi
