"""Bad and hostile files through every loader: one clear line, nothing written, nothing run.

Complements tests/core/test_datasets_errors.py (every data validation error) and
tests/core/test_persistence.py (Lambda layers, corrupt and truncated .keras files): here are
the files those do not try (sessions, .npz path traversal, model descriptions asking for
absurd models, files that are not data at all), each through the public loader and, for
model files, through ``aeviewer info``.
"""

from __future__ import annotations

import io
import json
import os
import struct
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest
from bad_inputs import (
    DATA,
    MODELS,
    SESSIONS,
    good_session,
    listing,
    npy_bytes,
    tiny_history,
    write_zip,
)

from aeviewer.core.datasets import DatasetError, load_dataset
from aeviewer.core.persistence import ModelFileError, load_model
from aeviewer.core.session import SessionError, load_session


def _one_line(message: str, path: Path) -> None:
    assert "\n" not in message, message
    assert path.name in message, message
    assert "Traceback" not in message


@pytest.mark.parametrize("case", list(DATA))
def test_bad_data_files(case: str, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    path = DATA[case](folder)
    before = listing(tmp_path.parent)
    t0 = time.perf_counter()
    with pytest.raises(DatasetError) as info:
        load_dataset(path=path)
    assert time.perf_counter() - t0 < 2.0  # a 10^6-image header fails at once
    _one_line(str(info.value), path)
    assert listing(tmp_path.parent) == before


@pytest.mark.parametrize("case", list(SESSIONS))
def test_bad_session_files(case: str, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    path = SESSIONS[case](folder)
    before = listing(tmp_path.parent)
    t0 = time.perf_counter()
    with pytest.raises(SessionError) as info:
        load_session(path)
    assert time.perf_counter() - t0 < 2.0
    _one_line(str(info.value), path)
    assert listing(tmp_path.parent) == before


def test_a_good_session_still_loads(tmp_path: Path) -> None:
    """The checks that refuse damaged sessions accept a real one (the control case)."""
    history, model = load_session(good_session(tmp_path))
    ref = tiny_history()
    assert len(history) == 2 and model is None
    z = np.ones((1, 2), np.float32)
    np.testing.assert_array_equal(
        history.records[1].snapshot.decoder(z),  # type: ignore[union-attr]
        ref.records[1].snapshot.decoder(z),  # type: ignore[union-attr]
    )


@pytest.mark.parametrize("case", list(MODELS))
def test_bad_model_files(case: str, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    path = MODELS[case](folder)
    before = listing(tmp_path.parent)
    t0 = time.perf_counter()
    with pytest.raises(ModelFileError) as info:
        load_model(path)
    assert time.perf_counter() - t0 < 30.0  # nothing huge is built (the first loads Keras)
    _one_line(str(info.value), path)
    assert listing(tmp_path.parent) == before


@pytest.mark.parametrize("case", ["billions of parameters", "path traversal member", "empty"])
def test_aeviewer_info_on_bad_model_files(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from aeviewer.cli import main

    path = MODELS[case](tmp_path)
    before = listing(tmp_path)
    try:
        code = main(["info", str(path)])
    except SystemExit as exc:
        code = int(exc.code or 0)
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1 and path.name in err
    assert listing(tmp_path) == before


def test_npz_traversal_member_is_never_extracted(tmp_path: Path) -> None:
    """numpy reads members by name and never extracts them: nothing appears at ../../."""
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    path = DATA["path traversal npz"](work)
    cwd = os.getcwd()
    os.chdir(work)
    try:
        with pytest.raises(DatasetError, match="no 'x_train'"):
            load_dataset(path=path)
    finally:
        os.chdir(cwd)
    assert not (tmp_path / "evil.txt").exists() and not (tmp_path / "x_train.npy").exists()


# -- zip bombs: a small file declaring far more than it can legitimately hold -------------------
# (Made here rather than in tests/bad_inputs.py: the GUI suite opens those through dialogs.)

BOMB_MB = 160  # of zeros, deflated to about 160 KB; each case is refused before it unpacks


def deflated_zeros(zf: zipfile.ZipFile, name: str, megabytes: int, head: bytes = b"") -> None:
    """A member of ``head`` then zeros, streamed so the test never holds it in memory."""
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    with zf.open(info, "w", force_zip64=True) as f:
        f.write(head)
        block = bytes(1 << 20)
        for _ in range(megabytes):
            f.write(block)


def forge_sizes(path: Path, name: str, size: int) -> Path:
    """Make the central directory declare ``size`` bytes (packed and unpacked) for ``name``:
    a header that no compression ratio gives away."""
    data = bytearray(path.read_bytes())
    i = data.find(b"PK\x01\x02")
    while i >= 0:
        n = struct.unpack_from("<H", data, i + 28)[0]
        if data[i + 46 : i + 46 + n].decode() == name:
            struct.pack_into("<II", data, i + 20, size, size)
            path.write_bytes(bytes(data))
            return path
        i = data.find(b"PK\x01\x02", i + 4)
    raise AssertionError(f"no {name} in {path}")


def _session_members(d: Path) -> dict[str, bytes]:
    good = good_session(d, ".whole.aevsession")
    with zipfile.ZipFile(good) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    good.unlink()
    return members


def _session_with_bomb(d: Path, name: str, bomb: str) -> Path:
    members = _session_members(d)
    path = d / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for member, data in members.items():
            if member != bomb:
                zf.writestr(member, data)
        head = b'{"settings": {}, "records": []' if bomb == "session.json" else b""
        deflated_zeros(zf, bomb, BOMB_MB, head)
    return path


def _inner_npz_bomb(d: Path) -> Path:
    """arrays.npz, stored as is, holding a np.savez_compressed-style deflated array of zeros
    whose .npy header is honest: only the size gives it away."""
    members = _session_members(d)
    inner = d / "inner.npz"
    n = BOMB_MB * (1 << 20) // 4
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "<f4", "fortran_order": False, "shape": (n,)}
    )
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as zf:
        deflated_zeros(zf, "batch_x.npy", BOMB_MB, header.getvalue())  # n float32 zeros
        zf.writestr("batch_loss.npy", npy_bytes(np.zeros(1, np.float32)))
    path = d / "inner_bomb.aevsession"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("session.json", members["session.json"])
        zf.write(inner, "arrays.npz")
    inner.unlink()
    return path


def _declared_huge(d: Path) -> Path:
    members = _session_members(d)
    path = write_zip(d / "declared.aevsession", members)
    return forge_sizes(path, "arrays.npz", 3_500_000_000)


SESSION_BOMBS = {
    "arrays.npz of deflated zeros": lambda d: _session_with_bomb(d, "a.aevsession", "arrays.npz"),
    "session.json of deflated zeros": lambda d: _session_with_bomb(
        d, "j.aevsession", "session.json"
    ),
    "model.keras of deflated zeros": lambda d: _session_with_bomb(d, "m.aevsession", "model.keras"),
    "deflated array inside arrays.npz": _inner_npz_bomb,
    "arrays.npz declaring 3.5 GB": _declared_huge,
}


@pytest.mark.parametrize("case", list(SESSION_BOMBS))
def test_session_zip_bombs_are_refused_before_unpacking(case: str, tmp_path: Path) -> None:
    import tracemalloc

    folder = tmp_path / "in"
    folder.mkdir()
    path = SESSION_BOMBS[case](folder)
    assert path.stat().st_size < 2 * BOMB_MB * 1024 or "declaring" in case  # small files...
    before = listing(tmp_path.parent)
    tracemalloc.start()
    t0 = time.perf_counter()
    try:
        with pytest.raises(SessionError) as info:
            load_session(path)
        seconds = time.perf_counter() - t0
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert seconds < 2.0
    assert peak < 32 * 1024**2, f"allocated {peak / 1e6:.0f} MB"  # ... that stay small
    _one_line(str(info.value), path)
    assert "refusing" in str(info.value)
    assert listing(tmp_path.parent) == before


def _model_meta_bytes(options: dict | None = None) -> bytes:
    meta = {
        "format": 1,
        "preset": "stacked",
        "options": options or {},
        "input_shape": [28, 28],
    }
    return json.dumps(meta).encode()


def _model_weights_bomb(d: Path) -> Path:
    path = d / "weights_bomb.keras"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("aeviewer.json", _model_meta_bytes())
        zf.writestr("config.json", b"{}")
        deflated_zeros(zf, "model.weights.h5", BOMB_MB)
    return path


def _model_weights_declared(d: Path) -> Path:
    """Weights declaring 1.5 GB, packed as much: more than the declared 784-100-30 needs."""
    path = write_zip(
        d / "weights_declared.keras",
        {"aeviewer.json": _model_meta_bytes(), "config.json": b"{}", "model.weights.h5": b"x"},
    )
    return forge_sizes(path, "model.weights.h5", 1_500_000_000)


def _model_meta_bomb(d: Path) -> Path:
    path = d / "meta_bomb.keras"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        deflated_zeros(zf, "aeviewer.json", BOMB_MB, b'{"preset": "stacked"')
        zf.writestr("model.weights.h5", b"x")
    return path


def _foreign_weights_bomb(d: Path) -> Path:
    path = d / "notebook_bomb.keras"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("config.json", b"{}")
        zf.writestr("metadata.json", b"{}")
        deflated_zeros(zf, "model.weights.h5", BOMB_MB)
    return path


def _foreign_config_bomb(d: Path) -> Path:
    path = d / "config_bomb.keras"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        deflated_zeros(zf, "config.json", 40, b'{"module": "keras"')  # < 64 MB: no ratio rule
    return path


MODEL_BOMBS = {
    "weights of deflated zeros": _model_weights_bomb,
    "weights declaring 1.5 GB": _model_weights_declared,
    "aeviewer.json of deflated zeros": _model_meta_bomb,
    "notebook model with weights of deflated zeros": _foreign_weights_bomb,
    "notebook model with a 40 MB config.json": _foreign_config_bomb,
}


@pytest.mark.parametrize("case", list(MODEL_BOMBS))
def test_model_zip_bombs_are_refused_before_unpacking(case: str, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    path = MODEL_BOMBS[case](folder)
    before = listing(tmp_path.parent)
    import tracemalloc

    import keras  # noqa: F401  (imported before measuring: its import is not the file's doing)

    tracemalloc.start()
    t0 = time.perf_counter()
    try:
        with pytest.raises(ModelFileError) as info:
            load_model(path)
        seconds = time.perf_counter() - t0
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert seconds < 30.0  # a model may be built to learn its weights' size
    assert peak < 64 * 1024**2, f"allocated {peak / 1e6:.0f} MB"  # the bomb never unpacked
    _one_line(str(info.value), path)
    assert "refusing" in str(info.value) and "unpacks" in str(info.value)
    assert listing(tmp_path.parent) == before


def test_weights_of_the_declared_size_still_load(tmp_path: Path) -> None:
    """The control case: the architecture bound admits a real model's weights, whatever its
    size (the sparse preset's 300 codes, a vanilla 784-500-300-2)."""
    from aeviewer.core.models import build_autoencoder
    from aeviewer.core.persistence import save_model, weights_limit

    for preset in ("vanilla", "sparse"):
        ae = build_autoencoder(preset, (28, 28))
        path = save_model(ae, tmp_path / f"{preset}.keras")
        with zipfile.ZipFile(path) as zf:
            size = zf.getinfo("model.weights.h5").file_size
        assert size < weights_limit(ae) < 3 * size + (2 << 20)  # a bound, and a tight one
        assert load_model(path).ae.preset == preset
