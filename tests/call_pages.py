"""Calls between Chromium pages: whether a remote video plays, a call placed and answered, the selected ICE pair."""

from __future__ import annotations

from typing import Any

from playwright.async_api import Page, expect

from .browser import WAIT_MS, Users
from .support import RunningServer, open_demo_case

MEDIA_WAIT_MS = WAIT_MS * 2  # ICE, DTLS and the first keyframe, on a busy 2-core machine


async def account_id(server: RunningServer, username: str) -> int:
    me = await (await server.login(username)).get("/api/me")
    return int(me.body["id"])


# True once the video shows a picture whose time and frame count move on since the first look at
# the same stream (the mark is kept on the element; a new stream, as after a rejoin, starts over).
PLAYING = """(selector) => {
    const video = document.querySelector(selector);
    if (!video || video.videoWidth === 0) return false;
    const frames = video.getVideoPlaybackQuality().totalVideoFrames;
    const mark = video.playingMark;
    if (!mark || mark.stream !== video.srcObject) {
        video.playingMark = { stream: video.srcObject, time: video.currentTime, frames };
        return false;
    }
    return video.currentTime > mark.time + 0.3 && frames > mark.frames + 3;
}"""


async def remote_video_plays(page: Page, participant: int) -> None:
    """The participant's video on this page has a picture, its time moves on and new frames arrive."""
    video = f".remote-video[data-participant='{participant}'] video"
    await page.eval_on_selector_all(video, "videos => videos.forEach((v) => { delete v.playingMark; })")
    await page.wait_for_function(PLAYING, arg=video, timeout=MEDIA_WAIT_MS)


async def connected_call(users: Users) -> tuple[Page, Page, dict[str, Any]]:
    """The clerk presses 发起视频 on a new case; the town window answers from its ringing bar."""
    case = await open_demo_case(await users.server.login("clerk-yb1"))
    approver = await users.open("/console/", "town-yb")
    clerk = await users.open(f"/village/#/case/{case['id']}", "clerk-yb1")
    await clerk.get_by_role("button", name="发起视频").click()
    await expect(clerk.locator(".call-status")).to_contain_text("正在呼叫元坝镇窗口")
    ringing = approver.locator(f".ringing li[data-case='{case['id']}']")
    await expect(ringing).to_contain_text("王大山")
    await expect(approver.locator(".ringing")).to_have_attribute("data-beeping", "true")
    await ringing.get_by_role("button", name="接听").click()
    await expect(approver.locator(".ringing")).to_be_hidden()
    await expect(approver.locator(".case-layout .call-area.case-call")).to_be_visible()
    return clerk, approver, case


# The page's live peer connection's selected candidate pair: each end's type, protocol and address.
SELECTED_PAIR = """async () => {
    const { activeCall } = await import("/common/call-session.js");
    const stats = await activeCall().connection.stats();
    let pair = null;
    stats.forEach((entry) => { if (entry.type === "transport") pair = stats.get(entry.selectedCandidatePairId); });
    if (!pair) return null;
    const end = (id) => { const c = stats.get(id);
        return { type: c.candidateType, protocol: c.protocol, relayProtocol: c.relayProtocol ?? null,
                 address: c.address, port: c.port }; };
    return { local: end(pair.localCandidateId), remote: end(pair.remoteCandidateId), state: pair.state };
}"""


async def selected_pair(page: Page) -> dict[str, Any]:
    """Which candidates the page's call runs over now."""
    found = await page.evaluate(SELECTED_PAIR)
    assert found is not None, "the page has no selected candidate pair"
    return dict(found)
