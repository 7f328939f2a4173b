"""Live video consults in Chromium: the village page calls, the console answers, both see video.

Both pages talk to the real server over its signaling WebSocket and hold one peer connection
each to its media hub; Chromium's fake camera and microphone are the devices.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import AsyncIterator
from contextlib import AbstractContextManager, asynccontextmanager
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from .browser import WAIT_MS, Users, finish_printing, print_requests
from .call_pages import MEDIA_WAIT_MS, account_id, connected_call, remote_video_plays
from .mark_support import hidden_id, registered
from .support import open_demo_case, start_server
from .village_link import nft_table

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def test_the_village_calls_the_town_both_see_each_other_chat_and_the_district_joins(users: Users) -> None:
    clerk, approver, case = await connected_call(users)
    clerk_id, town_id = await account_id(users.server, "clerk-yb1"), await account_id(users.server, "town-yb")
    await remote_video_plays(clerk, town_id)
    await remote_video_plays(approver, clerk_id)
    await expect(clerk.locator(".remote-video figcaption")).to_have_text("元坝镇窗口 刘芳")
    await expect(approver.locator(".call-status")).to_contain_text("通话中")
    await expect(approver.locator(".call-participants li[data-state=connected]")).to_have_count(2)
    await expect(approver.locator(".case-main .items")).to_contain_text("身份证")  # materials beside the video
    await expect(clerk.locator(".call-quality strong")).to_contain_text("网络", timeout=MEDIA_WAIT_MS)

    chat_input = clerk.locator(".call-chat input[name=chat]")
    await expect(chat_input).to_have_attribute("placeholder", re.compile("打字"))  # says what it is for
    assert (await clerk.locator(".chat-messages").bounding_box() or {"height": 0})["height"] >= 300
    await users.look(clerk, "in-the-call")
    await users.look(approver, "in-the-call")
    await chat_input.fill("户口簿已经带来了")
    await clerk.locator(".call-chat input[name=chat]").press("Enter")
    await expect(approver.locator(".chat-messages")).to_contain_text("户口簿已经带来了")
    await approver.locator(".call-chat input[name=chat]").fill("请把户口簿首页对准摄像头")
    await approver.get_by_role("button", name="发送").click()
    await expect(clerk.locator(".chat-messages")).to_contain_text("请把户口簿首页对准摄像头")
    await expect(clerk.locator(".chat-messages li.mine")).to_contain_text("户口簿已经带来了")

    district = await users.open(f"/console/#/case/{case['id']}", "district")  # sees the case: may join
    await district.get_by_role("button", name="加入正在进行的视频连线").click()
    await remote_video_plays(district, clerk_id)
    await expect(clerk.locator(".remote-video")).to_have_count(2)  # the village uplink stays one stream
    await expect(district.locator(".chat-messages")).to_contain_text("请把户口簿首页对准摄像头")  # the chat so far

    await clerk.get_by_role("button", name="挂断").click()
    for page in (approver, district):
        await expect(page.locator(".call-end")).to_contain_text("对方已挂断，通话结束")
    history = (await (await users.server.login("town-yb")).get(f"/api/cases/{case['id']}/messages")).body
    assert [m["text"] for m in history] == ["户口簿已经带来了", "请把户口簿首页对准摄像头"]


async def canvas_ink(page: Page, selector: str) -> float:
    """The share of a canvas's pixels that are not white (a rendered page has text, seal and QR code)."""
    return float(await page.eval_on_selector(selector, """canvas => {
        const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
        let ink = 0;
        for (let i = 0; i < pixels.length; i += 4) if (pixels[i] + pixels[i + 1] + pixels[i + 2] < 600) ink += 1;
        return ink / (pixels.length / 4);
    }"""))


def poppler(tool: str, *args: str | Path) -> str:
    """What a poppler tool prints about a PDF."""
    return subprocess.run([tool, *map(str, args)], capture_output=True, text=True, check=True, timeout=30).stdout


