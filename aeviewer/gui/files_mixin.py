"""Files: screenshots, sessions, exports and model files (a mixin of MainWindow)."""

from __future__ import annotations

import dataclasses
import functools
import math
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QFileDialog

from aeviewer.core.history import RunHistory
from aeviewer.core.latent import plane_xy
from aeviewer.core.models import ModelOptions
from aeviewer.core.persistence import atomic_write
from aeviewer.core.stages import MAIN_STAGE_TITLE, stage_heading
from aeviewer.gui.window_state import WindowState


def svg_of_widget(widget: Any, path: str) -> None:
    """Render ``widget`` as vector graphics into the SVG file ``path`` (atomic)."""
    from PySide6.QtCore import QRect, QSize
    from PySide6.QtGui import QPainter
    from PySide6.QtSvg import QSvgGenerator

    def write(tmp: Path) -> None:
        gen = QSvgGenerator()
        gen.setFileName(str(tmp))
        gen.setSize(QSize(widget.width(), widget.height()))
        gen.setViewBox(QRect(0, 0, widget.width(), widget.height()))
        gen.setTitle("aeviewer")
        painter = QPainter(gen)
        widget.render(painter)
        painter.end()

    atomic_write(Path(path), write, suffix=".svg")


@dataclass(frozen=True)
class SessionView:
    """What a session restores besides its history: the run's settings and the views'."""

    preset: str
    options: ModelOptions
    epochs: int
    lesson: str | None
    noise: tuple[float, float, float] | None  # the noise sliders when it was saved
    epoch: int  # the time machine's epoch when it was saved, 0 for the latest
    #: The PCA plane's axes on screen, (2, k): a refit on the same codes may flip their signs.
    pca_axes: np.ndarray | None = None
    point: tuple[float, float] | None = None  # the decoded point
    #: What the user chose in the lesson (LessonMixin.lesson_state), checked on restoring.
    lesson_state: dict[str, Any] | None = None


def session_view(history: RunHistory) -> SessionView:
    """Read and check a session's settings before anything on screen changes.

    Raises
    ------
    ValueError
        One line naming what is damaged (an unknown preset, options that cannot train, ...).
    """
    from aeviewer.core.lessons import get_lesson
    from aeviewer.core.models import get_preset

    st = history.settings
    preset = get_preset(str(st.get("preset", "stacked")))
    try:
        raw = st.get("options") or {}
        known = {f.name for f in dataclasses.fields(ModelOptions)}
        options = preset.defaults.updated(**{k: v for k, v in dict(raw).items() if k in known})
        epochs = int(st.get("epochs", len(history)))
        view = dict(st.get("view") or {})
        noise = None
        if view.get("noise") is not None:
            g, m, sp = (float(v) for v in view["noise"])
            if not all(math.isfinite(v) for v in (g, m, sp)):
                raise ValueError("noise levels are not finite numbers")
            noise = (g, m, sp)
        epoch = int(view.get("epoch", 0))
        axes = None
        if view.get("pca_axes") is not None:
            axes = np.asarray(view["pca_axes"], np.float32)
            if axes.ndim != 2 or axes.shape[0] != 2 or not np.all(np.isfinite(axes)):
                raise ValueError("the projection's axes are not a 2-row table of numbers")
        point = None
        if view.get("point") is not None:
            px, py = (float(v) for v in view["point"])
            if math.isfinite(px) and math.isfinite(py):
                point = (px, py)
        # The lesson panel's state is checked value by value as it is restored: a damaged
        # one falls back to the panel's defaults and never stops the run from opening.
        saved_lesson = view.get("lesson")
        lesson_state = dict(saved_lesson) if isinstance(saved_lesson, dict) else None
    except (TypeError, ValueError, ArithmeticError) as exc:  # 1e999 read as an int: Overflow
        raise ValueError(f"its settings are damaged ({exc})") from None
    options.validate()
    lesson = str(st["lesson"]) if st.get("lesson") else None
    if lesson is not None:
        try:
            get_lesson(lesson)
        except ValueError:
            lesson = None  # a lesson this version does not have: the run still opens
    return SessionView(
        preset.name,
        options,
        epochs,
        lesson,
        noise,
        epoch if 0 < epoch <= len(history) else 0,
        axes,
        point,
        lesson_state,
    )


