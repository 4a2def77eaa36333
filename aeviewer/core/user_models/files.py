"""Reading a notebook's model file: ``.keras`` archives and legacy ``.h5`` files, checked first.

Every reader checks the file's config for code (:mod:`.safety`) before Keras sees it, then
loads it in safe mode and uncompiled; what the file was compiled with is read from its config
as plain data.
"""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aeviewer.core.persistence import (
    MAX_CONFIG_BYTES,
    MAX_META_BYTES,
    MAX_UNPACKED_BYTES,
    META_NAME,
    ModelFileError,
    load_keras_file,
    open_archive,
    read_json_member,
)
from aeviewer.core.user_models.safety import SEPARATE_PARTS, check_config, unknown_class

HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
SAVE_AS_KERAS = "save it in your notebook with model.save('model.keras')"


@dataclass
class ModelFile:
    """A model read from one file, with what it was compiled with (``{"loss": ...,
    "optimizer": ...}`` as the file stores them; empty when it was not compiled)."""

    path: Path
    model: Any
    compiled: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)  # aeviewer.json, for a model it saved


def read_model_file(path: str | os.PathLike[str]) -> ModelFile:
    """Load the Keras model in ``path`` safely; :class:`ModelFileError` in one line saying
    what to do with anything else (a SavedModel folder, a weights-only file, a text file)."""
    path = Path(path)
    if not path.exists():
        raise ModelFileError(f"{path}: no such file")
    for matches, read in READERS:
        try:
            found = matches(path)
        except OSError as exc:
            raise ModelFileError(f"{path}: cannot read it ({exc.strerror or exc})") from None
        if found:
            return read(path)
    raise ModelFileError(
        f"{path}: not a Keras model file (neither a .keras archive nor an HDF5 .h5 file); "
        f"{SAVE_AS_KERAS}"
    )


def _saved_model_folder(path: Path) -> ModelFile:
    what = "a TensorFlow SavedModel folder" if (path / "saved_model.pb").exists() else "a folder"
    raise ModelFileError(
        f"{path}: {what}, not a model file: load it in your notebook and save it with "
        "model.save('model.keras')"
    )


def _is_hdf5(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(len(HDF5_SIGNATURE)) == HDF5_SIGNATURE


def _read_keras(path: Path) -> ModelFile:
    with open_archive(path) as zf:
        names = set(zf.namelist())
        if "config.json" not in names:
            raise ModelFileError(f"{path}: not a Keras model file (no config.json inside)")
        _check_suffix(path, (".keras",))
        config = read_json_member(path, zf, "config.json", MAX_CONFIG_BYTES)
        meta = read_json_member(path, zf, META_NAME, MAX_META_BYTES) if META_NAME in names else {}
    model = _load(path, config)
    compile_config = config.get("compile_config") if isinstance(config, dict) else None
    compiled = _compiled(compile_config, "loss", "optimizer")
    return ModelFile(path, model, compiled, meta if isinstance(meta, dict) else {})


def _read_h5(path: Path) -> ModelFile:
    import h5py

    try:
        with h5py.File(path, "r") as f:
            _check_h5_storage(path, f)
            text = f.attrs.get("model_config")
            training = f.attrs.get("training_config")
    except (OSError, ValueError) as exc:
        raise ModelFileError(f"{path}: unreadable HDF5 file ({exc})") from None
    _check_suffix(path, (".h5", ".hdf5"))
    if text is None:
        raise ModelFileError(
            f"{path}: holds weights only, no model (model.save_weights): build the model in your "
            f"notebook, load these weights into it and save it with model.save('model.keras')"
        )
    config = _json_attr(path, text, "model_config")
    model = _load(path, config)
    training_config = _json_attr(path, training, "training_config") if training is not None else {}
    return ModelFile(path, model, _compiled(training_config, "loss", "optimizer_config"))


def _check_suffix(path: Path, suffixes: tuple[str, ...]) -> None:
    """Keras reads a file by the end of its name: say so rather than fail in its words."""
    if not path.name.endswith(suffixes):
        raise ModelFileError(
            f"{path}: a Keras model under another name; rename it to end in {suffixes[0]}"
        )


def _check_h5_storage(path: Path, f: Any) -> None:
    """Refuse data stored outside the file, or declared far larger than any model needs."""
    import h5py

    sizes: list[int] = []

    def visit(name: str, obj: Any) -> None:
        if isinstance(obj, h5py.Dataset):
            if obj.external or obj.is_virtual:
                raise ModelFileError(f"{path}: {name} reads data from other files; refusing it")
            sizes.append(int(obj.size) * obj.dtype.itemsize)

    f.visititems(visit)
    total = sum(sizes)
    if total > min(MAX_UNPACKED_BYTES, 200 * path.stat().st_size + (64 << 20)):
        raise ModelFileError(
            f"{path}: declares {total / 1e6:.0f} MB of weights in a file of "
            f"{path.stat().st_size / 1e6:.1f} MB; refusing it"
        )


def _json_attr(path: Path, text: Any, name: str) -> Any:
    raw = text.encode() if isinstance(text, str) else bytes(text)
    if len(raw) > MAX_CONFIG_BYTES:
        raise ModelFileError(f"{path}: its {name} is {len(raw) / 1e6:.0f} MB; refusing it")
    try:
        return json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise ModelFileError(f"{path}: unreadable {name} ({exc})") from None


def _load(path: Path, config: Any) -> Any:
    """Check ``config`` for code and unknown classes, then let Keras load the file."""
    from aeviewer.core.models.layers import Sampling

    stand_ins = check_config(path, config)
    unknown = unknown_class(config, stand_ins)
    if unknown is not None:
        raise ModelFileError(
            f"{path}: uses the layer class {unknown}, which aeviewer does not know "
            f"(safe mode: no code from a file runs): {SEPARATE_PARTS}"
        )
    model = load_keras_file(path, dict.fromkeys(stand_ins, Sampling))
    import keras

    if not isinstance(model, keras.Model):
        raise ModelFileError(f"{path}: holds a {type(model).__name__}, not a Keras model")
    return model


def _compiled(config: Any, loss_key: str, optimizer_key: str) -> dict[str, Any]:
    if not isinstance(config, dict):
        return {}
    return {
        key: config[source]
        for key, source in (("loss", loss_key), ("optimizer", optimizer_key))
        if config.get(source) is not None
    }


#: How each kind of path is read, in order; the first that matches reads it.
READERS: tuple[tuple[Callable[[Path], bool], Callable[[Path], ModelFile]], ...] = (
    (Path.is_dir, _saved_model_folder),
    (zipfile.is_zipfile, _read_keras),
    (_is_hdf5, _read_h5),
)
