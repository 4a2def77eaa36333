"""Data: the set on screen, the panel's choice, loading files, folders and downloads off the GUI
thread, and File → Open data."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog

from aeviewer.core.datasets import Dataset, DatasetError, load_dataset, loads_slowly, parse_classes
from aeviewer.core.requests import LatestRequest
from aeviewer.gui.relay import run_in_thread
from aeviewer.gui.widgets.controls import RunSettings

if TYPE_CHECKING:
    from aeviewer.gui.main_window import MainWindow


class DataController(QObject):
    """Owns the data set on screen and the one loading."""

    def __init__(self, w: MainWindow) -> None:
        super().__init__(w)
        self.w = w
        self.dataset: Dataset | None = None
        # (key, title, ticket, then) of the load in flight; the last set loaded that way
        self._loading: tuple[tuple[str, ...], str, int, Any] | None = None
        self.kept: tuple[tuple[str, ...], Dataset] | None = None
        #: ``--image-size`` / ``--grey``: how every data set of this window is read.
        self.image_options: dict[str, Any] = {"image_size": None, "grey": False}
        self._load = LatestRequest()  # a newer choice outdates a load still on its way

    def load_selected(self, s: RunSettings) -> Dataset:
        """Load the panel's choice here, in the GUI thread: for the sets that load at once
        (the rest goes through :meth:`request_dataset`)."""
        classes = parse_classes(s.classes) if s.classes else None
        name = None if s.data_path else s.dataset
        return load_dataset(name, path=s.data_path, classes=classes, **self.image_options)

    def set_image_options(self, image_size: int | None, grey: bool) -> None:
        """Read every data set resized to ``image_size`` (NxN) and/or converted to grey."""
        self.image_options = {"image_size": image_size, "grey": bool(grey)}
        self.kept = None

    def selection_key(self, s: RunSettings) -> tuple[str, ...]:
        where = ("path", s.data_path) if s.data_path else ("name", s.dataset)
        return (*where, s.classes, *map(str, self.image_options.values()))

    @staticmethod
    def loads_slowly(s: RunSettings) -> bool:
        """Whether ``s`` loads on a thread: a file or folder, or a set that is downloaded."""
        return loads_slowly(s.dataset, s.data_path)

    def loading(self) -> str | None:
        """The title of the data set loading in a thread, if one is."""
        return self._loading[1] if self._loading is not None else None

    def request(self, s: RunSettings, then: Any) -> Dataset | None:
        """The data set ``s`` names, when it is at hand; else None, and ``then(ds)`` later.

        A set that loads slowly (:meth:`loads_slowly`) is loaded on a daemon thread while the
        window shows "Loading <name>…" and stays usable; the last one loaded is kept, so Start
        does not load it again. A newer request replaces an older one still loading.
        Raises :class:`DatasetError` at once for what fails at once (a bad class list).
        """
        key = self.selection_key(s)
        kept = self.kept
        if kept is not None and kept[0] == key:
            return kept[1]
        if not self.loads_slowly(s):
            return self.load_selected(s)
        loading = self._loading
        if loading is not None and loading[0] == key:
            self._loading = (*loading[:3], then)  # on its way: the latest use wins
            return None
        classes = parse_classes(s.classes) if s.classes else None
        name, path = (None, s.data_path) if s.data_path else (s.dataset, None)
        title = Path(path).name if path else self.w.controls.dataset_title()
        work = functools.partial(  # plain data
            load_dataset, name, path=path, classes=classes, **self.image_options
        )
        token = self._load.new()
        self._loading = (key, title, token, then)
        run_in_thread(
            self, "aeviewer-data", work, lambda ds, error: self.on_loaded(token, ds, error)
        )
        self.w.controls.set_loading(f"Loading {title}…")
        self.w.statusBar().showMessage(f"Loading {title}…")
        return None

    def on_loaded(self, token: int, ds: Dataset | None, error: str) -> None:
        loading = self._loading
        if loading is None or not self._load.is_current(token):
            return  # replaced by a newer choice, or a data set was shown meanwhile
        self.end_loading()
        if error or ds is None:
            self.w.run.pending_start = None  # the Start that waited for it
            self.w.show_error(error or f"could not load {loading[1]}")
            return
        self.kept = (loading[0], ds)
        loading[3](ds)
        if self.w.run.pending_start is not None and self.w.run.tf_ready:
            paused, steps = self.w.run.pending_start
            self.w.run.pending_start = None
            self.w.run.start(paused=paused, steps=steps)

    def end_loading(self) -> None:
        loading = self._loading
        if loading is not None:
            self._loading = None
            self._load.cancel()
            self.w.controls.set_loading(None)
            if self.w.statusBar().currentMessage() == f"Loading {loading[1]}…":
                self.w.statusBar().clearMessage()

    def apply_selected(self, ds: Dataset) -> None:
        """Show a newly chosen data set, or, during a run, say it waits for the next Start:
        the run keeps its data (its codes index it) and its model is untouched."""
        if self.w.run.state.active:
            self.say_next_start(self.w.controls.dataset_title())
            return
        self.show(ds)
        if self.w.run.state.can_start:
            self.w.clear_views()

    def say_next_start(self, title: str) -> None:
        current = self.dataset.name if self.dataset is not None else "the current data"
        message = f"{title} is used from the next Start; training goes on with {current}."
        self.w.controls.set_hint(message)  # and where the eye is (say)

    def show(self, ds: Dataset) -> None:
        self.end_loading()  # a set shown here (Start, a session) outdates a load in flight
        self.dataset = ds
        images = ds.is_image
        for w in (self.w.input_stack, self.w.noise_panel, self.w.gallery, self.w.preview):
            w.setEnabled(images)
        # Colour data: a picture to open takes the grey digit canvas's place.
        colour = ds.channels == 3
        self.w.input_stack.setCurrentWidget(self.w.picture_panel if colour else self.w.canvas_panel)
        self.w.draw_dock.setWindowTitle("Picture" if colour else "Draw")
        self.w.denoise_dock.setVisible(images)  # empty image tiles would say nothing of points
        if not images:
            self.w.gallery.set_placeholder(
                f"{ds.name} holds {ds.input_shape[0]}-D points, not images"
            )
        self.w.run.update_status()

    def on_choice_changed(self) -> None:
        s = self.w.controls.settings()
        if self.w.run.state.active:
            # The run keeps its data (its codes index it): the choice applies at the next
            # Start. A download or a file starts loading now, so that Start is immediate.
            if self.loads_slowly(s):
                with contextlib.suppress(DatasetError):  # Start says what is wrong with it
                    self.request(s, self.apply_selected)
            else:
                self.end_loading()  # an earlier choice still loading is not wanted now
            self.say_next_start(self.w.controls.dataset_title())
            return
        try:
            ds = self.request(s, self.apply_selected)
        except DatasetError as exc:
            self.w.show_error(str(exc))
            return
        if ds is not None:
            self.apply_selected(ds)

    def ask_path(self, folder: bool = False) -> str:
        """The data file (or, with ``folder``, the folder) the user picks; "" when cancelled.

        Tests replace this method, so that no modal dialog opens.
        """
        if folder:
            return QFileDialog.getExistingDirectory(self.w, "Open data folder", "")
        path, _ = QFileDialog.getOpenFileName(
            self.w, "Open data", "", "Data (*.npz *.gz *-ubyte *idx*);;All files (*)"
        )
        return path

    def open_requested(self, folder: bool = False) -> None:
        path = self.ask_path(folder)
        if not path:
            return
        s = dataclasses.replace(self.w.controls.settings(), data_path=path)
        self.kept = None  # read the file again: it may have changed since
        try:  # checked in full before the panel shows the file: a bad one changes nothing
            ds = self.request(s, lambda ds: self.on_opened(path, ds))
        except DatasetError as exc:
            self.w.show_error(str(exc))
            return
        if ds is not None:
            self.on_opened(path, ds)

    def on_opened(self, path: str, ds: Dataset) -> None:
        self.w.controls.blockSignals(True)  # its dataset_changed would load the file again
        try:
            self.w.controls.set_data_path(path)
        finally:
            self.w.controls.blockSignals(False)
        count = f"{ds.n_train + ds.n_val:,} {'images' if ds.is_image else 'samples'}"
        opened = f"Opened {Path(path).name}: {', '.join(filter(None, (count, ds.note)))}"
        if self.w.run.state.active:  # File → Open data works during a run too
            self.say_next_start(Path(path).name)
            self.w.say(f"{opened} (used from the next Start)", 15000)
            return
        self.apply_selected(ds)
        self.w.say(opened, 15000)
