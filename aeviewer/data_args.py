"""The data set the command line names, for the window (app.py) and ``aeviewer train``.

Its own module, below both: the window's start-up must not import the command line
(``cli.py`` imports ``app.py``), and the layers in pyproject.toml say so.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy and the readers load with the first data set, not with the CLI
    from aeviewer.core.datasets import Dataset


def load_data(args: argparse.Namespace, seed: int = 0) -> Dataset:
    """Load what ``--dataset`` / ``--data`` / ``--classes`` / ``--max-samples`` /
    ``--image-size`` / ``--grey`` ask for (the options ``cli.add_data_arguments`` defines);
    the bundled MNIST test set when none is given.

    Raises
    ------
    DatasetError
        One line naming the file or data set and the problem.
    """
    from aeviewer.core.datasets import DEFAULT_DATASET, load_dataset, parse_classes

    classes = parse_classes(args.classes) if args.classes is not None else None
    return load_dataset(
        args.dataset or DEFAULT_DATASET,
        path=args.data,
        classes=classes,
        max_train=args.max_samples,
        seed=seed,
        image_size=args.image_size,
        grey=args.grey,
    )
