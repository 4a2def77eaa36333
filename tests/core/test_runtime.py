"""Process set-up: TensorFlow's import leaves out what the app does not need from it."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from aeviewer.runtime import deferring


def test_a_deferred_module_cannot_be_imported_in_that_thread_only() -> None:
    name = "aeviewer_no_such_module_either"  # never imported: the finder must be consulted
    seen: dict[str, str] = {}

    def other_thread() -> None:
        try:
            __import__("json.decoder")  # an unrelated module is unaffected
            __import__(name)
        except ModuleNotFoundError as exc:
            seen["other"] = str(exc)

    with deferring((name,)):
        with pytest.raises(ModuleNotFoundError, match="deferred"):
            __import__(name)
        with pytest.raises(ModuleNotFoundError, match="deferred"):
            __import__(f"{name}.sub")
        t = threading.Thread(target=other_thread)
        t.start()
        t.join()
    assert "deferred" not in seen["other"]  # the plain "No module named": not blocked there
    assert not any(type(f).__name__ == "_Defer" for f in sys.meta_path)  # removed after


def test_loading_tensorflow_leaves_scikit_learn_out_until_the_app_needs_it() -> None:
    code = (
        "import sys\n"
        "from aeviewer.runtime import configure_environment, configure_tensorflow\n"
        "configure_environment(); configure_tensorflow()\n"
        "import aeviewer.core.models.registry\n"
        "import keras\n"
        "assert keras.layers.Dense(2) is not None\n"
        "print('sklearn' in sys.modules, 'scipy.stats' in sys.modules)\n"
        "from sklearn.decomposition import PCA\n"
        "print(PCA(n_components=1).fit([[0.0], [1.0], [3.0]]).n_components_)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True
    )
    assert out.stdout.split() == ["False", "False", "1"]
