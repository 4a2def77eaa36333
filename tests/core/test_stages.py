"""Stage titles and their short marker labels (core.stages): no TensorFlow needed."""

from __future__ import annotations

import subprocess
import sys

from aeviewer.core.stages import MAIN_STAGE_TITLE, stage_heading, stage_label


def test_markers_get_short_labels_from_the_stage_titles() -> None:
    title = f"{stage_heading(2, 3)}: a shallow autoencoder 100 → 30 → 100, on the codes of stage 1"
    assert stage_heading(2, 3) == "Stage 2 of 3"
    assert stage_label(title) == "stage 2"
    assert stage_label(stage_heading(1, 3)) == "stage 1"  # as a saved session keeps it
    assert stage_label(MAIN_STAGE_TITLE) == "fine-tuning"
    assert stage_label("Training") == "training"
    assert stage_label("") == ""


def test_the_loss_plot_gets_its_labels_without_tensorflow() -> None:
    # The loss plot imports core.stages at start-up; core.greedy, where the titles are made,
    # imports Keras: the labels must not pull it in.
    code = "import sys, aeviewer.gui.widgets.loss_plot; print('keras' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
