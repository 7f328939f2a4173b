"""Issue 4 in Chromium: a scan sent from the village page, through a cut, opens in the approver's viewer.

#23: the scan reaches the console by the server's push (no polling), opens large with its buttons
in one row, loses its 新 flag once opened; the village's bar is as tall as asked and shows the
server's check instead of sitting at 100 %.
"""

from __future__ import annotations

import asyncio
import random
import re
from pathlib import Path

import pytest
from playwright.async_api import Response, Route, expect

from signaling.scans.deepzoom import DeepZoom

from .browser import Users, sign_in
from .flaky_link import FlakyLink
from .scan_samples import save, scan_page, sha256_of
from .scan_support import archived, audit_actions
from .support import open_demo_case
from .test_scans_slow_link import CUT_COST, CUT_EVERY, cut_every

pytestmark = pytest.mark.asyncio(loop_scope="module")

PAGE_SIZE = (2480, 3508)  # A4 at 300 dpi: a few chunks of 2 MiB
# Every change of the upload's row, as [state, bar value, status text], in window.rowStates.
WATCH_THE_ROW = """() => {
    window.rowStates = [];
    new MutationObserver(() => {
        const row = document.querySelector("li.upload");
        if (row) window.rowStates.push([row.dataset.state, row.querySelector("progress").value,
                                        row.querySelector(".status").textContent]);
    }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
}"""


async def test_a_scan_uploaded_on_the_village_page_opens_in_the_approvers_viewer(
    users: Users, tmp_path: Path
) -> None:
    server = users.server
    case = await open_demo_case(await server.login("clerk-yb1"))
    scan = save(scan_page(PAGE_SIZE, grain=8), tmp_path / "户口簿.jpg", "JPEG", quality=97)
    approver = await users.open(f"/console/#/case/{case['id']}", "town-yb")
    await expect(approver.locator(".scans .note")).to_contain_text("还没有发来扫描件")
    asked: list[str] = []  # the console asking for the case's documents again (polling)
    approver.on("request", lambda request: asked.append(request.url) if request.url.endswith("/documents") else None)

    village = await users.open(f"/village/#/case/{case['id']}", "clerk-yb1")
    cut = asyncio.Event()

    async def cut_the_second_chunk(route: Route) -> None:
        if not cut.is_set() and not route.request.url.endswith("/chunks/0"):
            cut.set()
            await route.abort("connectionreset")
        else:
            await route.continue_()

    await village.route(re.compile(r".*/api/uploads/.*/chunks/\d+$"), cut_the_second_chunk)
    await village.locator("select[name=material]").select_option("户口簿")
    await village.evaluate(WATCH_THE_ROW)
    await village.locator("input[name=scans]").set_input_files(scan)
    row = village.locator("li.upload")
    await expect(row).to_have_attribute("data-state", "done", timeout=30_000)
    assert (await row.locator("progress").bounding_box() or {"height": 0})["height"] >= 36  # 2 rem, as asked
    await users.look(village, "uploaded")
    await expect(row.locator(".percent")).to_have_text("100%")
    assert cut.is_set()
    assert int(await row.get_attribute("data-resumed-at") or 0) > 0, "resumed from the confirmed chunk, not from 0"

    tiles: list[str] = []

    def remember(response: Response) -> None:
        if "/image_files/" in response.url and response.status == 200:
            tiles.append(response.url)

    approver.on("response", remember)
    thumb = approver.locator("li.thumb .thumb-button")
    await expect(thumb).to_have_count(1, timeout=3_000)  # pushed the moment it is stored
    assert asked == [], "the console polled for documents"
    await expect(thumb.locator(".thumb-material")).to_have_text("户口簿")
    await expect(thumb.locator(".flag.new")).to_be_visible()
    assert await thumb.locator("img").evaluate("img => img.decode().then(() => img.naturalWidth)") == 226
    await thumb.click()
    canvas = approver.locator(".scan-dialog[open] .viewer-canvas")
    await expect(canvas).to_have_attribute("data-tiles-loaded", re.compile(r"^[1-9]\d*$"))
    await expect(thumb.locator(".flag.new")).to_have_count(0)  # opened: no longer new
    window = approver.viewport_size or {"width": 0, "height": 0}
    shown = await approver.locator(".scan-dialog").bounding_box()
    assert shown and shown["width"] > 0.9 * window["width"] and shown["height"] > 0.85 * window["height"]
    tools = await approver.locator(".viewer-tools > *").evaluate_all(
        "items => items.map((item) => Math.round(item.getBoundingClientRect().top))")
    assert max(tools) - min(tools) < 20, tools  # one row of buttons
    await users.look(approver, "scan-viewer")
    deepest = DeepZoom(*PAGE_SIZE).max_level
    for _ in range(4):
        await approver.locator("button[data-control=zoom-in]").click()
    deadline = asyncio.get_running_loop().time() + 15
    while not any(f"/image_files/{deepest}/" in url for url in tiles):
        assert asyncio.get_running_loop().time() < deadline, f"no full-resolution tile among {tiles}"
        await asyncio.sleep(0.1)

    seen = await village.evaluate("window.rowStates")
    checking = [entry for entry in seen if entry[0] == "checking"]
    assert checking and checking[0][1] < 100, seen  # the server's check starts its own progress, not a full bar
    assert all("服务器正在核对" in text for _, _, text in checking)
    await approver.get_by_role("button", name="关闭").click()
    await expect(approver.locator(".scan-dialog[open]")).to_have_count(0)
    await approver.reload()  # the timeline as it stands now, the thumbnails' marks included
    received = approver.locator("ol.timeline li[data-action=document_uploaded]")
    await expect(received).to_contain_text("户口簿.jpg")  # the scan's entry names the file
    marked = approver.locator("ol.timeline li[data-action=document_watermarked]").first
    await expect(marked).to_have_class(re.compile("quiet"))  # an internal record, not bold like a decision
    document = (await (await server.login("town-yb")).get(f"/api/cases/{case['id']}/documents")).body[0]
    assert document["sha256"] == sha256_of(scan) and document["material"] == "户口簿"
    assert sha256_of(scan) in archived(server.data_dir)
    actions = await audit_actions(await server.login("town-yb"), case["id"])
    assert actions.count("document_uploaded") == 1 and "document_viewed" in actions


