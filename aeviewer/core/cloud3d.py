"""The 3-D cloud lesson's geometry: an oblique camera's projection and grids on planes."""

from __future__ import annotations

import numpy as np


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
