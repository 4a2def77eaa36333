"""The window's docks: each view in a dock, in a large window's arrangement.

``gui/layout.py`` (:class:`DockLayout`) then re-arranges them for the window's size.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QScrollArea, QVBoxLayout, QWidget

from aeviewer.gui.layout import DockLayout, scrollable, tab_docks_on_top
from aeviewer.gui.widgets.status_text import StatusText

if TYPE_CHECKING:
    from aeviewer.gui.main_window import MainWindow

DOCK_NAMES = ("controls", "denoise", "loss", "preview", "draw", "gallery", "lesson")


def _dock(
    w: MainWindow, title: str, widget: QWidget, area: Qt.DockWidgetArea, name: str
) -> QDockWidget:
    dock = QDockWidget(title, w)
    dock.setObjectName(name)
    dock.setWidget(scrollable(widget))
    dock.setFeatures(
        QDockWidget.DockWidgetFeature.DockWidgetMovable
        | QDockWidget.DockWidgetFeature.DockWidgetFloatable
    )
    w.addDockWidget(area, dock)
    return dock


def build_docks(w: MainWindow) -> None:
    """Put the window's views in docks (``w.<name>_dock``), its layout in ``w.dock_layout``
    and the status line in ``w.status_label``.

    Left: the controls over the noise sliders and the denoising strip. Right of the latent
    space: the loss over the decoded point. Below: the drawing canvas beside the gallery.
    """
    w.setDockNestingEnabled(True)
    left, right = Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea
    bottom = Qt.DockWidgetArea.BottomDockWidgetArea
    w.controls_dock = _dock(w, "Controls", w.controls, left, "controls")
    w.denoise_dock = _dock(w, "Denoising", w.noise_panel, left, "denoise")
    w.splitDockWidget(w.controls_dock, w.denoise_dock, Qt.Orientation.Vertical)
    w.loss_dock = _dock(w, "Loss", w.loss_plot, right, "loss")
    preview_box = QWidget()
    QVBoxLayout(preview_box).addWidget(w.preview, 1)
    w.preview_dock = _dock(w, "Decoded point", preview_box, right, "preview")
    w.splitDockWidget(w.loss_dock, w.preview_dock, Qt.Orientation.Vertical)
    w.draw_dock = _dock(w, "Draw", w.input_stack, bottom, "draw")
    w.gallery_dock = _dock(w, "Gallery", w.gallery, bottom, "gallery")
    w.lesson_dock = _dock(w, "Lesson", QWidget(), bottom, "lesson")
    w.splitDockWidget(w.draw_dock, w.gallery_dock, Qt.Orientation.Horizontal)
    w.splitDockWidget(w.gallery_dock, w.lesson_dock, Qt.Orientation.Horizontal)
    w.lesson_dock.hide()
    w.setCorner(Qt.Corner.BottomLeftCorner, left)  # the left column: the whole height
    tab_docks_on_top(w)
    docks = {n: getattr(w, f"{n}_dock") for n in DOCK_NAMES}
    w.dock_layout = DockLayout(w, docks, w.latent_view, lambda: w.presenter.on, caption=w.caption)
    controls_area = w.controls_dock.widget()
    assert isinstance(controls_area, QScrollArea)
    controls_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    w.status_label = StatusText()  # 20 changes a second: no relayout of the window
    w.statusBar().addPermanentWidget(w.stage_label)
    w.statusBar().addWidget(w.status_label, 1)
