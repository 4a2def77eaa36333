"""Each preset's extra knob (the control panel's extra box) names a real option, in range."""

from __future__ import annotations

import dataclasses

import pytest

from aeviewer.core.models import PRESETS, ModelOptions, get_preset


@pytest.mark.parametrize("name", [n for n, p in PRESETS.items() if p.knob is not None])
def test_a_knob_names_an_option_whose_default_is_in_its_range(name: str) -> None:
    preset = get_preset(name)
    knob = preset.knob
    assert knob is not None
    assert knob.option in {f.name for f in dataclasses.fields(ModelOptions)}
    value = preset.knob_value(preset.defaults)
    assert value is not None and knob.low <= value <= knob.high
    assert 0 < knob.step <= knob.high - knob.low


def test_the_knobs_of_the_course() -> None:
    knobs = {n: p.knob.option for n, p in PRESETS.items() if p.knob is not None}
    assert knobs == {
        "denoising": "noise_std",
        "sparse": "sparsity_weight",
        "vae": "beta",
        "conv-vae": "beta",
    }


def test_knob_value_reads_the_options_given() -> None:
    vae = get_preset("vae")
    assert vae.knob_value(vae.defaults.updated(beta=3.5)) == 3.5
    stacked = get_preset("stacked")
    assert stacked.knob_value(stacked.defaults) is None
