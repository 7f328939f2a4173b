"""PDF scans through PDFium (pypdfium2): pages rasterized at the resolution they were scanned at.

PDFium is not thread-safe, so every use holds one lock. A page is rendered at the effective
resolution of the largest image on it (a scanner's PDF is one image per page), between 150
and 600 dpi, and never above the per-page pixel limit: a page of absurd size cannot become a
decompression bomb.
"""

from __future__ import annotations

import logging
import math
import threading
from typing import BinaryIO

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

from ..exceptions import CorruptScan
from .images import MAX_PAGE_PIXELS, check_pixels, displayable, too_many_pages
from .renditions import PREVIEW_SIDE, PageRendition, make_rendition

logger = logging.getLogger(__name__)

PDFIUM_LOCK = threading.Lock()
MIN_DPI, MAX_DPI, VECTOR_DPI = 150.0, 600.0, 300.0
EOF_WINDOW = 1024  # the PDF standard puts %%EOF within the last kilobyte


def incomplete_pdf() -> CorruptScan:
    return CorruptScan(
        "PDF 文件不完整（缺少文件结尾），可能没有传完或已损坏，请重新保存后再上传。",
        "The PDF is incomplete (no %%EOF at its end): cut short or damaged.",
    )


def open_pdf(source: BinaryIO) -> pdfium.PdfDocument:
    """The document, once its end marker and cross-references read; call with PDFIUM_LOCK held."""
    source.seek(0, 2)
    size = source.tell()
    source.seek(max(0, size - EOF_WINDOW))
    if b"%%EOF" not in source.read(EOF_WINDOW):
        raise incomplete_pdf()
    source.seek(0)
    try:
        document = pdfium.PdfDocument(source)
    except pdfium.PdfiumError as error:
        raise CorruptScan("PDF 文件已损坏，无法打开。", f"The PDF cannot be opened: {error}") from error
    if len(document) == 0:
        document.close()
        raise CorruptScan("PDF 文件中没有任何页面。", "The PDF has no pages.")
    return document


def scanned_dpi(page: pdfium.PdfPage) -> float:
    """The effective resolution of the page's largest image, clamped to 150–600 dpi."""
    best = 0.0
    for image in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,)):
        width_px, height_px = image.get_px_size()
        check_pixels((width_px, height_px))
        left, _, right, _ = image.get_bounds()
        if right - left > 0:
            best = max(best, width_px * 72.0 / (right - left))
    return min(MAX_DPI, max(MIN_DPI, best)) if best else VECTOR_DPI


def render_scale(page: pdfium.PdfPage) -> float:
    """Pixels per PDF point for the page's full-resolution raster."""
    scale = scanned_dpi(page) / 72.0
    area = page.get_width() * page.get_height()
    return min(scale, math.sqrt(MAX_PAGE_PIXELS / area)) if area > 0 else scale


def raster_size(page: pdfium.PdfPage, scale: float) -> tuple[int, int]:
    """The size PDFium's render(scale) produces (rounding noise aside: 1240.0000001 is 1240 pixels)."""
    return math.ceil(page.get_width() * scale - 0.01), math.ceil(page.get_height() * scale - 0.01)


def rendered(page: pdfium.PdfPage, scale: float) -> Image.Image:
    try:
        bitmap = page.render(scale=scale, fill_color=(255, 255, 255, 255))
        return displayable(bitmap.to_pil())
    except pdfium.PdfiumError as error:
        raise CorruptScan("PDF 页面无法显示。", f"A PDF page cannot be rendered: {error}") from error


def pdf_renditions(source: BinaryIO, max_pages: int) -> list[PageRendition]:
    """Each page's full raster size, thumbnail and preview (rendered straight at preview size)."""
    with PDFIUM_LOCK:
        document = open_pdf(source)
        try:
            if len(document) > max_pages:
                raise too_many_pages(len(document), max_pages)
            return [_page_rendition(document[index]) for index in range(len(document))]
        finally:
            document.close()


def _page_rendition(page: pdfium.PdfPage) -> PageRendition:
    scale = render_scale(page)
    preview_scale = min(scale, PREVIEW_SIDE / max(page.get_width(), page.get_height()))
    return make_rendition(raster_size(page, scale), rendered(page, preview_scale))


def pdf_page(source: BinaryIO, index: int, size: tuple[int, int]) -> Image.Image:
    """Page `index` at its full raster size, for the viewer's deepest zoom levels."""
    with PDFIUM_LOCK:
        document = open_pdf(source)
        try:
            page = document[index]
            image = rendered(page, size[0] / page.get_width())
        finally:
            document.close()
    return image if image.size == size else image.resize(size)


def rendered_pages(data: bytes, dpi: float) -> list[Image.Image]:
    """Every page of a (small, issued) PDF rasterized at dpi, for a marked copy."""
    with PDFIUM_LOCK:
        document = pdfium.PdfDocument(data)
        try:
            return [rendered(document[index], dpi / 72.0) for index in range(len(document))]
        finally:
            document.close()
