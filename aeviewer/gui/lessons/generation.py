"""Lesson 3: generating new samples, codes drawn from a Gaussian fitted to the training codes
(an autoencoder) or from the prior (a VAE), decoded, and marked on the latent view."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from aeviewer.core import analysis
from aeviewer.core.datasets import Dataset
from aeviewer.core.inference import ModelSnapshot
from aeviewer.core.lessons import Lesson
from aeviewer.gui.lessons.base import LessonBehaviour
from aeviewer.gui.widgets import lesson_panels as panels

if TYPE_CHECKING:
    from aeviewer.gui.controllers.lessons import LessonController

GENERATED = 16  # images in the generation panel
TRAIN_CODES_MAX = 2000  # training samples encoded to fit the generation lesson's Gaussian


class GenerationBehaviour(LessonBehaviour[panels.GenerationPanel]):
    """Sixteen decoded draws; the panel's switch retrains with the other density model."""

    def __init__(self, lessons: LessonController, lesson: Lesson) -> None:
        super().__init__(lessons, lesson)
        self.seed = 0  # the draw shown: New samples moves to the next
        self._cache: dict[str, Any] = {}

    def build(self) -> panels.GenerationPanel:
        g = panels.GenerationPanel()
        g.mode_changed.connect(self._on_panel_mode_changed)
        g.resample_clicked.connect(self._on_panel_resample_clicked)
        return g

    def clear(self) -> None:
        super().clear()
        self._cache = {}

    def _on_panel_resample_clicked(self) -> None:
        self.seed += 1
        self.lessons.refresh()

    def _on_panel_mode_changed(self, mode: str) -> None:
        lesson = self.lesson
        preset = lesson.alt_preset if mode == "vae" and lesson.alt_preset else lesson.preset
        options = lesson.alt_options if mode == "vae" else lesson.options
        self.lessons.restart_with(lambda: self.lessons.apply_preset(preset, options))

    def _training_codes(self, ds: Dataset, snap: ModelSnapshot) -> np.ndarray:
        """Codes of (up to TRAIN_CODES_MAX) training samples, cached per snapshot."""
        key = (id(snap), id(ds))
        if self._cache.get("codes-key") != key:
            rows = analysis.subsample(ds.n_train, TRAIN_CODES_MAX, seed=5)
            encoded = snap.encoder(np.asarray(ds.x_train[rows], np.float32))
            self._cache.update({"codes-key": key, "codes": encoded})
        codes: np.ndarray = self._cache["codes"]
        return codes

    def refresh(self, ds: Dataset, snap: ModelSnapshot) -> None:
        panel = self.panel
        k = snap.decoder.input_shape[0]
        vae = self.w.run.variational
        panel.set_mode("vae" if vae else "ae")
        if vae:
            mean, std = np.zeros(k), np.ones(k)
            panel.set_hint("Codes drawn from the prior N(0, I) the VAE was trained towards")
        else:
            mean, std = analysis.fit_diagonal_gaussian(self._training_codes(ds, snap))
            shown = ", ".join(f"{m:.1f} ± {s:.1f}" for m, s in zip(mean[:3], std[:3], strict=True))
            more = ", …" if k > 3 else ""
            panel.set_hint(
                f"Codes drawn from N(m, diag(s²)) fitted to {min(ds.n_train, TRAIN_CODES_MAX):,} "
                f"training codes: per dimension m ± s = {shown}{more}"
            )
        codes = analysis.sample_gaussian(mean, std, GENERATED, seed=100 + self.seed)
        panel.set_images(snap.decoder(codes))
        proj = self.w.latent.state.projection
        if proj is not None and proj.kind != "tsne":
            self.lessons.marks().set_crosses(proj.transform(codes))

    def state(self) -> dict[str, Any]:
        return {"generation_seed": int(self.seed)}

    def restore_state(self, state: Mapping[str, Any]) -> None:
        seed = panels.saved_int(state, "generation_seed", 0, 2**31 - 1)
        if seed is not None:
            self.seed = seed
