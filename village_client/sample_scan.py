"""A page made up to look like a scanner's (paper grain, a photo, lines of text), for `cunneng selftest` and tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

A4_600_DPI = (4960, 7016)  # a colour A4 page at 600 dpi
FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")


def scan_page(size: tuple[int, int], seed: int = 1, grain: int = 3, title: str = "村能办 扫描件") -> Image.Image:
    """Grainy paper, an ID-card-like photo of noise in the top half, and twelve lines of text."""
    width, height = size
    rng = np.random.default_rng(seed)
    paper = np.uint8(250) - rng.integers(0, grain, (height, width, 3), dtype=np.uint8)
    top, left, side = height // 6, width // 8, min(width, height) // 3
    paper[top:top + side, left:left + side] = rng.integers(0, 256, (side, side, 3), dtype=np.uint8)
    page = Image.fromarray(paper)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(str(FONT), max(12, height // 60)) if FONT.exists() else ImageFont.load_default()
    for line in range(12):
        y = top + side + (line + 1) * height // 30
        draw.text((left, y), f"{title} 第{line + 1}行 ZHAOHUA 0123456789", fill=(25, 25, 25), font=font)
    return page


def write_sample_scan(path: Path, size: tuple[int, int] = A4_600_DPI, quality: int = 85) -> Path:
    """A 600 dpi colour A4 page (4960×7016) as a JPEG of about 3 MB: light enough for a weak link."""
    scan_page(size).save(path, "JPEG", quality=quality, dpi=(600, 600))
    return path
