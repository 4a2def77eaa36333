"""What the main window's mixins may read and write: declarations only (for type checking).

MainWindow assigns all of these in ``__init__``; the mixins (views, files, lessons) share them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

import numpy as np

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QLabel, QWidget

    from aeviewer.core.datasets import Dataset
    from aeviewer.core.history import RunHistory
    from aeviewer.core.inference import ModelSnapshot
    from aeviewer.core.latent import Projection
    from aeviewer.core.training import Trainer
    from aeviewer.gui.autosave import Autosaver
    from aeviewer.gui.widgets.controls import ControlPanel
    from aeviewer.gui.widgets.drawing_canvas import CanvasPanel
    from aeviewer.gui.widgets.image_tile import ImageTile
    from aeviewer.gui.widgets.latent_view import LatentView
    from aeviewer.gui.widgets.loss_plot import LossPlot
    from aeviewer.gui.widgets.noise_panel import NoisePanel
    from aeviewer.gui.widgets.overlays import TrailsOverlay
    from aeviewer.gui.widgets.sample_gallery import SampleGallery
    from aeviewer.gui.widgets.timeline import TimelineBar


class WindowState:
    """Attribute declarations shared by MainWindow and its mixins."""

    state: str
    dataset: Dataset | None
    trainer: Trainer | None
    snapshot: ModelSnapshot | None
    projection: Projection | None
    projection_kind: str
    projection_actions: dict[str, QAction]
    latent_codes: np.ndarray | None
    latent_indices: np.ndarray | None
    shown_indices: np.ndarray | None
    tsne_xy: np.ndarray | None
    _tsne_busy: bool
    variational: bool
    gallery_indices: np.ndarray
    selected_index: int | None
    clicked_point: tuple[float, float] | None
    history: RunHistory
    view_epoch: int
    trails_on: bool

    controls: ControlPanel
    latent_view: LatentView
    loss_plot: LossPlot
    preview: ImageTile
    canvas_panel: CanvasPanel
    noise_panel: NoisePanel
    gallery: SampleGallery
    timeline: TimelineBar
    caption: QLabel
    trails: TrailsOverlay

    tsne_computed: SignalInstance
    show_error: Callable[[str], None]
    job_requested: SignalInstance
    request_job: Callable[..., Any]
    decode_point: Callable[[float, float], np.ndarray | None]
    ask: Callable[[str, str], bool]
    say: Callable[..., None]
    stop: Callable[[], None]
    _after_run: Callable[[], None] | None
    autosaver: Autosaver

    def as_widget(self) -> QWidget:
        """This window as a QWidget (dialog parent, grab)."""
        return cast("QWidget", self)
