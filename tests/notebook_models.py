"""Autoencoders as notebooks write them, saved to files: the layouts aeviewer must open.

Each builder saves its model into a folder and returns a :class:`NotebookModel`: the paths to
open, what aeviewer should find, and ``reference(x)``, the file's own reconstruction of grey
28x28 images ``x`` (the same model, called directly), to compare with.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import h5py
import keras
import numpy as np
from keras import layers as L
from keras import ops


@dataclass
class NotebookModel:
    paths: list[Path]
    layout: str  # what aeviewer's layout line starts with
    code_size: int
    reference: Callable[[np.ndarray], np.ndarray]
    variational: bool = False


class Sampling(L.Layer):
    """The keras-io VAE's sampling layer, as a notebook defines it (not registered)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(1337)

    def call(self, inputs: Any) -> Any:
        z_mean, z_log_var = inputs
        eps = keras.random.normal(ops.shape(z_mean), seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * z_log_var) * eps


def _run(model: Any, x: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    y = model(x.reshape(len(x), *shape), training=False)
    return np.asarray(y).reshape(len(x), 28, 28)


def course_sub_models(d: Path) -> NotebookModel:
    """The course's ``Sequential([stacked_encoder, stacked_decoder])``."""
    encoder = keras.Sequential(
        [
            keras.Input((28, 28)),
            L.Flatten(),
            L.Dense(100, activation="selu"),
            L.Dense(30, activation="selu"),
        ],
        name="stacked_encoder",
    )
    decoder = keras.Sequential(
        [
            keras.Input((30,)),
            L.Dense(100, activation="selu"),
            L.Dense(784, activation="sigmoid"),
            L.Reshape((28, 28)),
        ],
        name="stacked_decoder",
    )
    model = keras.Sequential([encoder, decoder])
    model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.SGD(learning_rate=1.5))
    model.save(d / "course.keras")
    return NotebookModel(
        [d / "course.keras"], "two sub-models", 30, lambda x: _run(model, x, (28, 28))
    )


def flat_sequential(d: Path) -> NotebookModel:
    """The same layers in one flat Sequential."""
    model = keras.Sequential(
        [
            keras.Input((28, 28)),
            L.Flatten(),
            L.Dense(100, activation="selu"),
            L.Dense(30, activation="selu", name="codings"),
            L.Dense(100, activation="selu"),
            L.Dense(784, activation="sigmoid"),
            L.Reshape((28, 28)),
        ]
    )
    model.save(d / "flat.keras")
    layout = "flat chain split at 'codings' (30 values)"
    return NotebookModel([d / "flat.keras"], layout, 30, lambda x: _run(model, x, (28, 28)))


def _blog_dense() -> tuple[Any, Any, Any]:
    """The Keras blog's 784-32-784: autoencoder, encoder and decoder."""
    input_img = keras.Input(shape=(784,))
    encoded = L.Dense(32, activation="relu", name="encoded")(input_img)
    decoded = L.Dense(784, activation="sigmoid")(encoded)
    autoencoder = keras.Model(input_img, decoded)
    encoder = keras.Model(input_img, encoded)
    encoded_input = keras.Input(shape=(32,))
    decoder = keras.Model(encoded_input, autoencoder.layers[-1](encoded_input))
    autoencoder.compile(optimizer="adam", loss="binary_crossentropy")
    return autoencoder, encoder, decoder


def blog_dense(d: Path, suffix: str = ".keras") -> NotebookModel:
    """The blog's functional 784-32-784, in one file."""
    model = _blog_dense()[0]
    path = d / f"blog{suffix}"
    model.save(path)
    layout = "flat chain split at 'encoded' (32 values)"
    return NotebookModel([path], layout, 32, lambda x: _run(model, x, (784,)))


def blog_dense_h5(d: Path) -> NotebookModel:
    """The same, saved in the legacy HDF5 format."""
    return blog_dense(d, ".h5")


