"""Start-up of the window: the QApplication, the first data set, and the command-line options.

TensorFlow is not imported here: the window appears first and the training thread imports
it in the background (it takes seconds).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from aeviewer.data_args import load_data

if TYPE_CHECKING:
    from PySide6.QtGui import QIcon


SCREENSHOT_SIZE = (1920, 1080)  # scripted runs without --size

#: ``module:function`` of aeviewer's own, called with the main window once it is shown:
#: ``aeviewer bench`` sets it to time the start-up (aeviewer/bench/probe.py). A tool hooks
#: into the app this way without the app importing the tool.
WINDOW_HOOK_ENV = "AEVIEWER_WINDOW_HOOK"


def run_gui(args: argparse.Namespace) -> int:
    """Open the main window; returns the process exit code."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    if args.lesson:
        from aeviewer.core.lessons import get_lesson

        lesson = get_lesson(args.lesson)  # an unknown name fails here with one line
        if not (args.dataset or args.data):
            args.dataset = lesson.dataset
        if args.classes is None and lesson.classes:
            args.classes = lesson.classes
    dataset = load_data(args)  # a bad --data fails here with one line, before any window
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("aeviewer")
    app.setOrganizationName("aeviewer")
    app.setWindowIcon(app_icon())

    from aeviewer.gui.main_window import MainWindow

    scripted = bool(args.screenshot or args.quit_after_epochs)
    window = MainWindow(dataset, restore=not (args.no_restore or scripted or args.size))
    apply_arguments(window, args)
    if args.size or scripted:  # screenshots the size of a common projector, everywhere
        window.resize(*(args.size or SCREENSHOT_SIZE))
    window.show()
    if args.files:  # aeviewer FILE: a model or a session
        from aeviewer.gui.drops import open_files

        open_files(window, args.files, args.split_at)
    run_window_hook(window)
    code = {"value": 0}

    if args.quit_after_epochs or args.screenshot:
        target = args.quit_after_epochs

        waited = {"s": 0.0}

        def finish() -> None:
            # Let a lesson's follow-up (a comparison model, t-SNE) finish first: up to 3 min.
            if window.run.busy() and waited["s"] < 180:
                waited["s"] += 0.5
                QTimer.singleShot(500, finish)
                return
            if args.screenshot:
                window.exports.prepare_showcase()
                ok = window.exports.save_screenshot(args.screenshot)
                if not ok:
                    print(f"aeviewer: error: could not write {args.screenshot}", file=sys.stderr)
                    code["value"] = 2
            window.close()

        def on_epoch(epoch: int) -> None:
            if target and epoch >= target:
                window.run.stop()
                QTimer.singleShot(400, finish)  # let the last updates paint

        def on_state(state: str) -> None:
            trainer = window.run.trainer
            # A run that ended before the target (an error or NaN) fails the script.
            if state == "finished" and target and trainer and trainer.epochs_done < target:
                code["value"] = 1
                QTimer.singleShot(400, finish)

        window.live.epoch_shown.connect(on_epoch)
        window.run.state_changed.connect(on_state)
        if not target:
            QTimer.singleShot(1500, finish)
    if args.autostart or args.quit_after_epochs:
        window.run.start()
    app.exec()
    return code["value"]


def run_window_hook(window: object) -> None:
    """Call the function :data:`WINDOW_HOOK_ENV` names with ``window``, if it names one.

    Raises
    ------
    ValueError
        The variable is not ``aeviewer.<module>:<function>``.
    """
    spec = os.environ.get(WINDOW_HOOK_ENV, "")
    if not spec:
        return
    module, _, name = spec.partition(":")
    if not (module.startswith("aeviewer.") and name.isidentifier()):
        raise ValueError(
            f"{WINDOW_HOOK_ENV}={spec!r}: expected aeviewer.<module>:<function>, "
            "e.g. aeviewer.bench.probe:install"
        )
    getattr(importlib.import_module(module), name)(window)


def app_icon() -> QIcon:
    """The window and task-bar icon: an autoencoder's hourglass (resources/aeviewer.svg)."""
    from PySide6.QtGui import QIcon

    return QIcon(str(Path(__file__).with_name("resources") / "aeviewer.svg"))


def apply_arguments(window: object, args: argparse.Namespace) -> None:
    """Set the control panel from ``--model``, ``--latent-dim``, ``--epochs``, ``--classes``."""
    from aeviewer.gui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    c = window.controls
    if args.lesson:
        window.lessons.open(args.lesson)  # its settings first; the options given override them
    epochs = args.epochs
    if not epochs and args.quit_after_epochs:
        epochs = max(c.settings().epochs, args.quit_after_epochs)
    c.set_settings(
        dataset=args.dataset or None,
        data_path=str(Path(args.data)) if args.data else None,
        classes=args.classes or None,
        preset=args.model or None,
        latent_dim=args.latent_dim or None,
        epochs=epochs or None,
    )
    window.data.set_image_options(args.image_size, args.grey)
    if args.theme:
        window.set_theme(args.theme)
    if args.presenter:
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, window.presenter.toggle)
