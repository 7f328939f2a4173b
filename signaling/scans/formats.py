"""What a scan really is, told from its first bytes (content sniffing), never from its name."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from ..exceptions import UnsupportedScanType

SNIFF_BYTES = 16


@dataclass(frozen=True)
class ScanFormat:
    """A kind of scan we accept: its Pillow format (None for PDF), MIME type and file extension."""

    name: str
    pillow: str | None
    content_type: str
    extension: str


JPEG = ScanFormat("JPEG", "JPEG", "image/jpeg", ".jpg")
PNG = ScanFormat("PNG", "PNG", "image/png", ".png")
TIFF = ScanFormat("TIFF", "TIFF", "image/tiff", ".tif")
PDF = ScanFormat("PDF", None, "application/pdf", ".pdf")

MAGIC: tuple[tuple[bytes, ScanFormat], ...] = (
    (b"\xff\xd8\xff", JPEG),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
    (b"%PDF-", PDF),
)
BY_CONTENT_TYPE = {f.content_type: f for _, f in MAGIC}


def sniff(head: bytes) -> ScanFormat:
    """The format the first bytes announce, or UnsupportedScanType."""
    for magic, found in MAGIC:
        if head.startswith(magic):
            return found
    raise UnsupportedScanType(
        "只能上传 JPEG、PNG、TIFF 或 PDF 格式的扫描件（按文件内容判断，与文件名无关）。",
        "Only JPEG, PNG, TIFF or PDF scans are accepted (judged by content, not by the file name).",
    )


def download_name(filename: str, scan_format: ScanFormat) -> str:
    """The stored name with the extension its content deserves (a PNG named x.pdf downloads as x.png)."""
    stem = PurePath(filename).stem or "scan"
    return stem + scan_format.extension
