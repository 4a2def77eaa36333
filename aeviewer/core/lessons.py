"""One lesson per demonstration of the course: what to load, train and show, and what to watch.

Plain data (no Qt, no Keras): the GUI applies a lesson to its controls and opens the lesson's
panel; ``aeviewer lessons`` lists them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Lesson:
    name: str  # lower-case, digits and hyphens
    title: str
    caption: str  # what to watch, shown above the latent space
    dataset: str = "digits"
    classes: str = ""
    preset: str = "stacked"
    options: dict[str, Any] = field(default_factory=dict)
    epochs: int = 15
    panel: str | None = None  # the lesson's own view: see aeviewer.gui.lesson_view
    projection: str = "pca"
    noise: tuple[float, float, float] = (0.0, 0.0, 0.0)
    greedy: bool = False
    compare_preset: str | None = None  # a second model trained after the first, for comparison


LESSONS: tuple[Lesson, ...] = (
    Lesson(
        "linear-pca",
        "Linear autoencoder = PCA",
        "A linear autoencoder with a 2-D code learns the same plane as PCA. Compare its codes "
        "with scikit-learn's PCA: the angle between the two planes shrinks toward 0°.",
        dataset="synthetic3d",
        preset="linear",
        epochs=40,
        panel="pca-compare",
    ),
    Lesson(
        "latent-2d",
        "A 2-D latent space of digits 1, 5 and 6",
        "Every digit becomes a point in 2-D. Click anywhere: the decoder draws what that point "
        "means, even where no digit landed (the course decodes [-1, 5]).",
        classes="1,5,6",
        preset="vanilla",
        epochs=25,
    ),
    Lesson(
        "generation",
        "Generating new digits",
        "A plain autoencoder has no prior: sample codes from a Gaussian fitted to the codes "
        "(bottom row of the gallery). Many samples are blurry or odd: the space has holes.",
        preset="vanilla",
        epochs=20,
    ),
    Lesson(
        "interpolation",
        "Interpolating in latent space",
        "Click two samples in the gallery: the strip decodes g((1-a) f(x) + a f(x')). Compare "
        "it with the pixel cross-fade below: the autoencoder morphs, pixels just blend.",
        preset="vae",
        epochs=20,
        panel="interpolation",
    ),
    Lesson(
        "manifold",
        "The latent manifold",
        "The decoder drawn over the whole visible plane: every point of the latent space is a "
        "digit. Zoom or pan the scatter, then refresh the grid.",
        preset="vanilla",
        epochs=25,
        panel="manifold",
    ),
    Lesson(
        "stacked-vs-tied",
        "Stacked vs tied weights",
        "The tied decoder reuses the encoder's weights transposed: half the parameters, "
        "reconstructions a little blurrier. The comparison model trains after this one.",
        preset="stacked",
        epochs=10,
        panel="side-by-side",
        compare_preset="tied",
    ),
    Lesson(
        "greedy",
        "Greedy layer-wise pretraining",
        "First a shallow 784-100-784 autoencoder, then 100-30-100 on its codes, then the "
        "stacked model is fine-tuned. Watch the stages on the loss curve.",
        preset="stacked",
        epochs=6,
        greedy=True,
    ),
    Lesson(
        "denoising",
        "Denoising autoencoders",
        "Trained on noisy inputs, the denoising autoencoder cleans noise it has never seen. "
        "Move the noise sliders; the ladder compares it with a plain autoencoder.",
        preset="denoising",
        epochs=12,
        panel="ladder",
        noise=(0.3, 0.0, 0.0),
        compare_preset="stacked",
    ),
    Lesson(
        "sparse",
        "Sparse autoencoders",
        "300 sigmoid codings, pushed toward 10% mean activation by a KL penalty: watch the "
        "histograms pile up near 0 while each unit stays useful.",
        preset="sparse",
        epochs=15,
        panel="histogram-sparse",
    ),
    Lesson(
        "vae",
        "Variational autoencoders",
        "Codes become Gaussians: reconstruction and KL are separate curves. Samples from "
        "N(0, I) (bottom row) look like digits; raise β for a smoother, blurrier space.",
        preset="vae",
        epochs=20,
        panel="interpolation",
    ),
    Lesson(
        "tsne-pca",
        "t-SNE and PCA of 30-D codings",
        "The 30-D codes shown with t-SNE (centre) and, in the panel, PCA of the raw pixels "
        "beside PCA of the codes: the autoencoder separates the classes better.",
        preset="stacked",
        epochs=15,
        projection="tsne",
        panel="pca-codes",
    ),
    Lesson(
        "anomaly",
        "Anomaly detection",
        "Reconstruction error flags what the model has not learned: drag the threshold over "
        "the histogram; the worst reconstructions are the odd ones.",
        preset="stacked",
        epochs=12,
        panel="histogram-anomaly",
    ),
    Lesson(
        "pretraining",
        "Unsupervised pretraining",
        "The trained encoder under a small classifier, taught with only 10 labels per class, "
        "beside the same network trained from scratch. Pretraining pays when labels are "
        "scarce and the data hard; on these easy digits, see whether it does.",
        preset="stacked",
        epochs=12,
        panel="pretraining",
    ),
)


def get_lesson(name: str) -> Lesson:
    for lesson in LESSONS:
        if lesson.name == name:
            return lesson
    raise ValueError(f"unknown lesson {name!r}; `aeviewer lessons` lists them")
