"""Session files: a whole run (settings, history, timeline) that reopens in seconds.

A session is a zip (``.aevsession``) of plain data only: ``session.json`` (settings, losses,
the layout of each weight snapshot) and ``arrays.npz`` (numbers, read with
``allow_pickle=False``), plus the trained model as ``model.keras`` when there is one. Nothing
in it is ever executed or unpickled. Writes are atomic.
"""

from __future__ import annotations

import json
import math
import tempfile
import zipfile
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from aeviewer.core.history import EpochRecord, RunHistory
from aeviewer.core.inference import ModelSnapshot, NumpyModel, Op
from aeviewer.core.persistence import (
    MAX_PARAMS,
    MemberTooLargeError,
    ModelFileError,
    atomic_write,
    check_member_size,
    copy_member,
    read_member,
)

SUFFIX = ".aevsession"
FORMAT = 1
#: What a session can legitimately hold, read before anything is unpacked. A run keeps at most
#: 256 MB of weight snapshots and 128 MB of latent codes (core/history.py), plus the latest of
#: each and the per-batch losses: arrays.npz stays well under 1 GB. Its model is one .keras file.
MAX_JSON_BYTES = 64 * 1024**2
MAX_ARRAYS_BYTES = 1024**3
MAX_MODEL_BYTES = 12 * MAX_PARAMS + 64 * 1024**2  # float32 weights and Adam's two moments
MAX_UNPACKED = MAX_JSON_BYTES + MAX_ARRAYS_BYTES + MAX_MODEL_BYTES


class SessionError(ValueError):
    """A session that cannot be saved or opened; one line naming the file and the reason."""


def _model_meta(m: NumpyModel, prefix: str, arrays: dict[str, np.ndarray]) -> dict[str, Any]:
    ops = []
    for i, op in enumerate(m.ops):
        for j, w in enumerate(op.weights):
            arrays[f"{prefix}_op{i}_w{j}"] = w
        ops.append(
            {
                "kind": op.kind,
                "activation": op.activation,
                "shape": list(op.shape),
                "n_weights": len(op.weights),
            }
        )
    return {
        "ops": ops,
        "input_shape": list(m.input_shape),
        "output_shape": list(m.output_shape),
        "name": m.name,
    }


def _model_from(meta: dict[str, Any], prefix: str, arrays: Any) -> NumpyModel:
    ops = []
    for i, o in enumerate(meta["ops"]):
        weights = tuple(
            np.asarray(arrays[f"{prefix}_op{i}_w{j}"], np.float32)
            for j in range(int(o["n_weights"]))
        )
        ops.append(
            Op(str(o["kind"]), weights, str(o["activation"]), tuple(int(s) for s in o["shape"]))
        )
    return NumpyModel(
        tuple(ops),
        tuple(int(s) for s in meta["input_shape"]),
        tuple(int(s) for s in meta["output_shape"]),
        str(meta.get("name", "model")),
    )


def _snapshot_meta(s: ModelSnapshot, key: str, arrays: dict[str, np.ndarray]) -> dict[str, Any]:
    return {
        "epoch": s.epoch,
        "step": s.step,
        "encoder": _model_meta(s.encoder, f"{key}_enc", arrays),
        "decoder": _model_meta(s.decoder, f"{key}_dec", arrays),
    }


def _snapshot_from(meta: dict[str, Any], key: str, arrays: Any) -> ModelSnapshot:
    return ModelSnapshot(
        _model_from(meta["encoder"], f"{key}_enc", arrays),
        _model_from(meta["decoder"], f"{key}_dec", arrays),
        int(meta["epoch"]),
        int(meta["step"]),
    )


