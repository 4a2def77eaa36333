"""Folders of images, one sub-folder per class (or loose images): read with Pillow, keeping
their colour and size.

The rules: an image stored grey (Pillow modes L, LA, 1, I, F) gives one channel, any other
(RGB, RGBA, P, CMYK...) gives RGB, alpha dropped; a folder's images must all be grey or all
colour. The folder's most common size is kept; an image of another size with the same aspect
ratio is resized to it, one of another aspect ratio is refused. ``--grey`` and
``--image-size N`` (:class:`~aeviewer.core.datasets.adjust.ImageOptions`) lift those refusals.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from .adjust import ImageOptions, join_notes, resampling, size_text
from .base import Dataset, split_train_val
from .errors import DatasetError, DataShapeError, UnreadableDataError
from .validate import assemble, check_labels, check_samples, check_sides

__all__ = ["ASPECT_TOLERANCE", "IMAGE_EXTENSIONS", "MAX_IMAGE_PIXELS", "load_image_folder"]

#: File suffixes read as images in an image folder (other files are ignored).
IMAGE_EXTENSIONS = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp"})
#: Largest image accepted in an image folder (width x height); far below Pillow's bomb limit.
MAX_IMAGE_PIXELS = 4096 * 4096
#: Width/height ratios this close count as the same aspect ratio (resizing distorts by < 2%).
ASPECT_TOLERANCE = 0.02

#: What ``--data`` accepts, for the messages that refuse a path.
FORMATS = "a .npz file, an IDX file (.gz ok), or a folder of IDX files or of class sub-folders"
_TO_GREY = "pass --grey to convert all to grey"


@dataclass(frozen=True)
class _Header:
    """What an image file says about itself before its pixels are decoded."""

    file: Path
    name: str  # relative to the folder, for messages
    size: tuple[int, int]  # (height, width)
    grey: bool


@contextlib.contextmanager
def _opened(f: Path) -> Iterator[Image.Image]:
    """``Image.open(f)``, with Pillow's errors (at opening or decoding) as one-line ones."""
    try:
        with Image.open(f) as img:
            yield img
    except UnidentifiedImageError:
        raise UnreadableDataError("not an image Pillow can read", path=f) from None
    except Image.DecompressionBombError as exc:
        raise UnreadableDataError(f"image too large ({exc})", path=f) from None
    except (OSError, SyntaxError, ValueError) as exc:
        if isinstance(exc, DatasetError):
            raise
        raise UnreadableDataError(f"corrupt or truncated image ({exc})", path=f) from None


def _header(f: Path, root: Path) -> _Header:
    with _opened(f) as img:
        w, h = img.size
        if w * h > MAX_IMAGE_PIXELS:
            raise UnreadableDataError(
                f"image is {w}x{h} pixels; more than the {MAX_IMAGE_PIXELS} this app reads",
                path=f,
            )
        grey = Image.getmodebase(img.mode) == "L"
        return _Header(f, f.relative_to(root).as_posix(), (h, w), grey)


def _pixels(head: _Header, *, colour: bool, shape: tuple[int, int]) -> np.ndarray:
    """The image as uint8 ``(H, W)`` grey or ``(H, W, 3)`` RGB, resized to ``shape``."""
    with _opened(head.file) as img:
        if img.mode == "P" and "transparency" in img.info:
            img = img.convert("RGBA")  # Pillow warns when such a palette goes straight to RGB
        img = img.convert("RGB" if colour else "L")
        if head.size != shape:
            img = img.resize((shape[1], shape[0]), resampling(head.size, shape))
        return np.asarray(img, dtype=np.uint8)


