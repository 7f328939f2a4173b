"""The screen mark: a transparent tile a page lays over a call, a replay or a document, for its viewer.

A photo or screen grab of a page carries whatever the page shows, so the page itself wears
the viewer's mark: the visible lines (name, account, time) tiled faintly, and the hidden id as
a pattern of chips drawn in white or black at a low opacity — over any picture, a white chip
lightens and a black one darkens, so the sign of each chip survives whatever lies beneath.
The chips are larger than on a still (8 px: 4 px after a grab is halved) and the tile repeats
seamlessly (two id tiles a side), so the page can repeat it over the whole screen;
`find_mark` reads it back from the grab as from any marked picture.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PIL import Image

from watermark.tile import TILE_CHIPS, mark_tile, shaped
from watermark.visible import GREY, paste_text

CHIP_PX = 8
TILES = 2  # id tiles a side: 512 px, a multiple of the id tile, so repeating it keeps the lattice
CHIP_OPACITY = 0.02  # ±5 grey levels on mid-tones, -5 on white paper: faint, yet read after JPEG 60 and halving
TEXT_OPACITY = 0.12


def screen_overlay(lines: Sequence[str], mark_id: int) -> Image.Image:
    """The RGBA tile: the id's chips, the viewer's lines over them."""
    chips = np.tile(shaped(mark_tile(mark_id)), (TILES, TILES))
    side = TILE_CHIPS * TILES * CHIP_PX
    stored = Image.fromarray(np.rint((chips + 2.0) * 60.0).astype(np.uint8), "L")  # signed values kept in 0..255
    fine = np.asarray(stored.resize((side, side), Image.Resampling.BILINEAR), np.float32) / 60.0 - 2.0
    white = np.where(fine > 0, 255, 0).astype(np.uint8)
    alpha = np.clip(np.abs(fine) * CHIP_OPACITY * 255.0, 0, 255).astype(np.uint8)
    overlay = Image.fromarray(np.dstack([white, white, white, alpha]), "RGBA")
    return Image.alpha_composite(overlay, _text_layer(lines, (side, side)))


def _text_layer(lines: Sequence[str], size: tuple[int, int]) -> Image.Image:
    """The lines tiled in GREY on a transparent layer (drawn as a mask, so no chip tints them)."""
    mask = Image.new("RGB", size, (0, 0, 0))
    paste_text(mask, lines, colour=(255, 255, 255), opacity=TEXT_OPACITY)
    layer = Image.new("RGBA", size, (*GREY, 0))
    layer.putalpha(mask.getchannel("R"))
    return layer
