"""The seal on a printed decision, as a Chinese official seal is drawn (#23).

The unit's name runs along the upper arc, sized to fit however long it is; the five-pointed
star is in the centre; the seal's purpose (审批专用章) is one straight line below it; nothing
else is inside the ring — the unit's name and the date are printed under the seal, clear of it.
Each document is rendered with pdftoppm and read back (pixels, and PDFium's character boxes).
"""

from __future__ import annotations

import math
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image

from eseal import ApprovalNotice, CaseFacts, Issuance, Signatory, approval_pdf
from signaling.demo import DEPARTMENTS, DISTRICT, TOWNS

DPI = 200
CASE = CaseFacts("ZH-2026-000123", ("城乡居民基本养老保险参保登记",), "王秀英", "510802195403121234")
ISSUED_ON = date(2026, 11, 23)
PURPOSE = "审批专用章"
LONG_NAME = "广元市昭化区元坝镇人民政府便民服务中心审批"  # 20 characters
SIGNING_UNITS = [DISTRICT["name"], *(town[0] for town in TOWNS.values()), *(d["name"] for d in DEPARTMENTS)]


@dataclass(frozen=True)
class Character:
    """One character PDFium reads on the page, its centre in pixels of the rendering."""

    text: str
    x: float
    y: float
    box: tuple[float, float, float, float]  # left, top, right, bottom (pixels)


def rendered(pdf: bytes, tmp_path: Path) -> tuple[np.ndarray, list[Character]]:
    """The first page rendered by pdftoppm (RGB pixels), and its characters where they print."""
    (tmp_path / "decision.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(DPI), "-png", "-singlefile", str(tmp_path / "decision.pdf"),
                    str(tmp_path / "page")], check=True, timeout=60)
    pixels = np.asarray(Image.open(tmp_path / "page.png").convert("RGB")).astype(int)
    page = pdfium.PdfDocument(pdf)[0]
    height, scale = page.get_height(), DPI / 72
    text = page.get_textpage()
    characters = []
    for index in range(text.count_chars()):
        if not text.get_text_range(index, 1).strip():
            continue  # the spaces and line breaks PDFium adds between runs of text
        left, bottom, right, top = text.get_charbox(index)
        box = (left * scale, (height - top) * scale, right * scale, (height - bottom) * scale)
        characters.append(Character(text.get_text_range(index, 1), (box[0] + box[2]) / 2, (box[1] + box[3]) / 2, box))
    return pixels, characters


def seal_of(pixels: np.ndarray) -> tuple[float, float, float, np.ndarray]:
    """Centre and radius of the red seal (from its ring), and the red pixels' coordinates (y, x)."""
    red = (pixels[..., 0] > 150) & (pixels[..., 1] < 140) & (pixels[..., 2] < 140)
    ys, xs = np.nonzero(red)
    assert len(xs) > 1000, "no seal on the page"
    width, height = xs.max() - xs.min(), ys.max() - ys.min()
    assert abs(width - height) <= 3, f"the seal is {width}×{height} px: not round"
    return (xs.max() + xs.min()) / 2, (ys.max() + ys.min()) / 2, max(width, height) / 2, np.stack([ys, xs], 1)


def overlaps(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("unit_name", [*SIGNING_UNITS, LONG_NAME])
def test_a_seal_reads_as_an_official_seal_and_the_date_is_printed_under_it(unit_name: str, tmp_path: Path) -> None:
    issuance = Issuance(ISSUED_ON, (Signatory("unit", unit_name, "张建国"),), "http://127.0.0.1/verify/1")
    pixels, characters = rendered(approval_pdf(ApprovalNotice(CASE, issuance)), tmp_path)
    cx, cy, radius, red = seal_of(pixels)
    distance = np.hypot(red[:, 1] - cx, red[:, 0] - cy)
    assert distance.max() <= radius + 1.5, "red ink outside the ring"
    star = pixels[round(cy) - 2:round(cy) + 3, round(cx) - 2:round(cx) + 3]
    assert (star[..., 0] > 150).all() and (star[..., 1] < 140).all(), "no red star in the centre"

    # Nothing black inside the ring: no name across the middle, no date over the star.
    ys, xs = np.nonzero((pixels < 110).all(axis=2))
    assert not (np.hypot(xs - cx, ys - cy) < radius).any(), "black print under the seal"
    inside = [c for c in characters if math.hypot(c.x - cx, c.y - cy) < radius]
    assert "".join(c.text for c in inside) == unit_name + PURPOSE
    arc, purpose = inside[:len(unit_name)], inside[len(unit_name):]

    # The name round the upper arc, clockwise, every character on one circle, none touching the next.
    radii = [math.hypot(c.x - cx, c.y - cy) for c in arc]
    assert min(radii) > 0.55 * radius and max(radii) - min(radii) < 0.05 * radius, radii
    angles = [math.atan2(c.x - cx, cy - c.y) for c in arc]  # clockwise from the top
    assert angles == sorted(angles) and angles[0] > -math.radians(125) and angles[-1] < math.radians(125)
    if len(arc) > 1:
        assert abs(angles[0] + angles[-1]) < 0.05, "the name is not centred on the top"
    for before, after in zip(angles, angles[1:]):
        assert not ink_along(red, cx, cy, (before + after) / 2, 0.45 * radius, 0.92 * radius), \
            f"two characters of {unit_name} touch"
    sizes = [c.box[3] - c.box[1] for c in arc if abs(math.degrees(math.atan2(c.x - cx, cy - c.y))) < 20]
    assert min(sizes) >= 2.4 / 25.4 * DPI, "the name is too small to read (under 2.4 mm)"

    # The purpose in one straight line under the star, clear of the name.
    heights = [c.y for c in purpose]
    assert max(heights) - min(heights) < 0.05 * radius and min(heights) > cy + 0.35 * radius
    assert not any(overlaps(p.box, a.box) for p in purpose for a in arc)

    # Under the seal, outside it: the unit's name and the date, as the document's signature line.
    below = "".join(c.text for c in characters
                    if cy + radius < c.y < cy + 2.5 * radius and abs(c.x - cx) < radius * 1.2)
    assert below.startswith(unit_name) and "2026年11月23日" in below


def ink_along(red: np.ndarray, cx: float, cy: float, angle: float, start: float, end: float) -> bool:
    """Whether red ink lies within a pixel of the ray at angle (clockwise from the top) between two radii."""
    for step in np.linspace(start, end, 60):
        x, y = cx + step * math.sin(angle), cy - step * math.cos(angle)
        near = (np.abs(red[:, 1] - x) <= 1) & (np.abs(red[:, 0] - y) <= 1)
        if near.any():
            return True
    return False
