"""The small pictures made once when a scan arrives: a thumbnail for the strip, a preview for the viewer."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image

THUMBNAIL_SIDE = 320
PREVIEW_SIDE = 2048  # zoom levels up to this size are cut from the preview, not the full page
PREVIEW_QUALITY = 88
THUMBNAIL_QUALITY = 80


@dataclass(frozen=True)
class PageRendition:
    """One page: its full-resolution size, and its thumbnail and preview as JPEG."""

    width: int
    height: int
    thumbnail: bytes
    preview: bytes
    preview_size: tuple[int, int]


def fitted(size: tuple[int, int], max_side: int) -> tuple[int, int]:
    """The size scaled down (never up) so its longer side is at most max_side."""
    width, height = size
    scale = min(1.0, max_side / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def shrunk(image: Image.Image, max_side: int) -> Image.Image:
    """The image scaled down to fit max_side, sharp (Lanczos after a fast box reduction)."""
    size = fitted(image.size, max_side)
    if size == image.size:
        return image
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def jpeg(image: Image.Image, quality: int = 85) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def make_rendition(full_size: tuple[int, int], image: Image.Image) -> PageRendition:
    """Thumbnail and preview of a page, from the page decoded at full or preview size."""
    preview = shrunk(image, PREVIEW_SIDE)
    thumbnail = shrunk(preview, THUMBNAIL_SIDE)
    return PageRendition(full_size[0], full_size[1], jpeg(thumbnail, THUMBNAIL_QUALITY),
                         jpeg(preview, PREVIEW_QUALITY), preview.size)
