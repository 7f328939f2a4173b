"""The approver console in Chromium, with the village window: one case from queue to rating."""

from __future__ import annotations

import csv
import io
import subprocess
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from .browser import Users
from .support import ApiClient, open_demo_case

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def state_is(page: Page, state_name: str) -> None:
    await expect(page.locator(".case-state .state")).to_contain_text(state_name)


async def signed_text(client: ApiClient, case_id: int, kind: str, tmp_path: Path) -> str:
    """The text of the case's signed document of that kind, as pdftotext reads it, spaces taken out."""
    documents = (await client.get(f"/api/cases/{case_id}/documents")).body
    found = next(document for document in documents if document["kind"] == kind)
    status, pdf = await client.get_bytes(f"/api/documents/{found['id']}/file")
    assert status == 200
    (tmp_path / "signed.pdf").write_bytes(pdf)
    shown = subprocess.run(["pdftotext", str(tmp_path / "signed.pdf"), "-"], capture_output=True, text=True,
                           check=True, timeout=30).stdout
    return "".join(shown.split())


async def test_a_supplement_round_trip_between_the_town_and_the_village(users: Users, tmp_path: Path) -> None:
    server = users.server
    clerk_api = await server.login("clerk-yb1")
    late = await open_demo_case(clerk_api)  # 我要办养老保险, one working day
    server.clock.advance(days=7)
    clerk_api = await server.login("clerk-yb1")  # sessions last 12 hours
    fresh = await open_demo_case(clerk_api)
    approver = await users.open("/console/", "town-yb")
    cards = approver.locator("ul.cards a.card")
    await expect(cards).to_have_count(2)
    await expect(cards.first).to_have_attribute("data-case", str(late["id"]))  # overdue first
    await expect(cards.first.locator(".flag.overdue")).to_have_text("已超期Overdue")
    await expect(approver.locator(f"a.card[data-case='{fresh['id']}'] .flag")).to_have_count(0)

    await cards.first.click()
    await approver.get_by_role("button", name="开始审查").click()
    await state_is(approver, "审查中")
    await approver.get_by_role("button", name="要求补充材料").click()
    missing = [m["name"] for m in late["materials"]]
    for name in missing:
        await approver.get_by_role("checkbox", name=name).check()
    await approver.locator(".missing-material input[name=note]").first.fill("需本人签字")
    await approver.get_by_role("button", name="发出补充材料告知").click()
    await state_is(approver, "待补充材料")

    clerk = await users.open(f"/village/#/case/{late['id']}", "clerk-yb1")
    supplement = clerk.locator(".decision.supplement_requested ol.supplement")
    await expect(supplement.locator("li")).to_have_count(len(missing))
    await expect(supplement).to_contain_text("需本人签字")
    await clerk.get_by_role("link", name="打印资料补充回执清单").click()
    await expect(clerk.locator(".receipt h1")).to_have_text("资料补充回执清单")
    await expect(clerk.locator(".receipt tbody tr")).to_have_count(len(missing))
    signed = await signed_text(clerk_api, late["id"], "supplement_receipt", tmp_path)
    for sentence in (".notice-opening", ".notice-closing"):  # the page and the signed list say it in one text
        assert "".join((await clerk.locator(f".receipt {sentence}").inner_text()).split()) in signed
    await users.look(clerk, "receipt")
    await clerk.get_by_role("link", name="返回办件").click()
    await clerk.get_by_role("button", name="材料已补齐").click()
    await state_is(clerk, "审查中")

    await approver.reload()
    await approver.get_by_role("button", name="批准 Approve", exact=True).click()
    await approver.get_by_role("button", name="确认批准").click()
    await state_is(approver, "已批准")
    timeline = approver.locator("ol.timeline")
    for event in ("受理办件", "开始审查", "一次性告知补充材料", "补充材料后重新提交", "批准"):
        await expect(timeline).to_contain_text(event)

    await clerk.reload()
    await clerk.get_by_role("button", name="已打印给群众").click()
    await state_is(clerk, "已办结")
    await clerk.locator(".stars button[data-score='5']").click()
    await expect(clerk.locator(".rating .rated")).to_contain_text("5 分")
    stored = (await clerk_api.get(f"/api/cases/{late['id']}")).body
    assert stored["state"] == "closed" and stored["rating"] == 5


async def test_a_department_reviewer_gives_an_opinion_in_a_joint_review(users: Users) -> None:
    server = users.server
    case = await open_demo_case(await server.login("clerk-yb1"))
    await (await server.login("town-yb")).post(f"/api/cases/{case['id']}/actions/start_review", {})
    approver = await users.open(f"/console/#/case/{case['id']}", "town-yb")
    hrss = approver.get_by_role("checkbox", name="昭化区人力资源和社会保障局")
    await expect(hrss).to_be_checked()  # the item is handled by 人社 (hrss): proposed at once
    await approver.get_by_role("button", name="发给所选部门").click()
    await expect(approver.locator(".reviews li[data-unit='zh-hrss']")).to_contain_text("审核中")

    reviewer = await users.open("/console/", "dept-hrss")
    await reviewer.locator(f"a.card[data-case='{case['id']}']").click()
    await reviewer.get_by_role("button", name="不同意").click()
    await users.look(reviewer, "opinion-form")
    await reviewer.get_by_role("button", name="提交不同意意见").click()
    await expect(reviewer.get_by_role("alert")).to_contain_text("不同意时请写明理由。")  # the API's own words
    await reviewer.locator("form[data-form=review_refuse] textarea").fill("缴费年限证明不全")
    await reviewer.get_by_role("button", name="提交不同意意见").click()
    await expect(reviewer.locator(".reviews li[data-unit='zh-hrss']")).to_contain_text("不同意")

    opinion = approver.locator(".reviews li[data-unit='zh-hrss']")  # pushed to the town's open page: no reload
    await expect(opinion).to_contain_text("缴费年限证明不全")
    await expect(approver.locator("ol.timeline")).to_contain_text("部门审核意见")
    await expect(approver.locator(".waiting-departments")).to_contain_text("联审部门全部同意后才能批准")
    await expect(approver.get_by_role("button", name="批准 Approve", exact=True)).to_have_count(0)
    await users.look(approver, "waiting-for-departments")


