"""Lessons 1 and 11: the linear autoencoder finds PCA's plane, and t-SNE and PCA against an
autoencoder's 2-D codes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from aeviewer.core import analysis
from aeviewer.core.datasets import Dataset
from aeviewer.core.inference import ModelSnapshot
from aeviewer.core.lesson_needs import CLOUD_3D, sample_parts
from aeviewer.core.lessons import Lesson
from aeviewer.gui import palette
from aeviewer.gui.lessons.base import LessonBehaviour, labels
from aeviewer.gui.widgets import lesson_panels as panels

if TYPE_CHECKING:
    from aeviewer.gui.controllers.lessons import LessonController


def pca_plane(x: np.ndarray) -> np.ndarray:
    """``(N, 2)`` PCA codes of ``x``; 1-D samples lie on the first axis."""
    flat = np.asarray(x, np.float32).reshape(len(x), -1)
    k = min(2, *flat.shape)
    codes = analysis.pca_fit(flat, k)[2]
    return np.pad(codes, ((0, 0), (0, 2 - k)))


class PcaCompareBehaviour(LessonBehaviour[panels.ComparePanel]):
    """The 2-D codes beside scikit-learn PCA's, and both planes in the 3-D cloud."""

    cloud: panels.CloudView  # the 3-D data, PCA's plane and the decoder's, beside the codes

    def __init__(self, lessons: LessonController, lesson: Lesson) -> None:
        super().__init__(lessons, lesson)
        self.subspace_angle: float | None = None  # between the decoder's plane and PCA's
        self._cache: dict[str, Any] = {}

    def build(self) -> panels.ComparePanel:
        cp = panels.ComparePanel()
        self.cloud = panels.CloudView("")
        cp.add_leading(self.cloud, 1)
        return cp

    def clear(self) -> None:
        super().clear()
        self.subspace_angle = None
        self._cache = {}

    def _reference_pca(self, ds: Dataset) -> tuple[np.ndarray, np.ndarray]:
        """scikit-learn PCA of the training data (what the autoencoder trained on), cached."""
        key = ("pca-train", id(ds))
        if self._cache.get("pca-key") != key:
            x = np.asarray(ds.x_train, np.float32).reshape(ds.n_train, -1)
            mean, comps, _ = analysis.pca_fit(x, 2)
            self._cache.update({"pca-key": key, "pca": (mean, comps)})
        mean, comps = self._cache["pca"]
        return mean, comps

    def refresh(self, ds: Dataset, snap: ModelSnapshot) -> None:
        panel, codes, indices = self.panel, self.w.latent.state.codes, self.w.latent.state.indices
        if codes is None or indices is None:
            return
        k = codes.shape[1]
        if k != 2:  # the plane of a 2-D code against PCA's two components
            panel.set_unavailable(f"The comparison with PCA needs a 2-D code: this one has {k}")
            return
        mean, comps = self._reference_pca(ds)
        x_val = np.asarray(ds.x_val, np.float32).reshape(ds.n_val, -1)[indices]
        panel.set_left(codes, None, "Linear autoencoder: 2-D codes", ("z₁", "z₂"))
        panel.set_right(
            (x_val - mean) @ comps.T, None, "scikit-learn PCA: 2-D codes", ("PC 1", "PC 2")
        )
        op = snap.decoder.ops[0]
        kernel = op.weights[0] if op.kind == "dense" else None
        t = palette.theme()
        planes = [panels.Plane("PCA", mean, comps, palette.CLASS_HEX[4], dashed=True)]
        if kernel is not None and kernel.shape == comps.shape:
            angle = analysis.subspace_angle_degrees(kernel, comps)
            panel.set_note(f"Angle between the two planes: {angle:.1f}°")
            self.subspace_angle = angle
            bias = op.weights[1]
            # The decoder's outputs fill bias + span(kernel): its point nearest the data mean.
            origin = bias + ((mean - bias) @ np.linalg.pinv(kernel)) @ kernel
            planes.insert(0, panels.Plane("autoencoder", origin, kernel, t.val))
        reason = CLOUD_3D.reason(ds)
        self.cloud.set_unavailable(reason)
        if reason:
            return
        if self.cloud.point_count() != ds.n_train:
            self.cloud.set_points(np.asarray(ds.x_train, np.float64))
        self.cloud.set_planes(planes)


class PcaCodesBehaviour(LessonBehaviour[panels.ComparePanel]):
    """PCA of the pixels beside a 2-D autoencoder's codes (PCA of the codes until it has
    trained); the latent view shows t-SNE of the run's codes."""

    clears_message = False  # "fills in after the first epoch" stays until codes arrive

    def __init__(self, lessons: LessonController, lesson: Lesson) -> None:
        super().__init__(lessons, lesson)
        self._cache: dict[str, Any] = {}

    def build(self) -> panels.ComparePanel:
        return panels.ComparePanel()

    def clear(self) -> None:
        super().clear()
        self._cache = {}

    def refresh(self, ds: Dataset, snap: ModelSnapshot) -> None:
        panel, idx = self.panel, self.w.latent.state.indices
        if self.w.latent.state.codes is None or idx is None:
            return
        y = labels(ds, idx)
        panel.set_class_names(ds.class_names)
        key = (id(ds), idx.tobytes())
        if self._cache.get("pixels-key") != key:  # the same samples every epoch: one SVD a run
            x = np.asarray(ds.x_val, np.float32)[idx].reshape(len(idx), -1)
            self._cache.update({"pixels-key": key, "pixels": pca_plane(x)})
        parts = sample_parts(ds)
        panel.set_left(self._cache["pixels"], y, f"PCA of the {parts}", ("PC 1", "PC 2"))
        models = self.compared_models()
        if models:
            m = models[0]
            x = np.asarray(ds.x_val, np.float32)[idx]
            codes = m["snapshot"].encoder(x)
            panel.set_right(codes[:, :2], y, m["title"], ("z₁", "z₂"))
        else:
            k = self.w.latent.state.codes.shape[1]
            title = f"PCA of the {k}-D codes, for now"
            panel.set_right(pca_plane(self.w.latent.state.codes), y, title, ("PC 1", "PC 2"))
        panel.set_message("")