def blog_conv(d: Path) -> NotebookModel:
    """The blog's convolutional autoencoder: a 4x4x8 code, a valid convolution on the way up."""
    input_img = keras.Input(shape=(28, 28, 1))
    x = L.Conv2D(16, (3, 3), activation="relu", padding="same")(input_img)
    x = L.MaxPooling2D((2, 2), padding="same")(x)
    x = L.Conv2D(8, (3, 3), activation="relu", padding="same")(x)
    x = L.MaxPooling2D((2, 2), padding="same")(x)
    x = L.Conv2D(8, (3, 3), activation="relu", padding="same")(x)
    encoded = L.MaxPooling2D((2, 2), padding="same", name="encoded")(x)
    x = L.Conv2D(8, (3, 3), activation="relu", padding="same")(encoded)
    x = L.UpSampling2D((2, 2))(x)
    x = L.Conv2D(8, (3, 3), activation="relu", padding="same")(x)
    x = L.UpSampling2D((2, 2))(x)
    x = L.Conv2D(16, (3, 3), activation="relu")(x)
    x = L.UpSampling2D((2, 2))(x)
    decoded = L.Conv2D(1, (3, 3), activation="sigmoid", padding="same")(x)
    model = keras.Model(input_img, decoded)
    model.compile(optimizer="adam", loss="binary_crossentropy")
    model.save(d / "conv.keras")
    layout = "flat chain split at 'encoded' (128 values)"
    return NotebookModel([d / "conv.keras"], layout, 128, lambda x: _run(model, x, (28, 28, 1)))


def named_parts(d: Path) -> NotebookModel:
    """Functional sub-models named ``encoder`` and ``decoder`` (keras-io's layout)."""
    inputs = keras.Input((28, 28))
    encoder = keras.Model(inputs, L.Dense(8)(L.Flatten()(inputs)), name="encoder")
    z = keras.Input((8,))
    y = L.Reshape((28, 28))(L.Dense(784, activation="sigmoid")(L.Dense(64, activation="relu")(z)))
    decoder = keras.Model(z, y, name="decoder")
    x = keras.Input((28, 28))
    model = keras.Model(x, decoder(encoder(x)), name="ae")
    model.save(d / "named.keras")
    return NotebookModel(
        [d / "named.keras"], "named encoder/decoder", 8, lambda x: _run(model, x, (28, 28))
    )


def vae_files(d: Path) -> NotebookModel:
    """A keras-io VAE: an encoder returning ``[z_mean, z_log_var, z]`` through the notebook's
    own Sampling class, and a decoder, saved as two files."""
    inputs = keras.Input((28, 28, 1))
    x = L.Dense(64, activation="relu")(L.Flatten()(inputs))
    z_mean = L.Dense(2, name="z_mean")(x)
    z_log_var = L.Dense(2, name="z_log_var")(x)
    z = Sampling()([z_mean, z_log_var])
    encoder = keras.Model(inputs, [z_mean, z_log_var, z], name="encoder")
    latent = keras.Input((2,))
    y = L.Dense(784, activation="sigmoid")(L.Dense(64, activation="relu")(latent))
    decoder = keras.Model(latent, L.Reshape((28, 28, 1))(y), name="decoder")
    encoder.save(d / "vae_encoder.keras")
    decoder.save(d / "vae_decoder.keras")

    def reference(x: np.ndarray) -> np.ndarray:
        mean = encoder(x.reshape(len(x), 28, 28, 1), training=False)[0]
        return np.asarray(decoder(mean, training=False)).reshape(len(x), 28, 28)

    layout = "encoder and decoder files; VAE encoder: code is z_mean"
    paths = [d / "vae_encoder.keras", d / "vae_decoder.keras"]
    return NotebookModel(paths, layout, 2, reference, variational=True)


def blog_two_files(d: Path) -> NotebookModel:
    """The blog's encoder and decoder, saved as two files."""
    _, encoder, decoder = _blog_dense()
    encoder.save(d / "blog_encoder.keras")
    decoder.save(d / "blog_decoder.keras")

    def reference(x: np.ndarray) -> np.ndarray:
        codes = encoder(x.reshape(len(x), 784), training=False)
        return np.asarray(decoder(codes, training=False)).reshape(len(x), 28, 28)

    paths = [d / "blog_encoder.keras", d / "blog_decoder.keras"]
    return NotebookModel(paths, "encoder and decoder files", 32, reference)


