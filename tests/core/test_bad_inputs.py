"""Bad and hostile files through every loader: one clear line, nothing written, nothing run.

Complements tests/core/test_datasets_errors.py (every data validation error) and
tests/core/test_persistence.py (Lambda layers, corrupt and truncated .keras files): here are
the files those do not try (sessions, .npz path traversal, model descriptions asking for
absurd models, files that are not data at all), each through the public loader and, for
model files, through ``aeviewer info``.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pytest
from bad_inputs import DATA, MODELS, SESSIONS, good_session, listing, tiny_history

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
