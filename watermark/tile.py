"""The invisible mark's tile: a 32x32 grid of +1/-1 chips, a quarter sync, the rest payload.

The same tile repeats over the whole image, so any crop larger than a tile holds every chip
at least once. Sync chips are a fixed pseudo-random pattern that locates the tile's origin
in a folded copy; payload chips carry the coded symbols, each spread over 3-4 chips at
scattered places (so a stamp or a block of text never wipes out neighbouring symbols) and
scrambled by a pseudo-random sign.
"""

from __future__ import annotations

import numpy as np

from watermark.filters import cyclic_box_mean
from watermark.payload import CODED_SYMBOLS, encode_id

TILE_CHIPS = 32
_CHIPS = TILE_CHIPS * TILE_CHIPS
_SYNC_CHIPS = _CHIPS // 4
# A fixed seed: the layout is the mark's (public) format, not a secret key.
_layout = np.random.default_rng(0x6D61726B)
_order = _layout.permutation(_CHIPS)
SYNC_POSITIONS = _order[:_SYNC_CHIPS]
PAYLOAD_POSITIONS = _order[_SYNC_CHIPS:]
SYNC_SIGNS = _layout.choice(np.array([-1.0, 1.0]), _SYNC_CHIPS)
PAYLOAD_SIGNS = _layout.choice(np.array([-1.0, 1.0]), _CHIPS - _SYNC_CHIPS)
SYMBOL_OF_CHIP = np.arange(_CHIPS - _SYNC_CHIPS) % CODED_SYMBOLS


def sync_tile() -> np.ndarray:
    """The sync chips alone (payload chips zero), as a 32x32 array."""
    chips = np.zeros(_CHIPS)
    chips[SYNC_POSITIONS] = SYNC_SIGNS
    return chips.reshape(TILE_CHIPS, TILE_CHIPS)


def mark_tile(mark_id: int) -> np.ndarray:
    """The full 32x32 tile of +1/-1 chips carrying `mark_id`."""
    chips = np.empty(_CHIPS)
    chips[SYNC_POSITIONS] = SYNC_SIGNS
    symbols = encode_id(mark_id).astype(np.float64)
    chips[PAYLOAD_POSITIONS] = PAYLOAD_SIGNS * symbols[SYMBOL_OF_CHIP]
    return chips.reshape(TILE_CHIPS, TILE_CHIPS)


def payload_soft_symbols(chips: np.ndarray) -> np.ndarray:
    """Soft coded symbols from estimated chip values of an aligned tile."""
    weights = chips.reshape(-1)[PAYLOAD_POSITIONS] * PAYLOAD_SIGNS
    return np.bincount(SYMBOL_OF_CHIP, weights=weights, minlength=CODED_SYMBOLS)


def shaped(chips: np.ndarray) -> np.ndarray:
    """Chips without their low frequencies (which show most and help detection least)."""
    return chips - cyclic_box_mean(chips, 1)
