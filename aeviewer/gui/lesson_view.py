"""Lessons: set the app up for one demonstration of the course, and fill the lesson's panel.

A mixin of MainWindow. A lesson (aeviewer.core.lessons) names its data, model and panel; the
panel's numbers come from core.analysis using the weight snapshot of the epoch on screen.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtWidgets import QDockWidget, QWidget

from aeviewer.core import analysis
from aeviewer.core.datasets import Dataset
from aeviewer.core.inference import ModelSnapshot
from aeviewer.core.latent import identity_projection, interpolate_codes
from aeviewer.core.lessons import LESSONS, Lesson, get_lesson
from aeviewer.core.models import get_preset
from aeviewer.gui.layout import scrollable
from aeviewer.gui.widgets import lesson_panels as panels
from aeviewer.gui.window_state import WindowState

STRIP = 9
LADDER_LEVELS = np.round(np.arange(0.0, 0.61, 0.1), 2)


class LessonMixin(WindowState):
    """The Lessons menu and the lesson panel (mixed into MainWindow)."""

    lesson: Lesson | None
    lesson_panel: Any
    lesson_dock: QDockWidget
    model_info: dict[str, Any]
    pair: list[int]
    compare: dict[str, Any] | None
    _threshold_moved: bool = False

    # -- opening a lesson ---------------------------------------------------------------
    def open_lesson(self, name: str) -> bool:
        """Set data, model, views and caption for lesson ``name``."""
        try:
            lesson = get_lesson(name)
        except ValueError as exc:
            self.show_error(str(exc))
            return False
        if self.state in ("running", "paused"):
            self.reset()  # type: ignore[attr-defined]
        self.lesson = lesson
        c = self.controls
        c.set_dataset(lesson.dataset)
        c.classes_edit.setText(lesson.classes)
        c.set_preset(lesson.preset)
        c.epochs_spin.setValue(lesson.epochs)
        opts = lesson.options
        if "latent_dim" in opts:
            c.latent_spin.setValue(int(opts["latent_dim"]))
        self.noise_panel.set_noise(*lesson.noise)
        self.set_projection_kind(lesson.projection)  # type: ignore[attr-defined]
        number = LESSONS.index(lesson) + 1
        self.caption.setText(f"Lesson {number}: {lesson.title}. {lesson.caption}")
        self.caption.show()
        self.pair = []
        self.compare = None
        self._install_panel(lesson)
        self.clear_views()  # type: ignore[attr-defined]
        self.setWindowTitle(f"aeviewer: lesson {number}, {lesson.title}")  # type: ignore[attr-defined]
        return True

    def close_lesson(self) -> None:
        self.lesson = None
        self.caption.hide()
        self._install_panel(None)

    def _install_panel(self, lesson: Lesson | None) -> None:
        kind = lesson.panel if lesson else None
        panel: QWidget | None = None
        if kind == "interpolation":
            panel = panels.InterpolationPanel()
            panel.alpha_changed.connect(lambda _a: self.refresh_lesson())
            panel.set_hint("Click two samples in the gallery: the first, then the second")
        elif kind == "manifold":
            panel = panels.ManifoldPanel()
            panel.grid_size_changed.connect(lambda _n: self.refresh_lesson())
        elif kind in ("histogram-sparse", "histogram-anomaly"):
            panel = panels.HistogramPanel()
            panel.threshold_changed.connect(self._on_lesson_panel_threshold_changed)
            self._threshold_moved = False
        elif kind in ("pca-compare", "pca-codes"):
            panel = panels.ComparePanel()
        elif kind == "ladder":
            panel = panels.LadderPanel()
        elif kind in ("side-by-side", "pretraining"):
            panel = panels.SideBySidePanel()
        self.lesson_panel = panel
        if panel is None:
            self.lesson_dock.hide()
            self.apply_default_layout()  # type: ignore[attr-defined]
            return
        if hasattr(panel, "set_message"):
            panel.set_message("Press Start: this panel fills in after the first epoch")
        self.lesson_dock.setWidget(scrollable(panel))
        self.lesson_dock.setWindowTitle(f"Lesson: {lesson.title if lesson else ''}")
        self.lesson_dock.show()
        self.apply_default_layout()  # type: ignore[attr-defined]

    # -- filling the panel ---------------------------------------------------------------
    def refresh_lesson(self) -> None:
        """Recompute the lesson panel for the epoch on screen (cheap numpy)."""
        lesson, panel, ds = self.lesson, self.lesson_panel, self.dataset
        snap = self.view_snapshot()  # type: ignore[attr-defined]
        if lesson is None or panel is None or ds is None or snap is None:
            return
        if hasattr(panel, "set_message"):
            panel.set_message("")
        kind = lesson.panel
        if kind == "interpolation":
            self._interpolation(panel, ds, snap)
        elif kind == "manifold":
            self._manifold(panel, snap)
        elif kind == "histogram-sparse" and self.latent_codes is not None:
            self.show_sparse_histograms(self.latent_codes)
        elif kind == "histogram-anomaly":
            self._anomaly(panel, ds, snap)
        elif kind == "pca-compare":
            self._pca_compare(panel, ds, snap)
        elif kind == "pca-codes":
            self._pca_codes(panel, ds)
        elif kind == "ladder":
            self._ladder(panel, ds, snap)
        elif kind in ("side-by-side", "pretraining"):
            self._side_by_side(panel, ds, snap)

    def show_sparse_histograms(self, codes: np.ndarray) -> None:
        """The sparse lesson's histograms: every activation, and each unit's mean."""
        panel = self.lesson_panel
        if panel is None or not hasattr(panel, "set_histograms"):
            return
        e1, c1, e2, c2 = analysis.activation_histograms(codes)
        panel.set_histograms(
            [("all coding activations", e1, c1), ("mean activation of each coding unit", e2, c2)]
        )

    def _labels(self, ds: Dataset, rows: np.ndarray | None = None) -> np.ndarray | None:
        if ds.y_val is None:
            return None
        y = np.asarray(ds.y_val)
        return y if rows is None else y[rows]

    def _interpolation(self, panel: Any, ds: Dataset, snap: ModelSnapshot) -> None:
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
        names = ds.class_names
        y = self._labels(ds)
        what = (
            f"{names[int(y[i])]} → {names[int(y[j])]}"
            if y is not None and names
            else f"#{i} → #{j}"
        )
        panel.set_hint(f"From sample #{i} to #{j} ({what}); click gallery samples to change")
        if self.projection is not None and self.projection.kind != "tsne":
            self.latent_view.set_path(self.projection.transform(path))

    def _default_pair(self, ds: Dataset) -> list[int]:
        y = self._labels(ds)
        if y is None or len(y) < 2:
            return [0, min(1, ds.n_val - 1)]
        other = np.flatnonzero(y != y[0])
        return [0, int(other[0])] if len(other) else [0, 1]

    def lesson_sample_clicked(self, index: int) -> None:
        """A gallery click: in the interpolation lessons it picks the endpoints in turn."""
        if self.lesson is None or self.lesson.panel != "interpolation":
            return
        self.pair = ([*self.pair, index])[-2:] if len(self.pair) == 1 else [index]
        if len(self.pair) == 2:
            self.refresh_lesson()
        elif self.lesson_panel is not None:
            self.lesson_panel.set_hint(f"Start: sample #{index}. Now click the end sample.")

    def _manifold(self, panel: Any, snap: ModelSnapshot) -> None:
        proj = self.projection or identity_projection(snap.decoder.input_shape[0])
        if not proj.invertible:
            panel.set_message("The manifold needs an invertible projection: choose PCA")
            return
        (x0, x1), (y0, y1) = self.latent_view.plot_widget.getPlotItem().vb.viewRange()
        n = panel.grid_size()
        grid = analysis.manifold_grid((x0, x1), (y0, y1), n)
        images = snap.decoder(proj.inverse(grid))
        if images.ndim != 3:
            panel.set_message("The manifold needs image data")
            return
        ax, ay = proj.axis_labels()
        caption = f"{ax} {x0:.1f} … {x1:.1f}, {ay} {y0:.1f} … {y1:.1f}"
        panel.set_mosaic(analysis.tile_mosaic(images, n), caption)

    def _anomaly(self, panel: Any, ds: Dataset, snap: ModelSnapshot) -> None:
        x = np.asarray(ds.x_val, np.float32)
        recon = snap.reconstruct(x)
        errors = analysis.reconstruction_errors(x, recon)
        counts, edges = np.histogram(errors, bins=40)
        panel.set_histograms(
            [("reconstruction error (MSE) of each validation sample", edges, counts)]
        )
        if panel.threshold() is None or not self._threshold_moved:
            # Until the lecturer drags it, the line follows the worst 5% as errors shrink.
            panel.set_threshold(analysis.threshold_for_fraction(errors, 0.05))
        worst = analysis.top_k_worst(errors, 8)
        panel.set_examples(x[worst], recon[worst], [f"error {errors[k]:.3f}" for k in worst])
        self._errors = errors
        self._anomaly_note()

    def _on_lesson_panel_threshold_changed(self, _value: float) -> None:
        self._threshold_moved = True
        self._anomaly_note()

    def _anomaly_note(self) -> None:
        panel, errors = self.lesson_panel, getattr(self, "_errors", None)
        if panel is None or errors is None or panel.threshold() is None:
            return
        above = int(np.sum(errors > panel.threshold()))
        if hasattr(panel, "set_note"):
            panel.set_note(f"{above} of {len(errors)} samples above the threshold")

    def _pca_compare(self, panel: Any, ds: Dataset, snap: ModelSnapshot) -> None:
        if self.latent_codes is None or self.latent_indices is None:
            return
        x = np.asarray(ds.x_val, np.float32).reshape(ds.n_val, -1)
        _, comps, pca_codes = analysis.pca_fit(x, 2)
        panel.set_left(self.latent_codes, None, "Linear autoencoder: 2-D codes", ("z₁", "z₂"))
        panel.set_right(pca_codes, None, "scikit-learn PCA: 2-D codes", ("PC 1", "PC 2"))
        kernel = snap.decoder.ops[0].weights[0] if snap.decoder.ops[0].kind == "dense" else None
        if kernel is not None and kernel.shape == comps.shape:
            angle = analysis.subspace_angle_degrees(kernel, comps)
            panel.set_note(f"Angle between the two planes: {angle:.1f}°")
            self.subspace_angle = angle

    def _pca_codes(self, panel: Any, ds: Dataset) -> None:
        if self.latent_codes is None or self.latent_indices is None:
            return
        labels = self._labels(ds, self.latent_indices)
        x = np.asarray(ds.x_val, np.float32)[self.latent_indices]
        x = x.reshape(len(x), -1)
        _, _, pix = analysis.pca_fit(x, 2)
        _, _, codes = analysis.pca_fit(self.latent_codes, 2)
        panel.set_left(pix, labels, "PCA of the pixels", ("PC 1", "PC 2"))
        k = self.latent_codes.shape[1]
        panel.set_right(codes, labels, f"PCA of the {k}-D autoencoder codes", ("PC 1", "PC 2"))

    def _ladder(self, panel: Any, ds: Dataset, snap: ModelSnapshot) -> None:
        clean = np.asarray(ds.x_val[:100], np.float32)
        fns = {f"{get_preset(self.controls.preset()).title} AE": snap.reconstruct}
        if self.compare is not None:
            fns[self.compare["title"]] = self.compare["snapshot"].reconstruct
        series = analysis.psnr_ladder(clean, list(LADDER_LEVELS), fns)
        panel.set_series(LADDER_LEVELS, series, x_label="Gaussian noise σ")
        if self.compare is None:
            panel.set_note("The plain autoencoder trains after this one, for comparison")

    def _side_by_side(self, panel: Any, ds: Dataset, snap: ModelSnapshot) -> None:
        x = np.asarray(ds.x_val[:8], np.float32)
        title = get_preset(self.controls.preset()).title
        params = self.model_info.get("params") if self.model_info else None
        rows = [
            ("Original", x),
            (f"{title} · {params:,} parameters" if params else title, snap.reconstruct(x)),
        ]
        cmp = self.compare
        if cmp is not None and "snapshot" in cmp:
            rows.append(
                (f"{cmp['title']} · {cmp['params']:,} parameters", cmp["snapshot"].reconstruct(x))
            )
        panel.set_rows(rows)
        if cmp is not None and "note" in cmp:
            panel.set_note(cmp["note"])

    # -- comparison runs after the main one ---------------------------------------------
    def start_lesson_followup(self) -> None:
        """After training: train the comparison model, or the pretraining classifiers."""
        lesson, trainer, ds = self.lesson, self.trainer, self.dataset
        if lesson is None or trainer is None or ds is None or trainer.ae is None:
            return
        panel = self.lesson_panel
        if lesson.compare_preset:
            from aeviewer.core.inference import ModelSnapshot as Snap
            from aeviewer.core.training import Trainer, TrainingConfig

            spec = get_preset(lesson.compare_preset)
            epochs = trainer.epochs_done or lesson.epochs

            def job() -> dict[str, Any]:
                t = Trainer(ds, TrainingConfig(preset=spec.name, epochs=epochs))
                t.run()
                assert t.ae is not None
                return {
                    "title": spec.title,
                    "params": t.ae.count_params(),
                    "snapshot": Snap.capture(t.ae.encoder, t.ae.decoder, epochs, t.steps),
                }

            if panel is not None and hasattr(panel, "set_note"):
                panel.set_note(f"Training the {spec.title} model for comparison…")
            self.request_job("compare", job, self._on_compare_ready)
        elif lesson.panel == "pretraining" and ds.y_train is not None and ds.y_val is not None:
            from aeviewer.core.pretraining import compare_pretraining

            encoder = trainer.ae.encoder
            y_train, y_val = ds.y_train, ds.y_val

            def job2() -> Any:
                return compare_pretraining(encoder, ds.x_train, y_train, ds.x_val, y_val)

            if panel is not None:
                panel.set_note("Training two small classifiers on 10 labels per class…")
            self.request_job("pretraining", job2, self._on_pretraining_ready)

    def _on_compare_ready(self, result: dict[str, Any]) -> None:
        self.compare = result
        if self.lesson_panel is not None and hasattr(self.lesson_panel, "set_note"):
            self.lesson_panel.set_note("")
        self.refresh_lesson()

    def _on_pretraining_ready(self, r: Any) -> None:
        note = (
            f"With {r.labels_used} labels: pretrained encoder + classifier "
            f"{100 * r.pretrained_accuracy:.0f}% accurate, the same network from scratch "
            f"{100 * r.scratch_accuracy:.0f}%"
        )
        self.compare = {"note": note, "result": r}
        self.refresh_lesson()
