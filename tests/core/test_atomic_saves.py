"""Saves are atomic: a process killed (SIGKILL) in the middle of a save leaves the previous file
whole, and nothing partial under the final name. Sessions, models and autosaves all write
through ``aeviewer.core.persistence.atomic_write`` (a temporary file, then ``os.replace``), so
one kill test (a session: no TensorFlow to import in the child) covers them all."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from bad_inputs import tiny_history

ROOT = Path(__file__).resolve().parents[2]

# The child saves once, says so, then saves again with a writer that stalls after its first
# member (before the arrays): the kill lands while the temporary file is half written.
SESSION_CHILD = """
import sys, time, zipfile
sys.path.insert(0, {tests!r})
from bad_inputs import tiny_history
from aeviewer.core.session import save_session
path = {path!r}
save_session(path, tiny_history(epochs=3))
print("saved", flush=True)
original = zipfile.ZipFile.open
def slow(self, name, mode="r", *a, **k):
    if mode == "w" and name == "arrays.npz":  # session.json is in the file already
        print("writing", flush=True)
        time.sleep(60)
    return original(self, name, mode, *a, **k)
zipfile.ZipFile.open = slow
save_session(path, tiny_history(epochs=5))
"""


def _kill_mid_save(code: str, timeout: float) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
    )
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + timeout
        lines = []
        while "writing" not in lines:
            line = proc.stdout.readline().strip()
            assert line or proc.poll() is None, f"child ended early: {lines}"
            lines.append(line)
            assert time.monotonic() < deadline
        time.sleep(0.3)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        assert proc.returncode == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_killed_during_a_session_save_keeps_the_previous_session(tmp_path: Path) -> None:
    from aeviewer.core.session import load_session

    path = tmp_path / "lecture.aevsession"
    code = SESSION_CHILD.format(tests=str(ROOT / "tests"), path=str(path))
    _kill_mid_save(code, timeout=120)
    history, _ = load_session(path)
    assert len(history) == 3  # the first save, whole
    temps = [p.name for p in tmp_path.iterdir() if p.name != path.name]
    assert len(temps) == 1 and temps[0].startswith(".lecture.") and ".tmp" in temps[0]


def test_every_save_goes_through_atomic_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sessions, models and autosaves call persistence.atomic_write, and nothing else writes
    the final name."""
    import aeviewer.core.persistence as persistence
    import aeviewer.core.session as session
    from aeviewer.core.models import build_autoencoder

    calls: list[str] = []
    real = persistence.atomic_write

    def spy(path: Path, write: object, suffix: str = "") -> None:
        calls.append(Path(path).name)
        real(path, write, suffix)

    monkeypatch.setattr(persistence, "atomic_write", spy)
    monkeypatch.setattr(session, "atomic_write", spy)
    session.save_session(tmp_path / "s.aevsession", tiny_history())
    persistence.save_model(build_autoencoder("linear", (3,)), tmp_path / "m.keras")
    assert calls == ["s.aevsession", "m.keras"]
    for name in ("exports.py", "sessions.py"):  # exports and session-model copies too
        assert "atomic_write(" in (ROOT / "aeviewer" / "gui" / "controllers" / name).read_text()


def test_atomic_write_failure_keeps_the_old_file_and_leaves_no_temp(tmp_path: Path) -> None:
    from aeviewer.core.persistence import atomic_write

    path = tmp_path / "x.aevsession"
    path.write_bytes(b"old")

    def broken(tmp: Path) -> None:
        tmp.write_bytes(b"half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        atomic_write(path, broken)
    assert path.read_bytes() == b"old" and os.listdir(tmp_path) == ["x.aevsession"]
    assert _digest(path) == hashlib.sha256(b"old").hexdigest()


@pytest.mark.parametrize("umask", [0o022, 0o027, 0o002])
def test_saved_files_get_the_umask_permissions_not_the_temp_files(
    umask: int, tmp_path: Path
) -> None:
    """mkstemp makes owner-only (0600) files: a saved session or model must instead get what
    any new file gets (0666 minus the umask), so a lecturer's colleague can read it."""
    import stat

    from aeviewer.core.persistence import atomic_write
    from aeviewer.core.session import save_session

    old = os.umask(umask)
    try:
        atomic_write(tmp_path / "plain.bin", lambda tmp: tmp.write_bytes(b"data"))
        save_session(tmp_path / "s.aevsession", tiny_history())
    finally:
        os.umask(old)
    for name in ("plain.bin", "s.aevsession"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o666 & ~umask, name


def test_overwriting_keeps_the_files_own_permissions(tmp_path: Path) -> None:
    import stat

    from aeviewer.core.persistence import atomic_write

    path = tmp_path / "shared.bin"
    path.write_bytes(b"old")
    path.chmod(0o664)
    atomic_write(path, lambda tmp: tmp.write_bytes(b"new"))
    assert path.read_bytes() == b"new" and stat.S_IMODE(path.stat().st_mode) == 0o664


def test_the_folder_is_synced_after_the_rename(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without an fsync of the folder, a power cut after os.replace can lose the new name:
    the data, then the rename, must both reach the disk."""
    import stat

    from aeviewer.core.persistence import atomic_write

    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        events.append("fsync folder" if stat.S_ISDIR(os.fstat(fd).st_mode) else "fsync file")
        real_fsync(fd)

    def replace(src: object, dst: object) -> None:
        events.append("replace")
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    atomic_write(tmp_path / "x.bin", lambda tmp: tmp.write_bytes(b"data"))
    assert events == ["fsync file", "replace", "fsync folder"]
    assert (tmp_path / "x.bin").read_bytes() == b"data"
