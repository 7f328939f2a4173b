"""Benchmark: how fast the approver's viewer gets a 600 dpi page — thumbnail, first view, full-resolution zoom.

A colour A4 page at 600 dpi (4960×7016, about 41 MB JPEG) is uploaded, then fetched the way
OpenSeadragon does: the thumbnail, the .dzi, the tiles of the level that fits a 1000-pixel-high
viewer (cut from the stored preview), then a 5×4-tile viewport at full resolution. The zoom is
timed twice: right after the upload (the page is still decoded in memory) and after a server
restart (cold: decrypt and decode the page from the archive first). Six requests at a time,
as a browser sends them.

    .venv/bin/python bench/scan_tiles.py [--smoke]
Prints a table and writes bench/results/scan_tiles-<time>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.figures import save_results  # noqa: E402
from signaling.scans.deepzoom import TILE_SIZE, DeepZoom  # noqa: E402
from tests.scan_samples import A4_600_DPI, large_scan_jpeg, small_scan  # noqa: E402
from tests.scan_support import fetch, uploader  # noqa: E402
from tests.support import ApiClient, RunningServer, open_demo_case, start_server  # noqa: E402

VIEWER_HEIGHT = 1000
PARALLEL = 6


async def timed_fetches(server: RunningServer, viewer: ApiClient, paths: list[str]) -> float:
    """Milliseconds to fetch every path, PARALLEL at a time."""
    gate = asyncio.Semaphore(PARALLEL)

    async def one(path: str) -> None:
        async with gate:
            status, _, _ = await fetch(server, viewer, path)
            assert status == 200, path

    started = time.perf_counter()
    await asyncio.gather(*(one(path) for path in paths))
    return (time.perf_counter() - started) * 1000


def tiles(page: dict[str, str], level: int, columns: range, rows: range) -> list[str]:
    base = page["dzi_url"].replace("image.dzi", f"image_files/{level}")
    return [f"{base}/{column}_{row}.jpg" for column in columns for row in rows]


def viewport(page: dict[str, str], zoom: DeepZoom, shift: int = 0) -> list[str]:
    """5×4 full-resolution tiles near the middle of the page (moved right by `shift` tiles, as far as it goes)."""
    columns, rows = (-(-side // TILE_SIZE) for side in zoom.level_size(zoom.max_level))
    left = max(0, min(columns - 5, columns // 2 - 2 + shift))
    top = max(0, rows // 2 - 2)
    return tiles(page, zoom.max_level, range(left, min(columns, left + 5)), range(top, min(rows, top + 4)))


def fitting_level(zoom: DeepZoom) -> int:
    """The level OpenSeadragon shows first: the page fits the viewer's height."""
    return max(level for level in range(zoom.max_level + 1) if zoom.level_size(level)[1] <= VIEWER_HEIGHT)


async def measure(smoke: bool, work: Path) -> dict[str, float]:
    scan = small_scan(work / "page.jpg") if smoke else large_scan_jpeg(work / "page.jpg")
    server = await start_server(work / "data")
    clerk = await server.login("clerk-yb1")
    case = await open_demo_case(clerk)
    started = time.perf_counter()
    document = (await uploader(server, clerk).upload(case["id"], scan)).document
    found = {"upload_and_complete_ms": (time.perf_counter() - started) * 1000, "bytes": scan.stat().st_size}
    page = document["page_images"][0]
    zoom = DeepZoom(page["width"], page["height"])
    fit = fitting_level(zoom)
    columns, rows = (-(-side // TILE_SIZE) for side in zoom.level_size(fit))
    overview = tiles(page, fit, range(columns), range(rows))
    middle = viewport(page, zoom)
    approver = await server.login("town-yb")
    found["thumbnail_ms"] = await timed_fetches(server, approver, [page["thumbnail_url"]])
    found["dzi_ms"] = await timed_fetches(server, approver, [page["dzi_url"]])
    found["first_view_ms"] = await timed_fetches(server, approver, overview)
    found["first_view_tiles"] = len(overview)
    found["zoom_after_upload_ms"] = await timed_fetches(server, approver, middle)
    found["viewport_tiles"] = len(middle)
    found["zoom_again_cached_ms"] = await timed_fetches(server, approver, middle)
    await server.close()
    server = await start_server(work / "data")  # cold caches
    approver = await server.login("town-yb")
    found["first_view_cold_ms"] = await timed_fetches(server, approver, overview)
    found["zoom_cold_ms"] = await timed_fetches(server, approver, middle)
    found["zoom_next_viewport_ms"] = await timed_fetches(server, approver, viewport(page, zoom, shift=5))
    await server.close()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="a small page, to check the benchmark runs")
    smoke = parser.parse_args().smoke
    with tempfile.TemporaryDirectory() as temp:
        found = asyncio.run(measure(smoke, Path(temp)))
    print(f"page {A4_600_DPI[0]}×{A4_600_DPI[1]} ({found['bytes'] / 1e6:.1f} MB)" if not smoke else "smoke page")
    for name, value in found.items():
        print(f"{name:28} {value:10.1f}")
    save_results("scan_tiles", found)


if __name__ == "__main__":
    main()
