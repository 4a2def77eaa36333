"""The package never unpickles, evals or execs anything, and loads models in Keras safe mode.

A token scan (comments and strings are skipped, so docstrings saying "never unpickled" are
fine) of every module under aeviewer/. Qt's event loop methods ``app.exec()`` and
``loop.exec()`` are attribute calls, not the builtin, and are allowed.
"""

from __future__ import annotations

import io
import tokenize
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "aeviewer"

#: (file relative to aeviewer/, finding) pairs that are justified.
ALLOWLIST: set[tuple[str, str]] = {
    # CIFAR-10's batches are pickles: read by an unpickler that builds numpy arrays and
    # refuses every other name (tests/core/test_cifar10.py feeds it one that runs code).
    ("core/datasets/cifar.py", "imports pickle"),
    ("core/datasets/cifar.py", "uses pickle"),
}

UNSAFE_MODULES = {"pickle", "cPickle", "dill", "shelve", "marshal", "joblib", "cloudpickle"}
UNSAFE_BUILTINS = {"eval", "exec", "compile", "__import__"}


def _code_tokens(path: Path) -> list[tokenize.TokenInfo]:
    skip = {tokenize.COMMENT, tokenize.STRING, tokenize.NL, tokenize.NEWLINE}
    skip |= {
        getattr(tokenize, n) for n in ("FSTRING_START", "FSTRING_MIDDLE") if hasattr(tokenize, n)
    }
    text = path.read_text(encoding="utf-8")
    return [t for t in tokenize.generate_tokens(io.StringIO(text).readline) if t.type not in skip]


def findings(path: Path) -> list[str]:
    toks = _code_tokens(path)
    found = []
    for i, t in enumerate(toks):
        prev = toks[i - 1].string if i else ""
        nxt = toks[i + 1].string if i + 1 < len(toks) else ""
        after = toks[i + 2].string if i + 2 < len(toks) else ""
        where = f"line {t.start[0]}"
        if t.type == tokenize.NAME and t.string in UNSAFE_MODULES and prev in ("import", "from"):
            found.append(f"imports {t.string} ({where})")
        elif t.type == tokenize.NAME and t.string in UNSAFE_MODULES and nxt == ".":
            found.append(f"uses {t.string} ({where})")
        elif t.string in UNSAFE_BUILTINS and nxt == "(" and prev != ".":
            found.append(f"calls {t.string}( ({where})")
        elif t.string == "allow_pickle" and nxt == "=" and after != "False":
            found.append(f"allow_pickle={after} ({where})")
        elif t.string == "safe_mode" and nxt == "=" and after != "True":
            found.append(f"safe_mode={after} ({where})")
        elif t.string in ("enable_unsafe_deserialization", "unsafe_load", "load_pickle"):
            found.append(f"{t.string} ({where})")
    return found


def test_no_pickle_eval_exec_or_unsafe_loading_in_the_package() -> None:
    bad = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = str(path.relative_to(PACKAGE))
        bad += [f"{rel}: {f}" for f in findings(path) if (rel, f.split(" (")[0]) not in ALLOWLIST]
    assert not bad, "\n".join(bad)


def test_the_scan_sees_what_it_looks_for(tmp_path: Path) -> None:
    """A positive control: every pattern is found in a file that has it."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import pickle\n"
        "from marshal import loads\n"
        "x = eval('1')\n"
        "exec('y = 2')\n"
        "np.load(f, allow_pickle=True)\n"
        "keras.saving.load_model(p, safe_mode=False)\n"
        "app.exec()  # Qt: fine\n"
        "'eval(' in a string is fine\n"
    )
    got = [f.split(" (")[0] for f in findings(sample)]
    assert got == [
        "imports pickle",
        "imports marshal",
        "calls eval(",
        "calls exec(",
        "allow_pickle=True",
        "safe_mode=False",
    ]


def test_model_and_array_loading_is_explicitly_safe() -> None:
    persistence = (PACKAGE / "core" / "persistence.py").read_text()
    assert "load_model(path, safe_mode=True" in persistence
    for rel in ("core/session.py", "core/datasets/npz.py"):
        assert "allow_pickle=False" in (PACKAGE / rel).read_text()
