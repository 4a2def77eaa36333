"""Saving and loading models as ``.keras`` files, atomically, and never running code from them.

An aeviewer file is a normal Keras 3 ``.keras`` archive with one more member,
``aeviewer.json`` (preset, options, input shape, training history). Loading such a file
rebuilds the model from the app's own preset code and reads only the weights: nothing in the
file is deserialised into code. Any other model (a notebook's ``.keras`` or ``.h5`` file, or
its encoder and decoder files) is opened by :mod:`aeviewer.core.user_models`: its config is
checked for code first, then ``keras.saving.load_model(safe_mode=True)`` refuses ``Lambda``
layers and other arbitrary code.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import math
import os
import re
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aeviewer.core.errors import first_line
from aeviewer.core.models import ModelOptions, conv_plan, describe_shape, get_preset

if TYPE_CHECKING:  # Keras loads on first use, not when an error type is imported
    from aeviewer.core.models import Autoencoder
    from aeviewer.core.user_models import UserModel

META_NAME = "aeviewer.json"
WEIGHTS_NAME = "model.weights.h5"
FORMAT_VERSION = 1
MAX_UNPACKED_BYTES = 2 * 1024**3
MAX_PARAMS = 50_000_000  # the largest preset has 1.1M
MAX_META_BYTES = 64 * 1024**2  # aeviewer.json: options and per-epoch losses (~100 B an epoch)
MAX_CONFIG_BYTES = 16 * 1024**2  # a notebook model's config.json (a few KB a layer)
#: A member larger than this that unpacks to more than BOMB_RATIO times its compressed size
#: is a zip bomb (deflated zeros reach 1000:1); weights and losses compress about 1.1:1.
BOMB_MIN_BYTES = 64 * 1024**2
BOMB_RATIO = 200
_CHUNK = 1 << 20


class ModelFileError(ValueError):
    """A model file that cannot be saved or loaded; one line naming the file and the reason."""


@dataclass
class LoadedModel:
    """A loaded model, its ``aeviewer.json`` (history...), and what was found in a user's model
    (``user``: None for an aeviewer preset)."""

    ae: Autoencoder
    meta: dict[str, Any] = field(default_factory=dict)
    user: UserModel | None = None

    @property
    def history(self) -> dict[str, list[float]]:
        return dict(self.meta.get("history", {}))


class MemberTooLargeError(ValueError):
    """An archive member that unpacks to more than its file can need (the message says so)."""


def _size(n: int) -> str:
    return f"{n / 1e9:.1f} GB" if n >= 1e9 else f"{n / 1e6:.1f} MB"


def check_member_size(info: zipfile.ZipInfo, limit: int) -> None:
    """Refuse a member that would unpack to more than ``limit`` bytes, or a large one that
    unpacks to far more than it takes in the archive (a zip bomb), before reading any of it.

    The declared size is all :mod:`zipfile` ever unpacks (it stops there and checks the CRC),
    so checking it bounds the memory or disk a hostile archive can make this app use.
    """
    if info.file_size > limit:
        raise MemberTooLargeError(
            f"{info.filename} unpacks to {_size(info.file_size)}, far more than its "
            f"{_size(limit)} at most; refusing it"
        )
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > BOMB_MIN_BYTES and ratio > BOMB_RATIO:
        raise MemberTooLargeError(
            f"{info.filename} unpacks {ratio:.0f} times its size, to {_size(info.file_size)}"
            " (a zip bomb); refusing it"
        )


def read_member(zf: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """The bytes of member ``name``, refused by :func:`check_member_size` beyond ``limit``."""
    info = zf.getinfo(name)
    check_member_size(info, limit)
    with zf.open(info) as f:
        data = f.read(limit + 1)
    if len(data) > limit:  # pragma: no cover - zipfile stops at the declared size
        raise MemberTooLargeError(f"{name} unpacks to more than {_size(limit)}; refusing it")
    return data


def copy_member(zf: zipfile.ZipFile, name: str, dest: Path, limit: int) -> None:
    """Stream member ``name`` into the file ``dest`` (never whole in memory), within ``limit``."""
    info = zf.getinfo(name)
    check_member_size(info, limit)
    copied = 0
    with zf.open(info) as src, open(dest, "wb") as out:
        while chunk := src.read(_CHUNK):
            copied += len(chunk)
            if copied > limit:  # pragma: no cover - zipfile stops at the declared size
                raise MemberTooLargeError(f"{name} unpacks to more than {_size(limit)}")
            out.write(chunk)


def atomic_write(path: Path, write: Any, suffix: str = "") -> None:
    """Call ``write(tmp_path)`` then rename over ``path``: the old file survives any crash.

    The data is flushed to disk before the rename, and the folder after it, so that a power
    cut cannot leave the new name pointing at nothing. The file gets the permissions a plain
    ``open()`` would give it (the umask; an existing file keeps its own), not the owner-only
    0600 of the temporary file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".tmp{suffix}", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, _mode_for(path))
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_folder(path.parent)