def stage_markers(history: RunHistory) -> list[tuple[float, str]]:
    """The loss plot's stage markers of a greedy run: ``history.stages``, else rebuilt from
    the stages' epochs (a stage starts where the one before ended; labels as drawn live)."""
    if history.stages:
        return list(history.stages)
    starts: dict[str, float] = {}
    for e in history.stage_epochs:
        starts.setdefault(str(e["stage"]), float(e["x"]) - float(e["epoch"]))
    if not starts:
        return []
    n = len(starts) + 1
    markers = [(x, stage_heading(k, n)) for k, x in enumerate(starts.values(), start=1)]
    if history.records:
        first = history.records[0]
        markers.append((first.x - first.epoch, MAIN_STAGE_TITLE))
    return markers


def _file_stem(name: str) -> str:
    """A file name for a plot called ``name``: "Loss curves" -> "loss-curves"."""
    stem = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")
    return "-".join(part for part in stem.split("-") if part) or "plot"


def batches_per_epoch(history: RunHistory) -> int:
    """Batches the run trained per epoch, counted in its first epoch's losses (0 if none)."""
    if not history.records:
        return 0
    bx, _ = history.batches()
    last = history.records[0].x
    return int(np.count_nonzero((bx > last - 1) & (bx <= last)))


def curve_events(history: RunHistory) -> list[tuple[Any, ...]]:
    """The loss plot's input of a whole run, in the order training delivered it.

    ``("marker", x, text)``, ``("batches", x, losses)`` and ``("epoch", x, logs, stage)``:
    a greedy stage's marker comes before its batches and epochs (a marker restarts the
    smoothed curve and leaves a gap), so replaying these redraws the curves as they were.
    A stage's batches and epochs lie in ``(marker x, next marker x]``.
    """
    markers = sorted(stage_markers(history))
    bx, by = history.batches()
    epochs = [(float(e["x"]), dict(e["logs"]), str(e["stage"])) for e in history.stage_epochs]
    epochs += [(r.x, r.logs, "train") for r in history.records]
    epochs.sort(key=lambda e: e[0])
    bounds = [-math.inf, *(x for x, _ in markers), math.inf]
    events: list[tuple[Any, ...]] = []
    for k in range(len(bounds) - 1):
        lo, hi = bounds[k], bounds[k + 1]
        if k:
            events.append(("marker", *markers[k - 1]))
        inside = (bx > lo) & (bx <= hi)
        if inside.any():
            events.append(("batches", bx[inside], by[inside]))
        events += [("epoch", *e) for e in epochs if lo < e[0] <= hi]
    return events


