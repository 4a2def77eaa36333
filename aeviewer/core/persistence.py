"""Saving and loading models as ``.keras`` files, atomically, and never running code from them.

An aeviewer file is a normal Keras 3 ``.keras`` archive with one more member,
``aeviewer.json`` (preset, options, input shape, training history). Loading such a file
rebuilds the model from the app's own preset code and reads only the weights: nothing in the
file is deserialised into code. Any other ``.keras`` file (a notebook's
``Sequential([encoder, decoder])``) goes through ``keras.saving.load_model(safe_mode=True)``,
which refuses ``Lambda`` layers and other arbitrary code.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import math
import os
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aeviewer.core.models import ModelOptions, get_preset

if TYPE_CHECKING:  # Keras loads on first use, not when an error type is imported
    from aeviewer.core.models import Autoencoder

META_NAME = "aeviewer.json"
WEIGHTS_NAME = "model.weights.h5"
FORMAT_VERSION = 1
MAX_UNPACKED_BYTES = 2 * 1024**3
MAX_PARAMS = 50_000_000  # the largest preset has 1.1M


class ModelFileError(ValueError):
    """A model file that cannot be saved or loaded; one line naming the file and the reason."""


@dataclass
class LoadedModel:
    ae: Autoencoder
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def history(self) -> dict[str, list[float]]:
        return dict(self.meta.get("history", {}))


def atomic_write(path: Path, write: Any, suffix: str = "") -> None:
    """Call ``write(tmp_path)`` then rename over ``path``: the old file survives any crash."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".tmp{suffix}", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def save_model(
    ae: Autoencoder,
    path: str | os.PathLike[str],
    *,
    history: dict[str, list[float]] | None = None,
    info: dict[str, Any] | None = None,
) -> Path:
    """Save ``ae`` with its config and history as a ``.keras`` file (atomic)."""
    path = Path(path)
    if path.suffix != ".keras":
        raise ModelFileError(f"{path}: model files must end in .keras")
    meta = {
        "format": FORMAT_VERSION,
        "preset": ae.preset,
        "options": ae.options.to_dict(),
        "input_shape": list(ae.input_shape),
        "params": ae.count_params(),
        "history": {k: [float(v) for v in vs] for k, vs in (history or {}).items()},
        **(info or {}),
    }

    optimizer = ae.model.optimizer
    if optimizer is not None and not optimizer.built:
        optimizer.build(ae.model.trainable_variables)  # so loading finds the same variables

    def write(tmp: Path) -> None:
        ae.model.save(tmp)
        with zipfile.ZipFile(tmp, "a") as zf:
            zf.writestr(META_NAME, json.dumps(meta, indent=1))

    try:
        atomic_write(path, write, suffix=".keras")
    except OSError as exc:
        raise ModelFileError(f"{path}: could not save: {exc.strerror or exc}") from None
    return path


def _check_archive(path: Path) -> zipfile.ZipFile:
    if not path.exists():
        raise ModelFileError(f"{path}: no such file")
    if not zipfile.is_zipfile(path):
        raise ModelFileError(f"{path}: not a .keras model file (not a zip archive)")
    try:
        zf = zipfile.ZipFile(path)
        names = zf.namelist()
        total = sum(i.file_size for i in zf.infolist())
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ModelFileError(f"{path}: corrupt model file ({exc})") from None
    for name in names:
        if name.startswith(("/", "\\")) or ".." in Path(name).parts or ":" in name:
            zf.close()
            raise ModelFileError(f"{path}: refusing a member with an unsafe path: {name!r}")
    if total > MAX_UNPACKED_BYTES:
        zf.close()
        raise ModelFileError(f"{path}: unpacks to {total / 1e9:.1f} GB; refusing it")
    return zf


def load_model(path: str | os.PathLike[str]) -> LoadedModel:
    """Load a model saved by aeviewer, or a notebook's autoencoder, safely."""
    path = Path(path)
    with _check_archive(path) as zf:
        names = set(zf.namelist())
        if META_NAME in names:
            try:
                meta = json.loads(zf.read(META_NAME).decode("utf-8"))
            except (ValueError, UnicodeDecodeError, zipfile.BadZipFile) as exc:
                raise ModelFileError(f"{path}: unreadable {META_NAME} ({exc})") from None
            if WEIGHTS_NAME not in names:
                raise ModelFileError(f"{path}: no weights inside")
            with tempfile.TemporaryDirectory() as tmp:
                weights = Path(tmp) / WEIGHTS_NAME
                try:
                    weights.write_bytes(zf.read(WEIGHTS_NAME))
                except (zipfile.BadZipFile, OSError, EOFError) as exc:
                    raise ModelFileError(f"{path}: corrupt weights ({exc})") from None
                return LoadedModel(_rebuild(path, meta, weights), meta)
    return LoadedModel(_load_foreign(path), {"preset": "custom"})


