"""The lessons' plain data and the pretraining comparison, headless (no Qt)."""

from __future__ import annotations

import re
import threading

import numpy as np
import pytest

from aeviewer.core.lessons import COURSE_POINT, LADDER_LEVELS, LESSONS, get_lesson
from aeviewer.core.models import get_preset

PANELS = {
    None,
    "interpolation",
    "manifold",
    "histogram-sparse",
    "histogram-anomaly",
    "pca-compare",
    "pca-codes",
    "ladder",
    "side-by-side",
    "pretraining",
    "generation",
    "stages",
}
# What the control panel can show: the lesson's options are set there.
CONTROL_KNOBS = {
    "latent_dim",
    "batch_size",
    "learning_rate",
    "noise_std",
    "sparsity_weight",
    "beta",
}


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.name for lesson in LESSONS])
def test_every_lesson_names_things_that_exist(lesson) -> None:
    assert re.fullmatch(r"[a-z0-9-]+", lesson.name)
    assert get_lesson(lesson.name) is lesson
    preset = get_preset(lesson.preset)
    assert lesson.panel in PANELS
    assert set(lesson.options) <= CONTROL_KNOBS
    preset.defaults.updated(**lesson.options).validate()
    for c in lesson.compare:  # a comparison's options are the model's own: any option
        get_preset(c.preset).defaults.updated(**c.options).validate()
    if lesson.alt_preset:
        get_preset(lesson.alt_preset).defaults.updated(**lesson.alt_options).validate()
    assert lesson.caption.strip() and len(lesson.caption) < 320  # short enough to read


def test_the_lessons_follow_the_course() -> None:
    assert len(LESSONS) == 13 and len({lesson.name for lesson in LESSONS}) == 13
    assert get_lesson("latent-2d").course_point == COURSE_POINT == (-1.0, 5.0)
    assert get_lesson("latent-2d").classes == "1,5,6"
    assert get_lesson("vae").beta_slider
    assert get_lesson("generation").alt_preset == "vae"
    denoising = get_lesson("denoising")
    assert [c.options.get("noise") for c in denoising.compare] == ["dropout", None]
    assert get_lesson("tsne-pca").compare[0].preset == "vanilla"  # the course's 2-D codes
    assert get_lesson("stacked-vs-tied").compare_preset == "tied"
    assert get_lesson("anomaly").compare_preset is None
    for levels in LADDER_LEVELS.values():  # no zero level: the input's own PSNR is infinite
        assert min(levels) > 0 and list(levels) == sorted(levels)
    with pytest.raises(ValueError, match="aeviewer lessons"):
        get_lesson("nope")


def _tiny_encoder():
    import keras

    keras.utils.set_random_seed(0)
    inputs = keras.Input((8,))
    return keras.Model(inputs, keras.layers.Dense(4, activation="tanh")(inputs))


def _blobs(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 3
    centres = np.eye(3, 8) * 3.0
    return (centres[y] + 0.3 * rng.standard_normal((n, 8))).astype(np.float32), y


def test_pretraining_compares_two_classifiers_on_few_labels() -> None:
    from aeviewer.core.pretraining import compare_pretraining, few_labels

    x, y = _blobs(90, 0)
    xv, yv = _blobs(60, 1)
    idx = few_labels(y, 4)
    assert len(idx) == 12 and all(np.sum(y[idx] == c) == 4 for c in range(3))
    r = compare_pretraining(_tiny_encoder(), x, y, xv, yv, per_class=4, epochs=30)
    assert r.labels_used == 12 and r.classes == 3 and r.per_class == 4 and not r.stopped
    assert 0.0 <= r.pretrained_accuracy <= 1.0 and 0.0 <= r.scratch_accuracy <= 1.0
    assert r.scratch_accuracy > 1 / 3  # easy blobs: better than chance from scratch


def test_pretraining_chance_counts_the_classes_present() -> None:
    """Digits 1, 5 and 6: three classes (chance 1/3), though labels run up to 6."""
    from aeviewer.core.pretraining import compare_pretraining

    x, y = _blobs(90, 0)
    xv, yv = _blobs(60, 1)
    relabel = np.array([1, 5, 6])
    r = compare_pretraining(_tiny_encoder(), x, relabel[y], xv, relabel[yv], per_class=4, epochs=5)
    assert r.classes == 3 and r.labels_used == 12


def test_pretraining_stops_when_asked() -> None:
    from aeviewer.core.pretraining import compare_pretraining

    x, y = _blobs(90, 0)
    stop = threading.Event()
    stop.set()
    r = compare_pretraining(_tiny_encoder(), x, y, x, y, per_class=4, epochs=1000, stop=stop)
    assert r.stopped and np.isnan(r.pretrained_accuracy)