async def test_an_approval_in_the_call_is_shown_printed_and_handed_over_at_the_village(
        users: Users, tmp_path: Path) -> None:
    clerk, approver, case = await connected_call(users)
    clerk_id, town_id = await account_id(users.server, "clerk-yb1"), await account_id(users.server, "town-yb")
    await remote_video_plays(clerk, town_id)
    await remote_video_plays(approver, clerk_id)
    await approver.locator(f".remote-video[data-participant='{clerk_id}'] button.snapshot").click()
    await expect(approver.locator(".snapshot-taken img")).to_be_visible()  # a still: a document, but no decision
    video = clerk.locator(".remote-video video")
    before = await video.bounding_box()
    await approver.get_by_role("button", name="开始审查").click()
    await expect(clerk.locator(".case-state")).to_contain_text("审查中")  # pushed, no reload
    await approver.get_by_role("button", name="批准 Approve", exact=True).click()
    await approver.get_by_role("button", name="确认批准").click()

    document = clerk.locator(".case-main .case-document[data-kind=approval]")  # in the case's column
    await expect(document.locator("h2")).to_contain_text("审批决定书")
    await expect(document.locator("button.print-document")).to_be_visible()  # once every page is drawn
    page_one = ".case-document canvas.document-page[data-page='1']"
    assert 0.01 < await canvas_ink(clerk, page_one) < 0.5
    await expect(clerk.locator(".case-state")).to_contain_text("已批准")
    await expect(clerk.locator(".call-status")).to_contain_text("通话中")  # the call goes on meanwhile
    after = await video.bounding_box()
    assert before and after and abs(after["y"] - before["y"]) < 40, (before, after)  # the video stays put
    main_text = await clerk.locator(".case-main").inner_text()
    assert main_text.count("已批准") == 1, main_text  # the state once, not again as the decision's heading
    for handover in ("已打印给群众", "已交给群众"):  # one way to say each, not three buttons
        await expect(clerk.get_by_role("button", name=handover)).to_have_count(1)
    await users.look(clerk, "document-beside-the-call")

    await clerk.get_by_role("button", name="打印 Print", exact=True).click()
    assert await print_requests(clerk) == 1
    printed = tmp_path / "printed.pdf"
    await clerk.pdf(path=printed)  # what the printer gets while the page prints: the certificate's pages alone
    assert re.search(r"^Pages:\s+1$", poppler("pdfinfo", printed), re.MULTILINE)
    assert poppler("pdftotext", printed, "-").strip() == ""  # no page text, no video, no buttons
    assert len(poppler("pdfimages", "-list", printed).splitlines()) == 2 + 1  # header lines + one page image
    await finish_printing(clerk)
    await expect(clerk.locator(".print-area")).to_have_count(0)  # the page is itself again
    await expect(clerk.locator("body")).not_to_have_class(re.compile("printing-document"))
    await expect(clerk.locator(".after-print")).to_contain_text("已打印给群众")
    await clerk.get_by_role("button", name="挂断").click()

    await clerk.reload()  # coming back to the case: its decision is offered, not the snapshot taken later
    await expect(clerk.locator("button.show-document")).to_contain_text("显示并打印审批决定书")
    await clerk.get_by_role("button", name="已打印给群众").click()
    await expect(clerk.locator(".case-state")).to_contain_text("已办结")
    await expect(clerk.locator("button.call-start")).to_have_count(0)  # a closed case offers no call
    await expect(clerk.locator(".case-document")).to_have_count(0)
    stored = (await (await users.server.login("clerk-yb1")).get(f"/api/cases/{case['id']}")).body
    assert stored["state"] == "closed" and stored["closed_how"] == "printed"


