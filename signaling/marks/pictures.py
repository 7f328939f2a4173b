"""水印: pictures marked for their viewer — stills, pages, PDFs, the chat background.

Everything here is blocking image work: the server runs it on the scan workers, never on
the event loop. The marks themselves come from the `watermark` package; which id and which
lines a viewer gets comes from the register (marks.py).
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from PIL import Image

from watermark import ImageTooSmall, paste_text, tile_text

from ..exceptions import ImageTooLarge
from ..scans.images import TooManyPixels, picture_header
from ..scans.renditions import jpeg
from .register import ViewerMark

MAX_STILL_PIXELS = 4096 * 2160  # a 4K camera's picture; a still is decoded from a call's video
MIN_STILL_SIDE = 640  # a smaller still is enlarged first: legible letters, an id that survives a thumbnail
BACKGROUND_SIZE = (1024, 1024)  # a multiple of the hidden tile (128 px), so repeating it keeps the lattice
BACKGROUND_OPACITY = 0.12
DOWNLOAD_QUALITY = 90


def marked(image: Image.Image, mark: ViewerMark) -> Image.Image:
    """A copy of the picture with the viewer's lines tiled over it and the id hidden in it."""
    from watermark import mark_image  # numpy, loaded by the first marked picture (idle memory, #9)

    try:
        return mark_image(image, mark.lines, mark.mark_id)
    except ImageTooSmall:  # a thumbnail too small to hold the hidden tile: the visible text alone
        pass
    try:
        return tile_text(image, mark.lines)
    except ImageTooSmall:  # a sliver under 36 px carries no legible text either
        return image.copy()


def png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def decoded(data: bytes) -> Image.Image:
    """A still (PNG or JPEG) decoded in full, once its header shows at most MAX_STILL_PIXELS."""
    try:
        opened = picture_header(io.BytesIO(data), MAX_STILL_PIXELS)
    except TooManyPixels as large:
        zh, en = large.words()
        raise ImageTooLarge(f"截图画面{zh}。", f"The still is too large: {en}.") from None
    with opened as image:
        image.load()
        return image.convert("RGB") if image.mode not in ("RGB", "L") else image.copy()


def enlarged(image: Image.Image) -> Image.Image:
    """A small video still scaled up by a whole factor until its long side is at least 640 px."""
    factor = -(-MIN_STILL_SIDE // max(image.size))
    if factor <= 1:
        return image
    return image.resize((image.width * factor, image.height * factor), Image.Resampling.LANCZOS)


def marked_still(still: bytes, mark: ViewerMark) -> bytes:
    """A snapshot as its viewer gets it: PNG, enlarged if small, marked."""
    return png(marked(enlarged(decoded(still)), mark))


def marked_jpeg(image: Image.Image, mark: ViewerMark, quality: int = DOWNLOAD_QUALITY) -> bytes:
    return jpeg(marked(image, mark), quality)


def marked_pdf(pages: Iterable[Image.Image], mark: ViewerMark, dpi: float) -> bytes:
    """A PDF of the pages, each marked (JPEG inside), built a page at a time to bound memory."""
    out = io.BytesIO()
    for number, page in enumerate(pages):
        marked(page, mark).convert("RGB").save(out, "PDF", resolution=dpi, quality=DOWNLOAD_QUALITY,
                                               append=number > 0)
    return out.getvalue()


def chat_background(mark: ViewerMark) -> bytes:
    """The chat panel's background: white, the viewer's lines faint over it, the id hidden in it.

    Opaque rather than transparent, so a screenshot of the chat carries the hidden id in
    the white between the lines as well as the visible text.
    """
    from watermark import embed_id  # numpy, as in marked()

    paper = embed_id(Image.new("RGB", BACKGROUND_SIZE, (255, 255, 255)), mark.mark_id)
    paste_text(paper, mark.lines, opacity=BACKGROUND_OPACITY)
    return png(paper)


ISSUED_DPI = 150.0  # an issued page read on screen or printed plainly; the signed original stays the record


def marked_rendition(signed_pdf: bytes, mark: ViewerMark) -> bytes:
    """A signed document's pages as pictures marked for a viewer, in a PDF (no longer signed: a copy to read)."""
    from ..scans.pdf import rendered_pages  # PDFium, loaded by the first marked copy (idle memory, #9)

    return marked_pdf(rendered_pages(signed_pdf, ISSUED_DPI), mark, ISSUED_DPI)
