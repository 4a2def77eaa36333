"""One lesson per demonstration of the course: what to load, train and show, and what to watch.

Plain data (no Qt, no Keras): the GUI applies a lesson to its controls and opens the lesson's
panel; ``aeviewer lessons`` lists them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: The latent point the course decodes with its 2-D autoencoder (``new_data = [[-1, 5]]``).
COURSE_POINT = (-1.0, 5.0)

#: The noise ladder's levels: Gaussian σ, and the fraction of pixels switched off. They start
#: above 0: without noise the input's own PSNR is infinite and says nothing.
LADDER_LEVELS: dict[str, tuple[float, ...]] = {
    "gaussian": (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6),
    "mask": (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7),
}


@dataclass(frozen=True)
class Comparison:
    """A model trained after the lesson's own, on the same data, to compare with it."""

    preset: str
    title: str = ""  # "" : the preset's title
    options: dict[str, Any] = field(default_factory=dict)  # changes to the preset's defaults


@dataclass(frozen=True)
class Lesson:
    name: str  # lower-case, digits and hyphens
    title: str
    caption: str  # what to watch, shown above the latent space
    dataset: str = "mnist_test"  # the bundled MNIST test set
    classes: str = ""
    preset: str = "stacked"
    #: set in the control panel when the lesson opens, over the preset's defaults: latent_dim,
    #: batch_size, learning_rate, and the preset's extra knob (noise_std, sparsity_weight, beta)
    options: dict[str, Any] = field(default_factory=dict)
    epochs: int = 15
    panel: str | None = None  # the lesson's own view: see aeviewer.gui.controllers.lessons
    projection: str = "pca"
    noise: tuple[float, float, float] = (0.0, 0.0, 0.0)
    greedy: bool = False
    compare: tuple[Comparison, ...] = ()  # models trained after the first, for comparison
    course_point: tuple[float, float] | None = None  # decoded when the codes appear
    beta_slider: bool = False  # the VAE's β in the lesson panel
    alt_preset: str | None = None  # the generation lesson's switch: the other density model
    alt_options: dict[str, Any] = field(default_factory=dict)  # ... and its options

    @property
    def compare_preset(self) -> str | None:
        """The first comparison's preset (``None`` without comparisons)."""
        return self.compare[0].preset if self.compare else None


LESSONS: tuple[Lesson, ...] = (
    Lesson(
        "linear-pca",
        "Linear autoencoder = PCA",
        "A linear autoencoder with a 2-D code learns the same plane as PCA. Turn the 3-D "
        "cloud: its two planes close in on each other, and the angle between them, fitted on "
        "the same training points as scikit-learn's PCA, shrinks toward 0°.",
        dataset="synthetic3d",
        preset="linear",
        # Adam at 0.01 is still turning the plane after 40 epochs (12° off); at 0.03 it
        # settles within a degree of PCA's.
        options={"learning_rate": 0.03},
        epochs=40,
        panel="pca-compare",
    ),
    Lesson(
        "latent-2d",
        "A 2-D latent space of digits 1, 5 and 6",
        "Every digit becomes a point in 2-D. The cross marks [-1, 5], the point the course "
        "decodes: the decoded-point panel draws it. Click anywhere, even where no digit landed.",
        classes="1,5,6",
        preset="vanilla",
        epochs=25,
        course_point=COURSE_POINT,
    ),
    Lesson(
        "generation",
        "Generating new digits",
        "A plain autoencoder has no prior: fit a diagonal Gaussian to its training codes, "
        "sample it (the × on the scatter) and decode. Many samples are blurry or odd: they land "
        "in holes. Switch to the VAE, whose decoder learns to draw samples of N(0, I).",
        preset="vanilla",
        epochs=20,
        panel="generation",
        alt_preset="vae",
        alt_options={"beta": 5.0},  # as in the VAE lesson: at β = 1 many samples are not digits
    ),
    Lesson(
        "interpolation",
        "Interpolating in latent space",
        "Pick two samples in the gallery or on the scatter: the strip decodes "
        "g((1-a) f(x) + a f(x')), the line on the scatter, with a dot at a. Under it the pixel "
        "cross-fade: the autoencoder morphs, pixels just blend.",
        preset="vae",
        epochs=20,
        panel="interpolation",
    ),
    Lesson(
        "manifold",
        "The latent manifold",
        "The decoder drawn over the whole visible plane: every point of the latent space is a "
        "digit. Zoom or pan the scatter and the decoded grid follows.",
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
        compare=(Comparison("tied"),),
    ),
    Lesson(
        "greedy",
        "Greedy layer-wise pretraining",
        "First a shallow 784-100-784 autoencoder, then 100-30-100 on its codes, then the "
        "stacked model is fine-tuned. The panel plots each stage on its own scale.",
        preset="stacked",
        epochs=6,
        greedy=True,
        panel="stages",
    ),
    Lesson(
        "denoising",
        "Denoising autoencoders",
        "Trained on noisy inputs, a denoising autoencoder cleans noise it has never seen (the "
        "gallery's middle row). The ladder adds more and more noise: Gaussian or dropout, its "
        "PSNR against a dropout-trained one and a plain autoencoder (both trained after it).",
        preset="denoising",
        epochs=12,
        panel="ladder",
        noise=(0.3, 0.0, 0.0),
        compare=(
            Comparison("denoising", "Denoising (dropout)", {"noise": "dropout"}),
            Comparison("stacked", "Plain autoencoder"),
        ),
    ),
    Lesson(
        "sparse",
        "Sparse autoencoders",
        "300 sigmoid codings, pushed toward 10% mean activation by a KL penalty: watch the "
        "activations pile up near 0 while each unit's mean settles near 0.1.",
        preset="sparse",
        epochs=15,
        panel="histogram-sparse",
    ),
    Lesson(
        "vae",
        "Variational autoencoders",
        "Codes become Gaussians: reconstruction and KL are separate curves. At β = 5 samples "
        "of N(0, I) (the gallery's bottom row) decode to digits, blurrier than reconstructions; "
        "at the course's β = 1 many fall off the digits: move β in the panel and retrain.",
        preset="vae",
        options={"beta": 5.0},
        epochs=20,
        panel="interpolation",
        beta_slider=True,
    ),
    Lesson(
        "tsne-pca",
        "t-SNE and PCA of 30-D codings",
        "The 30-D codes mapped to 2-D by t-SNE (centre). The panel is the course's figure: PCA "
        "of the pixels beside the codes of a 784-500-300-2 autoencoder (trained after this "
        "one): the autoencoder pulls the classes apart.",
        preset="stacked",
        epochs=15,
        projection="tsne",
        panel="pca-codes",
        compare=(Comparison("vanilla", "784-500-300-2 autoencoder"),),
    ),
    Lesson(
        "anomaly",
        "Anomaly detection",
        "Reconstruction error flags what the model has not learned: drag the threshold over "
        "the histogram; the worst reconstructions, beside it, are the odd ones.",
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