async def test_an_ended_call_is_not_offered_again(users: Users) -> None:
    """#23: after 挂断 the page offered 回到正在进行的视频连线 for a call that had ended."""
    clerk, approver, case = await connected_call(users)
    town_id = await account_id(users.server, "town-yb")
    await remote_video_plays(clerk, town_id)
    await clerk.get_by_role("button", name="挂断").click()
    await expect(clerk.get_by_role("button", name="发起视频")).to_be_visible()
    await expect(approver.locator(".call-end")).to_contain_text("对方已挂断")  # the server has ended it
    await clerk.wait_for_timeout(1000)  # any slower reply about the calls has come in
    await expect(clerk.locator("button.call-rejoin")).to_have_count(0)
    await expect(clerk.get_by_role("button", name="发起视频")).to_be_visible()


async def test_when_the_approver_hangs_up_the_village_is_told_plainly(users: Users) -> None:
    """#23: the village saw amber 通话不存在或已结束 (its rejoin refused) instead of 对方已挂断."""
    clerk, approver, case = await connected_call(users)
    clerk_id, town_id = await account_id(users.server, "clerk-yb1"), await account_id(users.server, "town-yb")
    await remote_video_plays(clerk, town_id)
    await remote_video_plays(approver, clerk_id)
    await approver.get_by_role("button", name="挂断").click()
    await expect(clerk.locator(".call-end")).to_contain_text("对方已挂断，通话结束")
    await expect(clerk.locator(".call-end.end-refused")).to_have_count(0)
    await expect(clerk.locator(".call-end")).not_to_contain_text("不存在")
    await users.look(clerk, "after-the-approver-hung-up")


@asynccontextmanager
async def short_ringing(browser: Browser, tmp_path: Path) -> AsyncIterator[Users]:
    """Users of a server whose calls ring for two seconds only."""
    server = await start_server(tmp_path / "data", ring_seconds=2.0)
    opened = Users(browser, server)
    try:
        yield opened
    finally:
        await opened.close()
        await server.close()
    assert not opened.page_errors, opened.page_errors


async def test_a_call_nobody_answers_says_so_and_can_be_placed_again(browser: Browser, tmp_path: Path) -> None:
    async with short_ringing(browser, tmp_path) as users:
        case = await open_demo_case(await users.server.login("clerk-yb1"))
        approver = await users.open("/console/", "town-yb")
        clerk = await users.open(f"/village/#/case/{case['id']}", "clerk-yb1")
        await clerk.get_by_role("button", name="发起视频").click()
        await expect(approver.locator(".ringing")).to_be_visible()
        await expect(clerk.locator(".call-end.end-unanswered")).to_contain_text("无人接听，请稍后再试", timeout=WAIT_MS)
        await expect(approver.locator(".ringing")).to_be_hidden()  # the ringing stops at the town too
        await expect(clerk.get_by_role("button", name="发起视频")).to_be_enabled()


SELECTED_PORT = """async () => {
    const { activeCall } = await import("/common/call-session.js");
    const stats = await activeCall().connection.stats();
    let pair = null;
    stats.forEach((entry) => { if (entry.type === "transport") pair = stats.get(entry.selectedCandidatePairId); });
    return stats.get(pair.localCandidateId).port;
}"""


# The hub's ICE username of the page's peer connection once it is live: a new one is a new connection.
LIVE_HUB_UFRAG = """async () => {
    const { activeCall } = await import("/common/call-session.js");
    return activeCall().state === "live" ? activeCall().connection.hubUfrag : null;
}"""


def udp_port_blocked(port: int) -> AbstractContextManager[None]:
    """Drop every UDP packet to or from a port (nftables, in the test's own network namespace only)."""
    return nft_table("cunneng_test", {"input": [f"udp dport {port} drop", f"udp sport {port} drop"]})


async def rejoined(page: Page, hub_side: str) -> None:
    """The page is live again on a new peer connection (to a new peer on the hub's side)."""
    await page.wait_for_function(f"async (before) => {{ const now = await ({LIVE_HUB_UFRAG})(); "
                                 "return now !== null && now !== before; }", arg=hub_side, timeout=MEDIA_WAIT_MS)


