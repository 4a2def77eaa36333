"""Files: screenshots, sessions, exports and model files (a mixin of MainWindow)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QFileDialog

from aeviewer.core.history import RunHistory
from aeviewer.core.persistence import atomic_write
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


class FilesMixin(WindowState):
    """Saving and opening things (mixed into MainWindow)."""

    session_model: bytes | None = None  # model.keras of an opened session
    set_state_from_session: Callable[[RunHistory], None]

    def _save_name(self, title: str, default: str, filters: str) -> str:
        path, _ = QFileDialog.getSaveFileName(self.as_widget(), title, default, filters)
        return path

    # -- model --------------------------------------------------------------------------
    def save_model_dialog(self) -> None:
        if (self.trainer is None or self.trainer.ae is None) and self.session_model is None:
            self.show_error("No trained model yet: train one (Start), then save it.")
            return
        path = self._save_name("Save model", "autoencoder.keras", "Keras model (*.keras)")
        if path:
            self.save_model(path)

    def save_model(self, path: str | Path, then: Callable[[str], None] | None = None) -> None:
        """Save the trained model as .keras (on the training thread, which owns it)."""
        path = Path(path).with_suffix(".keras")
        trainer = self.trainer
        if (trainer is None or trainer.ae is None) and self.session_model is not None:
            data = self.session_model
            atomic_write(path, lambda tmp: tmp.write_bytes(data))
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

    def save_session(self, path: str | Path) -> None:
        """Save the run; with the trained model when the training thread is free."""
        from aeviewer.core.session import save_session

        history = self.history
        trainer = self.trainer
        if self.state in ("running", "paused") or trainer is None or trainer.ae is None:
            try:
                save_session(path, history, None)
            except ValueError as exc:
                self.show_error(str(exc))
                return
            self.controls.set_hint(f"Saved {path} (history only while training runs)")
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

    def open_session_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.as_widget(), "Open session", "", "aeviewer session (*.aevsession);;All files (*)"
        )
        if path:
            self.open_session(path)

    def open_session(self, path: str | Path) -> bool:
        from aeviewer.core.session import SessionError, load_session

        if self.state in ("running", "paused"):
            self.show_error("Stop training before opening a session.")
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
        self.controls.set_hint(f"Opened {Path(path).name}: drag the time machine or press P.")
        return True

    # -- exports ----------------------------------------------------------------------------
    def export_plot_dialog(self, which: str) -> None:
        path = self._save_name(
            f"Export the {which} plot", f"{which}.png", "PNG (*.png);;SVG (*.svg)"
        )
        if path:
            self.export_plot(which, path)

    def export_plot(self, which: str, path: str | Path) -> bool:
        import pyqtgraph.exporters as exporters

        plot = self.loss_plot.plot_widget if which == "loss" else self.latent_view.plot_widget
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
        if self.clicked_point is None and self.latent_codes is not None and self.projection:
            xy = self.projection.transform(self.latent_codes)
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
        return bool(self.as_widget().grab().save(str(path), "PNG"))
