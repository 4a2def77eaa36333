"""Start-up of the window: the QApplication, the first data set, and the command-line options.

TensorFlow is not imported here: the window appears first and the training thread imports
it in the background (it takes seconds).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtGui import QIcon


SCREENSHOT_SIZE = (1920, 1080)  # scripted runs without --size


def run_gui(args: argparse.Namespace) -> int:
    """Open the main window; returns the process exit code."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from aeviewer.cli import load_data

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
    from aeviewer.bench import probe

    if probe.enabled():  # `aeviewer bench` times the start-up this way
        probe.install(window)
    code = {"value": 0}

    if args.quit_after_epochs or args.screenshot:
        target = args.quit_after_epochs

        waited = {"s": 0.0}

        def finish() -> None:
            # Let a lesson's follow-up (a comparison model, t-SNE) finish first: up to 3 min.
            if window.busy() and waited["s"] < 180:
                waited["s"] += 0.5
                QTimer.singleShot(500, finish)
                return
            if args.screenshot:
                window.prepare_showcase()
                ok = window.save_screenshot(args.screenshot)
                if not ok:
                    print(f"aeviewer: error: could not write {args.screenshot}", file=sys.stderr)
                    code["value"] = 2
            window.close()

        def on_epoch(epoch: int) -> None:
            if target and epoch >= target:
                window.stop()
                QTimer.singleShot(400, finish)  # let the last updates paint

        def on_state(state: str) -> None:
            trainer = window.trainer
            # A run that ended before the target (an error or NaN) fails the script.
            if state == "finished" and target and trainer and trainer.epochs_done < target:
                code["value"] = 1
                QTimer.singleShot(400, finish)

        window.epoch_shown.connect(on_epoch)
        window.state_changed.connect(on_state)
        if not target:
            QTimer.singleShot(1500, finish)
    if args.autostart or args.quit_after_epochs:
        window.start()
    app.exec()
    return code["value"]


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
        window.open_lesson(args.lesson)
    if args.data:
        c.set_data_path(str(Path(args.data)))
    elif args.dataset:
        c.set_dataset(args.dataset)
    if args.classes:
        c.classes_edit.setText(args.classes)
    if args.model:
        c.set_preset(args.model)
    if args.latent_dim:
        c.latent_spin.setValue(args.latent_dim)
    if args.epochs:
        c.epochs_spin.setValue(args.epochs)
    elif args.quit_after_epochs:
        c.epochs_spin.setValue(max(c.epochs_spin.value(), args.quit_after_epochs))
    if args.theme:
        window.set_theme(args.theme)
    if args.presenter:
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, window.toggle_presenter)
