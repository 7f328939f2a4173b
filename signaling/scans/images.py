"""Pictures through Pillow: every picture the server decodes has its size read from the header and
checked against an explicit pixel limit first (`picture_header`); scans then decode every page in
full, refusing damage and truncation.

Each entry point names its limit: a scan page (MAX_PAGE_PIXELS), a leaked picture to trace
(api/oversight.py), a still (marks/pictures.py); the seal has its own in eseal/seal.py. Pillow's
own MAX_IMAGE_PIXELS only warns below twice its value, so it is a backstop, not the limit.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from typing import BinaryIO

from PIL import Image, ImageFile, UnidentifiedImageError

from ..exceptions import CorruptScan, ScanTooLarge
from .formats import ScanFormat

logger = logging.getLogger(__name__)

# A colour A3 page at 600 dpi is 70 megapixels; above this a "scan" is refused before decoding.
MAX_PAGE_PIXELS = 100_000_000
# Pillow's backstop for pictures opened elsewhere: it raises DecompressionBombError above twice this.
Image.MAX_IMAGE_PIXELS = MAX_PAGE_PIXELS
# A cut-off file must fail, not decode into a grey bottom half.
ImageFile.LOAD_TRUNCATED_IMAGES = False

DECODE_ERRORS = (OSError, SyntaxError, ValueError, IndexError, EOFError, UnidentifiedImageError)


class TooManyPixels(Exception):
    """The header announces more pixels than allowed (size None: Pillow refused it as a bomb first)."""

    def __init__(self, size: tuple[int, int] | None, limit: int) -> None:
        super().__init__(f"{size} over {limit} pixels")
        self.size, self.limit = size, limit

    def words(self) -> tuple[str, str]:
        """What is wrong, in Chinese and English, for the entry point's own error."""
        megapixels = f"{self.limit / 1_000_000:g}"
        if self.size is None:
            return (f"图像的像素远超 {megapixels} 百万像素的上限", f"the image has far more than {self.limit} pixels")
        width, height = self.size
        return (f"图像太大({width}×{height} 像素),超过 {megapixels} 百万像素的上限",
                f"the image is {width}×{height} pixels, over the {self.limit} pixel limit")


class NotAPicture(Exception):
    """Pillow cannot read the file as a picture; the message says why in words."""


def picture_header(source: BinaryIO, max_pixels: int, formats: list[str] | None = None) -> Image.Image:
    """The picture with only its header read, once its size is within max_pixels; no pixel is decoded."""
    source.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # checked explicitly below
            image = Image.open(source, formats=formats)
    except Image.DecompressionBombError:
        raise TooManyPixels(None, max_pixels) from None
    except UnidentifiedImageError:
        raise NotAPicture("not a picture format that can be read") from None
    except DECODE_ERRORS as error:
        logger.info("unreadable picture: %s", error)
        raise NotAPicture("the picture's header is damaged") from None
    width, height = image.size
    if width * height > max_pixels:
        image.close()
        raise TooManyPixels((width, height), max_pixels)
    return image


def too_many_pixels(size: tuple[int, int] | None) -> ScanTooLarge:
    zh, en = TooManyPixels(size, MAX_PAGE_PIXELS).words()
    return ScanTooLarge(
        f"{zh}(每页),可能是恶意文件。请用 600 dpi 或更低的分辨率重新扫描。",
        f"The scan is too large: {en} per page (possibly a decompression bomb).",
    )


def corrupt(detail: object) -> CorruptScan:
    """Said in words: the decoder's own text (file objects, offsets) goes to the log only."""
    logger.info("scan does not decode: %s", detail)
    what = "is truncated (cut short)" if "truncated" in str(detail).lower() else "is damaged"
    return CorruptScan(
        "文件已损坏或不完整,无法读取。请重新扫描或重新保存后再上传。",
        f"The file {what} and cannot be decoded: scan or save it again.",
    )


def check_pixels(size: tuple[int, int]) -> None:
    width, height = size
    if width * height > MAX_PAGE_PIXELS:
        raise too_many_pixels(size)


def open_image(source: BinaryIO, scan_format: ScanFormat) -> Image.Image:
    """The image with only its header read; its size checked before any pixel is decoded."""
    assert scan_format.pillow is not None
    try:
        return picture_header(source, MAX_PAGE_PIXELS, [scan_format.pillow])
    except TooManyPixels as large:
        raise too_many_pixels(large.size) from None
    except NotAPicture as unreadable:
        raise corrupt(unreadable) from None


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
        raise too_many_pixels(image.size) from None
    except DECODE_ERRORS as error:
        raise corrupt(error) from None


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
