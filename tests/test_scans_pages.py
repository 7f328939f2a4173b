"""Issue 4: a 600 dpi page of 40 MB, and multi-page TIFF and PDF shown page by page."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from signaling.scans.deepzoom import DeepZoom

from .scan_samples import A4_600_DPI, large_scan_jpeg, multipage_tiff, scanned_pdf, sha256_of, truncated
from .scan_support import archived, fetch, refused_upload, unfinished_uploads, uploader
from .support import ApiClient, RunningServer, open_demo_case


@pytest.fixture(scope="module")
def large_scan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Made once: about 41 MB."""
    return large_scan_jpeg(tmp_path_factory.mktemp("large") / "户口簿-600dpi.jpg")


async def tile_image(server: RunningServer, viewer: ApiClient, page: dict[str, str], level: int,
                     column: int = 0, row: int = 0) -> Image.Image:
    url = page["dzi_url"].replace("image.dzi", f"image_files/{level}/{column}_{row}.jpg")
    status, body, _ = await fetch(server, viewer, url)
    assert status == 200, body[:200]
    return Image.open(io.BytesIO(body))


async def test_a_40_mb_600_dpi_page_is_stored_whole_and_tiled_to_full_resolution(
    server: RunningServer, large_scan: Path
) -> None:
    assert large_scan.stat().st_size > 40_000_000
    clerk, town = await server.login("clerk-yb1"), await server.login("town-yb")
    case = await open_demo_case(clerk)

    document = (await uploader(server, clerk).upload(case["id"], large_scan, "户口簿")).document

    assert (document["sha256"], document["size"]) == (sha256_of(large_scan), large_scan.stat().st_size)
    page = document["page_images"][0]
    assert (page["width"], page["height"]) == A4_600_DPI
    zoom = DeepZoom(*A4_600_DPI)
    deepest = await tile_image(server, town, page, zoom.max_level, 10, 13)
    assert deepest.size == (256, 256)
    overview = await tile_image(server, town, page, 8)
    assert overview.size == zoom.level_size(8)
    status, original, _ = await fetch(server, clerk, document["file_url"])  # the village keeps its own file
    assert status == 200 and original == large_scan.read_bytes()
    assert sha256_of(large_scan) in archived(server.data_dir)


async def test_pages_of_a_multi_page_tiff_are_shown_as_pages(server: RunningServer, tmp_path: Path) -> None:
    sizes = [(1240, 1754), (1754, 1240), (620, 877)]
    scan = multipage_tiff(tmp_path / "申请表.tif", sizes)
    clerk = await server.login("clerk-yb1")
    case = await open_demo_case(clerk)

    document = (await uploader(server, clerk).upload(case["id"], scan)).document

    assert document["content_type"] == "image/tiff" and document["pages"] == 3
    assert [(p["page"], p["width"], p["height"]) for p in document["page_images"]] == [
        (number, *size) for number, size in enumerate(sizes, 1)]
    for page, size in zip(document["page_images"], sizes):
        zoom = DeepZoom(*size)
        assert (await tile_image(server, clerk, page, zoom.max_level - 3)).size == zoom.level_size(zoom.max_level - 3)
        assert (await tile_image(server, clerk, page, zoom.max_level)).size == (255, 255)
        assert f'Width="{size[0]}" Height="{size[1]}"' in (await clerk.get(page["dzi_url"])).body


async def test_pages_of_a_pdf_are_rasterized_at_their_scanned_resolution(
    server: RunningServer, tmp_path: Path
) -> None:
    scan = scanned_pdf(tmp_path / "证明.pdf", pages=2, size=(1240, 1754), dpi=150)
    clerk = await server.login("clerk-yb1")
    case = await open_demo_case(clerk)

    document = (await uploader(server, clerk).upload(case["id"], scan)).document

    assert document["content_type"] == "application/pdf" and document["pages"] == 2
    assert [(p["width"], p["height"]) for p in document["page_images"]] == [(1240, 1754)] * 2
    first, second = document["page_images"]
    zoom = DeepZoom(1240, 1754)
    photos = [await tile_image(server, clerk, page, zoom.max_level, 1, 1) for page in (first, second)]
    assert photos[0].size == photos[1].size == (256, 256)
    assert photos[0].tobytes() != photos[1].tobytes(), "each page is its own image"
    status, thumbnail, _ = await fetch(server, clerk, second["thumbnail_url"])
    assert status == 200 and max(Image.open(io.BytesIO(thumbnail)).size) == 320


async def test_a_truncated_pdf_is_refused(server: RunningServer, tmp_path: Path) -> None:
    cut = truncated(scanned_pdf(tmp_path / "whole.pdf", pages=2), tmp_path / "cut.pdf", keep=0.7)

    status, error = await refused_upload(server, cut)

    assert (status, error["error"]) == (422, "corrupt_scan")
    assert "PDF" in error["message"]
    assert archived(server.data_dir) == set() and unfinished_uploads(server.data_dir) == []
