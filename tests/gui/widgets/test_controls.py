"""ControlPanel.set_settings: the panel set from code, with the signals a user's change emits."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from aeviewer.core.models import get_preset
from aeviewer.gui.widgets.controls import ControlPanel

SIGNALS = (
    "preset_changed",
    "dataset_changed",
    "model_settings_changed",
    "learning_rate_changed",
)


@pytest.fixture
def panel(qtbot: Any) -> ControlPanel:
    p = ControlPanel()
    qtbot.addWidget(p)
    return p


@pytest.fixture
def emitted(panel: ControlPanel) -> list[tuple[str, tuple[Any, ...]]]:
    """Every signal of :data:`SIGNALS` the panel emits from here on, in order, with its args."""
    seen: list[tuple[str, tuple[Any, ...]]] = []

    def record(name: str) -> Callable[..., None]:
        return lambda *args: seen.append((name, args))

    for name in SIGNALS:
        getattr(panel, name).connect(record(name))
    return seen


def names(emitted: list[tuple[str, tuple[Any, ...]]]) -> list[str]:
    return [name for name, _ in emitted]


def test_a_new_preset_comes_first_then_the_values_given(
    panel: ControlPanel, emitted: list[tuple[str, tuple[Any, ...]]]
) -> None:
    assert panel.preset() != "vae"
    panel.set_settings(
        preset="vae", epochs=7, latent_dim=3, batch_size=40, learning_rate=1e-3, extra=2.5
    )
    s = panel.settings()
    assert (s.preset, s.epochs, s.latent_dim, s.batch_size) == ("vae", 7, 3, 40)
    assert s.learning_rate == pytest.approx(1e-3)
    assert s.extra == ("beta", pytest.approx(2.5))
    assert panel.extra_label.text() == get_preset("vae").knob.label  # type: ignore[union-attr]
    assert ("preset_changed", ("vae",)) in emitted
    assert ("learning_rate_changed", (pytest.approx(1e-3),)) in emitted
    # The preset's own defaults do not reach the trainer as a live learning-rate change.
    assert [a for n, a in emitted if n == "learning_rate_changed"] == [(pytest.approx(1e-3),)]


def test_a_new_preset_alone_resets_the_boxes_to_its_defaults(panel: ControlPanel) -> None:
    panel.set_settings(preset="stacked", latent_dim=5, batch_size=99)
    panel.set_settings(preset="vae")
    d = get_preset("vae").defaults
    s = panel.settings()
    assert (s.latent_dim, s.batch_size) == (d.latent_dim, d.batch_size)
    assert s.extra == ("beta", pytest.approx(d.beta))


def test_the_preset_shown_again_keeps_the_boxes_and_emits_nothing_for_itself(
    panel: ControlPanel, emitted: list[tuple[str, tuple[Any, ...]]]
) -> None:
    panel.set_settings(preset="stacked", batch_size=99)
    emitted.clear()
    panel.set_settings(preset="stacked", latent_dim=4)
    s = panel.settings()
    assert (s.latent_dim, s.batch_size) == (4, 99)
    assert names(emitted) == ["model_settings_changed"]  # the latent dim's, not a preset's


def test_nothing_given_changes_nothing(
    panel: ControlPanel, emitted: list[tuple[str, tuple[Any, ...]]]
) -> None:
    before = panel.settings()
    panel.set_settings()
    assert panel.settings() == before and emitted == []


def test_values_the_boxes_already_show_emit_nothing(
    panel: ControlPanel, emitted: list[tuple[str, tuple[Any, ...]]]
) -> None:
    s = panel.settings()
    panel.set_settings(
        dataset=s.dataset,
        classes=s.classes,
        preset=s.preset,
        latent_dim=s.latent_dim,
        learning_rate=s.learning_rate,
    )
    assert emitted == []


def test_the_data_set_changes_after_the_classes(
    panel: ControlPanel, emitted: list[tuple[str, tuple[Any, ...]]]
) -> None:
    """The window loads the data set on dataset_changed, with the classes of the panel."""
    classes_then: list[str] = []
    panel.dataset_changed.connect(lambda: classes_then.append(panel.settings().classes))
    panel.set_settings(dataset="synthetic3d", classes="1,5,6")
    assert panel.settings().dataset == "synthetic3d"
    assert names(emitted) == ["model_settings_changed", "dataset_changed"]
    assert classes_then == ["1,5,6"]


def test_a_data_path_is_chosen_in_place_of_the_data_set(
    panel: ControlPanel, emitted: list[tuple[str, tuple[Any, ...]]], tmp_path: Path
) -> None:
    first, second = str(tmp_path / "a.npz"), str(tmp_path / "b.npz")
    panel.set_settings(dataset="mnist", data_path=first)
    s = panel.settings()
    assert (s.dataset, s.data_path) == ("file", first)
    assert panel.dataset_title() == "a.npz"
    assert names(emitted) == ["dataset_changed"]
    # Another file while the file entry is chosen: the box's index stays, the data changes.
    panel.set_settings(data_path=second)
    assert panel.settings().data_path == second and panel.dataset_title() == "b.npz"
    assert names(emitted) == ["dataset_changed"] * 2
    panel.set_settings(data_path=second)  # the same file again: nothing new
    assert names(emitted) == ["dataset_changed"] * 2


def test_an_empty_data_path_takes_the_file_out_of_the_box(
    panel: ControlPanel, emitted: list[tuple[str, tuple[Any, ...]]], tmp_path: Path
) -> None:
    panel.set_settings(data_path=str(tmp_path / "a.npz"))
    panel.set_settings(data_path="", dataset="digits")
    s = panel.settings()
    assert (s.dataset, s.data_path) == ("digits", None)
    assert panel.dataset_combo.findData("file") < 0
    assert names(emitted) == ["dataset_changed"] * 2


def test_extra_is_ignored_for_a_preset_without_a_knob(panel: ControlPanel) -> None:
    panel.set_settings(preset="stacked", extra=0.7)
    assert get_preset("stacked").knob is None
    assert panel.settings().extra is None
    assert panel.extra_spin.isHidden()
    panel.set_settings(preset="denoising", extra=0.7)
    assert panel.settings().extra == ("noise_std", pytest.approx(0.7))
    assert not panel.extra_spin.isHidden()


@pytest.mark.parametrize(
    "bad", [{"preset": "nope", "latent_dim": 3}, {"dataset": "nope", "latent_dim": 3}]
)
def test_an_unknown_name_changes_nothing(panel: ControlPanel, bad: dict[str, Any]) -> None:
    before = panel.settings()
    with pytest.raises(ValueError, match="nope"):
        panel.set_settings(**bad)
    assert panel.settings() == before


def test_a_long_hint_scrolls_the_panel_and_never_asks_for_more_room(qtbot: Any) -> None:
    """The window plans its docks by the panel's size hint: a six-line message (an error, an
    opened model) must not make it re-plan them (it had tabbed the denoising strip)."""
    panel = ControlPanel()
    qtbot.addWidget(panel)
    panel.resize(320, 600)
    panel.show()
    panel.set_hint("Done.")
    one_line = panel.sizeHint().height()
    panel.set_hint("A long message that wraps onto many lines in a narrow panel. " * 6)
    qtbot.waitUntil(lambda: panel.hint.height() > 3 * panel.hint.fontMetrics().lineSpacing())
    assert panel.sizeHint().height() == one_line
    panel.set_hint("")
    assert panel.sizeHint().height() <= one_line