async def test_the_village_page_rejoins_after_its_media_or_its_socket_drops(users: Users) -> None:
    clerk, approver, _ = await connected_call(users)
    clerk_id, town_id = await account_id(users.server, "clerk-yb1"), await account_id(users.server, "town-yb")
    await remote_video_plays(clerk, town_id)
    village_at_town = approver.locator(f".call-participants li[data-participant='{clerk_id}']")
    village_video = approver.locator(f".remote-video[data-participant='{clerk_id}']")
    await expect(village_at_town).to_have_attribute("data-state", "connected")

    # The village's media path dies (its socket stays up): the town sees the picture stop and says so;
    # the page notices its peer connection is gone and rejoins with a new one.
    hub_side = await clerk.evaluate(LIVE_HUB_UFRAG)
    assert hub_side
    with udp_port_blocked(await clerk.evaluate(SELECTED_PORT)):
        await expect(village_video).to_have_class(re.compile("frozen"), timeout=MEDIA_WAIT_MS)
        await expect(village_video.locator(".frozen-note")).to_be_visible()
        await expect(approver.locator(".call-quality")).to_have_attribute("data-grade", "poor")
        await rejoined(clerk, hub_side)
        await remote_video_plays(clerk, town_id)
        await expect(village_video).not_to_have_class(re.compile("frozen"), timeout=MEDIA_WAIT_MS)

    # The village's socket drops, and no new connection gets through for a while: the page gives
    # its socket up (as it does by itself after 15 s without a word from the server).
    await clerk.context.set_offline(True)
    await clerk.evaluate("import('/common/signaling.js').then((module) => module.pageSignaling().drop())")
    await expect(clerk.locator(".call-status")).to_contain_text("正在重新连接")
    await expect(village_at_town).to_have_attribute("data-state", "reconnecting")
    await expect(village_at_town).to_contain_text("重新连接中")
    await expect(village_video.locator(".away-note")).to_be_visible()

    await clerk.context.set_offline(False)  # back: the page rejoins with a new peer connection
    await expect(village_at_town).to_have_attribute("data-state", "connected", timeout=MEDIA_WAIT_MS)
    await expect(clerk.locator(".call-status")).to_contain_text("通话中", timeout=MEDIA_WAIT_MS)
    await remote_video_plays(clerk, town_id)
    await remote_video_plays(approver, clerk_id)


async def test_a_snapshot_on_the_console_comes_back_watermarked_and_the_chat_sits_on_marks(users: Users) -> None:
    clerk, approver, case = await connected_call(users)
    clerk_id = await account_id(users.server, "clerk-yb1")
    await remote_video_plays(approver, clerk_id)
    await approver.locator(f".remote-video[data-participant='{clerk_id}'] button.snapshot").click()
    taken = approver.locator(".snapshot-taken img")
    await expect(taken).to_be_visible()
    await approver.wait_for_function("() => document.querySelector('.snapshot-taken img').naturalWidth > 0")
    image = await approver.request.get(str(await taken.get_attribute("src")))
    assert image.ok and image.headers["content-type"] == "image/png"
    mark_id = hidden_id(await image.body())
    assert registered(users.server, mark_id, "username, case_id") == ("town-yb", case["id"])
    background = await approver.eval_on_selector(".chat-messages", "list => getComputedStyle(list).backgroundImage")
    assert f"/api/cases/{case['id']}/chat-background.png" in background  # the chat sits on the viewer's marks
    await clerk.get_by_role("button", name="挂断").click()
    await expect(approver.locator(".call-area .call-end")).to_be_visible()  # the call is over
    await expect(approver.locator(".snapshot-taken img")).to_be_visible()  # the still is kept after the call
    await approver.reload()
    await expect(approver.locator(".case-snapshots .snapshot-taken")).to_have_count(1)  # and on the case for good