class FilesMixin(WindowState):
    """Saving and opening things (mixed into MainWindow)."""

    session_model: bytes | None = None  # model.keras of an opened session
    _session_history: RunHistory | None = None  # the history that model belongs to
    set_state_from_session: Callable[[RunHistory], None]
    lesson_state: Callable[[], dict[str, Any]]

    def _save_name(self, title: str, default: str, filters: str) -> str:
        path, _ = QFileDialog.getSaveFileName(self.as_widget(), title, default, filters)
        return path

    def opened_model(self) -> bytes | None:
        """The ``.keras`` bytes of the opened session, while its run is the one on screen
        (a new run, even reset, has no model of its own to pair with the old one)."""
        if self.session_model is not None and self.history is self._session_history:
            return self.session_model
        return None

    # -- model --------------------------------------------------------------------------
    def save_model_dialog(self) -> None:
        if (self.trainer is None or self.trainer.ae is None) and self.opened_model() is None:
            self.show_error("No trained model yet: train one (Start), then save it.")
            return
        path = self._save_name("Save model", "autoencoder.keras", "Keras model (*.keras)")
        if path:
            self.save_model(path)

    def save_model(self, path: str | Path, then: Callable[[str], None] | None = None) -> None:
        """Save the trained model as .keras (on the training thread, which owns it)."""
        path = Path(path).with_suffix(".keras")
        trainer = self.trainer
        data = self.opened_model()
        if (trainer is None or trainer.ae is None) and data is not None:
            try:
                atomic_write(path, lambda tmp: tmp.write_bytes(data))
            except OSError as exc:  # an unwritable folder, a full disk: one line, no traceback
                self.show_error(f"{path}: could not save the model ({exc.strerror or exc})")
                return
            self._saved(str(path), then)
            return
        if trainer is None or trainer.ae is None:
            self.show_error("No trained model yet: train one (Start), then save it.")
            return
        if self.state in ("running", "paused"):
            self.show_error("The model is training: stop it (or let it finish) to save it.")
            return
        ae, history = trainer.ae, trainer.history

        def job() -> str:
            from aeviewer.core.persistence import save_model

            return str(save_model(ae, path, history=history))

        self.request_job("save-model", job, lambda result: self._saved(result, then))

    def _saved(self, path: str, then: Callable[[str], None] | None) -> None:
        self.controls.set_hint(f"Saved {path}")
        if then is not None:
            then(path)

    # -- sessions -------------------------------------------------------------------------
    def save_session_dialog(self) -> None:
        if not len(self.history):
            self.show_error("Nothing to save yet: a session holds a run, so train first.")
            return
        path = self._save_name(
            "Save session", "lecture.aevsession", "aeviewer session (*.aevsession)"
        )
        if path:
            self.save_session(path)

    def view_state(self) -> dict[str, Any]:
        """What the views show now, for a session to come back exactly: the noise levels, the
        time machine's epoch, the PCA plane's axes, the decoded point and the lesson panel's
        state (plain JSON data)."""
        proj = self.projection
        return {
            "noise": [float(v) for v in self.noise_panel.noise()],
            "epoch": int(self.timeline.current()),
            "pca_axes": proj.components.tolist() if proj and proj.kind == "pca" else None,
            "point": list(self.clicked_point) if self.clicked_point else None,
            "lesson": self.lesson_state(),
        }

    def session_history(self) -> RunHistory:
        """The history to save: the run, with what the views show now (:meth:`view_state`)
        and the greedy stage markers added to a copy of its settings."""
        h = self.history
        settings = dict(h.settings)
        settings["view"] = self.view_state()
        return dataclasses.replace(h, settings=settings, stages=stage_markers(h))

    def save_session(self, path: str | Path) -> None:
        """Save the run, with its trained model: the training thread saves a live run's model
        once training has stopped; an opened session's model is saved again as it came."""
        from aeviewer.core.session import save_session

        history = self.session_history()
        trainer = self.trainer
        opened = self.opened_model()
        running = self.state in ("running", "paused")
        if running or ((trainer is None or trainer.ae is None) and opened is None):
            try:
                save_session(path, history, None)
            except ValueError as exc:
                self.show_error(str(exc))
                return
            why = "the model is saved once training stops" if running else "no trained model"
            self.controls.set_hint(f"Saved {path} (history only: {why})")
            return
        tmp = Path(tempfile.mkdtemp(prefix="aeviewer-")) / "model.keras"

        def write(model_path: str) -> None:
            try:
                save_session(path, history, Path(model_path))
                self.controls.set_hint(f"Saved session {path}")
            except ValueError as exc:
                self.show_error(str(exc))
            finally:
                shutil.rmtree(tmp.parent, ignore_errors=True)

        self.save_model(tmp, then=write)
        if trainer is None or trainer.ae is None:  # the opened model was written (or not) now
            shutil.rmtree(tmp.parent, ignore_errors=True)

    def open_session_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.as_widget(), "Open session", "", "aeviewer session (*.aevsession);;All files (*)"
        )
        if path:
            self.open_session(path)

    def open_session(self, path: str | Path) -> bool:
        from aeviewer.core.session import SessionError, load_session

        if self.state in ("running", "paused", "stopping"):
            name = Path(path).name
            if self.state != "stopping" and not self.ask(
                f"A run is training. Stop it and open {name}? (The run is autosaved.)",
                "Stop and open",
            ):
                return False
            if self.state in ("running", "paused", "stopping"):  # it may have ended meanwhile
                self.stop()
                self._after_run = functools.partial(self._open_after_run, path)
                self.say(f"Stopping the run, then opening {name}…")
                return False
        try:
            history, model = load_session(path)
            self.set_state_from_session(history)
        except SessionError as exc:
            self.show_error(str(exc))
            return False
        except ValueError as exc:  # its data is gone or does not fit: name the session too
            self.show_error(f"{Path(path).name}: cannot show this session: {exc}")
            return False
        self.session_model = model
        self._session_history = self.history
        self.autosaver.adopt()  # saved again only once something new is recorded
        self.controls.set_hint(f"Opened {Path(path).name}: drag the time machine or press P.")
        return True

    def _open_after_run(self, path: str | Path) -> None:
        self.open_session(path)

    # -- exports ----------------------------------------------------------------------------
    def plots_on_screen(self) -> list[tuple[str, Any]]:
        """``(name, PlotWidget)`` of every plot that can be exported: the loss curves, the
        latent space, and each plot the lesson panel shows (compare scatters, the noise
        ladder, histograms), named by its title."""
        import pyqtgraph as pg

        plots: list[tuple[str, Any]] = [
            ("Loss curves", self.loss_plot.plot_widget),
            ("Latent space", self.latent_view.plot_widget),
        ]
        panel = getattr(self, "lesson_panel", None)
        if panel is not None:
            for k, plot in enumerate(panel.findChildren(pg.PlotWidget), start=1):
                if plot.isVisible():
                    title = str(plot.getPlotItem().titleLabel.text or "").strip()
                    plots.append((title or f"Lesson plot {k}", plot))
        return plots

    def fill_plot_menu(self, menu: Any) -> None:
        """Fill ``menu`` (File → Export → Plot) with one entry per plot on screen."""
        menu.clear()
        for name, plot in self.plots_on_screen():
            act = menu.addAction(f"{name}…")
            act.triggered.connect(lambda _=False, p=plot, n=name: self.export_plot_dialog(p, n))

    def export_plot_dialog(self, which: Any, name: str = "") -> None:
        name = name or str(which)
        path = self._save_name(
            f"Export the plot {name}", f"{_file_stem(name)}.png", "PNG (*.png);;SVG (*.svg)"
        )
        if path:
            self.export_plot(which, path)

    def export_plot(self, which: Any, path: str | Path) -> bool:
        """Write a plot as PNG or SVG (by the suffix of ``path``); False with a message if not.

        ``which`` is ``"loss"``, ``"latent"``, a name from :meth:`plots_on_screen`, or a
        PlotWidget.
        """
        import pyqtgraph.exporters as exporters

        plot = self._plot_named(which)
        if plot is None:
            self.show_error(f"No plot called {which!r} is on screen.")
            return False
        item = plot.getPlotItem()
        path = str(path)
        try:
            if path.lower().endswith(".svg"):
                # Qt's own SVG painter: pyqtgraph 0.14's SVGExporter fails on some scatter
                # symbols ("not enough values to unpack" in correctCoordinates).
                svg_of_widget(plot, path)
            else:
                exp = exporters.ImageExporter(item)
                exp.parameters()["width"] = max(1600, int(plot.width()))
                exp.export(path)
        except Exception as exc:  # pyqtgraph raises various types for unwritable paths
            self.show_error(f"{path}: could not export ({exc})")
            return False
        return Path(path).exists()

    def _plot_named(self, which: Any) -> Any:
        if not isinstance(which, str):
            return which  # a PlotWidget
        if which == "loss":
            return self.loss_plot.plot_widget
        if which == "latent":
            return self.latent_view.plot_widget
        return next((plot for name, plot in self.plots_on_screen() if name == which), None)

    def export_gallery_dialog(self) -> None:
        path = self._save_name("Export the gallery", "gallery.png", "PNG (*.png)")
        if path:
            self.export_widget(self.gallery, path)

    def export_interpolation_dialog(self) -> None:
        panel = getattr(self, "lesson_panel", None)
        if panel is None or type(panel).__name__ != "InterpolationPanel":
            self.show_error("Open the Interpolation lesson (Lessons menu) to export its strips.")
            return
        path = self._save_name("Export the interpolation", "interpolation.png", "PNG (*.png)")
        if path:
            self.export_widget(panel, path)

    def export_widget(self, widget: Any, path: str | Path) -> bool:
        ok = bool(widget.grab().save(str(path), "PNG"))
        if not ok:
            self.show_error(f"{path}: could not write the image")
        return ok

    def export_gif_dialog(self) -> None:
        if len(self.history) < 2:
            self.show_error("The time machine needs at least two epochs to animate.")
            return
        path = self._save_name("Export the time machine", "training.gif", "GIF (*.gif)")
        if path:
            self.export_gif(path)

    def export_gif(self, path: str | Path, frame_ms: int = 500) -> bool:
        """An animated GIF of the latent space, one frame per recorded epoch."""
        from PIL import Image

        frames = []
        keep = self.timeline.current()
        for epoch in range(1, len(self.history) + 1):
            self.timeline.select(epoch)
            QApplication.processEvents()
            img = self.latent_view.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
            w, h, bpl = img.width(), img.height(), img.bytesPerLine()
            arr = np.frombuffer(img.constBits(), np.uint8).reshape(h, bpl)[:, : w * 3]
            frames.append(Image.fromarray(arr.reshape(h, w, 3).copy()))
        self.timeline.select(keep or len(self.history))
        try:
            atomic_write(
                Path(path),
                lambda tmp: frames[0].save(
                    tmp,
                    format="GIF",
                    save_all=True,
                    append_images=frames[1:],
                    duration=frame_ms,
                    loop=0,
                ),
            )
        except OSError as exc:
            self.show_error(f"{path}: could not write ({exc.strerror or exc})")
            return False
        return True

    # -- screenshots ------------------------------------------------------------------------

    def screenshot_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self.as_widget(), "Save screenshot", "aeviewer.png", "PNG (*.png)"
        )
        if path:
            self.save_screenshot(path)

    def prepare_showcase(self) -> None:
        """For scripted screenshots: decode a point, and put a noisy digit on the canvas, so
        every panel shows what it does (as a lecturer's first minute would)."""
        ds = self.dataset
        if ds is None or not ds.is_image or self.snapshot is None:
            return
        codes, indices, proj = self.latent_codes, self.latent_indices, self.projection
        if self.clicked_point is None and codes is not None and indices is not None and proj:
            xy = plane_xy(proj, codes, indices)  # a 1-D strip: within its band
            x, y = (float(v) for v in np.median(xy, axis=0))
            self.latent_view.set_click_marker(x, y)
            self.decode_point(x, y)
        canvas = self.canvas_panel.canvas
        if canvas.is_empty():
            canvas.set_image(np.asarray(ds.x_val[min(7, ds.n_val - 1)]), smooth=True)
        if self.noise_panel.noise() == (0.0, 0.0, 0.0) and getattr(self, "lesson", None) is None:
            self.noise_panel.set_noise(0.25, 0.0, 0.0)
        QApplication.processEvents()

    def save_screenshot(self, path: str | Path) -> bool:
        QApplication.processEvents()
        self.loss_plot.flush()  # its batch curve redraws on a timer: the picture has it all
        return bool(self.as_widget().grab().save(str(path), "PNG"))
