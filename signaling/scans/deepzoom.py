"""Deep Zoom (DZI) geometry: the pyramid of levels and tiles OpenSeadragon asks for.

Level L of an image W×H has size ceil(W / 2^(max−L)) × ceil(H / 2^(max−L)), where
max = ceil(log2(max(W, H))) is the full-resolution level. Tiles are TILE_SIZE square plus
OVERLAP pixels shared with each neighbour, so seams do not show while zooming.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..exceptions import NotFound

TILE_SIZE = 254  # 254 + 2 × 1 overlap = 256-pixel tiles
OVERLAP = 1
FORMAT = "jpg"


@dataclass(frozen=True)
class DeepZoom:
    """The pyramid of one page."""

    width: int
    height: int

    @property
    def max_level(self) -> int:
        return math.ceil(math.log2(max(self.width, self.height, 1)))

    def level_size(self, level: int) -> tuple[int, int]:
        scale = 2 ** (self.max_level - level)
        return math.ceil(self.width / scale), math.ceil(self.height / scale)

    def tile_box(self, level: int, column: int, row: int) -> tuple[int, int, int, int]:
        """The tile's pixels in its level (left, top, right, bottom), or NotFound outside the pyramid."""
        if not 0 <= level <= self.max_level:
            raise NotFound("没有这一缩放级别。", f"No level {level}.")
        width, height = self.level_size(level)
        left, top = column * TILE_SIZE, row * TILE_SIZE
        if column < 0 or row < 0 or left >= width or top >= height:
            raise NotFound("没有这一图块。", f"No tile {column}_{row} at level {level}.")
        return (max(0, left - OVERLAP), max(0, top - OVERLAP),
                min(width, left + TILE_SIZE + OVERLAP), min(height, top + TILE_SIZE + OVERLAP))

    def descriptor(self) -> str:
        """The .dzi XML."""
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<Image xmlns="http://schemas.microsoft.com/deepzoom/2008" Format="{FORMAT}" '
            f'Overlap="{OVERLAP}" TileSize="{TILE_SIZE}"><Size Width="{self.width}" Height="{self.height}"/></Image>\n'
        )
