"""HTTPS on the county network (#22): the village PC, in its own network namespace across a veth
pair, opens the server at its county address over https://, trusting the county's root that a
clerk installs once, gets the camera and holds a call; over plain http:// the pages say why
there is no camera, and the plain port only redirects.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio
from cryptography import x509
from playwright.async_api import Browser, Page, expect

from .browser import Users
from .call_pages import MEDIA_WAIT_MS, account_id, connected_call, remote_video_plays, selected_pair
from .support import RunningServer, WallClock, free_port, start_server
from .village_link import SERVER_ADDRESS, VILLAGE_ADDRESS, LinkShape, VillageLink, missing_powers
from .village_pc import village_chromium

pytestmark = pytest.mark.asyncio(loop_scope="module")

COUNTY_LINK = LinkShape(rate_kbit=20_000, udp_loss_percent=0)  # a good link: this is about HTTPS
REDIRECT_PORT = free_port()


@pytest.fixture(scope="module")
def link() -> Iterator[VillageLink]:
    why_not = missing_powers()
    if why_not is not None:
        pytest.skip(why_not)
    with VillageLink(COUNTY_LINK) as built:
        yield built


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def live_server(link: VillageLink, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[RunningServer]:
    """The county server on its county address, HTTPS with the local CA's certificate for it."""
    running = await start_server(tmp_path_factory.mktemp("county") / "data", clock=WallClock(), host=SERVER_ADDRESS,
                                 tls=True, tls_names=(SERVER_ADDRESS,), http_redirect_port=REDIRECT_PORT)
    yield running
    await running.close()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser(link: VillageLink, live_server: RunningServer,
                  tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Browser]:
    """Chromium on the village PC, the county's root installed in it."""
    root_pem = (live_server.data_dir / "pki" / "root-ca.pem").read_bytes()
    async with village_chromium(link, root_pem, tmp_path_factory.mktemp("village-pc")) as launched:
        yield launched


async def checked(page: Page) -> dict[str, tuple[bool, str]]:
    """The start page's two checks once they are done: connection and camera, each ok and its words."""
    await expect(page.locator(".trust-check")).to_have_attribute("data-checked", "true")
    found = {}
    for item in await page.locator(".trust-check li").all():
        found[str(await item.get_attribute("data-check"))] = (
            await item.get_attribute("data-ok") == "true", await item.inner_text())
    return found


async def test_the_start_page_says_the_browser_trusts_the_server_and_the_camera_is_reachable(
        users: Users, live_server: RunningServer) -> None:
    assert live_server.base == f"https://{SERVER_ADDRESS}:{live_server.base.rsplit(':', 1)[1]}"
    page = await users.open("/")
    checks = await checked(page)
    assert checks["connection"][0] and "浏览器信任本系统的证书" in checks["connection"][1]
    assert checks["camera"][0] and "能使用摄像头" in checks["camera"][1]
    await page.get_by_role("link", name="在村里的电脑上安装根证书").click()
    await expect(page.locator("h1")).to_contain_text("安装根证书")
    await users.look(page, "install-root")
    sha1 = (await page.locator(".fingerprint code").first.inner_text()).replace(" ", "")
    status, windows_root = await live_server.anonymous().get_bytes("/install-root/cunneng-root-ca.crt")
    assert status == 200
    assert hashlib.sha1(windows_root).hexdigest().upper() == sha1  # what Windows shows as its 指纹
    root = x509.load_der_x509_certificate(windows_root)
    assert root == x509.load_pem_x509_certificate((live_server.data_dir / "pki" / "root-ca.pem").read_bytes())


async def test_over_https_every_answer_says_hsts_and_the_session_cookie_is_secure(
        users: Users, live_server: RunningServer) -> None:
    clerk = await users.open("/village/", "clerk-yb1")
    cookies = {cookie["name"]: cookie for cookie in await clerk.context.cookies()}
    assert cookies["cunneng_session"]["secure"] is True
    answer = await live_server.anonymous().get("/healthz")
    assert answer.headers["Strict-Transport-Security"].startswith("max-age=")


async def test_the_plain_port_only_redirects_to_https(users: Users, live_server: RunningServer) -> None:
    page = await users.open("/")
    await page.goto(f"http://{SERVER_ADDRESS}:{REDIRECT_PORT}/village/?from=plain")
    assert page.url == f"{live_server.base}/village/?from=plain"
    await expect(page.locator("form.login")).to_be_visible()


async def test_the_village_page_holds_a_call_over_https_on_the_county_address(
        users: Users, link: VillageLink) -> None:
    clerk, approver, _ = await connected_call(users)
    clerk_id, town_id = await account_id(users.server, "clerk-yb1"), await account_id(users.server, "town-yb")
    await remote_video_plays(approver, clerk_id)  # the fake camera's picture reached the town
    await remote_video_plays(clerk, town_id)
    pair = await selected_pair(clerk)
    assert pair["remote"]["address"] == SERVER_ADDRESS and pair["local"]["address"] == VILLAGE_ADDRESS
    crossed = link.udp_counts()["up"]["seen"]
    await asyncio.sleep(15)  # the call holds
    await remote_video_plays(approver, clerk_id)
    await remote_video_plays(clerk, town_id)
    assert link.udp_counts()["up"]["seen"] > crossed + 500  # its media crossed the veth pair all along
    await expect(clerk.locator(".call-status")).to_contain_text("通话中", timeout=MEDIA_WAIT_MS)
    await clerk.get_by_role("button", name="挂断").click()
    await expect(approver.locator(".call-end")).to_contain_text("对方已挂断，通话结束")


async def test_over_plain_http_the_pages_say_why_the_camera_is_unavailable(users: Users, tmp_path: Path) -> None:
    plain = await start_server(tmp_path / "plain", host=SERVER_ADDRESS)  # no --tls
    try:
        start = await users.open(f"{plain.base}/")
        checks = await checked(start)
        assert not checks["connection"][0] and "http://" in checks["connection"][1]
        assert not checks["camera"][0] and "不是通过安全连接" in checks["camera"][1]
        clerk = await users.open(f"{plain.base}/village/", "clerk-yb1")
        banner = clerk.locator(".insecure-banner")
        await expect(banner).to_contain_text("摄像头和麦克风用不了")
        await expect(banner).to_contain_text("http://")
        await users.look(clerk, "plain-http")
    finally:
        await users.close()
        await plain.close()


async def test_a_browser_without_the_root_is_told_to_install_it(
        link: VillageLink, live_server: RunningServer, tmp_path: Path) -> None:
    async with village_chromium(link, None, tmp_path) as untrusting:
        context = await untrusting.new_context(ignore_https_errors=True, locale="zh-CN")  # the warning clicked away
        page = await context.new_page()
        await page.goto(f"{live_server.base}/")
        checks = await checked(page)
        assert not checks["connection"][0] and "还不信任本系统的证书" in checks["connection"][1]
        await context.close()
