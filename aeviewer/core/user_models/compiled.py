"""How a user's model is fine-tuned: the loss and optimizer its file was compiled with, when
aeviewer has them, else binary cross-entropy for a sigmoid output and MSE otherwise (no Keras)."""

from __future__ import annotations

from typing import Any

from aeviewer.core.models.options import OPTIMIZERS, ModelOptions

#: Loss names a file may give (lower case, no underscores), and aeviewer's name for each.
LOSS_KINDS = {
    "binarycrossentropy": "bce",
    "bce": "bce",
    "mse": "mse",
    "meansquarederror": "mse",
}
LOSS_WORDS = {"bce": "binary cross-entropy", "mse": "mean squared error"}
DEFAULT_LR = 1e-3


def training_choice(
    compiled: dict[str, Any], sigmoid_output: bool, code_size: int
) -> tuple[ModelOptions, str]:
    """The options a user's model trains with, and a line saying where they came from.

    Parameters
    ----------
    compiled
        ``{"loss": ..., "optimizer": ...}`` as the file stores them (either may be missing).
    sigmoid_output
        Whether the model's output is a sigmoid (binary cross-entropy needs one).
    code_size
        Values in the (flattened) code: the options' ``latent_dim``.
    """
    file_loss = _name(compiled.get("loss"))
    kind = LOSS_KINDS.get((file_loss or "").lower().replace("_", ""))
    fallback = "bce" if sigmoid_output else "mse"
    why = "the output is a sigmoid" if sigmoid_output else "the output is not a sigmoid"
    from_file = False
    if file_loss is None:
        loss, loss_note = fallback, f"no loss in the file: {LOSS_WORDS[fallback]} ({why})"
    elif kind is None:
        loss = fallback
        loss_note = (
            f"the file's loss ({file_loss}) is not one aeviewer trains with: "
            f"{LOSS_WORDS[fallback]} ({why})"
        )
    elif kind == "bce" and not sigmoid_output:
        loss = "mse"
        loss_note = "the file's binary cross-entropy needs a sigmoid output: mean squared error"
    else:
        loss, loss_note, from_file = kind, f"the file's loss ({LOSS_WORDS[kind]})", True

    optimizer, lr = _optimizer(compiled.get("optimizer"))
    known = optimizer in OPTIMIZERS
    chosen = optimizer if known and optimizer is not None else "adam"
    rate = lr if lr is not None and 0 < lr <= 10 else DEFAULT_LR
    if known:
        opt_note = f"optimizer ({chosen}, lr {rate:g})"
    elif optimizer is None:
        opt_note = f"no optimizer in the file: {chosen}, lr {rate:g}"
    else:
        opt_note = f"the file's optimizer ({optimizer}) is not one aeviewer has: adam, lr {rate:g}"
    if from_file:
        loss_note = f"fine-tuning with {loss_note}"
    if from_file and known:
        note = f"{loss_note} and {opt_note}"
    else:
        note = f"{loss_note}; " + (f"the file's {opt_note}" if known else opt_note)
    options = ModelOptions(
        latent_dim=code_size,
        hidden=(),
        activation="linear",
        coding_activation="linear",
        output_activation="sigmoid" if sigmoid_output else "linear",
        loss=loss,
        optimizer=chosen,
        learning_rate=float(rate),
    )
    return options, note


def from_options(options: dict[str, Any]) -> dict[str, Any]:
    """The ``compiled`` of a model aeviewer saved: its ``aeviewer.json`` options."""
    return {
        "loss": options.get("loss"),
        "optimizer": {
            "class_name": options.get("optimizer"),
            "config": {"learning_rate": options.get("learning_rate")},
        },
    }


def _name(value: Any) -> str | None:
    """A loss or optimizer's name as a config gives it: ``"mse"``, a class or a function."""
    if isinstance(value, str):
        return value.split(">")[-1].split(".")[-1]
    if isinstance(value, dict):
        name, inner = value.get("class_name"), value.get("config")
        if name == "function" and isinstance(inner, str):
            return _name(inner)
        return _name(name) if isinstance(name, str) else None
    return None


def _optimizer(value: Any) -> tuple[str | None, float | None]:
    """The optimizer's name (lower case) and learning rate, when the config gives them."""
    name = _name(value)
    config = value.get("config") if isinstance(value, dict) else None
    lr: Any = None
    if isinstance(config, dict):
        lr = config.get("learning_rate", config.get("lr"))
        if isinstance(lr, dict):  # a schedule: its starting rate
            inner = lr.get("config")
            lr = inner.get("initial_learning_rate") if isinstance(inner, dict) else None
    number = isinstance(lr, (int, float)) and not isinstance(lr, bool)
    return (name.lower() if name else None), (float(lr) if number else None)
