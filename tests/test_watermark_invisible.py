"""The invisible id survives the leaks of issue 7 and is never read where it was not put."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from watermark import (
    MAX_MARK_ID,
    ImageTooSmall,
    MarkIdOutOfRange,
    embed_id,
    extract_id,
    find_mark,
    mark_image,
)
from watermark.leaks import LEAKS, jpeg, rescale
from watermark.samples import dark_photo, photo, psnr, text_scan, video_still

VIEWER = ["查看人：张晓明 (zhangxm)", "单位：昭化区政务服务中心", "办件号：ZH-2026-000123",
          "2026-11-23 14:32:05"]
PICTURES = {
    "photo": lambda: photo(1200, 900, seed=1),
    "text-scan": lambda: text_scan(1000, 1414, seed=2),
    "dark": lambda: dark_photo(800, 600, seed=3),
    "video-still": lambda: video_still(seed=4),
}
MARK_ID = 0x5A_1234_ABCD


@pytest.fixture(scope="module")
def originals() -> dict[str, Image.Image]:
    return {name: make() for name, make in PICTURES.items()}


@pytest.fixture(scope="module")
def marked(originals: dict[str, Image.Image]) -> dict[str, Image.Image]:
    """Each picture as the server shows it: viewer text tiled over it, id hidden in it."""
    return {name: mark_image(image, VIEWER, MARK_ID + index)
            for index, (name, image) in enumerate(originals.items())}


@pytest.mark.parametrize("leak", LEAKS)
@pytest.mark.parametrize("picture", PICTURES)
def test_id_survives_each_leak(marked: dict[str, Image.Image], picture: str, leak: str) -> None:
    expected = MARK_ID + list(PICTURES).index(picture)
    assert extract_id(LEAKS[leak](marked[picture])) == expected


@pytest.mark.parametrize("picture", PICTURES)
def test_unmarked_pictures_have_no_id(originals: dict[str, Image.Image], picture: str) -> None:
    image = originals[picture]
    for leaked in (image, jpeg(image, 60), rescale(image, 0.6), rescale(jpeg(image, 80), 1.3)):
        assert extract_id(leaked) is None


def test_many_unmarked_pictures_never_give_an_id() -> None:
    pictures = [photo(700 + 37 * seed, 520 + 23 * seed, seed=100 + seed) for seed in range(8)]
    pictures += [text_scan(800, 1130, seed=200 + seed) for seed in range(4)]
    assert [extract_id(jpeg(picture, 70)) for picture in pictures] == [None] * len(pictures)


@pytest.mark.parametrize("picture", ["photo", "dark", "video-still"])
def test_invisible_mark_keeps_photos_above_38_db(originals: dict[str, Image.Image],
                                                 picture: str) -> None:
    image = originals[picture]
    assert psnr(image, embed_id(image, MARK_ID)) >= 38.0


def test_white_paper_changes_by_at_most_a_few_grey_levels(
        originals: dict[str, Image.Image]) -> None:
    scan = originals["text-scan"]
    paper = np.asarray(scan.convert("L")) == 255
    change = np.asarray(embed_id(scan, MARK_ID).convert("L"), np.float64) - 255.0
    assert np.percentile(np.abs(change[paper]), 99.9) <= 6
    assert change[paper].std() <= 1.5


def test_scan_marked_at_600_dpi_is_read_from_a_thumbnail() -> None:
    page = text_scan(4960, 7016, seed=5)
    assert extract_id(rescale(embed_id(page, 77), 0.25)) == 77


def test_extremes_of_the_id_range_round_trip(originals: dict[str, Image.Image]) -> None:
    image = originals["video-still"]
    assert extract_id(jpeg(embed_id(image, 0), 75)) == 0
    assert extract_id(jpeg(embed_id(image, MAX_MARK_ID), 75)) == MAX_MARK_ID


@pytest.mark.parametrize("mark_id", [-1, MAX_MARK_ID + 1])
def test_id_outside_the_payload_is_refused(originals: dict[str, Image.Image],
                                           mark_id: int) -> None:
    with pytest.raises(MarkIdOutOfRange):
        embed_id(originals["video-still"], mark_id)


def test_picture_smaller_than_one_and_a_half_tiles_is_refused() -> None:
    with pytest.raises(ImageTooSmall):
        embed_id(Image.new("RGB", (150, 400), (128, 128, 128)), 1)


@pytest.mark.parametrize("mode", ["L", "RGBA"])
def test_grey_and_transparent_pictures_keep_their_mode(originals: dict[str, Image.Image],
                                                       mode: str) -> None:
    image = originals["photo"].convert(mode)
    marked = embed_id(image, 9)
    assert marked.mode == mode
    if mode == "RGBA":
        assert marked.getchannel("A").tobytes() == image.getchannel("A").tobytes()
    assert extract_id(marked) == 9


def test_found_mark_reports_the_tile_size_after_rescaling(
        marked: dict[str, Image.Image]) -> None:
    found = find_mark(rescale(marked["video-still"], 0.75))
    assert found is not None and found.mark_id == MARK_ID + 3
    assert found.tile_width == pytest.approx(96, abs=0.5)
    assert found.tile_height == pytest.approx(96, abs=0.5)


def test_16_bit_scan_is_scaled_not_clipped_to_white() -> None:
    scan = np.asarray(text_scan(1000, 1414, seed=6).convert("L"), np.uint16) * 257
    marked = embed_id(Image.fromarray(scan), 31)
    assert marked.mode == "L" and np.asarray(marked).mean() < 250
    assert extract_id(Image.fromarray(np.asarray(marked, np.uint16) * 257)) == 31
