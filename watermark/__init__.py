"""watermark: visible and invisible watermarks, and extracting them from a leaked image."""

from watermark.exceptions import (
    EmptyWatermarkText,
    ImageTooSmall,
    MarkIdOutOfRange,
    UnreadableImage,
    UnsupportedFormat,
    UnwritableImage,
    WatermarkError,
)
from watermark.fold import MarkFound
from watermark.invisible import embed_id, extract_id, find_mark
from watermark.marking import extract_file, mark_file, mark_image, open_image, save_atomically
from watermark.payload import ID_BITS, MAX_MARK_ID
from watermark.visible import GREY, RED, paste_text, tile_text

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
    "tile_text",
]
