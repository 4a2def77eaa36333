"""What a model's input looks like, in words and in pooling levels (no Keras import here)."""

from __future__ import annotations

from typing import NamedTuple

from aeviewer.core.models.options import OptionsError

#: Pooling stops while the smaller side of the code grid would fall under this many pixels.
MIN_GRID = 4
MAX_LEVELS = 4
MAX_FILTERS = 128


class ConvPlan(NamedTuple):
    """The down-sampling a convolutional model uses for one image size.

    ``filters`` holds one entry per convolution block; the first ``levels`` blocks end with a
    2x max-pooling, so the code grid is ``(H // 2**levels, W // 2**levels)``.
    """

    levels: int
    filters: tuple[int, ...]

    def grid(self, h: int, w: int) -> tuple[int, int]:
        """The side lengths after every pooling level."""
        return h >> self.levels, w >> self.levels


def conv_plan(h: int, w: int, filters: tuple[int, ...]) -> ConvPlan:
    """Pooling levels and filters of a convolutional model for ``h`` x ``w`` images.

    The levels ``L`` are the most (at most 4) for which both sides divide by ``2**L`` and the
    smaller side still has at least 4 pixels after pooling: 28 -> 2 levels (7x7), 32 -> 3 (4x4),
    64 -> 4, 8 -> 1, 30 -> 1, 31 -> 0.

    The blocks take ``filters`` in order; extra levels double the last entry (at most 128)
    and entries beyond the levels that fit are dropped. With no level at all one block
    remains, without pooling, so the model stays convolutional.
    """
    if not filters:
        raise OptionsError("conv filters: give at least one level")
    levels = 0
    while levels < MAX_LEVELS:
        step = 2 ** (levels + 1)
        if h % step or w % step or min(h, w) // step < MIN_GRID:
            break
        levels += 1
    chosen = list(filters[: max(levels, 1)])
    while len(chosen) < levels:
        chosen.append(min(chosen[-1] * 2, max(MAX_FILTERS, filters[-1])))
    return ConvPlan(levels, tuple(chosen))


def describe_shape(shape: tuple[int, ...]) -> str:
    """A data shape in words: ``28x28 grey images``, ``32x32 colour images``, ``vectors of
    64 values``."""
    shape = tuple(int(s) for s in shape)
    if len(shape) == 1:
        return f"vectors of {shape[0]} values"
    if len(shape) == 2:
        return f"{shape[0]}x{shape[1]} grey images"
    if len(shape) == 3:
        h, w, c = shape
        kind = {1: "grey images with a channel axis", 3: "colour images"}
        return f"{h}x{w} {kind.get(c, f'images of {c} channels')}"
    return f"arrays of shape {'x'.join(map(str, shape))}"


def check_fits(
    model_input_shape: tuple[int, ...], data_input_shape: tuple[int, ...], data_name: str
) -> None:
    """Raise :class:`OptionsError` (a ``ValueError``) in one line when a model cannot take the
    samples of a data set, e.g. "the model takes 32x32 colour images; mnist_test holds 28x28
    grey images".
    """
    model_shape = tuple(int(s) for s in model_input_shape)
    data_shape = tuple(int(s) for s in data_input_shape)
    if model_shape != data_shape:
        raise OptionsError(
            f"the model takes {describe_shape(model_shape)}; "
            f"{data_name} holds {describe_shape(data_shape)}"
        )
