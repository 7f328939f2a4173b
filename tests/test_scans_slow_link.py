"""A cut on a slow link costs at most four seconds of upload, at any rate (#18).

Four chunks of 2 MiB in flight shared the link: at 500 KB/s nothing was confirmed for
16 s, so a cut cost up to 8 MiB, and cuts every few seconds made no progress at all. The
uploader now sizes its chunks and how many are in flight to the rate it measures.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from pathlib import Path

import pytest

from village_client.uploader import ScanUploader

from .flaky_link import FlakyLink
from .scan_samples import save, scan_page, sha256_of
from .support import open_demo_case, start_server

CUT_COST = 4.0  # seconds of upload a cut may lose
CUT_EVERY = 5.0


async def cut_every(link: FlakyLink, seconds: float, cuts: list[float]) -> None:
    while True:
        await asyncio.sleep(seconds)
        link.cut()
        cuts.append(seconds)


@pytest.mark.parametrize("rate_kb, page, quality", [(500, (1754, 2480), 100), (100, (1240, 1754), 97)])
async def test_a_cut_costs_at_most_four_seconds_of_upload_at_any_rate(
        tmp_path: Path, rate_kb: int, page: tuple[int, int], quality: int) -> None:
    rate = rate_kb * 1000
    server = await start_server(tmp_path / "data")
    link = FlakyLink(server.runner.addresses[0][1], cuts=0, rng=random.Random(1), rate=rate)
    cuts: list[float] = []
    try:
        clerk = await server.login("clerk-yb1")
        case = await open_demo_case(clerk)
        scan = save(scan_page(page, grain=8), tmp_path / "户口簿.jpg", "JPEG", quality=quality, subsampling=0)
        size = scan.stat().st_size
        assert size / rate > 2.5 * CUT_EVERY  # cut at least twice on the way
        uploader = ScanUploader(server.session, f"http://127.0.0.1:{await link.start()}", clerk.token, patience=60)
        cutting = asyncio.ensure_future(cut_every(link, CUT_EVERY, cuts))
        try:
            result = await asyncio.wait_for(uploader.upload(case["id"], scan, "户口簿"), 4 * size / rate)
        finally:
            cutting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await cutting
        lost = (link.forwarded - size) / rate  # seconds of the link spent on bytes sent again
        assert result.document["sha256"] == sha256_of(scan)
        assert len(cuts) >= 2
        assert lost / len(cuts) <= CUT_COST, f"{len(cuts)} cuts lost {lost:.1f} s of upload"
    finally:
        await link.close()
        await server.close()