async def test_on_a_slow_link_cut_again_and_again_the_page_loses_seconds_not_megabytes(
    users: Users, tmp_path: Path
) -> None:
    """#18: the page sent 2 MiB chunks: at 100 KB/s each took 20 s, and a cut every 5 s stopped it for good."""
    server = users.server
    case = await open_demo_case(await server.login("clerk-yb1"))
    rate = 100_000
    link = FlakyLink(server.runner.addresses[0][1], cuts=0, rng=random.Random(1), rate=rate)
    context = await users.browser.new_context(base_url=f"http://127.0.0.1:{await link.start()}", locale="zh-CN")
    users.contexts.append(context)
    try:
        village = await context.new_page()
        await village.goto(f"/village/#/case/{case['id']}")
        await sign_in(village, "clerk-yb1")
        scan = save(scan_page((1240, 1754), grain=8), tmp_path / "户口簿.jpg", "JPEG", quality=97, subsampling=0)
        size = scan.stat().st_size
        await village.locator("select[name=material]").select_option("户口簿")
        before, cuts = link.forwarded, []
        cutting = asyncio.ensure_future(cut_every(link, CUT_EVERY, cuts))
        try:
            await village.locator("input[name=scans]").set_input_files(scan)
            row = village.locator("li.upload")
            await expect(row).to_have_attribute("data-state", "done", timeout=4000 * size / rate)
        finally:
            cutting.cancel()
        lost = (link.forwarded - before - size) / rate
        assert len(cuts) >= 2 and lost / len(cuts) <= CUT_COST, f"{len(cuts)} cuts lost {lost:.1f} s of upload"
        document = (await (await server.login("town-yb")).get(f"/api/cases/{case['id']}/documents")).body[0]
        assert document["sha256"] == sha256_of(scan)
    finally:
        await link.close()
