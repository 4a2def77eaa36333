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


class _FakeConfig:
    """tf.config as far as naming the device goes."""

    def __init__(self, gpus: list[str], details: object) -> None:
        self._gpus = [type("Device", (), {"name": n})() for n in gpus]
        self._details = details
        self.experimental = self

    def list_physical_devices(self, kind: str) -> list[object]:
        assert kind == "GPU"
        return self._gpus

    def get_device_details(self, _device: object) -> dict[str, str]:
        if isinstance(self._details, Exception):
            raise self._details
        return self._details  # type: ignore[return-value]


@pytest.mark.parametrize(
    ("gpus", "details", "said"),
    [
        ([], {}, "CPU"),
        (["/physical_device:GPU:0"], {"device_name": "NVIDIA H100"}, "GPU (NVIDIA H100)"),
        (["/physical_device:GPU:0"], RuntimeError("no details"), "GPU (/physical_device:GPU:0)"),
        (["g0", "g1"], {"device_name": "NVIDIA A10"}, "GPU (NVIDIA A10, 1 of 2)"),
    ],
)
def test_the_training_device_is_named(gpus: list[str], details: object, said: str) -> None:
    from aeviewer import runtime

    tf = type("TF", (), {"config": _FakeConfig(gpus, details)})()
    assert runtime._describe_device(tf) == said


def test_the_device_is_known_once_tensorflow_has_loaded() -> None:
    from aeviewer import runtime

    runtime.configure_tensorflow()
    assert runtime.training_device() == "CPU" or runtime.training_device().startswith("GPU (")
