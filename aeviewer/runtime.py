"""Process-wide settings that must be in place before numpy or TensorFlow load."""

from __future__ import annotations

import contextlib
import importlib.abc
import os
import threading
from collections.abc import Iterator
from typing import Any


def configure_environment() -> None:
    """Quiet TensorFlow, keep numpy's BLAS on one thread and the C heap to two arenas.

    On two cores, OpenBLAS worker threads spinning for the GUI's small matmuls take a core
    from training (about 0.6x samples/s, ../shared/design/PITFALLS.md). TensorFlow has its own
    thread pools and is not affected. Values the user set are kept.
    """
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from aeviewer.core.memory import limit_heap_arenas

    limit_heap_arenas()  # before any thread starts (core/memory.py)


_tf_ready = False

# Imported by ``import keras`` only for optional extras this app never uses: Keras's
# scikit-learn wrappers import ``sklearn.base``, which brings in scipy.stats (0.75 s of the
# 4 s TensorFlow import here). scikit-learn still loads where the app needs it (PCA, t-SNE).
DEFERRED_BY_KERAS = ("sklearn",)


class _Defer(importlib.abc.MetaPathFinder):
    """Makes ``names`` (and their submodules) unimportable, in one thread only."""

    def __init__(self, names: tuple[str, ...]) -> None:
        self.names = names
        self.thread = threading.get_ident()

    def find_spec(self, fullname: str, path: object = None, target: object = None) -> None:
        if threading.get_ident() == self.thread and fullname.split(".")[0] in self.names:
            raise ModuleNotFoundError(f"{fullname} is deferred", name=fullname)
        return None


@contextlib.contextmanager
def deferring(names: tuple[str, ...]) -> Iterator[None]:
    """While inside, this thread cannot import ``names`` (modules already loaded stay)."""
    import sys

    finder = _Defer(names)
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)


def configure_tensorflow() -> None:
    """Import TensorFlow quietly, once (from a background thread in the GUI: it takes seconds).

    TensorFlow's C++ start-up lines (oneDNN, "no CUDA drivers") are printed before absl's
    logging is set up, so no environment variable hides them; file descriptor 2 is pointed at
    a temporary file while TensorFlow loads and finds its devices, and what it printed is
    shown only if the import fails.
    """
    global _tf_ready
    if _tf_ready:
        return
    import logging
    import sys
    import tempfile

    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 2)
        try:
            with deferring(DEFERRED_BY_KERAS):
                import keras  # noqa: F401  (TensorFlow imports it too, with its extras)
                import tensorflow as tf

            tf.config.list_physical_devices()
            # The first tensor-to-numpy conversion initialises TensorFlow's numpy dtypes:
            # pay for it here rather than in the first weight snapshot.
            tf.constant(0.0).numpy()
        except BaseException:
            os.dup2(saved, 2)
            sink.seek(0)
            sys.stderr.write(sink.read().decode(errors="replace"))
            raise
        finally:
            os.dup2(saved, 2)
            os.close(saved)
    _tf_ready = True
    global _device
    _device = _describe_device(tf)
    tf.get_logger().setLevel(logging.ERROR)
    try:
        import absl.logging

        absl.logging.set_verbosity(absl.logging.ERROR)
    except ImportError:  # pragma: no cover - absl ships with TensorFlow
        pass


_device = ""  # what TensorFlow trains on, found once it has loaded


def _describe_device(tf: Any) -> str:
    """ "GPU (its name)" when TensorFlow sees one (it then places training there), else "CPU"."""
    gpus = tf.config.list_physical_devices("GPU")
    if not gpus:
        return "CPU"
    try:
        name = tf.config.experimental.get_device_details(gpus[0]).get("device_name", "")
    except Exception:  # details are optional: the GPU is used all the same
        name = ""
    more = f", 1 of {len(gpus)}" if len(gpus) > 1 else ""
    return f"GPU ({name or gpus[0].name}{more})"


def training_device() -> str:
    """Where training runs, e.g. "CPU" or "GPU (NVIDIA H100 80GB HBM3)"; "" until
    :func:`configure_tensorflow` has run (a plain string: safe to read from any thread)."""
    return _device
