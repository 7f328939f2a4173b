"""JPEG, PNG and TIFF scans through Pillow: every page decoded in full, bombs and damage refused."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import BinaryIO

from PIL import Image, ImageFile, UnidentifiedImageError

from ..exceptions import CorruptScan, ScanTooLarge
from .formats import ScanFormat

logger = logging.getLogger(__name__)

# A colour A3 page at 600 dpi is 70 megapixels; above this a "scan" is refused before decoding.
MAX_PAGE_PIXELS = 100_000_000
# Pillow raises DecompressionBombError above twice this and warns above it; we refuse above it.
Image.MAX_IMAGE_PIXELS = MAX_PAGE_PIXELS
# A cut-off file must fail, not decode into a grey bottom half.
ImageFile.LOAD_TRUNCATED_IMAGES = False

DECODE_ERRORS = (OSError, SyntaxError, ValueError, IndexError, EOFError, UnidentifiedImageError)


def too_many_pixels(width: int, height: int) -> ScanTooLarge:
    return ScanTooLarge(
        f"图像太大({width}×{height} 像素),超过每页 {MAX_PAGE_PIXELS // 1_000_000} 百万像素的上限,"
        "可能是恶意文件。请用 600 dpi 或更低的分辨率重新扫描。",
        f"The image is {width}×{height} pixels, over the {MAX_PAGE_PIXELS} pixel limit per page "
        "(possibly a decompression bomb).",
    )


def corrupt(detail: object) -> CorruptScan:
    return CorruptScan(
        "文件已损坏或不完整,无法读取。请重新扫描或重新保存后再上传。",
        f"The file is damaged or cut short and cannot be decoded ({detail}).",
    )


def check_pixels(size: tuple[int, int]) -> None:
    width, height = size
    if width * height > MAX_PAGE_PIXELS:
        raise too_many_pixels(width, height)


def open_image(source: BinaryIO, scan_format: ScanFormat) -> Image.Image:
    """The image with only its header read; its size checked before any pixel is decoded."""
    assert scan_format.pillow is not None
    source.seek(0)
    try:
        image = Image.open(source, formats=[scan_format.pillow])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_many_pixels(0, 0) from None
    except DECODE_ERRORS as error:
        raise corrupt(error) from error
    check_pixels(image.size)
    return image


def frame_count(image: Image.Image) -> int:
    """Pages of a multi-page TIFF (1 for everything else)."""
    try:
        return int(getattr(image, "n_frames", 1))
    except DECODE_ERRORS as error:
        raise corrupt(error) from error


def decoded_frame(image: Image.Image, index: int) -> Image.Image:
    """Page `index` decoded completely and made displayable (RGB or greyscale)."""
    try:
        image.seek(index)
        check_pixels(image.size)
        image.load()
        return displayable(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_many_pixels(*image.size) from None
    except DECODE_ERRORS as error:
        raise corrupt(error) from error


def image_pages(source: BinaryIO, scan_format: ScanFormat, max_pages: int) -> Iterator[Image.Image]:
    """Every page, fully decoded: a truncated or damaged file fails here."""
    image = open_image(source, scan_format)
    count = frame_count(image)
    if count > max_pages:
        raise too_many_pages(count, max_pages)
    for index in range(count):
        yield decoded_frame(image, index)


def image_page(source: BinaryIO, scan_format: ScanFormat, index: int) -> Image.Image:
    """One page at full resolution, for the viewer's deepest zoom levels."""
    return decoded_frame(open_image(source, scan_format), index)


def too_many_pages(count: int, max_pages: int) -> ScanTooLarge:
    return ScanTooLarge(
        f"文件有 {count} 页,超过 {max_pages} 页的上限,请分成几个文件上传。",
        f"The file has {count} pages, more than the {max_pages} allowed.",
    )


def displayable(image: Image.Image) -> Image.Image:
    """Greyscale stays greyscale (8-bit), everything else becomes RGB on a white background."""
    if image.mode in ("1", "L"):
        return image.convert("L")
    if image.mode.startswith("I"):  # 16/32-bit greyscale: keep the top 8 bits
        return image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if "A" in image.mode or image.mode == "P" or "transparency" in image.info:
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return image.convert("RGB")
