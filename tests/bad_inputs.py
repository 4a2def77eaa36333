"""Broken and hostile files for the bad-input suites (tests/core/test_bad_inputs.py and
tests/system/test_bad_inputs_gui.py), made by the tests themselves. Loaded as the ``bad`` fixture.

Every maker takes a folder and returns the path it wrote. No TensorFlow here: sessions are
built from hand-made numpy models.
"""

from __future__ import annotations

import gzip
import io
import json
import math
import os
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from aeviewer.core.history import RunHistory
from aeviewer.core.inference import ModelSnapshot, NumpyModel, Op
from aeviewer.core.session import save_session

# -- helpers ----------------------------------------------------------------------------


def listing(*folders: Path) -> dict[str, list[str]]:
    """Every file under each folder (recursively), and the names in the working directory:
    to check that nothing was written."""
    out = {str(f): sorted(str(p.relative_to(f)) for p in f.rglob("*")) for f in folders}
    out["cwd"] = sorted(os.listdir(os.getcwd()))
    return out


def npy_bytes(arr: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, arr)
    return buf.getvalue()


def lying_npy(shape: tuple[int, ...], stored: int, dtype: str = "|u1") -> bytes:
    """A .npy header declaring ``shape`` over only ``stored`` bytes of data."""
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        buf, {"descr": dtype, "fortran_order": False, "shape": shape}
    )
    buf.write(bytes(stored))
    return buf.getvalue()


def write_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def good_npz_bytes() -> bytes:
    buf = io.BytesIO()
    rng = np.random.default_rng(0)
    np.savez_compressed(buf, x_train=rng.integers(0, 256, (40, 28, 28), dtype=np.uint8))
    return buf.getvalue()


# -- data files (open data, --data, load_dataset) ---------------------------------------------

DATA: dict[str, Callable[[Path], Path]] = {}


def _data(name: str) -> Callable[[Callable[[Path], Path]], Callable[[Path], Path]]:
    def deco(fn: Callable[[Path], Path]) -> Callable[[Path], Path]:
        DATA[name] = fn
        return fn

    return deco


@_data("empty npz")
def _(d: Path) -> Path:
    (p := d / "empty.npz").write_bytes(b"")
    return p


@_data("corrupt npz")
def _(d: Path) -> Path:
    (p := d / "corrupt.npz").write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
    return p