def _mode_for(path: Path) -> int:
    """The permission bits ``path`` should have: its own if it exists, else 0666 minus umask."""
    with contextlib.suppress(OSError):
        return stat.S_IMODE(os.stat(path).st_mode)
    return 0o666 & ~_umask()


def _umask() -> int:
    # /proc tells it without changing it; os.umask() can only read it by setting it, for the
    # whole process, for a moment in which another thread's new file would get mode 0666.
    with contextlib.suppress(OSError, ValueError), open("/proc/self/status") as f:
        for line in f:
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # some file systems refuse to sync a folder; the data is synced already
        pass
    finally:
        os.close(fd)


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


def open_archive(path: Path) -> zipfile.ZipFile:
    """``path`` as an open zip archive, refused in one line when it is not one, is damaged,
    names an unsafe path or unpacks to more than any model needs."""
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
    try:  # members Keras reads itself (a notebook model's weights) are bounded here
        for info in zf.infolist():
            check_member_size(info, MAX_UNPACKED_BYTES)
    except MemberTooLargeError as exc:
        zf.close()
        raise ModelFileError(f"{path}: {exc}") from None
    return zf


def read_json_member(path: Path, zf: zipfile.ZipFile, name: str, limit: int) -> Any:
    """The JSON member ``name`` of an archive opened by :func:`open_archive` (one-line errors)."""
    try:
        return json.loads(read_member(zf, name, limit).decode("utf-8"))
    except MemberTooLargeError as exc:
        raise ModelFileError(f"{path}: {exc}") from None
    except (
        ValueError,
        UnicodeDecodeError,
        RecursionError,
        zipfile.BadZipFile,
        EOFError,
        zlib.error,
    ) as exc:
        raise ModelFileError(f"{path}: unreadable {name} ({exc})") from None


def load_model(path: str | os.PathLike[str]) -> LoadedModel:
    """Load a model saved by aeviewer, or any Keras autoencoder a notebook saved, safely."""
    return open_model_files([path])


def open_model_files(
    paths: Sequence[str | os.PathLike[str]], split_at: str | None = None
) -> LoadedModel:
    """The model in ``paths``, safely: a file aeviewer saved from a preset is rebuilt from
    the preset's code (only its weights are read); anything else, one file or an encoder
    file and a decoder file, goes through
    :func:`aeviewer.core.user_models.open_user_model`.
    """
    if len(paths) == 1 and split_at is None:
        loaded = _preset_file(Path(paths[0]))
        if loaded is not None:
            return loaded
    from aeviewer.core.user_models import open_user_model

    user = open_user_model(paths, split_at=split_at)
    return LoadedModel(user.ae, {"preset": "custom", **user.meta}, user=user)


def _preset_file(path: Path) -> LoadedModel | None:
    """The model of a file aeviewer saved from a preset, else None (a notebook's file)."""
    if path.is_dir() or not zipfile.is_zipfile(path):
        return None
    with open_archive(path) as zf:
        names = set(zf.namelist())
        if META_NAME not in names:
            return None
        meta = read_json_member(path, zf, META_NAME, MAX_META_BYTES)
        if isinstance(meta, dict) and meta.get("preset") == "custom":
            return None  # a notebook model aeviewer fine-tuned: found like any other
        if WEIGHTS_NAME not in names:
            raise ModelFileError(f"{path}: no weights inside")
        return LoadedModel(_rebuild(path, meta, zf), meta)


