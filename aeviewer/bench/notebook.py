"""Click and stroke latency with a notebook's own autoencoder opened in a real window.

Two models as the Keras blog writes them, saved as ``.keras`` files by the window's training
thread: the functional 784-32-784 (``dense``) and the convolutional autoencoder with max
pooling, upsampling and one 'valid' convolution (``conv``). Each is opened with
``w.user_model.open`` over the benchmark data, fine-tuned with Start (Space) and, after its
first epoch (compilation), clicked and drawn on exactly as the ``live`` session does
(:func:`.live.clicks_on_latent`, :func:`.live.strokes_on_canvas`): ``decode_p95_ms_notebook_*``
and ``canvas_p95_ms_notebook_*``, against the ``live`` rows' targets. A preview or
reconstruction tile the user cannot see (its dock a tab behind another) fails its row, which
then times the moves to the image set, since a hidden tile never paints.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QDockWidget, QWidget

from aeviewer.bench import qt
from aeviewer.bench.live import LiveSettings, clicks_on_latent, set_latency, strokes_on_canvas
from aeviewer.bench.report import Results

if TYPE_CHECKING:
    from aeviewer.bench.data import BenchData
    from aeviewer.gui.main_window import MainWindow


@dataclass
class NotebookSettings:
    models: tuple[str, ...] = ("dense", "conv")  # keys of MODELS
    first_epoch_s: float = 300.0  # the longest opening or a first epoch may take
    # Fewer than ``live``'s 100 and 200: both models in under a minute.
    user: LiveSettings = field(default_factory=lambda: LiveSettings(clicks=80, moves=160))


def blog_dense(folder: Path) -> Path:
    """The Keras blog's functional 784-32-784, compiled as the blog does, saved in ``folder``."""
    import keras
    from keras import layers

    image = keras.Input(shape=(784,))
    encoded = layers.Dense(32, activation="relu", name="encoded")(image)
    decoded = layers.Dense(784, activation="sigmoid")(encoded)
    model = keras.Model(image, decoded)
    model.compile(optimizer="adam", loss="binary_crossentropy")
    path = folder / "blog_dense.keras"
    model.save(path)
    return path


def blog_conv(folder: Path) -> Path:
    """The Keras blog's convolutional autoencoder (a 4x4x8 code, a 'valid' convolution on the
    way up), compiled as the blog does, saved in ``folder``."""
    import keras
    from keras import layers

    def conv(filters: int, padding: str = "same", activation: str = "relu") -> Any:
        return layers.Conv2D(filters, (3, 3), activation=activation, padding=padding)

    image = keras.Input(shape=(28, 28, 1))
    x = layers.MaxPooling2D((2, 2), padding="same")(conv(16)(image))
    x = layers.MaxPooling2D((2, 2), padding="same")(conv(8)(x))
    encoded = layers.MaxPooling2D((2, 2), padding="same", name="encoded")(conv(8)(x))
    x = layers.UpSampling2D((2, 2))(conv(8)(encoded))
    x = layers.UpSampling2D((2, 2))(conv(8)(x))
    x = layers.UpSampling2D((2, 2))(conv(16, padding="valid")(x))
    decoded = conv(1, activation="sigmoid")(x)
    model = keras.Model(image, decoded)
    model.compile(optimizer="adam", loss="binary_crossentropy")
    path = folder / "blog_conv.keras"
    model.save(path)
    return path


#: The notebook models, by row suffix: ``MODELS[name](folder)`` saves one and returns its path.
MODELS: dict[str, Callable[[Path], Path]] = {"dense": blog_dense, "conv": blog_conv}


def keys(name: str) -> tuple[str, str]:
    """The click and the stroke row of the notebook model ``name``."""
    return f"decode_p95_ms_notebook_{name}", f"canvas_p95_ms_notebook_{name}"


def run(data: BenchData, results: Results, s: NotebookSettings) -> None:
    window = qt.open_window(data.dataset)
    try:
        with tempfile.TemporaryDirectory(prefix="aeviewer-bench-notebook-") as tmp:
            paths = _save_models(window, Path(tmp), s)
            for name in s.models:
                _session(window, name, paths[name], data, results, s)
    finally:
        if window.run.state in ("running", "paused"):
            qt.stop_training(window)
        qt.close_window(window)


def _save_models(window: MainWindow, folder: Path, s: NotebookSettings) -> dict[str, Path]:
    """The model files, built and saved on the window's training thread, where the app opens
    and trains them (TensorFlow's work stays off the GUI thread, as in the app)."""

    def save() -> dict[str, Path]:
        return {name: MODELS[name](folder) for name in s.models}

    saved: list[dict[str, Path]] = []
    with _errors(window) as errors:
        window.jobs.request("bench-notebook-models", save, saved.append)
        qt.wait_until(lambda: bool(saved or errors), s.first_epoch_s, what="the models saved")
    if errors:
        raise RuntimeError(f"saving the notebook models: {errors[0]}")
    return saved[0]


