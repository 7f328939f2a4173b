"""The auditor console in Chromium: find a case, replay its recorded call, a timeline entry seeks the replay."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime
from pathlib import Path
from typing import AsyncIterator

import pytest
import pytest_asyncio
from playwright.async_api import Page, expect

from village_client.consult import Party

from .browser import WAIT_MS, Users
from .call_support import recorded_call
from .mark_support import hidden_id, leaked, registered, taken_snapshot
from .support import RunningServer, WallClock, open_demo_case, start_server

pytestmark = pytest.mark.asyncio(loop_scope="module")
SAID = "请把身份证正面对准镜头"


@pytest_asyncio.fixture(loop_scope="module")
async def live_server(tmp_path: Path) -> AsyncIterator[RunningServer]:
    """The server on the wall clock, so the timeline and the recordings (stamped by the recorder) line up."""
    running = await start_server(tmp_path / "data", clock=WallClock())
    yield running
    await running.close()


async def find_case(page: Page, case: dict[str, object]) -> None:
    """Search by case number and open it."""
    await page.locator("input[name=number]").fill(str(case["number"]))
    await page.get_by_role("button", name="查找").click()
    await page.locator(f"a.card[data-case='{case['id']}']").click()


async def position(page: Page, recording_id: int) -> float:
    return float(await page.locator(f"video[data-recording='{recording_id}']").evaluate("v => v.currentTime"))


async def test_an_auditor_replays_a_call_and_a_timeline_entry_seeks_it(users: Users) -> None:
    server = users.server
    case = await open_demo_case(await server.login("clerk-yb1"))

    async def chat(village: Party, approver: Party) -> None:
        await asyncio.sleep(1.5)
        await village.send_chat(SAID)
        await approver.connection.expect("chat.message")

    village, approver, _ = await recorded_call(server.base, case["id"], 6.0, chat)
    await village.close()
    await approver.close()
    auditor = await server.login("auditor")
    recordings = (await auditor.get(f"/api/cases/{case['id']}/recordings")).body
    said = next(e for e in (await auditor.get(f"/api/cases/{case['id']}/timeline")).body
                if e["action"] == "chat_message")

    page = await users.open("/audit/", "auditor")
    await find_case(page, case)
    play = page.locator("button[data-control=play]")
    await play.click()
    await page.wait_for_function(
        "() => [...document.querySelectorAll('.parties video')].every(v => v.videoWidth > 0 && v.currentTime > 0.5)",
        timeout=WAIT_MS)
    await expect(play).to_contain_text("暂停")
    await expect(play.locator("img.icon")).to_have_attribute("src", "/common/icons/pause.svg")
    await users.look(page, "replay-playing")  # every glyph drawn from a font that has it: no empty box
    before = await position(page, recordings[0]["id"])
    await page.wait_for_function(
        f"() => document.querySelector(\"video[data-recording='{recordings[0]['id']}']\").currentTime > {before + 0.5}",
        timeout=WAIT_MS)
    await play.click()  # pause, so the positions stay where the seek puts them
    said_at = datetime.fromisoformat(said["at"])
    expected = {r["id"]: (said_at - datetime.fromisoformat(r["started_at"])).total_seconds() for r in recordings}
    assert all(1.0 < offset < 5.0 for offset in expected.values())  # the chat was said inside the recordings

    await page.locator("input[name=position]").fill("0")  # the seek bar moves both parties back to the start
    for recording in recordings:
        assert await position(page, recording["id"]) < 0.2
    entry = page.locator("ol.timeline li[data-action=chat_message]")
    await expect(entry).to_contain_text(SAID)
    await entry.locator("button.seek").click()
    for recording in recordings:
        assert abs(await position(page, recording["id"]) - expected[recording["id"]]) < 1.0, recording["label"]
    await expect(page.locator("ol.timeline li[data-action=recording_replayed]").first).to_be_visible()

    party = page.locator(f"figure.party:has(video[data-recording='{recordings[0]['id']}'])")
    await party.get_by_role("button", name="截图").click()  # the moment the timeline entry sought
    taken = page.locator(".snapshot-taken img")
    await expect(taken).to_be_visible()
    still = await page.request.get(str(await taken.get_attribute("src")))
    mark_id = hidden_id(await still.body())
    assert registered(server, mark_id, "username, what, recording_id") == (
        "auditor", "recording_still", recordings[0]["id"])


async def test_an_auditor_holds_a_problem_case_with_a_reason_and_nothing_else(users: Users) -> None:
    case = await open_demo_case(await users.server.login("clerk-yb1"))
    page = await users.open(f"/audit/#/case/{case['id']}", "auditor")
    await expect(page.locator("form")).to_have_count(1)  # the hold is all an auditor may change
    await expect(page.locator(".replay-stage")).to_contain_text("没有通话录像")
    await page.get_by_role("button", name="保全此办件").click()
    await expect(page.get_by_role("alert")).to_contain_text("保全理由")  # the server's own words
    await page.locator("form[data-form=hold] textarea").fill("群众投诉办理时间过长")
    await page.get_by_role("button", name="保全此办件").click()
    await expect(page.locator(".hold-box .hold-reason")).to_have_text("理由：群众投诉办理时间过长")
    await expect(page.locator(".case-state .flag.held")).to_be_visible()
    await expect(page.locator(".case-state .flag.problem")).to_be_visible()
    await expect(page.locator("ol.timeline li[data-action=case_held]")).to_contain_text("群众投诉办理时间过长")

    await page.locator("form[data-form=release] textarea").fill("已核实,按期办结")
    await page.get_by_role("button", name="解除保全").click()
    await expect(page.locator(".case-state .flag.held")).to_have_count(0)
    await expect(page.locator(".case-state .flag.problem")).to_be_visible()  # once a problem case, always one
    await expect(page.locator("ol.timeline li[data-action=case_released]")).to_contain_text("已核实")

    await page.get_by_role("link", name="返回查找").click()
    await page.get_by_label("只看问题件").check()
    await page.get_by_role("button", name="查找").click()
    await expect(page.locator("ul.cards a.card")).to_have_count(1)
    await expect(page.locator(f"a.card[data-case='{case['id']}'] .flag.problem")).to_be_visible()


async def test_an_auditor_traces_a_leaked_picture_to_whom_it_was_shown(users: Users, tmp_path: Path) -> None:
    leak = tmp_path / "leak.jpg"
    leak.write_bytes(leaked(await taken_snapshot(users.server)))
    page = await users.open("/audit/", "auditor")
    await page.get_by_role("link", name="泄露溯源").click()
    await page.locator("input[name=picture]").set_input_files(leak)
    await page.get_by_role("button", name="查出处").click()
    facts = page.locator(".trace-facts")
    await expect(facts).to_contain_text("元坝镇窗口 刘芳（town-yb）")
    await expect(facts).to_contain_text("通话截图")
    await expect(facts).to_contain_text(re.compile(r"审计记录第 \d+ 条"))  # the event in plain words
    await expect(facts).to_contain_text(re.compile(r"\d{2}:\d{2}:\d{2}"))  # when, to the second
    shown = await facts.inner_text()
    assert "snapshot_taken" not in shown and "#" not in shown, shown  # no raw codes
    await users.look(page, "traced")
    await page.locator(".trace-facts a").click()  # on to the case it came from
    await expect(page.locator("h1")).to_contain_text("我要办养老保险")
    traced = page.locator("ol.timeline li[data-action=mark_traced]")  # the system's own record: small, plain
    await expect(traced).to_have_class(re.compile("quiet"))
    assert await traced.locator("time").evaluate("t => getComputedStyle(t).fontWeight") == "400"
