"""The visible mark covers the whole picture, scales with it and keeps the document legible."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from watermark import RED, EmptyWatermarkText, tile_text
from watermark.samples import text_scan, video_still
from watermark.visible import font_size_for

VIEWER = ["查看人：王秀英", "账号：wangxy", "单位：卫子镇便民服务中心", "办件号：ZH-2026-000123",
          "2026-11-23 09:15"]


def changed(before: Image.Image, after: Image.Image) -> np.ndarray:
    """Per-pixel largest change over the colour bands."""
    difference = np.asarray(after, np.int16) - np.asarray(before, np.int16)
    return np.abs(difference).max(axis=-1) if difference.ndim == 3 else np.abs(difference)


@pytest.mark.parametrize("size", [(640, 480), (1240, 1754)])
def test_text_reaches_every_ninth_of_the_picture(size: tuple[int, int]) -> None:
    page = Image.new("RGB", size, (255, 255, 255))
    touched = changed(page, tile_text(page, VIEWER)) > 0
    rows, cols = size[1] // 3, size[0] // 3
    for row in range(3):
        for col in range(3):
            assert touched[row * rows:(row + 1) * rows, col * cols:(col + 1) * cols].mean() > 0.02


def test_document_stays_legible_under_the_text() -> None:
    scan = text_scan(1240, 1754, seed=7)
    marked = tile_text(scan, VIEWER, colour=RED)
    before, after = np.asarray(scan.convert("L")), np.asarray(marked.convert("L"))
    ink = before < 60
    assert after[ink].max() < 110  # the form's letters stay dark
    assert changed(scan, marked).max() <= round(0.22 * 255) + 1  # faint everywhere
    assert np.mean(after[before == 255]) > 235  # the paper stays white


def test_letters_scale_with_the_picture() -> None:
    assert font_size_for((4960, 7016)) >= 140  # ~6 mm at 600 dpi
    assert font_size_for((640, 480)) >= 18


def test_text_shows_on_a_dark_video_still() -> None:
    still = Image.eval(video_still(seed=3), lambda value: value // 6)
    assert (changed(still, tile_text(still, VIEWER)) >= 20).mean() > 0.01


def test_grey_picture_stays_grey() -> None:
    page = Image.new("L", (800, 600), 200)
    marked = tile_text(page, VIEWER)
    assert marked.mode == "L" and (np.asarray(marked) != 200).any()


def test_opaque_picture_stays_opaque_under_the_text() -> None:
    picture = Image.new("RGBA", (640, 480), (30, 90, 160, 255))
    marked = tile_text(picture, VIEWER)
    assert marked.mode == "RGBA" and marked.getchannel("A").getextrema() == (255, 255)
    assert changed(picture.convert("RGB"), marked.convert("RGB")).max() > 20


def test_visible_mark_needs_text() -> None:
    with pytest.raises(EmptyWatermarkText):
        tile_text(Image.new("RGB", (640, 480)), ["  ", ""])
