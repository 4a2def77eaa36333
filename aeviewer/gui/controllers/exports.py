"""Exports: plots as PNG or SVG, the gallery, interpolation strips, the time machine as a GIF, and
screenshots of the window."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QObject
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QFileDialog

from aeviewer.core.latent import (
    plane_xy,
)
from aeviewer.core.persistence import atomic_write
from aeviewer.gui.widgets.lesson_panels import InterpolationPanel


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


if TYPE_CHECKING:
    from aeviewer.gui.main_window import MainWindow


def _file_stem(name: str) -> str:
    """A file name for a plot called ``name``: "Loss curves" -> "loss-curves"."""
    stem = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")
    return "-".join(part for part in stem.split("-") if part) or "plot"


class ExportsController(QObject):
    """Writes what the window shows to files."""

    def __init__(self, w: MainWindow) -> None:
        super().__init__(w)
        self.w = w

    # -- exports ----------------------------------------------------------------------------
    def plots_on_screen(self) -> list[tuple[str, Any]]:
        """``(name, PlotWidget)`` of every plot that can be exported: the loss curves, the
        latent space, and each plot the lesson panel shows (compare scatters, the noise
        ladder, histograms), named by its title."""
        import pyqtgraph as pg

        plots: list[tuple[str, Any]] = [
            ("Loss curves", self.w.loss_plot.plot_widget),
            ("Latent space", self.w.latent_view.plot_widget),
        ]
        panel = self.w.lessons.panel
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
        path = self.w.ask_save_name(
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

        plot = self.plot_named(which)
        if plot is None:
            self.w.show_error(f"No plot called {which!r} is on screen.")
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
                if exp.export(path) is False:  # QImage.save's answer: no exception
                    raise OSError("the image could not be written there")
        except Exception as exc:  # pyqtgraph raises various types for unwritable paths
            self.w.show_error(f"{path}: could not export ({exc})")
            return False
        return Path(path).exists()

    def plot_named(self, which: Any) -> Any:
        if not isinstance(which, str):
            return which  # a PlotWidget
        if which == "loss":
            return self.w.loss_plot.plot_widget
        if which == "latent":
            return self.w.latent_view.plot_widget
        return next((plot for name, plot in self.plots_on_screen() if name == which), None)

    def export_gallery_dialog(self) -> None:
        path = self.w.ask_save_name("Export the gallery", "gallery.png", "PNG (*.png)")
        if path:
            self.export_widget(self.w.gallery, path)

    def export_interpolation_dialog(self) -> None:
        panel = self.w.lessons.panel
        if not isinstance(panel, InterpolationPanel):
            self.w.show_error("Open the Interpolation lesson (Lessons menu) to export its strips.")
            return
        path = self.w.ask_save_name("Export the interpolation", "interpolation.png", "PNG (*.png)")
        if path:
            self.export_widget(panel, path)

    def export_widget(self, widget: Any, path: str | Path) -> bool:
        ok = bool(widget.grab().save(str(path), "PNG"))
        if not ok:
            self.w.show_error(f"{path}: could not write the image")
        return ok

    def export_gif_dialog(self) -> None:
        if len(self.w.time_machine.history) < 2:
            self.w.show_error("The time machine needs at least two epochs to animate.")
            return
        path = self.w.ask_save_name("Export the time machine", "training.gif", "GIF (*.gif)")
        if path:
            self.export_gif(path)

    def export_gif(self, path: str | Path, frame_ms: int = 500) -> bool:
        """An animated GIF of the latent space, one frame per recorded epoch."""
        from PIL import Image

        frames = []
        keep = self.w.timeline.current()
        for epoch in range(1, len(self.w.time_machine.history) + 1):
            self.w.timeline.select(epoch)
            QApplication.processEvents()
            img = self.w.latent_view.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
            w, h, bpl = img.width(), img.height(), img.bytesPerLine()
            arr = np.frombuffer(img.constBits(), np.uint8).reshape(h, bpl)[:, : w * 3]
            frames.append(Image.fromarray(arr.reshape(h, w, 3).copy()))
        self.w.timeline.select(keep or len(self.w.time_machine.history))
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
            self.w.show_error(f"{path}: could not write ({exc.strerror or exc})")
            return False
        return True

    def screenshot_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self.w, "Save screenshot", "aeviewer.png", "PNG (*.png)"
        )
        if path:
            self.save_screenshot(path)

    def prepare_showcase(self) -> None:
        """For scripted screenshots: decode a point, and put a noisy sample on the canvas (a
        colour one in the picture input), so every panel shows what it does (as a lecturer's
        first minute would)."""
        ds = self.w.data.dataset
        if ds is None or not ds.is_image or self.w.live.snapshot is None:
            return
        codes, indices, proj = (
            self.w.latent.state.codes,
            self.w.latent.state.indices,
            self.w.latent.state.projection,
        )
        if (
            self.w.latent.clicked_point is None
            and codes is not None
            and indices is not None
            and proj
        ):
            xy = plane_xy(proj, codes, indices)  # a 1-D strip: within its band
            x, y = (float(v) for v in np.median(xy, axis=0))
            self.w.latent_view.set_click_marker(x, y)
            self.w.latent.decode_point(x, y)
        sample = np.asarray(ds.x_val[min(7, ds.n_val - 1)])
        if ds.channels == 3:  # the grey canvas cannot hold it: the picture input can
            picture = self.w.picture_panel.input
            if picture.is_empty():
                picture.set_picture(sample)
        elif self.w.canvas_panel.canvas.is_empty():
            self.w.canvas_panel.canvas.set_image(sample, smooth=True)
        if self.w.noise_panel.noise() == (0.0, 0.0, 0.0) and self.w.lessons.lesson is None:
            self.w.noise_panel.set_noise(0.25, 0.0, 0.0)
        QApplication.processEvents()

    def save_screenshot(self, path: str | Path) -> bool:
        QApplication.processEvents()
        self.w.loss_plot.flush()  # its batch curve redraws on a timer: the picture has it all
        if self.w.grab().save(str(path), "PNG"):
            return True
        self.w.show_error(f"{path}: could not write the screenshot")
        return False