#: Every layout, by name: ``LAYOUTS[name](folder)`` saves it there.
LAYOUTS: dict[str, Callable[[Path], NotebookModel]] = {
    "course sub-models": course_sub_models,
    "flat sequential": flat_sequential,
    "blog dense": blog_dense,
    "blog conv": blog_conv,
    "blog dense .h5": blog_dense_h5,
    "named parts": named_parts,
    "vae two files": vae_files,
    "encoder and decoder files": blog_two_files,
}


# -- files aeviewer must refuse, each in one line naming what it found --------------
@keras.saving.register_keras_serializable(package="notebook")
class Doubler(L.Layer):
    """A notebook's own layer class."""

    def call(self, x: object) -> object:
        return x * 2.0  # type: ignore[operator]


def _classifier(d: Path) -> Path:
    model = keras.Sequential([keras.Input((28, 28)), L.Flatten(), L.Dense(10, "softmax")])
    model.save(d / "classifier.keras")
    return d / "classifier.keras"


def _lambda(d: Path, suffix: str = ".keras") -> Path:
    model = keras.Sequential(
        [keras.Input((784,)), L.Dense(8), L.Lambda(lambda t: t * 2), L.Dense(784)]
    )
    model.save(d / f"lambda{suffix}")
    return d / f"lambda{suffix}"


def _custom_class(d: Path) -> Path:
    keras.Sequential([keras.Input((784,)), L.Dense(8), Doubler(), L.Dense(784)]).save(
        d / "custom.keras"
    )
    return d / "custom.keras"


def _rename_doubler(text: str) -> str:
    """The class as a notebook's ``__main__`` saves it: no module, unknown to this process."""
    config = json.loads(text)
    for layer in config["config"]["layers"]:
        if layer["class_name"] == "Doubler":
            layer.update(class_name="NotebookScaler", module=None, registered_name="Scaler")
    return json.dumps(config)


def _notebook_class(d: Path) -> Path:
    src = _custom_class(d)
    path = d / "notebook_class.keras"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w") as zout:
        for name in zin.namelist():
            data = zin.read(name)
            zout.writestr(name, _rename_doubler(data.decode()) if name == "config.json" else data)
    src.unlink()
    return path


def _notebook_class_h5(d: Path) -> Path:
    path = d / "notebook_class.h5"
    keras.Sequential([keras.Input((784,)), L.Dense(8), Doubler(), L.Dense(784)]).save(path)
    with h5py.File(path, "r+") as f:
        text = f.attrs["model_config"]
        f.attrs["model_config"] = str(text).replace("notebook>Doubler", "NotebookScaler")
    return path


def _saved_model_folder(d: Path) -> Path:
    folder = d / "exported"
    (folder / "variables").mkdir(parents=True)
    (folder / "saved_model.pb").write_bytes(b"\x08\x01")
    return folder


def _text(d: Path) -> Path:
    (d / "notes.keras").write_text("my autoencoder")
    return d / "notes.keras"


def _weights_only(d: Path) -> Path:
    model = keras.Sequential([keras.Input((4,)), L.Dense(2), L.Dense(4)])
    model.save_weights(d / "ae.weights.h5")
    return d / "ae.weights.h5"


REFUSED = {
    "classifier": (_classifier, "outputs 10 values for 784 inputs: a classifier"),
    "Lambda": (_lambda, "Lambda"),
    "Lambda in .h5": (lambda d: _lambda(d, ".h5"), "Lambda"),
    "custom class": (_custom_class, "Doubler"),
    "notebook class": (_notebook_class, "NotebookScaler"),
    "notebook class in .h5": (_notebook_class_h5, "NotebookScaler"),
    "SavedModel folder": (_saved_model_folder, "SavedModel folder"),
    "text file": (_text, "model.save('model.keras')"),
    "weights only": (_weights_only, "weights only"),
}
