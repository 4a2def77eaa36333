"""A folder of small colour pictures in class sub-folders, as a student's photos would be."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image


def colour_folder(root: Path, n: int = 24, side: int = 32) -> Path:
    """``root`` with ``red/`` (squares) and ``blue/`` (discs), ``n`` PNGs each, ``side`` px."""
    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[:side, :side]
    for name, colour in (("red", (220, 40, 30)), ("blue", (30, 60, 220))):
        (root / name).mkdir(parents=True, exist_ok=True)
        for i in range(n):
            img = np.full((side, side, 3), 235, np.uint8)
            c, r = rng.integers(side // 3, 2 * side // 3, 2), int(rng.integers(4, side // 4))
            if name == "red":
                shape = (abs(yy - c[0]) <= r) & (abs(xx - c[1]) <= r)
            else:
                shape = (yy - c[0]) ** 2 + (xx - c[1]) ** 2 <= r * r
            img[shape] = colour
            Image.fromarray(img).save(root / name / f"{i:03d}.png")
    return root
