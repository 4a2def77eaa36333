"""Lessons 4 and 10: interpolating between two samples, and the VAE's β beside it.

The user picks the two samples in the gallery or on the scatter; the decoded path is drawn on
the latent view with a dot at the slider's ``a``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from aeviewer.core import analysis
from aeviewer.core.datasets import Dataset
from aeviewer.core.inference import ModelSnapshot
from aeviewer.core.latent import interpolate_codes
from aeviewer.core.lessons import Lesson
from aeviewer.core.models import get_preset
from aeviewer.gui.lessons.base import LessonBehaviour, labels, name_of
from aeviewer.gui.widgets import lesson_panels as panels

if TYPE_CHECKING:
    from aeviewer.gui.controllers.lessons import LessonController

STRIP = 9


class InterpolationBehaviour(LessonBehaviour[panels.InterpolationPanel]):
    """The decoded path between two picked samples against the pixel cross-fade."""

    def __init__(self, lessons: LessonController, lesson: Lesson) -> None:
        super().__init__(lessons, lesson)
        self.pair: list[int] = []  # the two samples shown
        self._pick: int | None = None  # the first sample of a pair being picked

    def build(self) -> panels.InterpolationPanel:
        p = panels.InterpolationPanel()
        p.alpha_changed.connect(self._on_panel_alpha_changed)
        p.set_alpha(0.5)  # the midpoint, where the morph and the blend differ most
        p.set_title("")  # the dock's title names the lesson: the room goes to the images
        p.set_hint("Click two samples in the gallery or the latent space")
        if self.lesson.beta_slider:
            beta = p.beta_control()
            beta.set_beta(self.w.controls.extra_spin.value())
            beta.set_note("a new β applies to a new run")
            beta.beta_changed.connect(self._on_beta_control_beta_changed)
            beta.retrain_clicked.connect(self._on_beta_control_retrain_clicked)
            p.show_beta(True)
        return p

    def clear(self) -> None:
        super().clear()
        self.pair = []
        self._pick = None

    def refresh(self, ds: Dataset, snap: ModelSnapshot) -> None:
        panel = self.panel
        if len(self.pair) < 2:
            self.pair = self._default_pair(ds)
        i, j = self.pair[:2]
        x = np.asarray(ds.x_val[[i, j]], np.float32)
        za, zb = snap.encoder(x)
        path = interpolate_codes(za, zb, STRIP)
        panel.set_strips(snap.decoder(path), analysis.pixel_crossfade(x[0], x[1], STRIP))
        a = panel.alpha()
        z = (1 - a) * za + a * zb
        panel.set_current(snap.decoder(z), (1 - a) * x[0] + a * x[1])
        if self._pick is None:
            panel.set_hint(
                f"From {name_of(ds, i)} to {name_of(ds, j)} · pick others in the "
                "gallery or on the scatter"
            )
        proj = self.w.latent.state.projection
        if proj is not None and proj.kind != "tsne":
            self.w.latent_view.set_path(proj.transform(path))
            xy = proj.transform(z[None])[0]
            self.lessons.marks().set_dot((float(xy[0]), float(xy[1])))
        else:  # a t-SNE map has no place for codes that are not samples
            self.w.latent_view.set_path(None)
            self.lessons.marks().set_dot(None)

    @staticmethod
    def _default_pair(ds: Dataset) -> list[int]:
        """Two samples of different classes, so the path crosses from one digit to another."""
        y = labels(ds)
        if y is None or len(y) < 2:
            return [0, min(1, ds.n_val - 1)]
        other = np.flatnonzero(y != y[0])
        return [0, int(other[0])] if len(other) else [0, 1]

    def sample_clicked(self, index: int) -> None:
        """The start and then the end of the path."""
        ds = self.w.data.dataset
        if ds is None:
            return
        if self._pick is None:
            # Kept apart from the pair shown: an epoch ending between the two clicks
            # refreshes the old pair and must not forget this first pick.
            self._pick = int(index)
            self.panel.set_hint(f"Start: {name_of(ds, index)}. Now pick the end sample.")
            return
        self.pair = [self._pick, int(index)]
        self._pick = None
        self.lessons.refresh()

    def latent_clicked(self, x: float, y: float) -> None:
        """The nearest sample shown on the scatter is picked."""
        shown = self.w.latent.state.shown_indices
        row = self.w.latent_view.nearest(x, y, max_px=math.inf)
        if shown is None or row < 0 or row >= len(shown):
            return
        self.sample_clicked(int(shown[row]))

    def state(self) -> dict[str, Any]:
        return {"pair": [int(i) for i in self.pair[:2]]}

    def restore_state(self, state: Mapping[str, Any]) -> None:
        pair = state.get("pair")
        ds = self.w.data.dataset
        n = ds.n_val if ds is not None else 0
        # Two rows of the data (ints, not bools): another data set's rows keep the default pair.
        if (
            isinstance(pair, list)
            and len(pair) == 2
            and all(type(i) is int and 0 <= i < n for i in pair)
        ):
            self.pair = list(pair)

    def _on_panel_alpha_changed(self, _a: float) -> None:
        self.lessons.refresh()

    # -- 10. the VAE's β -------------------------------------------------------------------
    def _on_beta_control_beta_changed(self, beta: float) -> None:
        knob = get_preset(self.w.controls.preset()).knob
        if knob is None or knob.option != "beta":
            return
        running = self.w.run.state.active
        if not running:
            self.w.controls.set_settings(extra=beta)  # the next Start trains with it
        self.panel.beta_control().set_note(
            "applies when you retrain" if running else "press Retrain (or Start) to apply"
        )

    def _on_beta_control_retrain_clicked(self) -> None:
        beta = self.panel.beta_control()
        self.lessons.restart_with(lambda: self.w.controls.set_settings(extra=beta.beta()))
