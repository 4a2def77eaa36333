"""The app's window hook: how ``aeviewer bench`` installs its start-up probe without the app
importing the bench (the probe's own run: tests/bench/test_bench.py, the startup rows)."""

from __future__ import annotations

import pytest

import aeviewer.core.errors
from aeviewer.app import WINDOW_HOOK_ENV, run_window_hook
from aeviewer.bench.probe import HOOK, install


def test_the_hook_named_is_called_with_the_window(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    monkeypatch.setattr(aeviewer.core.errors, "_test_hook", calls.append, raising=False)
    monkeypatch.setenv(WINDOW_HOOK_ENV, "aeviewer.core.errors:_test_hook")
    window = object()
    run_window_hook(window)
    assert calls == [window]


def test_no_hook_set_calls_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(WINDOW_HOOK_ENV, raising=False)
    run_window_hook(object())  # would raise on an object without a window's methods


@pytest.mark.parametrize("spec", ["os:system", "aeviewer.bench.probe", "aeviewer.x:a.b", ":f"])
def test_a_hook_outside_aeviewer_or_malformed_is_refused(
    spec: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(WINDOW_HOOK_ENV, spec)
    with pytest.raises(ValueError, match=WINDOW_HOOK_ENV):
        run_window_hook(object())


def test_the_probe_names_itself_as_the_hook() -> None:
    module, _, name = HOOK.partition(":")
    assert (module, name) == (install.__module__, install.__name__)
