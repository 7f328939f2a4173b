"""watermark: visible and invisible watermarks, and extracting them from a leaked image.

The invisible mark needs numpy, so its names are imported on first use (lazy_loader): a
server that has marked nothing yet does not load it (idle memory, #9).
"""

from typing import TYPE_CHECKING

import lazy_loader

from watermark.exceptions import (
    EmptyWatermarkText,
    ImageTooSmall,
    MarkIdOutOfRange,
    UnreadableImage,
    UnsupportedFormat,
    UnwritableImage,
    WatermarkError,
)
from watermark.ids import ID_BITS, MAX_MARK_ID
from watermark.visible import GREY, RED, paste_text, tile_text

if TYPE_CHECKING:
    from watermark.fold import MarkFound
    from watermark.invisible import embed_id, extract_id, find_mark
    from watermark.marking import extract_file, mark_file, mark_image, open_image, save_atomically
    from watermark.overlay import screen_overlay

# module -> the names it defines, imported when a name is first asked for (PEP 562)
__getattr__, _, _ = lazy_loader.attach(__name__, submod_attrs={
    "fold": ["MarkFound"],
    "invisible": ["embed_id", "extract_id", "find_mark"],
    "marking": ["extract_file", "mark_file", "mark_image", "open_image", "save_atomically"],
    "overlay": ["screen_overlay"],
})

__all__ = [
    "GREY",
    "ID_BITS",
    "MAX_MARK_ID",
    "RED",
    "EmptyWatermarkText",
    "ImageTooSmall",
    "MarkFound",
    "MarkIdOutOfRange",
    "UnreadableImage",
    "UnsupportedFormat",
    "UnwritableImage",
    "WatermarkError",
    "embed_id",
    "extract_file",
    "extract_id",
    "find_mark",
    "mark_file",
    "mark_image",
    "open_image",
    "paste_text",
    "save_atomically",
    "screen_overlay",
    "tile_text",
]
