"""Full-size data sets for the benchmark, generated in the run (nothing is downloaded).

``mnist_shaped``: MNIST's training-set shape, 60,000/10,000 28x28 grey digits, made of the
bundled MNIST test digits shifted by up to two pixels (real strokes, not noise).
``cifar_shaped``: CIFAR-10's, 50,000/10,000 32x32 colour images, smooth random colour fields
with a tint per class (labelled, so the latent view colours them). Both are float32 in [0, 1]
with read-only arrays, and the same for the same seed.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import numpy as np

from aeviewer.bench.data import BenchData

if TYPE_CHECKING:
    from aeviewer.core.datasets import Dataset

MNIST_SHAPED = (60_000, 10_000)
CIFAR_SHAPED = (50_000, 10_000)
#: ``--quick``: the same code paths on sets small enough for a few seconds of training.
QUICK_SIZES = (1_200, 400)
MAX_SHIFT = 2  # pixels: MNIST's 4-pixel margin keeps a shifted digit whole
CIFAR_SIDE = 32
CIFAR_CLASSES = 10


def _readonly(a: np.ndarray) -> np.ndarray:
    a = np.ascontiguousarray(a, dtype=np.float32)
    a.flags.writeable = False
    return a


def shifted(images: np.ndarray, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``n`` copies of ``images`` (N, H, W), each moved by up to :data:`MAX_SHIFT` pixels
    with zeros shifted in; returns the copies and the index of each one's source image."""
    count, h, w = images.shape
    src = rng.permutation(np.resize(np.arange(count), n))  # every image about n/N times
    dy, dx = rng.integers(-MAX_SHIFT, MAX_SHIFT + 1, size=(2, n))
    m = MAX_SHIFT
    padded = np.pad(images.astype(np.float32, copy=False), ((0, 0), (m, m), (m, m)))
    out = np.empty((n, h, w), np.float32)
    for sy in range(-m, m + 1):
        for sx in range(-m, m + 1):
            rows = np.flatnonzero((dy == sy) & (dx == sx))
            out[rows] = padded[src[rows], m - sy : m - sy + h, m - sx : m - sx + w]
    return out, src


def mnist_shaped(
    n_train: int = MNIST_SHAPED[0], n_val: int = MNIST_SHAPED[1], seed: int = 0
) -> Dataset:
    """MNIST-sized digits: the bundled test digits' 8000/2000 split, each side shifted to
    ``n_train``/``n_val`` copies (validation digits are never training digits)."""
    from aeviewer.core.datasets import Dataset, load_dataset

    base = load_dataset("mnist_test")
    rng = np.random.default_rng(seed)
    x_train, i_train = shifted(base.x_train, n_train, rng)
    x_val, i_val = shifted(base.x_val, n_val, rng)
    y_train = None if base.y_train is None else _readonly_int(base.y_train[i_train])
    y_val = None if base.y_val is None else _readonly_int(base.y_val[i_val])
    return Dataset(
        "mnist_shaped",
        _readonly(x_train),
        y_train,
        _readonly(x_val),
        y_val,
        base.class_names,
        f"the bundled MNIST test digits shifted by up to {MAX_SHIFT} pixels "
        f"({n_train:,}/{n_val:,}, seed {seed})",
    )


def _readonly_int(a: np.ndarray) -> np.ndarray:
    a = np.ascontiguousarray(a, dtype=np.int64)
    a.flags.writeable = False
    return a


def _upsample_matrix(low: int, high: int) -> np.ndarray:
    """(high, low) bilinear interpolation weights, pixel centres aligned, edges clamped."""
    pos = np.clip((np.arange(high) + 0.5) * low / high - 0.5, 0, low - 1)
    lo = np.floor(pos).astype(int)
    hi = np.minimum(lo + 1, low - 1)
    frac = (pos - lo).astype(np.float32)
    m = np.zeros((high, low), np.float32)
    m[np.arange(high), lo] += 1 - frac
    m[np.arange(high), hi] += frac
    return m


def smooth_colour_images(
    labels: np.ndarray, side: int, rng: np.random.Generator, chunk: int = 5_000
) -> np.ndarray:
    """(N, side, side, 3) images in [0, 1]: the class's tint plus random brightness and colour
    fields at two scales (4x4 and 8x8 cells, bilinearly upsampled), so neighbouring pixels
    correlate as in photographs."""
    tints = np.random.default_rng(1234).uniform(0.25, 0.75, size=(CIFAR_CLASSES, 3))
    scales = [(4, 0.22), (8, 0.12)]
    ups = {cells: _upsample_matrix(cells, side) for cells, _ in scales}
    out = np.empty((len(labels), side, side, 3), np.float32)
    for start in range(0, len(labels), chunk):
        part = labels[start : start + chunk]
        img = np.broadcast_to(tints[part, None, None, :], (len(part), side, side, 3)).copy()
        for cells, amp in scales:
            # Brightness varies more than hue, as in photographs.
            shape = (len(part), cells, cells)
            low = rng.normal(0.0, amp, size=(*shape, 1)) + rng.normal(0.0, amp / 2, (*shape, 3))
            low = low.astype(np.float32)
            u = ups[cells]
            img += np.einsum("hi,nijc,wj->nhwc", u, low, u, optimize=True)
        out[start : start + chunk] = np.clip(img, 0.0, 1.0)
    return out


def cifar_shaped(
    n_train: int = CIFAR_SHAPED[0],
    n_val: int = CIFAR_SHAPED[1],
    seed: int = 0,
    side: int = CIFAR_SIDE,
) -> Dataset:
    """CIFAR-sized colour images (``side`` x ``side`` x 3), ten tinted classes."""
    from aeviewer.core.datasets import Dataset

    rng = np.random.default_rng(seed)
    y_train = rng.integers(0, CIFAR_CLASSES, n_train)
    y_val = rng.integers(0, CIFAR_CLASSES, n_val)
    return Dataset(
        "cifar_shaped",
        _readonly(smooth_colour_images(y_train, side, rng)),
        _readonly_int(y_train),
        _readonly(smooth_colour_images(y_val, side, rng)),
        _readonly_int(y_val),
        tuple(f"tint {k}" for k in range(CIFAR_CLASSES)),
        f"smooth random colour images, a tint per class ({n_train:,}/{n_val:,}, seed {seed})",
    )


@functools.cache
def mnist_bench_data(quick: bool = False) -> BenchData:
    """The MNIST-shaped set (small with ``quick``), built once per process: the live and the
    speed groups share it."""
    ds = mnist_shaped(*QUICK_SIZES) if quick else mnist_shaped()
    return BenchData(ds, f"MNIST-shaped {ds.n_train:,}/{ds.n_val:,} (shifted test digits)")


def cifar_bench_data(quick: bool = False) -> BenchData:
    """The CIFAR-shaped set (small with ``quick``); not kept (about 740 MB at full size)."""
    ds = cifar_shaped(*QUICK_SIZES) if quick else cifar_shaped()
    h, w, c = ds.x_train.shape[1:]
    return BenchData(ds, f"CIFAR-shaped {ds.n_train:,}/{ds.n_val:,} {h}x{w}x{c} (generated)")
