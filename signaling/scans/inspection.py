"""扫描件: what a received file is, whether it decodes completely, and its pages for the viewer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO

from PIL import Image

from .formats import PDF, SNIFF_BYTES, ScanFormat, sniff
from .images import image_page, image_pages
from .renditions import PageRendition, make_rendition


@dataclass
class InspectedScan:
    """A scan that decoded completely: its format and pages (and page 1 at full size, when decoded anyway)."""

    scan_format: ScanFormat
    pages: list[PageRendition]
    first_page: Image.Image | None


def inspect_scan(source: BinaryIO, max_pages: int) -> InspectedScan:
    """Sniff the content and decode every page; refuses unknown types, bombs, damage and truncation."""
    source.seek(0)
    scan_format = sniff(source.read(SNIFF_BYTES))
    if scan_format is PDF:
        from .pdf import pdf_renditions  # PDFium, loaded by the first PDF scan (idle memory, #9)

        return InspectedScan(scan_format, pdf_renditions(source, max_pages), None)
    pages: list[PageRendition] = []
    first: Image.Image | None = None
    for image in image_pages(source, scan_format, max_pages):
        pages.append(make_rendition(image.size, image))
        if first is None:
            first = image
    return InspectedScan(scan_format, pages, first)


def full_page(source: BinaryIO, scan_format: ScanFormat, index: int, size: tuple[int, int]) -> Image.Image:
    """Page `index` (from 0) at full resolution."""
    if scan_format is PDF:
        from .pdf import pdf_page  # PDFium, as in inspect_scan

        return pdf_page(source, index, size)
    return image_page(source, scan_format, index)
