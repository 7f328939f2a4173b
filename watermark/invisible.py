"""The invisible mark: a tiled spread-spectrum id in the luminance, and reading it back.

Marking works on a coarse grid of chips (4 px on a video still, ~14 px on a 600 dpi page,
so the mark lives in low/mid frequencies that survive JPEG and downscaling): the 32x32
chip tile (see tile.py) repeats over the grid, each chip scaled by how much texture hides
it, and the coarse delta is upsampled and added to every colour channel (which changes the
luminance only).

Reading a leak: find the tile period from the autocorrelation (lattice.py), resample so a
tile is 64x64 samples, fold all tiles onto one, locate the origin with the sync chips and
decode the payload (payload.py), which only yields an id when its CRC-32 matches.
"""

from __future__ import annotations

import logging

import numpy as np
from PIL import Image, ImageChops

from watermark.exceptions import ImageTooSmall
from watermark.filters import residual
from watermark.fold import MarkFound, read_tiles
from watermark.lattice import autocorrelation, candidate_periods, reduction_for
from watermark.modes import eight_bit
from watermark.tile import TILE_CHIPS, mark_tile, shaped

logger = logging.getLogger(__name__)

_MIN_CHIP = 4.0  # pixels: a chip must still span 2 pixels after a 50 % downscale
_CHIPS_ON_LONG_SIDE = 512
_FLAT_STRENGTH, _TEXTURE_GAIN, _MAX_STRENGTH = 2.0, 1.5, 8.0
_PAPER = [255 if value >= 220 else 0 for value in range(256)]  # blank paper, white or nearly


def chip_size(width: int, height: int) -> float:
    """Chip edge in pixels: fixed on small images, growing with the page on large ones."""
    return max(_MIN_CHIP, max(width, height) / _CHIPS_ON_LONG_SIDE)


def embed_id(image: Image.Image, mark_id: int) -> Image.Image:
    """A copy of `image` carrying `mark_id` invisibly in its luminance (L, RGB or RGBA)."""
    image = eight_bit(image)
    width, height = image.size
    chip = chip_size(width, height)
    grid = (round(width / chip), round(height / chip))
    if min(grid) < TILE_CHIPS * 1.5:
        raise ImageTooSmall(f"{width}x{height} is too small to hold the mark")
    # a fast integer box reduction first: a large page is measured at about 2 px per chip
    grey = image.convert("L").reduce(max(1, int(chip / 2)))
    luma = np.asarray(grey.resize(grid, Image.Resampling.BOX), np.float32)
    paper = np.asarray(grey.point(_PAPER).resize(grid, Image.Resampling.BOX), np.float32) / 255
    reps = (-(-grid[1] // TILE_CHIPS), -(-grid[0] // TILE_CHIPS))
    pattern = np.tile(shaped(mark_tile(mark_id)), reps)[: grid[1], : grid[0]]
    strength = _strength(luma, paper)
    delta = strength * pattern + _headroom_shift(luma, strength) + 128.0
    coarse = Image.fromarray(np.rint(delta).clip(0, 255).astype(np.uint8), "L")
    return _add_delta(image, coarse.resize((width, height), Image.Resampling.BILINEAR))


def _strength(luma: np.ndarray, paper: np.ndarray) -> np.ndarray:
    """Per-chip amplitude: faint on paper and on ink next to paper, stronger in textured
    pictures, where the texture hides it."""
    texture = _over_3x3(np.abs(residual(luma, 1)), np.minimum)
    # a quarter of blank paper anywhere around a chip is enough for the mark to show
    hidden = texture * np.clip(1.0 - 4.0 * _over_3x3(paper, np.maximum), 0.0, 1.0)
    return np.clip(_FLAT_STRENGTH + _TEXTURE_GAIN * hidden, _FLAT_STRENGTH, _MAX_STRENGTH)


def _over_3x3(values: np.ndarray, reduce: np.ufunc) -> np.ndarray:
    """`reduce` (minimum or maximum) over each 3x3 neighbourhood."""
    padded = np.pad(values, 1, mode="edge")
    rows, cols = values.shape
    shifted = [padded[dy : dy + rows, dx : dx + cols] for dy in range(3) for dx in range(3)]
    return np.asarray(reduce.reduce(shifted))


def _headroom_shift(luma: np.ndarray, strength: np.ndarray) -> np.ndarray:
    """Shift the mark down on white paper (up on black) so clipping does not cut it in half."""
    return np.maximum(0, strength - luma) - np.maximum(0, luma + strength - 255)


def _add_delta(image: Image.Image, delta: Image.Image) -> Image.Image:
    """Add a signed delta (stored +128 in an L image) to every colour band, clipping."""
    if image.mode == "L":
        return ImageChops.add(image, delta, 1.0, -128)
    colours = image if image.mode == "RGB" else image.convert("RGB")
    marked = ImageChops.add(colours, Image.merge("RGB", [delta] * 3), 1.0, -128)
    if image.mode == "RGBA":
        marked.putalpha(image.getchannel("A"))
    return marked


def find_mark(image: Image.Image) -> MarkFound | None:
    """The mark in `image` with its tile geometry, or None when no valid mark is found."""
    luma = eight_bit(image).convert("L")
    factor = reduction_for(*luma.size)
    reduced = luma.reduce(factor) if factor > 1 else luma
    corr = autocorrelation(np.asarray(reduced, np.float32))
    for candidate in candidate_periods(corr):
        width, height = candidate.x * factor, candidate.y * factor
        found = read_tiles(luma, width, height)
        logger.debug("tile %.2fx%.2f px (lattice %.1f): %s", width, height,
                     candidate.score, found)
        if found is not None:
            return found
    return None


def extract_id(image: Image.Image) -> int | None:
    """The id marked in `image`, or None when it carries no readable mark."""
    found = find_mark(image)
    return None if found is None else found.mark_id
