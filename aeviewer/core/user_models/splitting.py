"""Finding the encoder and the decoder in a user's model, by its structure, not its names.

In order: an encoder file and a decoder file; sub-models named ``encoder`` and ``decoder``;
a chain whose top level is two sub-models; any other chain of layers, cut at its bottleneck
(the output with the fewest values between input and output); or the layer the user names.
The parts share the file's layer objects, so training the whole trains both.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import keras
from keras.src.models.functional import Functional  # no public name for "a graph model"

from aeviewer.core.persistence import ModelFileError
from aeviewer.core.user_models.files import ModelFile
from aeviewer.core.user_models.safety import SEPARATE_PARTS

SPLIT_HOW = "say where the code is with --split-at LAYER_NAME"


@dataclass
class Parts:
    """A user's model cut in two, running the file's own layers.

    Attributes
    ----------
    encoder
        The file's input to the code; a VAE encoder returns ``[z_mean, z_log_var, z]``.
    decoder
        The code to the reconstruction.
    layout
        What was found, in words: ``"flat chain split at 'dense_2' (32 values)"``.
    split_at
        The layer the encoder ends with, where the model was cut; None for given parts.
    """

    encoder: Any
    decoder: Any
    layout: str
    split_at: str | None = None
    variational: bool = False


@dataclass
class Step:
    """One layer of a chain: the layer, its call (node) and the output the next one takes."""

    op: Any
    node: Any
    tensor: Any


def find_parts(files: Sequence[ModelFile], split_at: str | None = None) -> Parts:
    """The encoder and decoder of the model in ``files`` (one file, or encoder then decoder)."""
    if len(files) == 2:
        if split_at is not None:
            raise ModelFileError("--split-at cuts one model file; two files are cut already")
        return _given_parts(files[0], files[1])
    path, model = files[0].path, files[0].model
    if split_at is not None:
        return _split_at(path, _graph(path, model), split_at)
    named = _named_parts(path, model)
    if named is not None:
        return named
    graph = _graph(path, model)
    _check_autoencoder(path, graph.inputs[0].shape[1:], graph.outputs[0].shape[1:])
    steps = chain(graph)
    if steps is None:
        raise ModelFileError(
            f"{path}: its layers are not a chain (they branch or skip): {SPLIT_HOW}, or "
            "save the encoder and the decoder as two files"
        )
    if len(steps) < 2:
        raise ModelFileError(f"{path}: one layer: no encoder and decoder to split it into")
    if len(steps) == 2 and all(isinstance(s.op, keras.Model) for s in steps):
        encoder, decoder = steps[0].op, steps[1].op
        return Parts(encoder, decoder, "two sub-models", variational=_codes(path, encoder))
    return _cut(path, graph, steps[_bottleneck(path, steps)])


def _given_parts(enc: ModelFile, dec: ModelFile) -> Parts:
    encoder, decoder = enc.model, dec.model
    for f in (enc, dec):
        if not isinstance(f.model, Functional | keras.Sequential) or len(f.model.inputs) != 1:
            raise ModelFileError(f"{f.path}: not a model with one input")
    variational = _codes(enc.path, encoder)
    code, takes = _shape(encoder.outputs[0]), _shape(decoder.inputs[0])
    if code != takes:
        raise ModelFileError(
            f"{dec.path}: takes codes of shape {takes}, but {enc.path.name} gives {code} "
            "(give the encoder file first, then its decoder)"
        )
    _check_autoencoder(enc.path, _shape(encoder.inputs[0]), _shape(decoder.outputs[0]))
    return Parts(encoder, decoder, "encoder and decoder files", variational=variational)


def _named_parts(path: Path, model: Any) -> Parts | None:
    try:
        encoder, decoder = model.get_layer("encoder"), model.get_layer("decoder")
    except ValueError:
        return None
    if not (isinstance(encoder, keras.Model) and isinstance(decoder, keras.Model)):
        return None
    code, takes = _shape(encoder.outputs[0]), _shape(decoder.inputs[0])
    if code != takes:
        raise ModelFileError(f"{path}: its decoder takes codes of shape {takes}, not {code}")
    _check_autoencoder(path, _shape(encoder.inputs[0]), _shape(decoder.outputs[0]))
    return Parts(encoder, decoder, "named encoder/decoder", variational=_codes(path, encoder))


def _graph(path: Path, model: Any) -> Any:
    """``model`` as a graph of layer calls (a Sequential is called on a new input)."""
    if isinstance(model, keras.Sequential):
        try:
            x = inputs = keras.Input(tuple(model.inputs[0].shape[1:]))
        except (AttributeError, IndexError, TypeError, ValueError):
            raise ModelFileError(f"{path}: a Sequential saved before it was built") from None
        for layer in model.layers:
            x = layer(x)
        return keras.Model(inputs, x, name=model.name)
    if not isinstance(model, Functional):
        raise ModelFileError(
            f"{path}: a subclassed model ({type(model).__name__}) has no layers to follow: "
            f"{SEPARATE_PARTS}"
        )
    if len(model.inputs) != 1 or len(model.outputs) != 1:
        raise ModelFileError(
            f"{path}: takes {len(model.inputs)} inputs and gives {len(model.outputs)} outputs;"
            " an autoencoder takes one and gives one"
        )
    return model


def chain(graph: Any) -> list[Step] | None:
    """The layers ``graph`` calls one after the other from its input to its output; None when
    a layer takes more than one input or the graph has layers off that path (branches)."""
    steps: list[Step] = []
    t = graph.outputs[0]
    while True:
        op, node_index, _ = t._keras_history  # Keras' record of which call made a tensor
        if isinstance(op, keras.layers.InputLayer):
            break
        node = op._inbound_nodes[node_index]
        if len(node.input_tensors) != 1:
            return None
        steps.append(Step(op, node, t))
        t = node.input_tensors[0]
    on_path = {id(s.op) for s in steps}
    others = [op for op in graph.operations if not isinstance(op, keras.layers.InputLayer)]
    if t is not graph.inputs[0] or any(id(op) not in on_path for op in others):
        return None
    return steps[::-1]


def _bottleneck(path: Path, steps: list[Step]) -> int:
    """The step the code comes out of: the fewest values between input and output.

    Consecutive steps of that size are one place (a pooling then a convolution keeping its
    size, as the Keras blog's conv autoencoder has): the code is the first of them, after any
    weightless layers right behind it (an activation, a dropout, a flatten). Separate places
    of the same size are a tie the user settles.
    """
    sizes = [_size(s.tensor) for s in steps[:-1]]
    low = min(sizes)
    starts = [i for i, n in enumerate(sizes) if n == low and (i == 0 or sizes[i - 1] != low)]
    if len(starts) > 1:
        names = " and ".join(repr(steps[i].op.name) for i in starts)
        raise ModelFileError(
            f"{path}: {names} both give {low} values, the fewest: {SPLIT_HOW} "
            f"(e.g. --split-at {steps[starts[0]].op.name})"
        )
    k = starts[0]
    while k + 1 < len(sizes) and sizes[k + 1] == low and not steps[k + 1].op.weights:
        k += 1
    return k


def _split_at(path: Path, graph: Any, name: str) -> Parts:
    """Cut ``graph`` after the layer called ``name``: every path to the output must go
    through it."""
    found = _calls_of(graph, name)
    if not found:
        names = ", ".join(_layer_names(graph)[:12])
        raise ModelFileError(f"{path}: no layer named {name!r} (its layers: {names})")
    if len(found) > 1:
        raise ModelFileError(f"{path}: layer {name!r} runs {len(found)} times; split elsewhere")
    step = found[0]
    if step.tensor is graph.outputs[0]:
        raise ModelFileError(f"{path}: {name!r} is the output layer; split before it")
    _check_autoencoder(path, graph.inputs[0].shape[1:], graph.outputs[0].shape[1:])
    return _parts_from(path, graph, step, f"split at {name!r} ({_size(step.tensor)} values)")


def _calls_of(graph: Any, name: str) -> list[Step]:
    """Each call of the layer ``name`` on the way from ``graph``'s output to its input."""
    found: list[Step] = []
    visited: set[int] = set()
    stack = list(graph.outputs)
    while stack:
        t = stack.pop()
        op, node_index, _ = t._keras_history
        node = op._inbound_nodes[node_index]
        if id(t) in visited or isinstance(op, keras.layers.InputLayer):
            continue
        visited.add(id(t))
        if op.name == name and all(s.node is not node for s in found):
            found.append(Step(op, node, t))
        stack.extend(node.input_tensors)
    return found


def _cut(path: Path, graph: Any, step: Step) -> Parts:
    layout = f"flat chain split at {step.op.name!r} ({_size(step.tensor)} values)"
    return _parts_from(path, graph, step, layout)


def _parts_from(path: Path, graph: Any, step: Step, layout: str) -> Parts:
    outputs = step.node.output_tensors
    variational = _is_vae(outputs)
    encoder = keras.Model(graph.inputs[0], outputs if variational else step.tensor, name="encoder")
    try:
        decoder = keras.Model(step.tensor, graph.outputs[0], name="decoder")
    except ValueError:
        raise ModelFileError(
            f"{path}: the output does not depend on {step.op.name!r} alone (a connection "
            "skips it): split where every path goes through, or save the encoder and the "
            "decoder as two files"
        ) from None
    return Parts(encoder, decoder, layout, step.op.name, variational)


def _layer_names(graph: Any) -> list[str]:
    return [op.name for op in graph.operations if not isinstance(op, keras.layers.InputLayer)]


def _codes(path: Path, encoder: Any) -> bool:
    """Whether ``encoder`` is a VAE's; refused when it returns several codes otherwise."""
    variational = _is_vae(encoder.outputs)
    if len(encoder.outputs) != 1 and not variational:
        raise ModelFileError(f"{path}: its encoder returns {len(encoder.outputs)} codes, not one")
    return variational


def _is_vae(outputs: Any) -> bool:
    """Three outputs of one shape: ``[z_mean, z_log_var, z]``, as keras-io writes a VAE."""
    return len(outputs) == 3 and len({_shape(t) for t in outputs}) == 1


def _check_autoencoder(path: Path, takes: Any, gives: Any) -> None:
    takes, gives = tuple(takes), tuple(gives)
    if None in takes:
        raise ModelFileError(
            f"{path}: takes inputs of any size {takes}; aeviewer needs a fixed shape "
            "(build it with e.g. keras.Input((28, 28, 1)))"
        )
    n_in, n_out = math.prod(takes), math.prod(int(s or 0) for s in gives)
    if n_in != n_out:
        what = "a classifier, not an autoencoder" if n_out < n_in else "not an autoencoder"
        raise ModelFileError(f"{path}: outputs {n_out} values for {n_in} inputs: {what}")


def _shape(t: Any) -> tuple[int, ...]:
    return tuple(t.shape[1:])


def _size(t: Any) -> int:
    return math.prod(int(s or 0) for s in t.shape[1:])
