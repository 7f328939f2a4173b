"""Reading the tile back: fold a leak on its tile period, find the origin, decode the id.

Given the tile period (lattice.py), the leak is resampled so that one tile is 64x64 samples
(2 per chip), its weighted residual is averaged over all tiles into one folded tile, and the
sync chips' expected response is correlated with it at every cyclic offset (an FFT). The
best offset aligns the payload chips, whose matched-filter values feed the decoder.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from watermark.filters import cyclic_box_mean, weighted_residual
from watermark.payload import decode_id
from watermark.tile import TILE_CHIPS, payload_soft_symbols, shaped, sync_tile

SAMPLES = 2 * TILE_CHIPS
# On unmarked pictures the best of 4096 offsets reaches ~4-4.7 deviations; readable marks
# score 7 or more. Only folds above this are decoded, and the CRC-32 rejects what noise
# gets through (2**-32 per decode), so a wrong id is practically impossible.
MIN_SYNC_SCORE = 5.0


@dataclass(frozen=True)
class MarkFound:
    """An id read from an image, with the tile geometry it was read at (for the auditor)."""

    mark_id: int
    tile_width: float
    tile_height: float
    sync_score: float


def read_tiles(luma: Image.Image, tile_width: float, tile_height: float) -> MarkFound | None:
    """The id in `luma` if its tiles are `tile_width` x `tile_height` pixels, else None."""
    if min(luma.width / tile_width, luma.height / tile_height) < 1:
        return None
    folded = fold(luma, tile_width, tile_height)
    origin, score = locate_sync(folded)
    if score < MIN_SYNC_SCORE:
        return None
    mark_id = decode_id(payload_soft_symbols(chip_values(aligned(folded, origin))))
    if mark_id is None:
        return None
    return MarkFound(mark_id, tile_width, tile_height, score)


def fold(luma: Image.Image, tile_width: float, tile_height: float) -> np.ndarray:
    """Resample to 64x64 samples a tile and average every tile's weighted residual onto one."""
    width, height = luma.size
    size = (int(width * SAMPLES / tile_width), int(height * SAMPLES / tile_height))
    box = (0.0, 0.0, size[0] * tile_width / SAMPLES, size[1] * tile_height / SAMPLES)
    samples = np.asarray(luma.resize(size, Image.Resampling.BOX, box=box), np.float32)
    rows, cols = -(-size[1] // SAMPLES) * SAMPLES, -(-size[0] // SAMPLES) * SAMPLES
    padded = np.zeros((2, rows, cols), np.float32)
    padded[0, : size[1], : size[0]] = weighted_residual(samples)
    padded[1, : size[1], : size[0]] = 1.0
    total, counts = padded.reshape(2, rows // SAMPLES, SAMPLES, cols // SAMPLES, SAMPLES).sum(
        axis=(1, 3))
    return total / np.maximum(counts, 1.0)


def response(chips: np.ndarray) -> np.ndarray:
    """How 32x32 chips show up in a folded residual: shaped, upsampled, high-passed."""
    samples = shaped(chips)
    for axis in (0, 1):
        before, after = np.roll(samples, 1, axis), np.roll(samples, -1, axis)
        samples = np.stack([0.75 * samples + 0.25 * before, 0.75 * samples + 0.25 * after],
                           axis=axis + 1).reshape(
            [SAMPLES if a == axis else n for a, n in enumerate(samples.shape)])
    return samples - cyclic_box_mean(samples, 2)


def _unit_chip() -> np.ndarray:
    """A tile with a single +1 chip at the origin."""
    chips = np.zeros((TILE_CHIPS, TILE_CHIPS))
    chips[0, 0] = 1.0
    return chips


_SYNC_SPECTRUM = np.conj(np.fft.rfft2(response(sync_tile())))
_CHIP_SPECTRUM = np.conj(np.fft.rfft2(response(_unit_chip())))


def locate_sync(folded: np.ndarray) -> tuple[tuple[float, float], float]:
    """Tile origin in the folded tile (to a fraction of a sample) and how far the sync peak
    stands above the other offsets, in standard deviations."""
    corr = np.fft.irfft2(np.fft.rfft2(folded) * _SYNC_SPECTRUM, s=folded.shape)
    row, col = np.unravel_index(int(np.argmax(corr)), corr.shape)
    score = (float(corr[row, col]) - float(corr.mean())) / (float(corr.std()) + 1e-12)
    across = np.roll(corr[row, :], -col)[[-1, 0, 1]]
    down = np.roll(corr[:, col], -row)[[-1, 0, 1]]
    return (row + _vertex(down), col + _vertex(across)), score


def _vertex(values: np.ndarray) -> float:
    """Offset of the top of a parabola through three neighbouring samples."""
    bend = values[0] - 2 * values[1] + values[2]
    return float(np.clip(0.5 * (values[0] - values[2]) / bend, -0.5, 0.5)) if bend < 0 else 0.0


def aligned(folded: np.ndarray, origin: tuple[float, float]) -> np.ndarray:
    """The folded tile shifted so its origin is at sample (0, 0); fractions by an FFT."""
    rows = np.fft.fftfreq(folded.shape[0])[:, None]
    cols = np.fft.rfftfreq(folded.shape[1])[None, :]
    phase = np.exp(2j * np.pi * (rows * origin[0] + cols * origin[1]))
    return np.fft.irfft2(np.fft.rfft2(folded) * phase, s=folded.shape)


def chip_values(tile: np.ndarray) -> np.ndarray:
    """Matched-filter estimate of each chip of an aligned folded tile (32x32)."""
    corr = np.fft.irfft2(np.fft.rfft2(tile) * _CHIP_SPECTRUM, s=tile.shape)
    return corr[::2, ::2]
