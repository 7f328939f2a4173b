"""Marking a picture for one viewer, and reading the mark back from a file.

`mark_image` is what the server calls on every snapshot and document it shows: the
invisible id first (it needs the untouched picture's texture), then the visible text
pasted in place on that new image, so a large page is copied only once.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from watermark.exceptions import UnreadableImage, UnsupportedFormat, UnwritableImage
from watermark.fold import MarkFound
from watermark.invisible import embed_id, find_mark
from watermark.visible import GREY, paste_text, visible_lines

logger = logging.getLogger(__name__)

_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}
_JPEG_QUALITY = 92
_DRAFT_LONG_SIDE = 2048  # JPEG leaks decode at 1/2..1/8 size: chips stay >= 4 pixels


def mark_image(image: Image.Image, lines: Sequence[str], mark_id: int, *,
               colour: tuple[int, int, int] = GREY) -> Image.Image:
    """A copy of `image` with the viewer's text tiled over it and `mark_id` hidden in it."""
    text = visible_lines(lines)  # refuse blank text before the costly part
    marked = embed_id(image, mark_id)
    paste_text(marked, text, colour=colour)
    return marked


def open_image(path: Path, *, draft: bool = False) -> Image.Image:
    """Decode an image file upright (EXIF orientation applied), or raise UnreadableImage."""
    try:
        with Image.open(path) as image:
            if draft and image.format == "JPEG":
                scale = max(image.size) / _DRAFT_LONG_SIDE
                if scale >= 2:
                    image.draft("L", (int(image.width / scale), int(image.height / scale)))
            image.load()
            ImageOps.exif_transpose(image, in_place=True)
            return image
    except (OSError, ValueError, UnidentifiedImageError, Image.DecompressionBombError) as error:
        raise UnreadableImage(f"cannot read image {path}: {error}") from error


def save_atomically(image: Image.Image, path: Path) -> None:
    """Write PNG or JPEG (by extension) to a temporary file beside `path`, then rename."""
    kind = _FORMATS.get(path.suffix.lower())
    if kind is None:
        raise UnsupportedFormat(f"{path}: output must end in .png, .jpg or .jpeg")
    if kind == "JPEG" and image.mode not in ("L", "RGB"):
        image = image.convert("RGB")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as error:
        raise UnwritableImage(f"cannot write {path}: {error}") from error
    try:
        with os.fdopen(handle, "wb") as stream:
            image.save(stream, kind, **({"quality": _JPEG_QUALITY} if kind == "JPEG" else {}))
        os.replace(temporary, path)
    except BaseException as error:
        os.unlink(temporary)
        if isinstance(error, OSError):
            raise UnwritableImage(f"cannot write {path}: {error}") from error
        raise


def mark_file(source: Path, target: Path, lines: Sequence[str], mark_id: int) -> None:
    """Mark the picture in `source` for one viewer and write it to `target` atomically."""
    if target.suffix.lower() not in _FORMATS:
        raise UnsupportedFormat(f"{target}: output must end in .png, .jpg or .jpeg")
    save_atomically(mark_image(open_image(source), lines, mark_id), target)
    logger.info("marked %s -> %s with id %d", source, target, mark_id)


def extract_file(path: Path) -> MarkFound | None:
    """The mark in an image file, or None when it carries none."""
    return find_mark(open_image(path, draft=True))
