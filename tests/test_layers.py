"""The architecture, checked on every ``make test``: pyproject.toml's import-linter contracts
(core below gui below the window's start-up below the command line), and core free of Qt."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def contract_names() -> list[str]:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    contracts = text.split("[[tool.importlinter.contracts]]")[1:]
    return [m.group(1) for c in contracts if (m := re.search(r'^name = "(.+)"$', c, re.M))]


def test_every_import_contract_is_kept() -> None:
    assert LINT_IMPORTS.exists(), f"{LINT_IMPORTS} is missing: pip install -e '.[test]'"
    names = contract_names()
    assert len(names) >= 3, names  # the pyproject section was read
    proc = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    report = proc.stdout + proc.stderr
    assert proc.returncode == 0, report[-6000:]
    for name in names:
        assert f"{name} KEPT" in report, report[-6000:]


# Run in a fresh interpreter: every module under aeviewer/core, found by walking the package.
# The contracts see the imports written in the code; this sees what importing really loads.
NO_QT_CHILD = """
import importlib, pkgutil, sys
import aeviewer.core
names = [m.name for m in pkgutil.walk_packages(aeviewer.core.__path__, "aeviewer.core.")]
for name in names:
    importlib.import_module(name)
qt = ("PySide6", "shiboken6", "pyqtgraph")
bad = sorted(m for m in sys.modules if m.split(".")[0] in qt)
print(*names, sep=chr(10))
print("QT:" + ",".join(bad))
"""


def test_every_core_module_imports_no_qt() -> None:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    proc = subprocess.run(
        [sys.executable, "-c", NO_QT_CHILD], capture_output=True, text=True, env=env, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    *names, qt = proc.stdout.strip().splitlines()
    core = ROOT / "aeviewer" / "core"
    on_disk = {
        "aeviewer.core."
        + ".".join(p.relative_to(core).with_suffix("").parts).removesuffix(".__init__")
        for p in core.rglob("*.py")
        if p.name != "__init__.py" or p.parent != core
    }
    assert on_disk <= set(names), on_disk - set(names)  # the walk imported every module
    assert qt == "QT:", qt