def _rebuild(path: Path, meta: dict[str, Any], weights: Path) -> Autoencoder:
    try:
        preset = str(meta["preset"])
        get_preset(preset)
        options = ModelOptions.from_dict(dict(meta["options"])).validate()
        shape = tuple(int(s) for s in meta["input_shape"])
        # A file from the internet could ask for a model that fills the memory: refuse it
        # before building anything.
        sizes = [math.prod(shape), *options.hidden, options.latent_dim]
        params = 2 * sum(a * b for a, b in itertools.pairwise(sizes))
        if not 1 <= len(shape) <= 3 or min(shape) < 1 or sizes[0] > 2**22:
            raise ValueError(f"input shape {shape}")
        if params > MAX_PARAMS:
            raise ValueError(f"about {params:,} parameters, more than this app builds")
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelFileError(f"{path}: invalid model description ({exc})") from None
    from aeviewer.core.models.registry import build_autoencoder

    ae = build_autoencoder(preset, shape, options)
    # Build the optimizer first so its state (Adam's moments) loads too: training resumes smoothly.
    ae.model.optimizer.build(ae.model.trainable_variables)
    try:
        ae.model.load_weights(weights)
    except Exception as exc:  # h5py/Keras raise many types for a damaged file
        raise ModelFileError(f"{path}: weights do not fit the model ({exc})") from None
    return ae


def _load_foreign(path: Path) -> Autoencoder:
    import keras

    from aeviewer.core.models.autoencoder import Autoencoder, make_optimizer

    try:
        model = keras.saving.load_model(path, safe_mode=True, compile=False)
    except Exception as exc:
        text = str(exc)
        if "lambda" in text.lower() or "safe_mode" in text:
            raise ModelFileError(
                f"{path}: holds a Lambda layer or other code; refusing to run it (safe mode)"
            ) from None
        first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
        raise ModelFileError(f"{path}: cannot load this model ({first[:200]})") from None
    try:
        encoder, decoder = model.get_layer("encoder"), model.get_layer("decoder")
    except ValueError:
        raise ModelFileError(
            f"{path}: found no sub-models named 'encoder' and 'decoder' (the course's "
            "Sequential([encoder, decoder]) layout)"
        ) from None
    shape = tuple(int(s) for s in encoder.input_shape[1:])
    latent = int(decoder.input_shape[-1])
    options = ModelOptions(latent_dim=latent, hidden=(), loss="mse", output_activation="linear")
    model.compile(optimizer=make_optimizer(options), loss="mse")
    return Autoencoder("custom", options, shape, encoder, decoder, model)


def describe(loaded: LoadedModel) -> list[str]:
    """Human lines for ``aeviewer info``."""
    ae, meta = loaded.ae, loaded.meta
    title = get_preset(ae.preset).title if ae.preset != "custom" else "custom (notebook model)"
    o = ae.options
    lines = [
        f"model:        {ae.preset} ({title})",
        f"input shape:  {' x '.join(map(str, ae.input_shape))}",
        f"latent dim:   {o.latent_dim}",
        f"parameters:   {ae.count_params():,}",
    ]
    if ae.preset != "custom":
        lines += [
            f"layers:       hidden {list(o.hidden)}, {o.activation}, output {o.output_activation}",
            f"training:     {o.loss} loss, {o.optimizer} lr {o.learning_rate:g}, "
            f"batch {o.batch_size}",
        ]
    hist = loaded.history
    if hist.get("loss"):
        last = {k: v[-1] for k, v in hist.items() if v and ":" not in k}
        lines.append(f"epochs:       {len(hist['loss'])}")
        lines.append("final:        " + ", ".join(f"{k} {v:.4f}" for k, v in sorted(last.items())))
    if meta.get("dataset"):
        lines.append(f"dataset:      {meta['dataset']}")
    return lines
