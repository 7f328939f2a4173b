"""The visible mark: who viewed it, for which case and when, tiled over the whole picture.

A photo of a screen defeats any invisible mark, so this is the main deterrent (明水印).
The text block is rendered and rotated once, then pasted on a lattice laid out in the
text's own (rotated) frame, so copies never overlap and cover every part of the picture.
Dark letters with a light halo, both faint, stay readable on white paper and on a dark
video still while the document underneath stays legible.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

from watermark.exceptions import EmptyWatermarkText, ImageTooSmall
from watermark.modes import eight_bit

CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
GREY = (70, 70, 70)
RED = (200, 20, 20)
_HALO = (255, 255, 255)
_ANGLE = 30.0  # degrees; the text rises to the right
_MIN_FONT_PX = 18
_STRIPS = 12


@dataclass(frozen=True)
class TextTile:
    """One rendered, rotated copy of the text (RGBA) and the lattice steps between copies."""

    image: Image.Image
    along: tuple[float, float]
    across: tuple[float, float]

    def pieces(self) -> list[tuple[int, int, Image.Image, Image.Image]]:
        """The tile cut in strips trimmed to their text (offset, colours, opacity), so
        pasting skips the empty corners."""
        width, height = self.image.size
        step = max(1, height // _STRIPS)
        strips = []
        for top in range(0, height, step):
            strip = self.image.crop((0, top, width, min(top + step, height)))
            box = strip.getchannel("A").getbbox()
            if box is not None:
                strip = strip.crop(box)
                strips.append((box[0], top + box[1], strip.convert("RGB"), strip.getchannel("A")))
        return strips


def tile_text(image: Image.Image, lines: Sequence[str], *, colour: tuple[int, int, int] = GREY,
              opacity: float = 0.22) -> Image.Image:
    """A copy of `image` with `lines` tiled diagonally over it, faint enough to read through."""
    marked = eight_bit(image)
    marked = image.copy() if marked is image else marked
    paste_text(marked, lines, colour=colour, opacity=opacity)
    return marked


def paste_text(image: Image.Image, lines: Sequence[str], *, colour: tuple[int, int, int] = GREY,
               opacity: float = 0.22) -> None:
    """Tile `lines` over `image` in place (L, RGB or RGBA), saving a copy of a large page."""
    text = visible_lines(lines)
    if min(image.size) < 2 * _MIN_FONT_PX:
        raise ImageTooSmall(f"{image.width}x{image.height} is too small for visible text")
    tile = render_tile(text, font_size_for(image.size), colour, opacity)
    pieces = tile.pieces()
    for left, top in lattice_positions(image.size, tile):
        for dx, dy, colours, opacity_mask in pieces:
            # pasting colours (not RGBA) keeps an opaque picture opaque under the text
            image.paste(colours, (left + dx, top + dy), opacity_mask)


def visible_lines(lines: Sequence[str]) -> list[str]:
    """The non-blank lines, stripped; refuses a mark without any text."""
    text = [line.strip() for line in lines if line.strip()]
    if not text:
        raise EmptyWatermarkText("a visible watermark needs at least one line of text")
    return text


def font_size_for(size: tuple[int, int]) -> int:
    """Letter size in pixels: 1/34 of the short side (~6 mm on any A4 scan), at least 18."""
    return max(_MIN_FONT_PX, round(min(size) / 34))


def render_tile(lines: Sequence[str], font_px: int, colour: tuple[int, int, int],
                opacity: float) -> TextTile:
    """Render the text block once: letters in `colour` inside a thin light halo, rotated."""
    font = ImageFont.truetype(CJK_FONT, font_px)
    text, spacing, halo = "\n".join(lines), font_px // 3, max(1, font_px // 14)
    probe = ImageDraw.Draw(Image.new("L", (1, 1)))
    box = probe.multiline_textbbox((0, 0), text, font=font, spacing=spacing, stroke_width=halo)
    left, top, right, bottom = math.floor(box[0]), math.floor(box[1]), *map(math.ceil, box[2:])
    size = (right - left + 2 * halo, bottom - top + 2 * halo)
    origin = (halo - left, halo - top)
    letters, coverage = Image.new("L", size), Image.new("L", size)
    # both drawn with the stroke, since it also changes the line layout
    for mask, stroke in ((letters, 0), (coverage, 255)):
        ImageDraw.Draw(mask).multiline_text(origin, text, fill=255, font=font, spacing=spacing,
                                            stroke_width=halo, stroke_fill=stroke)
    letters, coverage = (mask.rotate(_ANGLE, Image.Resampling.BILINEAR, expand=True)
                         for mask in (letters, coverage))
    block = Image.new("RGBA", letters.size, _HALO + (0,))
    block.paste(colour, (0, 0), letters)
    block.putalpha(coverage.point([round(v * opacity) for v in range(256)]))
    gap = font_px * 2.5
    return TextTile(
        image=block,
        along=_rotated(size[0] + gap, 0.0),
        across=_rotated((size[0] + gap) / 2, size[1] + gap),
    )


def _rotated(x: float, y: float) -> tuple[float, float]:
    """A vector of the text's frame in image coordinates (y down, text rising rightwards)."""
    angle = math.radians(_ANGLE)
    return (x * math.cos(angle) + y * math.sin(angle), -x * math.sin(angle) + y * math.cos(angle))


def lattice_positions(size: tuple[int, int], tile: TextTile) -> list[tuple[int, int]]:
    """Top-left corners of every tile copy that touches an image of `size`."""
    width, height = size
    tile_w, tile_h = tile.image.size
    reach = math.hypot(width, height) / min(math.hypot(*tile.along), math.hypot(*tile.across))
    steps = range(-int(reach) - 1, int(reach) + 2)
    positions = []
    for i in steps:
        for j in steps:
            x = width / 2 + i * tile.along[0] + j * tile.across[0] - tile_w / 2
            y = height / 2 + i * tile.along[1] + j * tile.across[1] - tile_h / 2
            if -tile_w < x < width and -tile_h < y < height:
                positions.append((round(x), round(y)))
    return positions
