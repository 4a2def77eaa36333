"""What a model file may name before Keras reads it: Keras' own objects, never code.

Keras' safe mode has been bypassed through configs naming other modules' functions
(CVE-2025-1550, CVE-2025-8747, fixed in the Keras this app requires); this walk refuses them
first, for ``.keras`` archives and legacy ``.h5`` files alike. No Keras import here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aeviewer.core.persistence import ModelFileError

#: Modules a config may name: Keras' own (Keras then only takes layers, losses and the like,
#: never its file or loading helpers), and Keras' "builtins" for functions it looks up by
#: name in its own modules. aeviewer's layers are looked up by their registered name.
KERAS_ROOTS = ("keras",)
#: Names that are code or file access, whatever module a config puts them in.
CODE_NAMES = frozenset(
    {
        "Lambda",
        "__lambda__",
        "TFSMLayer",
        "get_file",
        "load_model",
        "load_weights",
        "enable_unsafe_deserialization",
        "set_global_attribute",
        "eval",
        "exec",
        "compile",
        "__import__",
        "open",
        "system",
        "popen",
        "Popen",
    }
)
#: Layer classes of notebooks that aeviewer runs with its own code instead (the keras-io VAE's
#: ``Sampling``: ``mean + exp(log_var / 2) * eps``, no weights); the file's code never runs.
STAND_INS = frozenset({"Sampling"})
SEPARATE_PARTS = "save the encoder and the decoder separately, built from standard Keras layers"


def check_config(path: Path, config: Any) -> set[str]:
    """Refuse a model config naming anything but Keras' own objects (one line, naming it).

    Returns the names (registered and class names) of the :data:`STAND_INS` layers the config
    holds, which the loader maps to aeviewer's own classes.
    """
    stand_ins: set[str] = set()
    stack: list[Any] = [config]
    while stack:  # a loop, not recursion: a hostile file may nest thousands deep
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        stack.extend(node.values())
        if "class_name" not in node and "module" not in node:
            continue
        name = node.get("class_name")
        if name in STAND_INS and isinstance(node.get("config"), dict):
            stand_ins.update(str(n) for n in (name, node.get("registered_name")) if n)
            continue
        what = foreign_object(node)
        if what is None:
            continue
        if "Lambda" in what or "lambda" in what:
            raise ModelFileError(
                f"{path}: holds a Lambda layer or other code; refusing to run it (safe mode)"
            )
        if isinstance(name, str) and name != "function" and name not in CODE_NAMES:
            raise ModelFileError(
                f"{path}: uses the layer class {name} ({what[:80]}), which aeviewer does not "
                f"know; refusing to run code from a model file (safe mode): {SEPARATE_PARTS}"
            )
        raise ModelFileError(
            f"{path}: names {what[:80]}, which is not a Keras layer or function; "
            "refusing to load code from a model file (safe mode)"
        )
    return stand_ins


def foreign_object(node: dict[str, Any]) -> str | None:
    """``module.name`` of a serialised object that is not Keras' own, else None."""
    module, name = node.get("module"), node.get("class_name")
    registered, inner = node.get("registered_name"), node.get("config")
    if not isinstance(name, str) or not isinstance(module, (str, type(None))):
        return f"{module!r}.{name!r}"
    target = inner if name == "function" and isinstance(inner, str) else name
    label = f"{module}.{target}" if module else target
    if target in CODE_NAMES or name in CODE_NAMES:
        return label
    if module is None:  # only objects registered with Keras resolve without a module
        return None
    root = module.split(".")[0]
    if root in KERAS_ROOTS:
        return None
    if root == "builtins" and name == "function":
        return None  # Keras looks the name up in its own modules only
    if root == "aeviewer" and isinstance(registered, str) and registered.startswith("aeviewer>"):
        return None
    return label


def unknown_class(config: Any, known: set[str]) -> str | None:
    """A layer class of a Keras 3 config that neither Keras, aeviewer nor ``known`` has.

    Keras 3 saves its own classes with their module; one without (``module: null``) is a
    notebook's class, which this process cannot build (and Keras' own error says nothing
    useful).
    """
    from keras.saving import get_registered_object

    import aeviewer.core.models.layers  # noqa: F401  (aeviewer's classes are registered)

    stack: list[Any] = [config]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            stack.extend(node.values())
            name, registered = node.get("class_name"), node.get("registered_name")
            if "module" not in node or node["module"] is not None or not isinstance(name, str):
                continue
            if name.startswith("__") or name == "function" or {name, registered} & known:
                continue
            if get_registered_object(registered or name) is None:
                return name
    return None
