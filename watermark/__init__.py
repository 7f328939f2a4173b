"""watermark: visible and invisible watermarks, and extracting them from a leaked image.

The invisible mark needs numpy, so its names are imported on first use (`_LAZY`): a
server that has marked nothing yet does not load it (idle memory, #9).
"""

import importlib
from typing import TYPE_CHECKING, Any

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

# name -> the module that defines it, imported when the name is first asked for (PEP 562)
_LAZY = {
    "MarkFound": "watermark.fold",
    **dict.fromkeys(("embed_id", "extract_id", "find_mark"), "watermark.invisible"),
    **dict.fromkeys(("extract_file", "mark_file", "mark_image", "open_image", "save_atomically"),
                    "watermark.marking"),
}

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


def __getattr__(name: str) -> Any:
    """A numpy-bound name, imported now that it is needed."""
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_LAZY[name]), name)