def _same_aspect(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return abs((a[1] * b[0]) / (a[0] * b[1]) - 1.0) <= ASPECT_TOLERANCE


def _check_channels(heads: Sequence[_Header], root: Path) -> None:
    """Refuse a folder mixing grey and colour images, naming the first one of the fewer kind."""
    n_grey = sum(h.grey for h in heads)
    if n_grey in (0, len(heads)):
        return
    odd_grey = n_grey <= len(heads) - n_grey
    odd = next(h for h in heads if h.grey == odd_grey)
    kind, other = ("grey", "colour") if odd_grey else ("colour", "grey")
    n_odd = n_grey if odd_grey else len(heads) - n_grey
    rest = "the folder's other images are" if n_odd == 1 else "most of the folder's images are"
    raise DataShapeError(f"{odd.name} is {kind} but {rest} {other}; {_TO_GREY}", path=root)


def _target_size(heads: Sequence[_Header], root: Path) -> tuple[int, int]:
    """The folder's most common size, after checking that every image has its aspect ratio."""
    target = Counter(h.size for h in heads).most_common(1)[0][0]
    for h in heads:
        if not _same_aspect(h.size, target):
            raise DataShapeError(
                f"{h.name} is {size_text(*h.size)}, the folder's images are"
                f" {size_text(*target)}; use --image-size N to resize all to NxN",
                path=root,
            )
    check_sides(*target, what="its images", path=root)
    return target


def read_images(root: Path, files: Sequence[Path], options: ImageOptions) -> tuple[np.ndarray, str]:
    """Read ``files`` (inside ``root``) as one float32 array, and a note on what was changed.

    Headers are read first, so a folder that breaks a rule is refused before any image is
    decoded.
    """
    heads = [_header(f, root) for f in files]
    if not options.grey:
        _check_channels(heads, root)
    colour = not options.grey and not heads[0].grey
    shape = options.shape or _target_size(heads, root)
    x = np.stack([_pixels(h, colour=colour, shape=shape) for h in heads])
    n_resized = sum(h.size != shape for h in heads)
    n_converted = sum(not h.grey for h in heads) if options.grey else 0
    note = join_notes(
        f"{n_resized} image{'s' * (n_resized != 1)} resized to {size_text(*shape)}"
        if n_resized
        else "",
        f"{n_converted} colour image{'s' * (n_converted != 1)} converted to grey"
        if n_converted
        else "",
    )
    return check_samples(x, part="images", path=root), note


def _is_image_file(f: Path) -> bool:
    return not f.name.startswith(".") and f.is_file() and f.suffix.lower() in IMAGE_EXTENSIONS


def load_image_folder(root: Path, options: ImageOptions) -> Dataset:
    """Load a folder of class sub-folders of images (or of loose, unlabelled images).

    Parameters
    ----------
    root : Path
        The folder. Numeric sub-folder names are the labels; other names are sorted and
        numbered.
    options : ImageOptions
        ``--grey`` and ``--image-size``, applied while reading.

    Returns
    -------
    Dataset
        Split 80/20 with the fixed seed (per class when labelled); its note says where the
        labels came from and what was resized or converted.

    Raises
    ------
    DatasetError
        One line naming the folder or file and the problem.
    """
    subdirs = sorted(d for d in root.iterdir() if d.is_dir() and not d.name.startswith("."))
    classes = {d.name: sorted(f for f in d.iterdir() if _is_image_file(f)) for d in subdirs}
    classes = {k: v for k, v in classes.items() if v}
    if not classes:
        loose = sorted(f for f in root.iterdir() if _is_image_file(f))
        if not loose:
            raise UnreadableDataError(
                f"holds no IDX files, no images and no class sub-folders; expected {FORMATS}",
                path=root,
            )
        x, changed = read_images(root, loose, options)
        x_tr, _, x_va, _ = split_train_val(x, None, where=root)
        source = f"{len(loose):,} unlabelled images in {root}, split 80/20 (fixed seed)"
        note = join_notes("no class sub-folders: all points one colour, no legend", changed)
        return assemble(root.name, x_tr, None, x_va, None, source=source, path=root, note=note)

    if all(name.isdigit() for name in classes):
        label_of = {name: int(name) for name in classes}
        class_names = tuple(str(i) for i in range(max(label_of.values()) + 1))
    else:
        label_of = {name: i for i, name in enumerate(sorted(classes))}
        class_names = tuple(sorted(classes))
    files = [f for paths in classes.values() for f in paths]
    labels = [label_of[name] for name, paths in classes.items() for _ in paths]
    x, changed = read_images(root, files, options)
    y = check_labels(np.asarray(labels, dtype=np.int64), x.shape[0], part="labels", path=root)
    x_tr, y_tr, x_va, y_va = split_train_val(x, y, where=root)
    source = (
        f"{len(files):,} images in {len(classes)} class folders of {root},"
        " split 80/20 per class (fixed seed)"
    )
    return assemble(
        root.name,
        x_tr,
        y_tr,
        x_va,
        y_va,
        source=source,
        class_names=class_names,
        path=root,
        note=join_notes(f"labels from its {len(classes)} class sub-folders", changed),
    )