@_data("truncated npz")
def _(d: Path) -> Path:
    data = good_npz_bytes()
    (p := d / "truncated.npz").write_bytes(data[: len(data) // 2])
    return p


@_data("wrong shape npz")
def _(d: Path) -> Path:
    return write_zip(d / "shape.npz", {"x_train.npy": npy_bytes(np.zeros((4, 5, 5, 5, 2)))})


@_data("wrong dtype npz")
def _(d: Path) -> Path:
    return write_zip(d / "dtype.npz", {"x_train.npy": npy_bytes(np.zeros((4, 9), complex))})


@_data("pickled objects npz")
def _(d: Path) -> Path:
    buf = io.BytesIO()
    np.save(buf, np.array([np.zeros(3), "code"], dtype=object), allow_pickle=True)
    return write_zip(d / "objects.npz", {"x_train.npy": buf.getvalue()})


@_data("NaN npz")
def _(d: Path) -> Path:
    return write_zip(d / "nan.npz", {"x_train.npy": npy_bytes(np.full((8, 28, 28), np.nan))})


@_data("10^6 images declared npz")
def _(d: Path) -> Path:
    return write_zip(d / "million.npz", {"x_train.npy": lying_npy((10**6, 28, 28), 784 * 3)})


@_data("10^6 images declared idx")
def _(d: Path) -> Path:
    data = struct.pack(">BBBBIII", 0, 0, 8, 3, 10**6, 28, 28) + bytes(784 * 5)
    (p := d / "train-images-idx3-ubyte").write_bytes(data)
    return p


@_data("10^6 images declared idx.gz")
def _(d: Path) -> Path:
    data = struct.pack(">BBBBIII", 0, 0, 8, 3, 10**6, 28, 28) + bytes(784 * 5)
    (p := d / "t10k-images-idx3-ubyte.gz").write_bytes(gzip.compress(data))
    return p


@_data("path traversal npz")
def _(d: Path) -> Path:
    good = npy_bytes(np.zeros((8, 28, 28), np.uint8))
    return write_zip(d / "traversal.npz", {"../../x_train.npy": good, "../../evil.txt": b"x"})


@_data("text file named .npz")
def _(d: Path) -> Path:
    (p := d / "notes.npz").write_text("these are my lecture notes, not arrays\n")
    return p


@_data("PNG picture named .npz")
def _(d: Path) -> Path:
    from PIL import Image

    p = d / "picture.npz"
    Image.fromarray(np.zeros((8, 8), np.uint8)).save(p, format="PNG")
    return p


@_data("text file named like IDX")
def _(d: Path) -> Path:
    (p := d / "t10k-images-idx3-ubyte").write_text("not an IDX file at all\n" * 10)
    return p


@_data("PDF-like file")
def _(d: Path) -> Path:
    (p := d / "slides.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    return p


@_data("JPEG picture")
def _(d: Path) -> Path:
    from PIL import Image

    p = d / "photo.jpg"
    Image.fromarray(np.zeros((8, 8, 3), np.uint8)).save(p, format="JPEG")
    return p


# -- sessions ---------------------------------------------------------------------------------


def tiny_history(shape: tuple[int, ...] = (28, 28), latent: int = 2, epochs: int = 2) -> RunHistory:
    """A two-epoch run of a hand-made dense autoencoder for the bundled digits."""
    rng = np.random.default_rng(0)
    n = math.prod(shape)

    def dense(a: int, b: int) -> tuple[np.ndarray, np.ndarray]:
        return rng.normal(0, 0.05, (a, b)).astype(np.float32), np.zeros(b, np.float32)

    enc = NumpyModel((Op("flatten"), Op("dense", dense(n, latent))), shape, (latent,), "encoder")
    dec = NumpyModel(
        (Op("dense", dense(latent, n), "sigmoid"), Op("reshape", shape=shape)),
        (latent,),
        shape,
        "decoder",
    )
    h = RunHistory(
        settings={"dataset": "digits", "data_path": None, "classes": "", "preset": "stacked"}
    )
    h.add_batches(np.linspace(0, epochs, 20, dtype=np.float32), np.linspace(1, 0.1, 20))
    for e in range(1, epochs + 1):
        h.add_epoch(e, float(e), {"loss": 1.0 / e, "val_loss": 1.1 / e})
        h.set_codes(e, rng.normal(size=(50, latent)), np.arange(50))
        h.set_snapshot(ModelSnapshot(enc, dec, e, 10 * e))
    h.first_snapshot = ModelSnapshot(enc, dec, 0, 0)
    return h


def good_session(d: Path, name: str = "good.aevsession") -> Path:
    return save_session(d / name, tiny_history())


def _edit_session(d: Path, name: str, edit: Callable[[dict, dict], None]) -> Path:
    """A valid session whose session.json (dict) and arrays (dict) ``edit`` changes."""
    src = good_session(d, ".source.aevsession")
    with zipfile.ZipFile(src) as zf:
        meta = json.loads(zf.read("session.json"))
        arrays = dict(np.load(io.BytesIO(zf.read("arrays.npz"))))
    src.unlink()
    edit(meta, arrays)
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return write_zip(
        d / name, {"session.json": json.dumps(meta).encode(), "arrays.npz": buf.getvalue()}
    )


SESSIONS: dict[str, Callable[[Path], Path]] = {}


def _session(name: str) -> Callable[[Callable[[Path], Path]], Callable[[Path], Path]]:
    def deco(fn: Callable[[Path], Path]) -> Callable[[Path], Path]:
        SESSIONS[name] = fn
        return fn

    return deco


@_session("empty")
def _(d: Path) -> Path:
    (p := d / "empty.aevsession").write_bytes(b"")
    return p


@_session("not a zip")
def _(d: Path) -> Path:
    (p := d / "text.aevsession").write_text("hello")
    return p


@_session("truncated")
def _(d: Path) -> Path:
    data = good_session(d, ".whole.aevsession").read_bytes()
    (d / ".whole.aevsession").unlink()
    (p := d / "truncated.aevsession").write_bytes(data[: len(data) // 2])
    return p


@_session("corrupt bytes")
def _(d: Path) -> Path:
    data = bytearray(good_session(d, ".whole.aevsession").read_bytes())
    (d / ".whole.aevsession").unlink()
    data[100:400] = b"\xff" * 300
    (p := d / "corrupt.aevsession").write_bytes(bytes(data))
    return p


@_session("zip without session.json")
def _(d: Path) -> Path:
    return write_zip(d / "other.aevsession", {"readme.txt": b"hi"})


@_session("path traversal member")
def _(d: Path) -> Path:
    good = good_session(d, ".whole.aevsession")
    with zipfile.ZipFile(good) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    good.unlink()
    return write_zip(d / "traversal.aevsession", {**members, "../../x": b"escaped"})


@_session("session.json not JSON")
def _(d: Path) -> Path:
    buf = io.BytesIO()
    np.savez(buf, batch_x=np.zeros(1), batch_loss=np.zeros(1))
    members = {"session.json": b"{not json", "arrays.npz": buf.getvalue()}
    return write_zip(d / "json.aevsession", members)


@_session("pickled objects in arrays")
def _(d: Path) -> Path:
    buf = io.BytesIO()
    np.save(buf, np.array([1, "code"], dtype=object), allow_pickle=True)
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("batch_x.npy", buf.getvalue())
    members = {"session.json": json.dumps({"settings": {}, "records": []}).encode()}
    return write_zip(d / "pickle.aevsession", {**members, "arrays.npz": inner.getvalue()})


@_session("array declaring 10^6 rows")
def _(d: Path) -> Path:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("batch_x.npy", lying_npy((10**6, 784), 64, "<f4"))
    members = {"session.json": json.dumps({"settings": {}, "records": []}).encode()}
    return write_zip(d / "million.aevsession", {**members, "arrays.npz": inner.getvalue()})


@_session("weights of the wrong shape")
def _(d: Path) -> Path:
    def edit(meta: dict, arrays: dict) -> None:
        arrays["snap1_dec_op0_w0"] = np.zeros((3, 784), np.float32)

    return _edit_session(d, "shape.aevsession", edit)


@_session("weights of the wrong dtype")
def _(d: Path) -> Path:
    def edit(meta: dict, arrays: dict) -> None:
        arrays["snap1_enc_op1_w0"] = np.array([["a", "b"]] * 784)

    return _edit_session(d, "dtype.aevsession", edit)


@_session("NaN weights")
def _(d: Path) -> Path:
    def edit(meta: dict, arrays: dict) -> None:
        arrays["snap0_enc_op1_w0"] = np.full((784, 2), np.nan, np.float32)

    return _edit_session(d, "nan.aevsession", edit)


@_session("NaN codes")
def _(d: Path) -> Path:
    def edit(meta: dict, arrays: dict) -> None:
        arrays["codes1"] = np.full((50, 2), np.nan, np.float32)

    return _edit_session(d, "nancodes.aevsession", edit)


@_session("codes of the wrong shape")
def _(d: Path) -> Path:
    def edit(meta: dict, arrays: dict) -> None:
        arrays["codes0"] = np.zeros((7, 2), np.float32)

    return _edit_session(d, "codes.aevsession", edit)


@_session("unknown layer kind")
def _(d: Path) -> Path:
    def edit(meta: dict, arrays: dict) -> None:
        meta["records"][0]["snapshot"]["decoder"]["ops"][1]["kind"] = "__import__"

    return _edit_session(d, "kind.aevsession", edit)


@_session("huge upsampling factor")
def _(d: Path) -> Path:
    def edit(meta: dict, arrays: dict) -> None:
        op = meta["records"][0]["snapshot"]["decoder"]["ops"][1]
        op.update(kind="upsample", shape=[10**6])

    return _edit_session(d, "upsample.aevsession", edit)


@_session("missing array")
def _(d: Path) -> Path:
    def edit(meta: dict, arrays: dict) -> None:
        del arrays["snap1_dec_op0_w1"]

    return _edit_session(d, "missing.aevsession", edit)


@_session("newer format")
def _(d: Path) -> Path:
    def edit(meta: dict, arrays: dict) -> None:
        meta["format"] = 99

    return _edit_session(d, "newer.aevsession", edit)


#: Sessions that load in core but cannot be shown: their data is gone, or does not fit.
SESSIONS_GUI: dict[str, Callable[[Path], Path]] = {}


def _gui_session(name: str) -> Callable[[Callable[[Path], Path]], Callable[[Path], Path]]:
    def deco(fn: Callable[[Path], Path]) -> Callable[[Path], Path]:
        SESSIONS_GUI[name] = fn
        return fn

    return deco


@_gui_session("its data file is gone")
def _(d: Path) -> Path:
    h = tiny_history()
    h.settings["data_path"] = str(d / "gone" / "lecture.npz")
    return save_session(d / "gone.aevsession", h)


@_gui_session("its model does not fit its data")
def _(d: Path) -> Path:
    h = tiny_history()
    h.settings["dataset"] = "synthetic3d"
    return save_session(d / "misfit.aevsession", h)


@_gui_session("rows beyond its data")
def _(d: Path) -> Path:
    h = tiny_history()
    h.latent_indices = np.arange(10**5, 10**5 + 50)
    return save_session(d / "rows.aevsession", h)


@_gui_session("no trained epoch")
def _(d: Path) -> Path:
    h = tiny_history()
    h.records = []
    return save_session(d / "untrained.aevsession", h)


# -- model files (aeviewer info, load_model) --------------------------------------------------


def model_with_meta(d: Path, name: str, meta: dict | bytes, weights: bytes = b"x") -> Path:
    """A .keras archive holding an aeviewer.json (and a stand-in weights member)."""
    raw = meta if isinstance(meta, bytes) else json.dumps(meta).encode()
    members = {"aeviewer.json": raw, "model.weights.h5": weights, "config.json": b"{}"}
    return write_zip(d / name, members)


def _meta(**changes: object) -> dict:
    meta: dict = {
        "format": 1,
        "preset": "stacked",
        "options": {"latent_dim": 30, "hidden": [100]},
        "input_shape": [28, 28],
    }
    meta.update(changes)
    return meta


MODELS: dict[str, Callable[[Path], Path]] = {
    "aeviewer.json not JSON": lambda d: model_with_meta(d, "json.keras", b"{oops"),
    "unknown preset": lambda d: model_with_meta(d, "preset.keras", _meta(preset="rm -rf")),
    "latent dim 0": lambda d: model_with_meta(d, "latent0.keras", _meta(options={"latent_dim": 0})),
    "billions of parameters": lambda d: model_with_meta(
        d, "huge.keras", _meta(options={"hidden": [16384, 16384, 16384]}, input_shape=[2048, 2048])
    ),
    "negative input shape": lambda d: model_with_meta(
        d, "shape.keras", _meta(input_shape=[-28, 28])
    ),
    "options of the wrong type": lambda d: model_with_meta(
        d, "types.keras", _meta(options={"latent_dim": "thirty"})
    ),
    "weights that are not HDF5": lambda d: model_with_meta(d, "weights.keras", _meta()),
    "no weights inside": lambda d: write_zip(
        d / "noweights.keras", {"aeviewer.json": json.dumps(_meta()).encode()}
    ),
    "path traversal member": lambda d: write_zip(
        d / "traversal.keras", {"../../x": b"escaped", "config.json": b"{}"}
    ),
    "empty": lambda d: (d / "empty.keras", (d / "empty.keras").write_bytes(b""))[0],
    "text": lambda d: (d / "text.keras", (d / "text.keras").write_text("hello"))[0],
}
