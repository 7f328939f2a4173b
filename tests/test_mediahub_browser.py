"""Media hub with real Chromium as the village page: the hub's offers suit a browser."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Page, async_playwright

from signaling.media import MediaConfig, MediaHub

from .mediahub_peers import ClientPeer, board_fixture, close_to, eventually  # noqa: F401

RED = (220, 30, 30)
BLUE = (30, 30, 220)
GREEN = (30, 200, 30)
YELLOW = (220, 220, 30)
PAGE = Path(__file__).with_name("web") / "mediahub_page.html"
CHROMIUM_ARGS = [
    "--allow-loopback-in-peer-connection",
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
]


class BrowserPeer:
    """Hands the hub's messages to the page and its answers back to the hub."""

    def __init__(self, page: Page, hub: MediaHub, call_id: str, participant_id: str) -> None:
        self.page = page
        self._hub = hub
        self._call_id = call_id
        self._participant_id = participant_id
        self._inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._task = asyncio.ensure_future(self._run())

    async def open(self) -> None:
        """Load the page, its ICE candidates wired to the hub."""
        await self.page.expose_function("hubCandidate", self._candidate)
        await self.page.goto(PAGE.as_uri())

    async def _candidate(self, candidate: dict[str, Any] | None) -> None:
        await self._hub.add_ice_candidate(self._call_id, self._participant_id, candidate)

    def deliver(self, message: dict[str, Any]) -> None:
        self._inbox.put_nowait(message)

    async def wait_until_shown(self, participant_id: str, rgb: tuple[int, int, int]) -> None:
        """Wait until the page plays a participant's video in the colour they send."""
        async with asyncio.timeout(15):
            while True:
                shown = await self.page.evaluate("pid => colourOf(pid)", participant_id)
                if shown is not None and close_to((shown[0], shown[1], shown[2]), rgb):
                    return
                await asyncio.sleep(0.1)

    async def close(self) -> None:
        self._task.cancel()

    async def _run(self) -> None:
        while True:
            message = await self._inbox.get()
            if message["type"] == "media.offer":
                sdp = await self.page.evaluate("m => answerOffer(m)", message)
                await self._hub.answer(self._call_id, self._participant_id, sdp)


@pytest.fixture(name="page")
async def page_fixture() -> AsyncIterator[Page]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield await browser.new_page()
        await browser.close()


async def test_browser_village_and_two_aiortc_approvers(page: Page, board: Any) -> None:
    browser_peer: BrowserPeer | None = None

    def emit(call_id: str, participant_id: str, message: dict[str, Any]) -> None:
        if participant_id == "village" and browser_peer is not None:
            browser_peer.deliver(message)
        else:
            board.emit(call_id, participant_id, message)

    hub = MediaHub(MediaConfig(), emit)
    await hub.open_call("c1")
    browser_peer = BrowserPeer(page, hub, "c1", "village")
    await browser_peer.open()
    await hub.join("c1", "village", "村窗口")
    approvers = {}
    for pid, rgb in (("approver-1", BLUE), ("approver-2", GREEN)):
        approvers[pid] = board.add(ClientPeer("c1", pid, rgb, hub))
        await hub.join("c1", pid, pid)

    for approver in approvers.values():
        await approver.wait_for_frames("village", 10, timeout=15)
        assert all(close_to(rgb, RED) for rgb in approver.colours_from("village")[-5:])
        await eventually(lambda a=approver: a.audio_frames.get("village", 0) > 10)  # type: ignore[misc]
    for pid, rgb in (("approver-1", BLUE), ("approver-2", GREEN)):
        await browser_peer.wait_until_shown(pid, rgb)

    # approver-1 leaves and approver-3 takes over its slot on the page's connection
    await hub.leave("c1", "approver-1")
    third = board.add(ClientPeer("c1", "approver-3", YELLOW, hub))
    await hub.join("c1", "approver-3", "approver-3")
    await third.wait_for_frames("village", 1, timeout=15)
    assert third.connected_at is not None
    assert third.frames["village"][0][0] - third.connected_at < 1.0  # Chromium honours PLI
    await browser_peer.wait_until_shown("approver-3", YELLOW)
    await browser_peer.close()
    await hub.close()
