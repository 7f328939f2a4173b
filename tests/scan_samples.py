"""Scans made for the tests: scanner-like pages (village_client.sample_scan), multi-page files, broken files."""

from __future__ import annotations

import hashlib
import struct
import zlib
from pathlib import Path

from PIL import Image

from village_client.sample_scan import A4_600_DPI, scan_page


def save(image: Image.Image, path: Path, fmt: str, **options: object) -> Path:
    image.save(path, fmt, **options)
    return path


def large_scan_jpeg(path: Path) -> Path:
    """A colour A4 page at 600 dpi, saved at the highest JPEG quality: about 41 MB."""
    return save(scan_page(A4_600_DPI, grain=5), path, "JPEG", quality=100, subsampling=0, dpi=(600, 600))


def small_scan(path: Path, fmt: str = "JPEG", size: tuple[int, int] = (1240, 1754), seed: int = 1) -> Path:
    """An A4 page at 150 dpi (quick to make and check)."""
    return save(scan_page(size, seed), path, fmt)


def multipage_tiff(path: Path, sizes: list[tuple[int, int]]) -> Path:
    """A scanner's multi-page TIFF (deflate-compressed), one page per size."""
    pages = [scan_page(size, seed, title=f"第{seed}页") for seed, size in enumerate(sizes, 1)]
    return save(pages[0], path, "TIFF", save_all=True, append_images=pages[1:], compression="tiff_deflate")


def scanned_pdf(path: Path, pages: int, size: tuple[int, int] = (1240, 1754), dpi: int = 150) -> Path:
    """A scanner's PDF: one JPEG image per page at the given resolution."""
    images = [scan_page(size, seed, title=f"第{seed}页") for seed in range(1, pages + 1)]
    return save(images[0], path, "PDF", save_all=True, append_images=images[1:], resolution=dpi)


def png_bomb(path: Path, side: int) -> Path:
    """A tiny PNG that claims side×side one-bit pixels: a few hundred KB inflating to side²/8 bytes."""
    row = b"\x00" * (1 + (side + 7) // 8)
    packer = zlib.compressobj(9)
    compressed = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", compressed) + chunk(b"IEND", b""))
    return path


def truncated(source: Path, path: Path, keep: float = 0.6) -> Path:
    """The first part of a file, as a scan cut off mid-transfer or mid-write."""
    data = source.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    return path


def windows_program(path: Path) -> Path:
    """Bytes that start like a Windows .exe (MZ header), whatever the file is called."""
    path.write_bytes(b"MZ\x90\x00\x03\x00\x00\x00" + bytes(range(256)) * 64)
    return path


def sha256_of(path: Path) -> str:
    with path.open("rb") as source:
        return hashlib.file_digest(source, "sha256").hexdigest()
