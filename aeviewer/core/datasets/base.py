"""The ``Dataset`` value and the helpers every source shares: class selection, caps, splits."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .errors import DatasetError, EmptyDataError, InvalidClassesError

__all__ = [
    "MAX_SIDE",
    "MIN_SIDE",
    "SPLIT_SEED",
    "VAL_FRACTION",
    "Dataset",
    "parse_classes",
    "split_train_val",
]

#: Seed of every automatic train/validation split. Fixed on purpose: the split of a given file
#: must not change between runs (unlike ``load_dataset(seed=...)``, which only picks the caps).
SPLIT_SEED = 12345
#: Fraction of the samples that automatic splits put in the validation set.
VAL_FRACTION = 0.2
#: Smallest and largest side, in pixels, of the images a ``Dataset`` holds.
MIN_SIDE, MAX_SIDE = 8, 128


def _readonly(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a


def _reindex(order: np.ndarray | None, keep: np.ndarray, n: int) -> np.ndarray | None:
    """Restrict a permutation of ``range(n)`` to the sorted indices ``keep``, renumbered."""
    if order is None:
        return None
    pos = np.full(n, -1, dtype=np.int64)
    pos[keep] = np.arange(keep.size)
    mapped = pos[order]
    return mapped[mapped >= 0]


@dataclass(frozen=True, eq=False)
class Dataset:
    """Train and validation arrays plus what is needed to show them.

    Parameters
    ----------
    name : str
        ``"digits"``, ``"mnist"``, ... or the file/folder name for ``--data``.
    x_train, x_val : np.ndarray
        float32 in [0, 1]: grey images ``(N, H, W)``, colour images ``(N, H, W, 3)`` (RGB,
        channels last) or vectors ``(N, D)``. Image sides are ``MIN_SIDE`` to ``MAX_SIDE``.
    y_train, y_val : np.ndarray or None
        int64 label values of shape ``(N,)``, or None when unlabelled.
    class_names : tuple of str
        ``class_names[label]`` is the display name of a label; ``()`` when unlabelled.
    source : str
        One human sentence saying where the data came from.
    train_order, val_order : np.ndarray or None
        Fixed permutations drawn at load time (``load_dataset(seed=...)``); :meth:`capped`
        keeps the first N samples of that order. None means the stored order.
    note : str
        One line for the user on what loading found or did besides the samples, e.g. ``"labels
        from t10k-labels-idx1-ubyte.gz"``, why there are none, or ``"12 images resized to
        32x32"``; ``""`` for the built-in sets.

    Notes
    -----
    Arrays returned by ``load_dataset`` are read-only (the digits arrays are cached and shared);
    copy them before modifying. Equality is identity (comparing arrays has no single answer).
    """

    name: str
    x_train: np.ndarray
    y_train: np.ndarray | None
    x_val: np.ndarray
    y_val: np.ndarray | None
    class_names: tuple[str, ...]
    source: str
    train_order: np.ndarray | None = field(default=None, repr=False)
    val_order: np.ndarray | None = field(default=None, repr=False)
    note: str = ""

    @property
    def input_shape(self) -> tuple[int, ...]:
        """Shape of one sample, ``x_train.shape[1:]``."""
        return tuple(int(d) for d in self.x_train.shape[1:])

    @property
    def is_image(self) -> bool:
        """True for grey ``(N, H, W)`` and colour ``(N, H, W, 3)`` images, False for vectors."""
        return self.channels > 0

    @property
    def channels(self) -> int:
        """1 for grey images, 3 for colour images, 0 for ``(N, D)`` vectors."""
        shape = self.input_shape
        if len(shape) == 2:
            return 1
        return 3 if len(shape) == 3 and shape[-1] == 3 else 0

    @property
    def image_shape(self) -> tuple[int, ...]:
        """``(H, W)`` of one image, or ``()`` for vectors."""
        return self.input_shape[:2] if self.is_image else ()

    @property
    def n_train(self) -> int:
        """Number of training samples."""
        return int(self.x_train.shape[0])

    @property
    def n_val(self) -> int:
        """Number of validation samples."""
        return int(self.x_val.shape[0])

    @property
    def is_labelled(self) -> bool:
        """True when both splits carry labels."""
        return self.y_train is not None and self.y_val is not None

    def with_seed(self, seed: int) -> Dataset:
        """Return a copy whose capping order is a fresh permutation drawn from ``seed``.

        Parameters
        ----------
        seed : int
            Seed of ``numpy.random.default_rng``.

        Returns
        -------
        Dataset
            Same arrays, new ``train_order`` and ``val_order``.
        """
        rng = np.random.default_rng(seed)
        return dataclasses.replace(
            self,
            train_order=_readonly(rng.permutation(self.n_train)),
            val_order=_readonly(rng.permutation(self.n_val)),
        )

    def subset(self, classes: Sequence[int]) -> Dataset:
        """Keep only the samples whose label is in ``classes`` (train and validation).

        Parameters
        ----------
        classes : sequence of int
            Label values to keep. Labels keep their values, so ``class_names`` still applies.

        Returns
        -------
        Dataset
            The selection, in the original order.

        Raises
        ------
        EmptyDataError
            If the data is unlabelled, ``classes`` is empty, a requested class has no training
            samples, or the validation selection is empty.
        """
        wanted = sorted({int(c) for c in classes})
        if self.y_train is None or self.y_val is None:
            raise EmptyDataError("has no labels, so classes cannot be selected", name=self.name)
        if not wanted:
            raise EmptyDataError("no classes selected", name=self.name)
        present = np.unique(self.y_train)
        missing = [c for c in wanted if c not in present]
        if missing:
            listing = ", ".join(str(int(c)) for c in present)
            raise EmptyDataError(
                f"no training samples with label {', '.join(map(str, missing))}"
                f" (labels present: {listing})",
                name=self.name,
            )
        keep_tr = np.flatnonzero(np.isin(self.y_train, wanted))
        keep_va = np.flatnonzero(np.isin(self.y_val, wanted))
        if keep_va.size == 0:
            raise EmptyDataError(
                f"no validation samples with labels {', '.join(map(str, wanted))}",
                name=self.name,
            )
        return self._take(keep_tr, keep_va)

    def capped(self, max_train: int | None, max_val: int | None = None) -> Dataset:
        """Keep at most ``max_train`` training and ``max_val`` validation samples.

        The samples kept are the first N of the fixed permutation drawn at load time
        (``train_order``/``val_order``), returned in their original relative order, so
        ``capped(100)`` is a subset of ``capped(200)`` and the result is deterministic.

        Parameters
        ----------
        max_train : int or None
            Cap on the training samples; None keeps them all.
        max_val : int or None, default None
            Cap on the validation samples; None keeps them all.

        Returns
        -------
        Dataset
            The capped dataset (``self`` itself when no cap applies).

        Raises
        ------
        DatasetError
            If a cap is below 1.
        """
        for label, cap in (("max_train", max_train), ("max_val", max_val)):
            if cap is not None and cap < 1:
                raise DatasetError(f"{label} must be at least 1, got {cap}", name=self.name)
        if (max_train is None or max_train >= self.n_train) and (
            max_val is None or max_val >= self.n_val
        ):
            return self
        keep_tr = self._first(self.train_order, self.n_train, max_train)
        keep_va = self._first(self.val_order, self.n_val, max_val)
        return self._take(keep_tr, keep_va)

    @staticmethod
    def _first(order: np.ndarray | None, n: int, cap: int | None) -> np.ndarray:
        if cap is None or cap >= n:
            return np.arange(n)
        if order is None:
            return np.arange(cap)
        return np.sort(order[:cap])

    def _take(self, keep_tr: np.ndarray, keep_va: np.ndarray) -> Dataset:
        def pick(a: np.ndarray | None, keep: np.ndarray) -> np.ndarray | None:
            return None if a is None else _readonly(a[keep])

        def pick_order(order: np.ndarray | None, keep: np.ndarray, n: int) -> np.ndarray | None:
            new = _reindex(order, keep, n)
            return None if new is None else _readonly(new)

        x_train = pick(self.x_train, keep_tr)
        x_val = pick(self.x_val, keep_va)
        assert x_train is not None and x_val is not None
        return dataclasses.replace(
            self,
            x_train=x_train,
            y_train=pick(self.y_train, keep_tr),
            x_val=x_val,
            y_val=pick(self.y_val, keep_va),
            train_order=pick_order(self.train_order, keep_tr, self.n_train),
            val_order=pick_order(self.val_order, keep_va, self.n_val),
        )


def parse_classes(text: str) -> tuple[int, ...]:
    """Parse a class selection such as ``"1,5,6"`` (commas and/or spaces).

    Parameters
    ----------
    text : str
        Non-negative integers separated by commas or whitespace.

    Returns
    -------
    tuple of int
        The distinct values, sorted.

    Raises
    ------
    InvalidClassesError
        On an empty selection, a non-integer or a negative value.
    """
    tokens = str(text).replace(",", " ").split()
    if not tokens:
        raise InvalidClassesError(f"--classes {text!r}: no class given; expected e.g. 1,5,6")
    values = set()
    for token in tokens:
        try:
            value = int(token)
        except ValueError:
            raise InvalidClassesError(
                f"--classes {text!r}: {token!r} is not a class number; expected e.g. 1,5,6"
            ) from None
        if value < 0:
            raise InvalidClassesError(
                f"--classes {text!r}: {value} is negative; class labels are integers >= 0"
            )
        values.add(value)
    return tuple(sorted(values))


def split_train_val(
    x: np.ndarray,
    y: np.ndarray | None,
    *,
    where: str | os.PathLike[str] | None = None,
    name: str | None = None,
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray, np.ndarray | None]:
    """Split samples 80/20 with the fixed ``SPLIT_SEED`` (stratified when labelled).

    Parameters
    ----------
    x : np.ndarray
        Samples, first axis N >= 2.
    y : np.ndarray or None
        Labels or None.
    where, name : optional
        Used to name the file or dataset in errors.

    Returns
    -------
    tuple
        ``(x_train, y_train, x_val, y_val)``; each split is in a shuffled order.

    Raises
    ------
    EmptyDataError
        With fewer than 2 samples.
    """
    n = int(x.shape[0])
    if n < 2:
        raise EmptyDataError(
            f"holds {n} sample(s); at least 2 are needed for a train/validation split",
            path=where,
            name=name,
        )
    rng = np.random.default_rng(SPLIT_SEED)
    perm = rng.permutation(n)
    val_idx: np.ndarray | None = None
    if y is not None:
        parts = []
        for label in np.unique(y):
            members = perm[y[perm] == label]
            parts.append(members[: round(members.size * VAL_FRACTION)])
        val_idx = np.concatenate(parts)
        if val_idx.size == 0 or val_idx.size == n:
            val_idx = None
    if val_idx is None:
        val_idx = perm[: max(1, round(n * VAL_FRACTION))]
    in_val = np.zeros(n, dtype=bool)
    in_val[val_idx] = True
    # Re-shuffle each side: taking each class's first members for validation leaves the
    # start of ``perm`` biased towards the classes whose quota filled first.
    tr = rng.permutation(np.flatnonzero(~in_val))
    va = rng.permutation(np.flatnonzero(in_val))
    return (
        x[tr],
        None if y is None else y[tr],
        x[va],
        None if y is None else y[va],
    )
