"""Session files: a whole run (settings, history, timeline) that reopens in seconds.

A session is a zip (``.aevsession``) of plain data only: ``session.json`` (settings, losses,
the layout of each weight snapshot) and ``arrays.npz`` (numbers, read with
``allow_pickle=False``), plus the trained model as ``model.keras`` when there is one. Nothing
in it is ever executed or unpickled. Writes are atomic.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from aeviewer.core.history import EpochRecord, RunHistory
from aeviewer.core.inference import ModelSnapshot, NumpyModel, Op
from aeviewer.core.persistence import ModelFileError, atomic_write

SUFFIX = ".aevsession"
FORMAT = 1
MAX_UNPACKED = 4 * 1024**3


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
        buf = io.BytesIO()
        np.savez(buf, **arrays)  # type: ignore[arg-type]
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("session.json", json.dumps(meta))
            zf.writestr("arrays.npz", buf.getvalue())
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
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if sum(i.file_size for i in infos) > MAX_UNPACKED:
                raise SessionError(f"{path}: unpacks to more than 4 GB; refusing it")
            names = {i.filename for i in infos}
            for name in names:
                if name.startswith(("/", "\\")) or ".." in Path(name).parts:
                    raise SessionError(f"{path}: refusing a member with an unsafe path: {name!r}")
            if not {"session.json", "arrays.npz"} <= names:
                raise SessionError(f"{path}: not an aeviewer session (session.json missing)")
            meta = json.loads(zf.read("session.json").decode("utf-8"))
            arrays = dict(np.load(io.BytesIO(zf.read("arrays.npz")), allow_pickle=False))
            model = zf.read("model.keras") if "model.keras" in names else None
    except SessionError:
        raise
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, UnicodeDecodeError) as exc:
        raise SessionError(f"{path}: damaged session file ({exc})") from None
    try:
        return _history_from(meta, arrays), model
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise SessionError(f"{path}: damaged session file (missing {exc})") from None


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
    return h


__all__ = ["SUFFIX", "ModelFileError", "SessionError", "load_session", "save_session"]