def _session(
    window: MainWindow,
    name: str,
    path: Path,
    data: BenchData,
    results: Results,
    s: NotebookSettings,
) -> None:
    _open(window, path, s.first_epoch_s)
    opened = window.user_model.opened
    assert opened is not None
    epochs_seen: list[int] = []
    window.live.epoch_shown.connect(epochs_seen.append)
    try:
        window.run.toggle_start_pause()  # Start (Space): fine-tune it
        if window.run.state != "running":
            raise RuntimeError(f"fine-tuning did not start (state {window.run.state!r})")
        qt.wait_until(
            lambda: any(e >= 1 for e in epochs_seen), s.first_epoch_s, what="the first epoch"
        )
        preview = hidden(window, window.preview)
        recon = hidden(window, window.noise_panel.tiles()[2])
        clicks = clicks_on_latent(window, s.user)
        # A tile off screen never paints: its moves are timed to the image set instead.
        moves = strokes_on_canvas(window, s.user, "set_at" if recon else "shown_at")
    finally:
        window.live.epoch_shown.disconnect(epochs_seen.append)
    snapshot = window.live.snapshot  # the weights the last click decoded with
    assert snapshot is not None
    where = (
        f"{path.name} ({opened.layout}) fine-tuning on {data.label}, decoded by its "
        f"{type(snapshot.decoder).__name__}, in epoch {snapshot.epoch} at the end; "
    )
    click_key, stroke_key = keys(name)
    set_latency(results, click_key, clicks, "set_at", "clicks", "the decoded image set", where)
    if recon:
        end_text = "the reconstruction set (not painted: off screen)"
        set_latency(results, stroke_key, moves, "set_at", "moves", end_text, where)
    else:
        end_text = "the reconstruction painted"
        set_latency(results, stroke_key, moves, "shown_at", "moves", end_text, where)
    for key, why in ((click_key, preview), (stroke_key, recon)):
        if why:  # what the user cannot see fails the row, however fast it was made
            row = results.rows[key]
            results.set(key, row.value, f"{row.note}; FAILED: {why}", failed=True)


def _open(window: MainWindow, path: Path, timeout_s: float) -> None:
    """Open ``path`` as a user does, after stopping the previous model's run (opening would
    ask first), and wait until it is shown paused at epoch 0."""
    if window.run.state.ongoing:
        qt.stop_training(window)
    window.controls.set_settings(epochs=1000)  # what the opened model trains when started
    with _errors(window) as errors:
        if not window.user_model.open([str(path)]):
            raise RuntimeError(f"{path.name} did not open: {window.controls.hint.text()}")
        _wait_opened(window, path, errors, timeout_s)


def hidden(window: MainWindow, tile: QWidget) -> str:
    """Why ``tile`` is not on screen now, in words; ``""`` when some of it is."""
    if not tile.visibleRegion().isEmpty():
        return ""
    dock = tile.parentWidget()
    while dock is not None and not isinstance(dock, QDockWidget):
        dock = dock.parentWidget()
    if dock is None:
        return f"the {tile.objectName() or type(tile).__name__} tile is not on screen"
    tabs = [d for d in window.tabifiedDockWidgets(dock) if not d.visibleRegion().isEmpty()]
    why = f"the {dock.objectName()!r} dock is not on screen at {window.width()}x{window.height()}"
    return why + (f": a tab behind {', '.join(repr(d.objectName()) for d in tabs)}" if tabs else "")


def _wait_opened(window: MainWindow, path: Path, errors: list[str], timeout_s: float) -> None:
    """Until the model's own latent space is live: a paused run at epoch 0 with its codes and
    its weights' copy; RuntimeError with the window's one line if it refused the file."""

    def opened() -> bool:
        w = window
        return (
            w.user_model.opened is not None
            and w.user_model.opened.paths == (str(path),)
            and w.run.state == "paused"
            and w.latent.state.codes is not None
            and w.live.snapshot is not None
        )

    qt.wait_until(lambda: opened() or bool(errors), timeout_s, what=f"{path.name} to open")
    if errors:
        raise RuntimeError(f"{path.name}: {errors[0]}")


@contextlib.contextmanager
def _errors(window: MainWindow) -> Iterator[list[str]]:
    """The one-line errors the window shows meanwhile (a refused file, a failed job)."""
    shown: list[str] = []
    show = window.show_error

    def record(message: str) -> None:
        shown.append(message)
        show(message)

    window.show_error = record  # type: ignore[method-assign]
    try:
        yield shown
    finally:
        del window.show_error
