"""The seeds' service loop on the pages (#19): the village decides its own items, due dates are flagged."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime, timedelta
from pathlib import Path

import pypdfium2
import pytest
from playwright.async_api import Page, expect

from signaling.config import CHINA_TZ

from .browser import Users, finish_printing, print_requests
from .scan_samples import small_scan
from .scan_support import uploader
from .support import VALID_ID, open_demo_case
from .test_certificates import pdf_text, pyhanko_statuses

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def new_villager(page: Page) -> None:
    """Step 1 of 办新事 for 王大山, not on file yet."""
    await page.locator("input[name=id_number]").fill(VALID_ID)
    await page.locator("input[name=name]").fill("王大山")
    await page.locator("input[name=phone]").fill("13800001111")


async def test_the_village_window_opens_decides_and_prints_a_village_item_with_its_seal_without_a_call(
        users: Users, tmp_path: Path) -> None:
    page = await users.open("/village/#/new", "clerk-yb1")
    await new_villager(page)
    await page.locator("input[name=search]").fill("老年优待")
    await page.locator("button.choice[data-code='V-MZ-001']").click()
    await page.get_by_role("button", name="受理").click()
    await expect(page.locator("h1")).to_have_text("我要办老年优待证")
    case_id = int(page.url.rsplit("/", 1)[1])
    await expect(page.locator(".call-not-needed")).to_contain_text("不需要视频连线")
    await expect(page.locator("button.call-start")).to_have_count(0)
    await page.get_by_role("button", name="开始审查").click()
    await expect(page.locator(".case-state")).to_contain_text("审查中")
    await page.get_by_role("button", name="批准 Approve", exact=True).click()
    await page.get_by_role("button", name="确认批准").click()
    await expect(page.locator(".case-state")).to_contain_text("已批准")
    document = page.locator(".case-document[data-kind=approval]")
    await users.look(page, "village-decided")
    await document.get_by_role("button", name="打印 Print", exact=True).click()
    assert await print_requests(page) == 1
    await finish_printing(page)
    clerk = await users.server.login("clerk-yb1")
    status, pdf = await clerk.get_bytes(f"/api/documents/{await document.get_attribute('data-document')}/file")
    assert status == 200
    signed = (await asyncio.to_thread(pyhanko_statuses, users.server, pdf))[0]
    assert signed.valid and signed.trusted  # the village's own certificate from the local CA, and its seal
    assert signed.signing_cert.subject.native["organization_identifier"] == "zh-yb-01"
    assert "元坝镇泉坝村民委员会" in pdf_text(pdf, tmp_path) and "电子印章" in pdf_text(pdf, tmp_path)
    await page.get_by_role("button", name="已打印给群众").click()
    await expect(page.locator(".case-state")).to_contain_text("已办结")
    timeline = (await clerk.get(f"/api/cases/{case_id}/timeline")).body
    assert [e for e in timeline if e["action"].startswith("call")] == []  # no video consult
    town = await users.open(f"/console/#/case/{case_id}", "town-yb")
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


async def test_a_bundle_offers_its_optional_items_and_asks_for_each_document_once(users: Users) -> None:
    page = await users.open("/village/#/new", "clerk-yb1")
    await new_villager(page)
    await page.locator("input[name=search]").fill("后事")
    await page.locator("button.choice[data-code='B-SHYJS']").click()
    checklist = page.locator(".chosen input[name=collected]")
    await expect(checklist).to_have_count(7)
    await expect(page.get_by_role("checkbox", name="办事家属居民身份证")).to_have_count(1)
    await page.locator("input[name=optional_item][value='D-CL-002']").check()
    await expect(page.get_by_role("checkbox", name="残疾人证（交回）")).to_have_count(1)
    await users.look(page, "bundle-optional-items")
    await page.get_by_role("button", name="受理").click()
    await expect(page.locator("h1")).to_contain_text("残疾")
    opened = (await (await users.server.login("clerk-yb1")).get("/api/cases")).body[0]
    assert "D-CL-002" in [item["code"] for item in opened["items"]]
    assert "D-ZR-002" not in [item["code"] for item in opened["items"]]


async def test_a_known_villagers_basic_data_fills_in_and_a_scan_is_reused_in_one_click(
    users: Users, tmp_path: Path
) -> None:
    server = users.server
    clerk_api = await server.login("clerk-yb1")
    opened = await clerk_api.post("/api/cases", {"item_code": "T-RS-001", "villager": {
        "id_number": VALID_ID, "name": "王大山", "phone": "13800001111", "ethnicity": "汉族",
        "hukou_type": "农业家庭户口"}})
    sent = await uploader(server, clerk_api).upload(opened.body["id"], small_scan(tmp_path / "hukou.jpg"),
                                                    material="户口簿")
    page = await users.open("/village/#/new", "clerk-yb1")
    await page.locator("input[name=id_number]").fill(VALID_ID)
    await expect(page.locator("input[name=ethnicity]")).to_have_value("汉族")
    await expect(page.locator("select[name=hukou_type]")).to_have_value("农业家庭户口")
    await page.locator("input[name=residence]").fill("泉坝村3组12号")
    await page.locator("input[name=search]").fill("临时救助")
    await page.locator("button.choice[data-code='T-MZ-002']").click()
    await page.get_by_role("button", name="受理").click()
    await expect(page.locator("h1")).to_contain_text("临时救助")
    earlier = page.locator(".earlier-scans")
    await expect(earlier).to_contain_text(opened.body["number"])
    await users.look(page, "earlier-scans")
    await earlier.locator(f"button.use-earlier[data-document='{sent.document['id']}']").click()
    await expect(earlier.locator("button.use-earlier")).to_contain_text("已使用")
    second = (await clerk_api.get("/api/cases")).body[0]
    town = await users.open(f"/console/#/case/{second['id']}", "town-yb")
    await expect(town.locator(".thumb .first-taken")).to_contain_text(opened.body["number"])
    history = (await clerk_api.get(f"/api/villagers/{VALID_ID}/history")).body
    assert [(h["field"], h["old_value"], h["new_value"]) for h in history] == [("residence", None, "泉坝村3组12号")]


async def test_the_villager_gets_a_receipt_with_the_due_date_and_hears_back(users: Users) -> None:
    server = users.server
    case = await open_demo_case(await server.login("clerk-yb1"), "T-MZ-002")
    page = await users.open(f"/village/#/case/{case['id']}", "clerk-yb1")
    await page.locator("a.acceptance-receipt").click()
    receipt = page.locator(".receipt.acceptance")
    await expect(receipt.locator("h1")).to_have_text("受理回执")
    await expect(receipt).to_contain_text(case["number"])
    await expect(receipt.locator(".due")).to_contain_text("2026年11月30日 前办结")
    await expect(receipt.locator(".next")).to_contain_text("元坝镇窗口审查")
    qr = receipt.locator("img.status-qr")
    await expect(qr).to_be_visible()
    assert await qr.evaluate("(img) => img.decode().then(() => img.naturalWidth > 0)")  # the server's QR drawn
    await users.look(page, "acceptance-receipt")
    await page.get_by_role("link", name="电话通知").click()
    call = page.locator("ul.calls li")
    await expect(call).to_have_count(1)
    await expect(call).to_contain_text("受理通知")
    await expect(call).to_contain_text("13800001111")
    await call.get_by_role("button", name="已打电话告知").click()
    await expect(page.locator("ul.calls li")).to_have_count(0)

    villager = await users.open(f"/status?case={case['number']}")  # the QR code's address, signed in as nobody
    await villager.locator("input[name=id4]").fill(VALID_ID[-4:])
    await villager.get_by_role("button", name="查询").click()
    await expect(villager.locator(".state")).to_have_text("已受理")
    await expect(villager.locator(".next-step")).to_contain_text("11月30日前办结")
    await users.look(villager, "status-page")


async def test_a_case_carried_by_an_agent_records_who_where_and_who_received(users: Users) -> None:
    page = await users.open("/village/#/new", "clerk-yb1")
    await new_villager(page)
    await page.locator("input[name=carried]").check()
    await page.locator("input[name=agent_name]").fill("王小军")
    await page.locator("input[name=villager_absent]").check()
    await users.look(page, "agent-fields")
    await page.locator("input[name=search]").fill("养老保险")
    await page.locator("button.choice[data-code='T-RS-001']").click()
    await page.get_by_role("button", name="受理").click()
    agency = page.locator(".agency")
    await expect(agency.locator(".carried-by")).to_contain_text("王小军")
    await expect(agency.locator(".carried-by")).to_contain_text("凭委托书代办")
    await expect(page.locator("ul.materials")).to_contain_text("委托书")
    await agency.get_by_role("button", name="记录去向").click()
    await agency.locator("select[name=what]").select_option("originals")
    await agency.locator("select[name=place]").select_option("town")
    await agency.get_by_role("button", name="保存去向").click()
    await expect(agency.locator("ol.custody li")).to_have_count(1)
    await expect(agency.locator("ol.custody")).to_contain_text("已送镇便民服务中心")
    await users.look(page, "agency-panel")
    case = (await (await users.server.login("clerk-yb1")).get("/api/cases")).body[0]
    town = await users.open(f"/console/#/case/{case['id']}", "town-yb")
    await expect(town.locator(".agency ol.custody")).to_contain_text("已送镇便民服务中心")
    timeline = town.locator("ol.timeline")
    await expect(timeline).to_contain_text("材料和证照去向")
    await expect(timeline).to_contain_text("通知群众")
    assert not re.search(r"[a-z]+_[a-z]+", await timeline.inner_text())  # every event in words, no codes


async def test_the_villager_withdraws_an_application_at_the_window(users: Users) -> None:
    case = await open_demo_case(await users.server.login("clerk-yb1"), "T-MZ-002")
    page = await users.open(f"/village/#/case/{case['id']}", "clerk-yb1")
    await page.get_by_role("button", name="群众撤回申请").click()
    await expect(page.get_by_role("alert")).to_contain_text("撤回原因")  # the API's words: a reason is needed
    await page.locator("input[name=withdraw_reason]").fill("群众决定暂不办理")
    await page.get_by_role("button", name="群众撤回申请").click()
    await expect(page.locator(".case-state")).to_contain_text("已办结")
    await expect(page.locator(".decision.withdrawn")).to_contain_text("群众决定暂不办理")


async def test_the_guide_booklet_prints_one_guide_a_page(users: Users) -> None:
    """转码成册: opened from the village window, each of the 144 guides prints on its own page after the contents."""
    window = await users.open("/village/", "clerk-yb1")
    async with window.context.expect_page() as opened:
        await window.get_by_role("link", name="办事指南汇编").click()
    page = await opened.value
    await expect(page.locator("section.guide-page")).to_have_count(145)  # 141 items, 3 bundles, the cover
    await expect(page.locator("section.cover ol li")).to_have_count(144)
    pdf = await page.pdf(format="A4")
    await page.close()
    printed = pypdfium2.PdfDocument(pdf)
    try:
        assert len(printed) >= 145
        texts = [printed[n].get_textpage().get_text_range() for n in range(len(printed))]
        with_qr = [n for n, text in enumerate(texts) if "扫码查看本指南" in text]
        assert with_qr[0] > 0 and len(with_qr) == 144  # after the contents, each guide's QR on its own page
    finally:
        printed.close()


async def test_a_supplement_wait_stops_the_clock_and_moves_the_shown_due_date(users: Users) -> None:
    """Both windows show 计时暂停 while the villager owes materials, then the due date a week later."""
    clerk, town = await users.server.login("clerk-yb1"), await users.server.login("town-yb")
    case = await open_demo_case(clerk, "T-MZ-002")
    path = f"/api/cases/{case['id']}"
    await town.post(f"{path}/actions/start_review", {})
    await town.post(f"{path}/actions/request_supplement", {"materials": [{"name": "户口簿", "form": "original",
                                                                          "count": 1}]})
    console = await users.open(f"/console/#/case/{case['id']}", "town-yb")
    await expect(console.locator("dl.facts .flag.clock-stopped")).to_have_text("计时暂停Clock stopped")
    users.server.clock.advance(days=7)  # 5 working days: no holiday falls in late 2026 before New Year
    window = await users.open(f"/village/#/case/{case['id']}", "clerk-yb1")
    await expect(window.locator("dl.facts .flag.clock-stopped")).to_have_text("计时暂停Clock stopped")
    await window.get_by_role("button", name="材料已补齐，重新提交").click()
    await expect(window.locator(".case-state")).to_contain_text("审查中")
    moved = datetime.fromisoformat(case["due_at"]) + timedelta(days=7)
    shown = f"{moved.astimezone(CHINA_TZ):%Y年%-m月%-d日 %H:%M}"
    console = await users.open(f"/console/#/case/{case['id']}", "town-yb")
    for page in (window, console):
        due = page.locator("dl.facts dd").filter(has_text="已顺延")
        await expect(due).to_contain_text(shown)
        await expect(due).to_contain_text("等待补充材料 5 个工作日，已顺延")
    clerk = await users.server.login("clerk-yb1")
    assert (await clerk.get(path)).body["due_at"] == moved.isoformat()


async def test_the_villager_rates_a_closed_case_on_the_status_page_once(users: Users) -> None:
    clerk = await users.server.login("clerk-yb1")
    case = await open_demo_case(clerk, "V-MZ-001")
    path = f"/api/cases/{case['id']}"
    for action, body in (("start_review", {}), ("approve", {}), ("close", {"handover": "printed"})):
        assert (await clerk.post(f"{path}/actions/{action}", body)).status == 200
    villager = await users.open(f"/status?case={case['number']}")  # the receipt's QR code, signed in as nobody
    await villager.locator("input[name=id4]").fill(VALID_ID[-4:])
    await villager.get_by_role("button", name="查询").click()
    await expect(villager.locator(".state")).to_have_text("已办结")
    await villager.locator("textarea[name=comment]").fill("在村里就办好了")
    await users.look(villager, "status-rating")
    await villager.get_by_role("button", name="5 分").click()
    await expect(villager.locator(".rated")).to_contain_text("已评价：5 分")
    await expect(villager.locator("button[name=score]")).to_have_count(0)  # once per case
    seen = (await clerk.get(path)).body
    assert (seen["rating"], seen["rating_comment"], seen["rated_via"]) == (5, "在村里就办好了", "villager")
