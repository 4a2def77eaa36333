"""Corrupt an input, reconstruct it with a weight snapshot, and measure both against the clean."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from aeviewer.core import noise
from aeviewer.core.inference import ModelSnapshot


@dataclass(frozen=True)
class DenoiseResult:
    clean: np.ndarray
    noisy: np.ndarray
    reconstruction: np.ndarray | None
    code: np.ndarray | None  # latent code of the noisy input (what the reconstruction decodes)
    noisy_mse: float
    reconstruction_mse: float | None
    clean_code: np.ndarray | None = None  # latent code of the clean input (where it belongs)

    def noisy_text(self) -> str:
        return error_text(self.clean, self.noisy)

    def reconstruction_text(self) -> str:
        return "" if self.reconstruction is None else error_text(self.clean, self.reconstruction)


def error_text(clean: np.ndarray, other: np.ndarray) -> str:
    """``"PSNR 15.1 dB"`` of ``other`` against ``clean`` (short enough for a tile caption;
    :func:`error_details` has the MSE too)."""
    psnr = noise.psnr(clean, other)
    # Short: it is a tile's caption ("PSNR ∞ (identical)" was cut at 1080p).
    return "PSNR ∞ (same)" if not np.isfinite(psnr) else f"PSNR {psnr:.1f} dB"


def error_details(clean: np.ndarray, other: np.ndarray) -> str:
    """``"MSE 0.031, PSNR 15.1 dB"``."""
    return f"MSE {noise.mse(clean, other):.4f}, {error_text(clean, other)}"


def corrupt_batch(
    x: np.ndarray, gaussian_std: float, mask_rate: float, salt_pepper: float, seed: int = 0
) -> np.ndarray:
    """The same corruption the sliders apply, for a batch (gallery samples)."""
    return noise.corrupt(
        x, gaussian_std=gaussian_std, mask_rate=mask_rate, salt_pepper=salt_pepper, seed=seed
    )


def denoise(
    clean: np.ndarray,
    snapshot: ModelSnapshot | None,
    gaussian_std: float = 0.0,
    mask_rate: float = 0.0,
    salt_pepper: float = 0.0,
    seed: int = 0,
) -> DenoiseResult:
    """Corrupt ``clean`` (one ``(H, W)`` or ``(H, W, 3)`` image) and reconstruct the corrupted
    version.

    The result holds both codes: the noisy input's, which the reconstruction decodes, and the
    clean input's, which marks in the latent space where the drawing itself lands.
    """
    clean = np.asarray(clean, dtype=np.float32)
    noisy = corrupt_batch(clean, gaussian_std, mask_rate, salt_pepper, seed)
    if snapshot is None:
        return DenoiseResult(clean, noisy, None, None, noise.mse(clean, noisy), None)
    if np.array_equal(noisy, clean):  # no noise (each move of a stroke): one code
        code = clean_code = snapshot.encoder(clean[None])[0]
    else:
        codes = snapshot.encoder(np.stack([noisy, clean]))  # one pass for both
        code, clean_code = codes[0], codes[1]
    rec = snapshot.decoder(code)
    return DenoiseResult(
        clean, noisy, rec, code, noise.mse(clean, noisy), noise.mse(clean, rec), clean_code
    )
