"""The seeds' service loop on the pages (#19): the village decides its own items, due dates are flagged."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from .browser import Users
from .support import open_demo_case

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def test_the_village_window_decides_and_prints_a_village_item_without_a_call(users: Users) -> None:
    case = await open_demo_case(await users.server.login("clerk-yb1"), "V-MZ-001")
    page = await users.open(f"/village/#/case/{case['id']}", "clerk-yb1")
    await expect(page.locator(".call-not-needed")).to_contain_text("不需要视频连线")
    await expect(page.locator("button.call-start")).to_have_count(0)
    await page.get_by_role("button", name="开始审查").click()
    await expect(page.locator(".case-state")).to_contain_text("审查中")
    await page.get_by_role("button", name="批准 Approve", exact=True).click()
    await page.get_by_role("button", name="确认批准").click()
    await expect(page.locator(".case-state")).to_contain_text("已批准")
    document = page.locator(".case-document[data-kind=approval]")
    await expect(document.locator("button.print-document")).to_be_visible()
    await users.look(page, "village-decided")
    await page.get_by_role("button", name="已打印给群众").click()
    await expect(page.locator(".case-state")).to_contain_text("已办结")
    town = await users.open(f"/console/#/case/{case['id']}", "town-yb")
    await expect(town.locator(".case-state")).to_contain_text("已办结")
    await expect(town.locator("section.decisions")).to_have_count(0)


async def test_a_case_due_within_a_working_day_is_flagged_on_both_windows(users: Users) -> None:
    case = await open_demo_case(await users.server.login("clerk-yb1"), "T-MZ-002")  # due Monday 30 November
    users.server.clock.advance(days=4)  # Friday
    for path, user in (("/village/", "clerk-yb1"), ("/console/", "town-yb")):
        page = await users.open(path, user)
        card = page.locator(f".card[data-case='{case['id']}']")
        await expect(card.locator(".flag.due-soon")).to_have_text("即将超期Due soon")
        await expect(card).to_have_class("card due-soon")
