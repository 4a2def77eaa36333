"""Process-wide settings that must be in place before numpy or TensorFlow load."""

from __future__ import annotations

import os


def configure_environment() -> None:
    """Quiet TensorFlow and keep numpy's BLAS on one thread.

    On two cores, OpenBLAS worker threads spinning for the GUI's small matmuls take a core
    from training (about 0.6x samples/s, ../shared/design/PITFALLS.md). TensorFlow has its own
    thread pools and is not affected. Values the user set are kept.
    """
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


_tf_ready = False


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
    tf.get_logger().setLevel(logging.ERROR)
    try:
        import absl.logging

        absl.logging.set_verbosity(absl.logging.ERROR)
    except ImportError:  # pragma: no cover - absl ships with TensorFlow
        pass
