"""The village window in Chromium: opening cases, reusing a villager's data, logging in."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from .browser import CJK_FONTS, Users, fill_login, platform_fonts, sign_in
from .decision_support import decide
from .support import VALID_ID, open_demo_case

pytestmark = pytest.mark.asyncio(loop_scope="module")

NEW_ID = "11010519491231002X"  # a valid GB 11643 number with the check character X


async def choose(page: Page, search: str, code: str) -> None:
    await page.locator("input[name=search]").fill(search)
    await page.locator(f"button.choice[data-code='{code}']").click()


async def test_a_clerk_opens_a_case_for_a_new_villager(users: Users) -> None:
    page = await users.open("/village/", "clerk-yb1")
    await page.get_by_role("link", name="办新事 Open a new case").click()
    await page.locator("input[name=id_number]").fill(NEW_ID)
    await expect(page.locator(".villager-status")).to_contain_text("第一次来办事")
    await page.locator("input[name=name]").fill("李秀英")
    await page.locator("input[name=phone]").fill("13900002222")
    await page.locator("input[name=search]").fill("修房子")
    await expect(page.locator("button.choice:visible")).to_have_count(2)  # the item and the 一件事 bundle
    await choose(page, "修房子", "T-NY-001")
    item = (await (await users.server.login("clerk-yb1")).get("/api/items/T-NY-001")).body
    checklist = page.locator(".chosen input[name=collected]")
    await expect(checklist).to_have_count(len(item["materials"]))
    ticked = item["materials"][0]["name"]
    await page.get_by_role("checkbox", name=ticked).check()  # collected: kept with the case (#23)
    await users.look(page, "materials-ticked")
    await page.get_by_role("button", name="受理").click()
    await expect(page.locator("h1")).to_have_text("我要修房子")
    collected = page.locator("ul.materials li[data-collected=true]")
    await expect(collected).to_have_count(1)
    await expect(collected).to_contain_text(ticked)
    await expect(collected).to_contain_text("已收")
    await expect(page.locator(".case-state")).to_contain_text("已受理")
    await expect(page.locator("dl.facts")).to_contain_text("李秀英 13900002222")
    await page.get_by_role("link", name="返回办件列表").click()
    await expect(page.locator(".group-running .card")).to_contain_text("李秀英")


async def test_a_known_villager_is_filled_from_the_id_number(users: Users) -> None:
    await open_demo_case(await users.server.login("clerk-yb1"))  # 王大山 is on file now
    page = await users.open("/village/#/new", "clerk-yb1")
    await page.locator("input[name=id_number]").fill(VALID_ID)
    await expect(page.locator("input[name=name]")).to_have_value("王大山")
    await expect(page.locator("input[name=name]")).not_to_be_editable()
    await expect(page.locator("input[name=phone]")).to_have_value("13800001111")
    await choose(page, "养老金认证", "V-RS-001")
    await page.get_by_role("button", name="受理").click()
    await expect(page.locator("dl.facts")).to_contain_text("王大山 13800001111")


async def test_a_wrong_password_shows_the_chinese_error(users: Users) -> None:
    page = await users.open("/village/")
    await fill_login(page, "clerk-yb1", "not-the-password")
    await expect(page.get_by_role("alert")).to_contain_text("用户名或密码不正确。")
    await expect(page.locator("form.login")).to_be_visible()


async def test_every_page_draws_chinese_with_a_cjk_font(users: Users) -> None:
    page = await users.open("/")
    checks = [("/", ".choice span[lang=zh-CN]"), ("/village/", "form.login h1 span[lang=zh-CN]"),
              ("/console/", "form.login h1 span[lang=zh-CN]")]
    for path, selector in checks:
        await page.goto(path)
        await expect(page.locator(selector).first).to_be_visible()
        fonts = await platform_fonts(page, selector)
        assert fonts and set(fonts) <= CJK_FONTS, (path, fonts)


async def test_an_expired_session_asks_for_the_password_again(users: Users) -> None:
    page = await users.open("/village/", "clerk-yb1")
    await expect(page.locator("html")).to_have_attribute("data-signaling", "ready")  # its hello is in
    users.server.clock.advance(hours=13)  # sessions last 12 hours
    await page.get_by_role("link", name="办新事 Open a new case").click()
    await expect(page.locator("form.login .note")).to_contain_text("登录已过期")
    await sign_in(page, "clerk-yb1")
    await expect(page.locator("button.choice").first).to_be_visible()  # back on the page it asked for
    listings: list[str] = []
    page.on("request", lambda request: listings.append(request.url) if request.url.endswith("/api/cases") else None)
    await page.locator("nav a[href='#/']").click()
    await expect(page.locator(".note, .cards").first).to_be_visible()
    assert len(listings) == 1  # the routes started anew, not twice over


async def test_a_closed_case_shows_when_it_was_done_and_every_page_has_its_icon(users: Users) -> None:
    """#23: closed cases still showed 限…前办结; /favicon.ico answered 404 on every page."""
    _, document, _ = await decide(users.server, "approve", {})
    clerk_api = await users.server.login("clerk-yb1")
    closed = await clerk_api.post(f"/api/cases/{document['case_id']}/actions/close", {"handover": "printed"})
    assert closed.status == 200, closed.body
    page = await users.open("/village/", "clerk-yb1")
    card = page.locator(f"a.card[data-case='{document['case_id']}']")
    await expect(card).to_contain_text("办结")
    await expect(card).not_to_contain_text("前办结")
    icon = await page.request.get("/favicon.ico")
    assert icon.ok and icon.headers["content-type"] == "image/x-icon" and (await icon.body())[:4] == b"\x00\x00\x01\x00"
