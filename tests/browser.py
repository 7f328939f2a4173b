"""Real Chromium for the page tests: Debian's /usr/bin/chromium driven by Playwright's async API.

A browser test module runs its tests in one event loop per module, so one browser serves
the whole module while each test gets a fresh server in that same loop:

    pytestmark = pytest.mark.asyncio(loop_scope="module")

    async def test_...(users: Users) -> None:
        clerk = await users.open("/village/", "clerk-yb1")   # a new browser context per user

Fixtures (registered in conftest.py): `browser` (one per module), `live_server` (a fresh
server per test, on a loopback port, in the module's loop), `users` (pages per user, closed
after the test, which fails if a page threw an uncaught JavaScript error).

Every page state a test reaches is checked and photographed (tests/page_checks.py): each page
once it is open, wherever a test calls `users.look(page, "what")`, and as it is at the end.
Every wait has a timeout (WAIT_MS): a missing browser flag makes a test hang, not fail.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any, AsyncIterator

import pytest_asyncio
from playwright.async_api import Browser, BrowserContext, Page, async_playwright, expect
from playwright.async_api import Error as PlaywrightError

from signaling.demo import DEMO_PASSWORD

from . import page_checks
from .support import RunningServer, start_server

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--use-fake-device-for-media-stream",  # a 640×480 test pattern and a tone as camera and microphone
    "--use-fake-ui-for-media-stream",  # no permission prompt
    "--allow-loopback-in-peer-connection",  # ICE candidates on loopback (the test namespace has nothing else)
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-sync",
    "--no-first-run",
    "--metrics-recording-only",
]
WAIT_MS = 10_000
# Headless Chromium (156 and later) opens a print job for window.print() that never finishes, and
# page.pdf() is then refused ("Page is already being printed"). Every page gets a print() that
# counts the requests instead; a test sees what the printer would get through page.pdf(), while
# the page is still in its printing state, and ends that state with an "afterprint" event.
RECORD_PRINTS = """window.printRequests = 0;
window.print = () => { window.printRequests += 1; };"""
# Fonts that draw Chinese; a page whose text falls on anything else shows empty boxes.
CJK_FONTS = {"WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Noto Sans CJK SC", "Noto Serif CJK SC",
             "Source Han Sans SC", "Microsoft YaHei", "PingFang SC"}

expect.set_options(timeout=WAIT_MS)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser() -> AsyncIterator[Browser]:
    """One headless Chromium for the module."""
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True, timeout=WAIT_MS * 3
        )
        yield launched
        await launched.close()


@pytest_asyncio.fixture(loop_scope="module")
async def live_server(tmp_path: Path) -> AsyncIterator[RunningServer]:
    """A fresh server with the demo jurisdiction, in the browser's event loop."""
    running = await start_server(tmp_path / "data")
    yield running
    await running.close()


class Users:
    """Browser pages of several users against one server: each user has its own context (cookies, storage)."""

    def __init__(self, browser: Browser, server: RunningServer) -> None:
        self.browser, self.server = browser, server
        self.contexts: list[BrowserContext] = []
        self.page_errors: list[str] = []
        self.who: dict[Page, str] = {}
        self.looks = 0
        self.shots = artifacts_folder()
        shutil.rmtree(self.shots, ignore_errors=True)  # this run's screenshots only

    async def open(self, path: str, username: str | None = None, password: str = DEMO_PASSWORD,
                   **context_options: Any) -> Page:
        """A new user's page at path, signed in through the login form when a username is given."""
        context = await self.browser.new_context(base_url=self.server.base, locale="zh-CN", **context_options)
        context.set_default_timeout(WAIT_MS)
        self.contexts.append(context)
        await context.add_init_script(RECORD_PRINTS)
        page = await context.new_page()
        page.on("pageerror", lambda error: self.page_errors.append(f"{path}: {error}"))
        self.who[page] = username or "anonymous"
        await page.goto(path)
        if username:
            await sign_in(page, username, password)
        await self.look(page, "opened")
        return page

    async def look(self, page: Page, state: str) -> None:
        """Check the page as it is now (accessibility, glyphs, sizes, 200 % zoom) and photograph it."""
        try:
            await page.wait_for_load_state("networkidle", timeout=WAIT_MS)
        except PlaywrightError:
            pass  # a page that keeps loading is looked at as it is
        self.looks += 1
        problems = await page_checks.look(page, self.shots, self.looks, self.who.get(page, "page"), state)
        assert not problems, "\n".join(problems)

    async def close(self) -> None:
        """Look at every page as the test left it, then close them all."""
        try:
            for page in [page for context in self.contexts for page in context.pages if not page.is_closed()]:
                await self.look(page, "at-the-end")
        finally:
            for context in self.contexts:
                await context.close()


def artifacts_folder() -> Path:
    """test-artifacts/pages/<test module>/<test name>/ for the test running now."""
    current = os.environ.get("PYTEST_CURRENT_TEST", "unknown::unknown").split(" ")[0]
    module, _, name = current.partition("::")
    return page_checks.ARTIFACTS / Path(module).stem / re.sub(r"[^\w.-]+", "-", name)


@pytest_asyncio.fixture(loop_scope="module")
async def users(browser: Browser, live_server: RunningServer) -> AsyncIterator[Users]:
    """Open pages per user; afterwards, no page may have thrown an uncaught error."""
    opened = Users(browser, live_server)
    yield opened
    await opened.close()
    assert not opened.page_errors, opened.page_errors


async def print_requests(page: Page) -> int:
    """How often the page asked the browser to print (window.print())."""
    return int(await page.evaluate("window.printRequests"))


async def finish_printing(page: Page) -> None:
    """What the browser does when the print dialog closes: the page hears "afterprint"."""
    await page.evaluate("window.dispatchEvent(new Event('afterprint'))")


async def sign_in(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the page's login form and wait for the signed-in top bar."""
    await fill_login(page, username, password)
    await expect(page.locator(".topbar .who")).not_to_be_empty()


async def fill_login(page: Page, username: str, password: str) -> None:
    form = page.locator("form.login")
    await form.locator("input[name=username]").fill(username)
    await form.locator("input[name=password]").fill(password)
    await form.locator("button[type=submit]").click()


async def platform_fonts(page: Page, selector: str) -> dict[str, int]:
    """The fonts Chromium really drew the element's text with, and how many glyphs each (DevTools CSS)."""
    cdp = await page.context.new_cdp_session(page)
    try:
        document = await cdp.send("DOM.getDocument")
        node = await cdp.send("DOM.querySelector", {"nodeId": document["root"]["nodeId"], "selector": selector})
        await cdp.send("CSS.enable")
        fonts = await cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})
    finally:
        await cdp.detach()
    return {font["familyName"]: font["glyphCount"] for font in fonts["fonts"]}