def load_keras_file(path: Path, known: dict[str, Any] | None = None) -> Any:
    """Keras' own loading of a file whose config was checked, in safe mode (no ``Lambda``,
    no code), uncompiled, with ``known`` (aeviewer's own classes for names in the file);
    any failure as one line naming the file."""
    import keras

    try:
        return keras.saving.load_model(path, safe_mode=True, compile=False, custom_objects=known)
    except Exception as exc:
        text = str(exc)
        if "lambda" in text.lower() or "safe_mode" in text:
            raise ModelFileError(
                f"{path}: holds a Lambda layer or other code; refusing to run it (safe mode)"
            ) from None
        unknown = re.search(r"(?:Unknown layer|Could not locate class):? '([^']+)'", text)
        if unknown:
            from aeviewer.core.user_models.safety import SEPARATE_PARTS

            raise ModelFileError(
                f"{path}: uses the layer class {unknown[1]}, which aeviewer does not know "
                f"(safe mode: no code from a file runs): {SEPARATE_PARTS}"
            ) from None
        raise ModelFileError(f"{path}: cannot load this model ({first_line(exc, 200)})") from None


def _rebuild(path: Path, meta: dict[str, Any], zf: zipfile.ZipFile) -> Autoencoder:
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
    with tempfile.TemporaryDirectory() as tmp:
        weights = Path(tmp) / WEIGHTS_NAME
        try:
            # The architecture says how big its weights are: a member far bigger is refused
            # before a byte of it is unpacked.
            copy_member(zf, WEIGHTS_NAME, weights, weights_limit(ae))
        except MemberTooLargeError as exc:
            raise ModelFileError(f"{path}: {exc}") from None
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
            raise ModelFileError(f"{path}: corrupt weights ({exc})") from None
        try:
            ae.model.load_weights(weights)
        except Exception as exc:  # h5py/Keras raise many types for a damaged file
            raise ModelFileError(f"{path}: weights do not fit the model ({exc})") from None
    return ae


def weights_limit(ae: Autoencoder) -> int:
    """The most bytes ``ae``'s weights file can need: its model's and optimizer's variables
    (float32: 4 bytes a value; twice that for margin), plus HDF5's ~1.5 KB a variable."""
    variables = [*ae.model.weights, *ae.model.optimizer.variables]
    values = sum(math.prod(v.shape) for v in variables)
    return 8 * values + 64 * 1024 * len(variables) + (1 << 20)


def describe(loaded: LoadedModel) -> list[str]:
    """Human lines for ``aeviewer info``."""
    ae = loaded.ae
    if loaded.user is not None:
        return loaded.user.describe() + _history_lines(loaded)
    title = get_preset(ae.preset).title
    o = ae.options
    lines = [
        f"model:        {ae.preset} ({title})",
        f"input shape:  {' x '.join(map(str, ae.input_shape))} ({describe_shape(ae.input_shape)})",
        f"latent dim:   {o.latent_dim}",
        f"parameters:   {ae.count_params():,}",
    ]
    if get_preset(ae.preset).convolutional:  # the filters of the levels this image size has
        h, w = ae.input_shape[:2]
        body = f"filters {list(conv_plan(h, w, o.filters).filters)}"
    else:
        body = f"hidden {list(o.hidden)}"
    lines += [
        f"layers:       {body}, {o.activation}, output {o.output_activation}",
        f"training:     {o.loss} loss, {o.optimizer} lr {o.learning_rate:g}, batch {o.batch_size}",
    ]
    return lines + _history_lines(loaded)


def _history_lines(loaded: LoadedModel) -> list[str]:
    lines: list[str] = []
    hist, meta = loaded.history, loaded.meta
    if hist.get("loss"):
        last = {k: v[-1] for k, v in hist.items() if v and ":" not in k}
        lines.append(f"epochs:       {len(hist['loss'])}")
        lines.append("final:        " + ", ".join(f"{k} {v:.4f}" for k, v in sorted(last.items())))
    if meta.get("dataset"):
        lines.append(f"dataset:      {meta['dataset']}")
    return lines