async def test_every_console_showing_a_case_follows_what_others_do_to_it(users: Users) -> None:
    """#23: 15 s after 民政局 agreed, 人社局's page still said 审核中; reviewers saw an empty 审批决定;
    批准 was offered before every department agreed, and refused with half-width punctuation."""
    server = users.server
    case = await open_demo_case(await server.login("clerk-yb1"))
    town = await server.login("town-yb")
    await town.post(f"/api/cases/{case['id']}/actions/start_review", {})
    await town.post(f"/api/cases/{case['id']}/reviews", {"departments": ["zh-hrss", "zh-civil"]})
    approver = await users.open(f"/console/#/case/{case['id']}", "town-yb")
    hrss = await users.open(f"/console/#/case/{case['id']}", "dept-hrss")
    await expect(hrss.locator(".opinion h2")).to_contain_text("昭化区人力资源和社会保障局的审核意见")
    await expect(hrss.locator(".decisions")).to_have_count(0)  # a reviewer decides nothing: no empty 审批决定
    await expect(approver.get_by_role("button", name="批准 Approve", exact=True)).to_have_count(0)
    refused = await town.post(f"/api/cases/{case['id']}/actions/approve", {})
    assert refused.status == 409
    assert "联审部门尚未全部同意：" in refused.body["message"] and "（审核中）" in refused.body["message"]
    assert not set(":(),;") & set(refused.body["message"])  # full-width punctuation in Chinese

    await hrss.get_by_role("button", name="同意").first.click()
    await hrss.get_by_role("button", name="确认同意").click()
    civil = await server.login("dept-civil")
    assert (await civil.post(f"/api/cases/{case['id']}/review", {"decision": "approve"})).status == 200
    for page in (approver, hrss):  # both open pages redraw at once, nobody reloads
        await expect(page.locator(".reviews li[data-unit='zh-civil']")).to_contain_text("同意", timeout=5000)
        await expect(page.locator("ol.timeline li[data-action=review_decided]")).to_have_count(2)
    await approver.get_by_role("button", name="批准 Approve", exact=True).click()  # offered once all agreed
    await approver.get_by_role("button", name="确认批准").click()
    await expect(hrss.locator(".case-state")).to_contain_text("已批准", timeout=5000)


async def test_the_ledger_link_downloads_the_cases_as_csv(users: Users) -> None:
    case = await open_demo_case(await users.server.login("clerk-yb1"))
    page = await users.open("/console/#/ledger", "town-yb", accept_downloads=True)
    await page.locator("input[name=from]").fill("2026-11-30")
    await page.locator("input[name=to]").fill("2026-11-01")
    await expect(page.get_by_role("alert")).to_contain_text("结束日期不能早于开始日期")
    await page.locator("input[name=from]").fill("2026-11-01")
    await page.locator("input[name=to]").fill("2026-11-30")
    async with page.expect_download() as download_info:
        await page.get_by_role("link", name="下载台账").click()
    download = await download_info.value
    text = (await download.path()).read_text("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["办件编号"] for row in rows] == [case["number"]]


async def test_a_promised_date_then_a_refusal_reach_the_village_in_plain_words(users: Users) -> None:
    case = await open_demo_case(await users.server.login("clerk-yb1"))
    approver = await users.open(f"/console/#/case/{case['id']}", "town-yb")
    await approver.get_by_role("button", name="开始审查").click()
    await approver.get_by_role("button", name="承诺限时办结").click()
    await approver.locator("input[name=until]").fill("2026-12-04")
    await approver.get_by_role("button", name="确认承诺日期").click()
    await state_is(approver, "承诺办结")
    clerk = await users.open(f"/village/#/case/{case['id']}", "clerk-yb1")
    await expect(clerk.locator(".decision.pending")).to_contain_text("2026年12月4日")

    await approver.get_by_role("button", name="不予批准").click()
    await approver.get_by_role("button", name="确认不予批准").click()
    await expect(approver.get_by_role("alert")).to_contain_text("不予批准的理由")  # required, says the API
    await approver.locator("form[data-form=refuse] textarea").fill("已参加职工养老保险,不能重复参保")
    await approver.get_by_role("button", name="确认不予批准").click()
    await state_is(approver, "不予批准")

    await clerk.reload()
    await expect(clerk.locator(".decision.refused .reason")).to_have_text("已参加职工养老保险,不能重复参保")
    await clerk.get_by_role("button", name="已交给群众").click()
    await state_is(clerk, "已办结")
    await expect(clerk.locator(".decision.refused")).to_be_visible()  # the reason stays on the closed case
