"""Which data a user's model can take, by reshaping only, and what to open for it (no Keras)."""

from __future__ import annotations

import math

from aeviewer.core.models.shapes import describe_shape

#: The named data sets by the shape of their samples (``--dataset`` names).
NAMED_SHAPES: dict[tuple[int, ...], tuple[str, ...]] = {
    (28, 28): ("mnist_test", "mnist", "fashion_mnist"),
    (32, 32, 3): ("cifar10",),
    (3,): ("synthetic3d",),
}


def as_images(shape: tuple[int, ...]) -> tuple[int, ...]:
    """``shape`` without a single grey channel: ``(28, 28, 1)`` is ``(28, 28)``."""
    shape = tuple(int(s) for s in shape)
    return shape[:2] if len(shape) == 3 and shape[2] == 1 else shape


def fits(model_shape: tuple[int, ...], data_shape: tuple[int, ...]) -> bool:
    """Whether samples of ``data_shape`` reach a model taking ``model_shape`` by a reshape:
    the same shape up to a grey channel axis, or a flat vector of as many values.

    >>> fits((784,), (28, 28)), fits((28, 28, 1), (28, 28)), fits((3072,), (32, 32, 3))
    (True, True, True)
    >>> fits((14, 56), (28, 28)), fits((17,), (28, 28))
    (False, False)
    """
    a, b = as_images(model_shape), as_images(data_shape)
    if a == b:
        return True
    return (len(a) == 1 or len(b) == 1) and math.prod(a) == math.prod(b)


def image_shapes(model_shape: tuple[int, ...]) -> list[tuple[int, ...]]:
    """The data shapes that fit ``model_shape``, images first: a flat input of 784 values
    takes 28x28 grey images, one of 3072 32x32 colour images, and vectors of its length."""
    shape = as_images(model_shape)
    if len(shape) > 1:
        return [shape]
    n = shape[0]
    found = [
        (side, side, *channels)
        for channels in ((), (3,))
        for side in (math.isqrt(n // math.prod(channels or (1,))),)
        if side >= 8 and side * side * math.prod(channels or (1,)) == n
    ]
    return [*found, shape]


def data_hint(model_shape: tuple[int, ...]) -> str:
    """What data to open for a model, in one line: ``takes 32x32 colour images; open a folder
    of 32x32 colour pictures or --dataset cifar10``."""
    return f"takes {takes_words(model_shape)}; open {ways_words(model_shape)}"


def takes_words(model_shape: tuple[int, ...]) -> str:
    """What a model takes: ``vectors of 784 values (28x28 grey images flattened)``."""
    shapes = image_shapes(model_shape)
    takes = describe_shape(as_images(model_shape))
    return f"{takes} ({describe_shape(shapes[0])} flattened)" if len(shapes) > 1 else takes


def ways_words(model_shape: tuple[int, ...]) -> str:
    """How to get data a model takes: ``a folder of 32x32 colour pictures or --dataset
    cifar10``."""
    ways = []
    for shape in image_shapes(model_shape):
        if len(shape) > 1:
            ways.append(f"a folder of {describe_shape(shape).replace('images', 'pictures')}")
        else:
            ways.append(f"a .npz of vectors of {shape[0]} values")
        ways += [f"--dataset {name}" for name in NAMED_SHAPES.get(shape, ())[:1]]
    return " or ".join(ways)
