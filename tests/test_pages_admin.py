"""The administration page in Chromium (#20): the admin does each task from the page (the holiday calendar
included), and reads the statistics."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from playwright.async_api import Page, expect

from .browser import Users
from .test_cases_api import logged

pytestmark = pytest.mark.asyncio(loop_scope="module")


def row(page: Page, attribute: str, key: str):  # type: ignore[no-untyped-def]
    return page.locator(f"tr[data-{attribute}='{key}']")


async def save(page: Page) -> None:
    await page.locator("form.editor").get_by_role("button", name="保存").click()
    await expect(page.locator("form.editor")).to_have_count(0)


async def test_the_admin_manages_accounts_units_items_and_seals_from_the_page(users: Users, tmp_path: Path) -> None:
    page = await users.open("/admin/", "admin")
    await expect(row(page, "username", "clerk-yb3")).to_contain_text("从未登录")
    await expect(row(page, "username", "admin")).not_to_contain_text("从未登录")

    await page.get_by_role("button", name="新建账号").click()
    form = page.locator("form.editor")
    await form.locator("input[name=username]").fill("clerk-yb3b")
    await form.locator("input[name=display_name]").fill("青龙村窗口 郑丽")
    await form.locator("input[name=password]").fill("qinglong-2026")
    await form.locator("select[name=unit_id]").select_option("zh-yb-03")
    await users.look(page, "new-account")
    await save(page)
    await expect(row(page, "username", "clerk-yb3b")).to_contain_text("青龙村")

    await row(page, "username", "clerk-yb3").get_by_role("button", name="修改").click()
    await page.locator("form.editor input[name=disabled]").check()
    await save(page)
    await expect(row(page, "username", "clerk-yb3")).to_contain_text("已停用")
    await row(page, "username", "clerk-yb3b").get_by_role("button", name="重置密码").click()
    await page.locator("form.editor input[name=password]").fill("another-2026")
    await save(page)

    await page.get_by_role("link", name="单位").click()
    await row(page, "unit", "zh-yb-03").get_by_role("button", name="修改").click()
    await page.locator("form.editor input[name=retired]").check()
    await page.locator("form.editor").get_by_role("button", name="保存").click()
    await expect(page.get_by_role("alert")).to_contain_text("还有在用账号")  # clerk-yb3b works there
    await page.locator("form.editor input[name=name]").fill("青龙社区")
    await page.locator("form.editor input[name=retired]").uncheck()
    await save(page)
    await expect(row(page, "unit", "zh-yb-03")).to_contain_text("青龙社区")

    await page.get_by_role("link", name="事项清单").click()
    await row(page, "item", "T-RS-001").get_by_role("button", name="修改").click()
    await page.locator("form.editor input[name=time_limit_days]").fill("2")
    await users.look(page, "item-editor")
    await save(page)
    await expect(row(page, "item", "T-RS-001")).to_contain_text("2 个工作日")
    await row(page, "item", "T-RS-001").get_by_role("button", name="停办").click()
    await expect(row(page, "item", "T-RS-001")).to_contain_text("已停办")
    await row(page, "item", "T-RS-001").get_by_role("button", name="修改").click()
    await expect(page.locator("ol.history li")).to_have_count(2)
    await expect(page.locator("ol.history li").first).to_contain_text("停办")

    await page.get_by_role("link", name="公章").click()
    await row(page, "unit", "zh-yb").get_by_role("button", name="上传图片").click()
    seal = tmp_path / "seal.png"
    seal.write_bytes(red_seal())
    await page.locator("form.editor input[type=file]").set_input_files(str(seal))
    await save(page)
    await expect(row(page, "unit", "zh-yb")).to_contain_text("已上传")

    await page.get_by_role("link", name="节假日").click()
    await expect(row(page, "year", "2026")).to_contain_text("10-01 国庆节")
    await expect(row(page, "year", "2027")).to_contain_text("暂定")
    await page.get_by_role("button", name="载入节假日安排").click()
    calendar = tmp_path / "2026.json"
    calendar.write_text("{not json", "utf-8")
    await page.locator("form.editor input[type=file]").set_input_files(str(calendar))
    await page.locator("form.editor").get_by_role("button", name="保存").click()
    await expect(page.locator("form.editor [role=alert]")).to_contain_text("JSON 格式有误")
    calendar.write_text(json.dumps({"year": 2026, "source": "县里调整", "holidays": [
        {"date": "2026-11-24", "name": "县庆"}], "workdays": []}, ensure_ascii=False), "utf-8")
    await page.locator("form.editor input[type=file]").set_input_files(str(calendar))
    await users.look(page, "calendar-editor")
    await save(page)
    await expect(row(page, "year", "2026")).to_contain_text("11-24 县庆")
    await expect(row(page, "year", "2026")).not_to_contain_text("国庆节")

    actions = {action: [who for who, _ in logged(users.server, action)] for action in
               ("account_created", "account_changed", "password_reset", "unit_changed", "item_updated",
                "item_retired", "unit_seal_uploaded", "calendar_loaded")}
    assert all(who[-1:] == ["admin"] for who in actions.values()), actions

    await page.get_by_role("link", name="工作量统计").click()
    await expect(page.locator("section[data-table=outcomes]")).to_be_visible()
    await expect(page.locator("p.counted")).to_contain_text("昭化区")


def red_seal() -> bytes:
    """A round red seal on a transparent background, as a county office scans and cuts one out."""
    image = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((20, 20, 380, 380), outline=(200, 0, 0, 255), width=16)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