def save_session(path: str | Path, history: RunHistory, model_file: Path | None = None) -> Path:
    """Write ``history`` (and the ``.keras`` file ``model_file`` if given) to ``path``."""
    path = Path(path)
    if path.suffix != SUFFIX:
        path = path.with_suffix(SUFFIX)
    arrays: dict[str, np.ndarray] = {}
    bx, by = history.batches()
    arrays["batch_x"], arrays["batch_loss"] = bx, by
    if history.latent_indices is not None:
        arrays["latent_indices"] = np.asarray(history.latent_indices, np.int64)
    records = []
    for k, rec in enumerate(history.records):
        entry: dict[str, Any] = {"epoch": rec.epoch, "x": rec.x, "logs": rec.logs}
        if rec.codes is not None:
            arrays[f"codes{k}"] = rec.codes
            entry["codes"] = True
        if rec.snapshot is not None:
            entry["snapshot"] = _snapshot_meta(rec.snapshot, f"snap{k}", arrays)
        records.append(entry)
    meta: dict[str, Any] = {
        "format": FORMAT,
        "settings": history.settings,
        "records": records,
        "stages": [[x, t] for x, t in history.stages],
        "stage_epochs": history.stage_epochs,
    }
    if history.first_snapshot is not None:
        meta["first_snapshot"] = _snapshot_meta(history.first_snapshot, "first", arrays)

    def write(tmp: Path) -> None:
        # Level 1: weights barely compress further, and level 6 took seconds of a core.
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
            zf.writestr("session.json", json.dumps(meta))
            # Streamed array by array: a long run's snapshots are never all in memory at once
            # (an in-memory .npz of them held the autosave's whole size two or three times).
            with zf.open("arrays.npz", "w", force_zip64=True) as member:
                np.savez(member, **arrays)  # type: ignore[arg-type]
            if model_file is not None and model_file.exists():
                zf.write(model_file, "model.keras")

    try:
        atomic_write(path, write, suffix=SUFFIX)
    except OSError as exc:
        raise SessionError(f"{path}: could not save: {exc.strerror or exc}") from None
    return path


def load_session(path: str | Path) -> tuple[RunHistory, bytes | None]:
    """The history in ``path``, and the bytes of its ``model.keras`` (or None)."""
    path = Path(path)
    if not path.exists():
        raise SessionError(f"{path}: no such file")
    if not zipfile.is_zipfile(path):
        raise SessionError(f"{path}: not an aeviewer session (not a zip archive)")
    try:
        with zipfile.ZipFile(path) as zf, tempfile.TemporaryDirectory() as tmp:
            infos = zf.infolist()
            if sum(i.file_size for i in infos) > MAX_UNPACKED:
                raise SessionError(
                    f"{path}: unpacks to more than {MAX_UNPACKED / 1e9:.1f} GB; refusing it"
                )
            names = {i.filename for i in infos}
            for name in names:
                if name.startswith(("/", "\\")) or ".." in Path(name).parts:
                    raise SessionError(f"{path}: refusing a member with an unsafe path: {name!r}")
            if not {"session.json", "arrays.npz"} <= names:
                raise SessionError(f"{path}: not an aeviewer session (session.json missing)")
            for info in infos:  # before reading anything: no member may be a bomb
                check_member_size(info, MAX_UNPACKED)
            meta = json.loads(read_member(zf, "session.json", MAX_JSON_BYTES).decode("utf-8"))
            # Streamed to a file, and read array by array: never whole in memory.
            raw = Path(tmp) / "arrays.npz"
            copy_member(zf, "arrays.npz", raw, MAX_ARRAYS_BYTES)
            _check_arrays(raw)
            with np.load(raw, allow_pickle=False) as npz:
                arrays = {k: npz[k] for k in npz.files}
            model = (
                read_member(zf, "model.keras", MAX_MODEL_BYTES) if "model.keras" in names else None
            )
    except SessionError:
        raise
    except MemberTooLargeError as exc:
        raise SessionError(f"{path}: {exc}") from None
    except (
        zipfile.BadZipFile,
        OSError,
        EOFError,
        ValueError,
        UnicodeDecodeError,
        RecursionError,
        zlib.error,
    ) as exc:
        raise SessionError(f"{path}: damaged session file ({exc})") from None
    try:
        return _history_from(meta, arrays), model
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        what = f"missing {exc}" if isinstance(exc, KeyError) else str(exc)
        raise SessionError(f"{path}: damaged session file ({what})") from None


