"""Typed, one-line errors raised while loading or validating data."""

from __future__ import annotations

import os

__all__ = [
    "DataDtypeError",
    "DataRangeError",
    "DataShapeError",
    "DatasetDownloadError",
    "DatasetError",
    "EmptyDataError",
    "InvalidClassesError",
    "LabelMismatchError",
    "NonFiniteDataError",
    "UnknownDatasetError",
    "UnreadableDataError",
]


class DatasetError(ValueError):
    """Base class of every data-loading error.

    ``str(err)`` is a single line ``"<file or dataset>: <problem>"``.

    Parameters
    ----------
    problem : str
        What went wrong (newlines are flattened to keep the message on one line).
    path : str or os.PathLike, optional
        The file or folder concerned; it prefixes the message.
    name : str, optional
        The dataset concerned when there is no file; prefixes the message as ``dataset 'x'``.

    Attributes
    ----------
    path : str or None
        The file or folder concerned, if any.
    problem : str
        The message without its prefix.
    """

    def __init__(
        self, problem: str, *, path: str | os.PathLike[str] | None = None, name: str | None = None
    ) -> None:
        self.problem = " ".join(str(problem).split())
        self.path: str | None = os.fspath(path) if path is not None else None
        if self.path is not None:
            message = f"{self.path}: {self.problem}"
        elif name:
            message = f"dataset {name!r}: {self.problem}"
        else:
            message = self.problem
        super().__init__(" ".join(message.split()))


class DataShapeError(DatasetError):
    """Arrays have the wrong number of dimensions, or train and validation shapes differ."""


class DataDtypeError(DatasetError):
    """Arrays have an unusable dtype (bool, object, complex, strings, unknown IDX type)."""


class NonFiniteDataError(DatasetError):
    """Data holds NaN or infinite values."""


class EmptyDataError(DatasetError):
    """No samples (empty file, empty class selection, unlabelled data asked for classes)."""


class DataRangeError(DatasetError):
    """Values outside [0, 1] (floats) or 0..255 (integers)."""


class LabelMismatchError(DatasetError):
    """Labels do not match the samples (count, shape, negative or non-integer values)."""


class UnreadableDataError(DatasetError):
    """The file cannot be read: missing, corrupt, truncated, not an image, unknown format."""


class DatasetDownloadError(DatasetError):
    """A remote dataset could not be downloaded (usually: no network)."""


class UnknownDatasetError(DatasetError):
    """The dataset name is not one of ``DATASET_NAMES``."""


class InvalidClassesError(DatasetError):
    """A class selection such as ``"1,5,6"`` could not be parsed."""
