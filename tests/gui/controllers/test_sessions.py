"""Sessions come back exactly: the PCA plane's orientation, the chosen epoch, the decoded
point, in saved sessions and in autosaves."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from windows import TIMEOUT, open_window

from aeviewer.core.datasets import Dataset
from aeviewer.gui.main_window import MainWindow


@pytest.fixture
def trained(qtbot, tiny: Dataset, tmp_path: Path, monkeypatch) -> Iterator[MainWindow]:
    monkeypatch.setenv("AEVIEWER_AUTOSAVE_DIR", str(tmp_path / "autosaves"))
    w = open_window(qtbot, tiny)
    w.controls.set_preset("stacked")
    w.controls.latent_spin.setValue(6)  # codes shown through PCA
    w.controls.batch_spin.setValue(32)
    w.controls.epochs_spin.setValue(3)
    w.run.start()
    qtbot.waitUntil(lambda: w.run.state == "finished", timeout=TIMEOUT)
    yield w
    w.close()


@pytest.mark.parametrize("mirror", [(1, 1), (-1, 1), (1, -1), (-1, -1)])
def test_pca_orientation_epoch_and_decoded_point_come_back(
    trained: MainWindow, qtbot, tiny: Dataset, tmp_path: Path, mirror: tuple[int, int]
) -> None:
    w = trained
    w.timeline.select(2)
    proj = w.latent.state.projection
    assert proj is not None and proj.kind == "pca"
    # Whatever the axes' signs on screen (a live run keeps them from epoch to epoch), the
    # reopened session shows the same picture, not a refit's mirror image.
    signs = np.asarray(mirror, np.float32)[:, None]
    w.latent.state.projection = dataclasses.replace(proj, components=proj.components * signs)
    w.latent_view.set_click_marker(0.5, -0.25)
    shown = w.latent.decode_point(0.5, -0.25)
    assert shown is not None
    path = tmp_path / "lecture.aevsession"
    w.sessions.save(path)
    qtbot.waitUntil(path.exists, timeout=TIMEOUT)
    other = open_window(qtbot, tiny)
    try:
        assert other.sessions.open(path)
        assert other.timeline.current() == 2
        assert other.latent.state.projection is not None
        np.testing.assert_allclose(
            other.latent.state.projection.components,
            w.latent.state.projection.components,
            atol=1e-5,
        )
        assert other.latent.clicked_point == (0.5, -0.25)
        image = other.preview.image()
        assert image is not None
        np.testing.assert_allclose(image, shown, atol=1e-5)
    finally:
        other.close()


def test_an_autosave_keeps_what_the_views_showed(trained: MainWindow, qtbot) -> None:
    from aeviewer.core.session import load_session

    w = trained
    qtbot.waitUntil(w.sessions.autosaver.idle, timeout=30_000)
    assert w.sessions.autosaver.saves >= 1
    view = load_session(w.sessions.autosaver.path())[0].settings["view"]
    assert w.latent.state.projection is not None
    np.testing.assert_allclose(view["pca_axes"], w.latent.state.projection.components, atol=1e-6)
    assert view["epoch"] == 0 and view["point"] is None