def _history_from(meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> RunHistory:
    if int(meta.get("format", 0)) > FORMAT:
        raise ValueError("made by a newer aeviewer")
    h = RunHistory(settings=dict(meta["settings"]))
    if len(arrays["batch_x"]):
        h.add_batches(arrays["batch_x"], arrays["batch_loss"])
    if "latent_indices" in arrays:
        h.latent_indices = arrays["latent_indices"]
    for k, e in enumerate(meta["records"]):
        rec = EpochRecord(
            int(e["epoch"]), float(e["x"]), {str(a): float(b) for a, b in e["logs"].items()}
        )
        if e.get("codes"):
            rec.codes = np.asarray(arrays[f"codes{k}"], np.float32)
        if "snapshot" in e:
            rec.snapshot = _snapshot_from(e["snapshot"], f"snap{k}", arrays)
        h.records.append(rec)
    h.stages = [(float(x), str(t)) for x, t in meta.get("stages", [])]
    h.stage_epochs = list(meta.get("stage_epochs", []))
    if "first_snapshot" in meta:
        h.first_snapshot = _snapshot_from(meta["first_snapshot"], "first", arrays)
    _check_history(h)
    return h


def _check_arrays(raw: Path) -> None:
    """Each array's declared size must match its bytes before numpy allocates it (a header can
    declare 10^6 images over a short file), none may hold pickled objects, and none may be a
    bomb of its own (np.savez_compressed members are deflated too)."""
    from aeviewer.core.datasets.npz import _read_member_header

    with zipfile.ZipFile(raw) as inner:
        infos = inner.infolist()
        if sum(i.file_size for i in infos) > MAX_ARRAYS_BYTES:
            raise MemberTooLargeError(
                f"arrays.npz holds more than {MAX_ARRAYS_BYTES / 1e9:.1f} GB of arrays; refusing it"
            )
        for info in infos:
            check_member_size(info, MAX_ARRAYS_BYTES)
            _read_member_header(inner, info, Path("arrays.npz"))


_RESIZING = ("maxpool", "avgpool", "upsample", "conv2d_transpose")  # factors up to 16
_MAX_INPUT = 2**22  # values per sample: far above any image this app trains on


def _check_history(h: RunHistory) -> None:
    """Refuse now what would fail later in a view: weights that do not fit their layers,
    non-finite numbers, codes of the wrong shape (a damaged or hand-made file)."""
    from aeviewer.core.inference import ACTIVATIONS, OP_KINDS

    idx = h.latent_indices
    if idx is not None and (idx.ndim != 1 or (len(idx) and int(idx.min()) < 0)):
        raise ValueError("latent_indices are not sample rows")
    snaps = [r.snapshot for r in h.records if r.snapshot is not None]
    snaps += [h.first_snapshot] if h.first_snapshot is not None else []
    for s in snaps:
        assert s is not None
        enc, dec = s.encoder, s.decoder
        for m in (enc, dec):
            for op in m.ops:
                if op.kind not in OP_KINDS or op.activation not in ACTIVATIONS:
                    raise ValueError(
                        f"epoch {s.epoch}: unknown layer {op.kind!r}/{op.activation!r}"
                    )
                # Sizes, strides and paddings stay small: a hand-made file must not make a
                # view allocate gigabytes (reshape targets are checked by running it below).
                geometry = [int(v) for v in op.shape]
                if op.kind not in ("reshape", "permute") and not all(
                    0 <= v <= 256 for v in geometry
                ):
                    raise ValueError(f"epoch {s.epoch}: layer sizes {tuple(geometry)}")
                if op.kind in _RESIZING and not all(1 <= v <= 16 for v in geometry[:2]):
                    raise ValueError(f"epoch {s.epoch}: pooling factor {tuple(geometry[:2])}")
                if not all(np.all(np.isfinite(w)) for w in op.weights):
                    raise ValueError(f"epoch {s.epoch}: the weights are not finite numbers")
        if math.prod(enc.input_shape) > _MAX_INPUT or not enc.input_shape:
            raise ValueError(f"epoch {s.epoch}: input shape {enc.input_shape}")
        try:
            z = enc(np.zeros((1, *enc.input_shape), np.float32))
            out = dec(z)
        except Exception as exc:  # numpy raises several types for weights that do not fit
            raise ValueError(
                f"epoch {s.epoch}: the weights do not fit their layers ({exc})"
            ) from None
        if z.shape[1:] != dec.input_shape or out.shape[1:] != enc.input_shape:
            raise ValueError(f"epoch {s.epoch}: encoder and decoder shapes do not match")
    for rec in h.records:
        c = rec.codes
        if c is None:
            continue
        if idx is None or c.ndim != 2 or len(c) != len(idx) or not np.all(np.isfinite(c)):
            raise ValueError(f"the latent codes of epoch {rec.epoch} are damaged")
        if snaps and c.shape[1] != snaps[-1].decoder.input_shape[0]:
            raise ValueError(f"the latent codes of epoch {rec.epoch} do not fit the decoder")


__all__ = ["SUFFIX", "ModelFileError", "SessionError", "load_session", "save_session"]
