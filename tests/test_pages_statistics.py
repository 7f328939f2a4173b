"""The statistics page in Chromium (#20): ECharts draws the figures, a filter changes them, the CSV is the table."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.async_api import Page, expect

from .browser import Users
from .stats_fixture import build

pytestmark = pytest.mark.asyncio(loop_scope="module")

# How many pixels of a chart's canvas are not white: ECharts drew something there.
INKED = """(chart) => {
    const canvas = chart.querySelector("canvas");
    const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
    let inked = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i + 3] && (data[i] < 200 || data[i + 1] < 200)) inked++;
    return inked;
}"""


async def table_of(page: Page, name: str) -> list[list[str]]:
    """The page's table under a chart, header first, as the text of each cell."""
    return await page.locator(f"section[data-table={name}] table").evaluate(
        "(table) => [...table.rows].map((row) => [...row.cells].map((cell) => cell.textContent))")


async def figure(page: Page, label: str) -> str:
    return (await page.locator("dl.figures .figure").filter(has_text=label).locator("dd").inner_text()).strip()


async def test_the_town_window_reads_its_charts_and_tables_and_a_filter_changes_them(users: Users) -> None:
    await build(users.server)
    page = await users.open("/console/#/statistics", "town-yb", accept_downloads=True)
    await expect(page.locator("section[data-table=outcomes] tbody tr")).to_have_count(1)  # 2026年11月
    assert (await table_of(page, "outcomes"))[1] == ["2026年11月", "3", "1", "1", "0", "1", "0"]
    for chart in ("outcomes", "handling", "call_hours"):
        drawn = page.locator(f"[data-chart={chart}]")
        await expect(drawn.locator("canvas").first).to_be_visible()
        assert await drawn.evaluate(INKED) > 500, chart
    assert "批准" in (await page.locator("[data-chart=outcomes]").get_attribute("aria-label") or "")
    groups = await table_of(page, "groups")
    assert [row[:2] for row in groups[1:]] == [["泉坝村", "2"], ["长坪村", "1"], ["合计", "3"]]
    await users.look(page, "statistics")

    async with page.expect_download() as download_info:
        await page.locator("section[data-table=groups]").get_by_role("link", name="下载此表").click()
    text = (await (await download_info.value).path()).read_text("utf-8-sig")
    assert list(csv.reader(io.StringIO(text))) == groups

    await page.locator("select[name=unit]").select_option("zh-yb-02")
    await expect(page.locator("p.counted")).to_contain_text("长坪村")
    assert await figure(page, "受理") == "1件"
    assert (await table_of(page, "outcomes"))[1] == ["2026年11月", "1", "0", "0", "0", "1", "0"]
    assert await page.locator("[data-chart=outcomes]").evaluate(INKED) > 500
    await page.locator("select[name=by]").select_option("item")
    await expect(page.locator("section[data-table=groups] h2")).to_have_text("按事项统计")


async def test_the_auditor_sees_the_whole_county_and_the_report_link_prints(users: Users) -> None:
    await build(users.server)
    page = await users.open("/audit/#/statistics", "auditor")
    await expect(page.locator("section[data-table=groups] tbody tr")).to_have_count(3)  # two towns and 合计
    assert await figure(page, "受理") == "4件"
    comments = await table_of(page, "bad_comments")
    assert comments[1][-1].startswith("=HYPERLINK")  # shown as typed; only the CSV neutralises it
    report = await page.get_by_role("link", name="下载月报表").get_attribute("href")
    assert report and report.startswith("/api/statistics.pdf?")
    await page.emulate_media(media="print")
    assert not await page.locator("form.statistics-filters").is_visible()
    assert await page.locator("[data-chart=handling] canvas").is_visible()
