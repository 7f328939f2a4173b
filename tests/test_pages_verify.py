"""The public 核验 page in Chromium: a forged QR code's address runs no script, and the page still works (#17)."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from .browser import Users
from .decision_support import decide

pytestmark = pytest.mark.asyncio(loop_scope="module")

# What a forged QR code could point at: close the page's script, open one of its own.
ATTACKS = [
    "/verify/%3C%2Fscript%3E%3Cscript%3Ewindow.pwned%3D1%3C%2Fscript%3E",
    "/verify/%22%3E%3Cimg%20src%3Dx%20onerror%3D%22window.pwned%3D1%22%3E",
]


@pytest.mark.parametrize("address", ATTACKS)
async def test_a_forged_verify_address_runs_no_script(users: Users, address: str) -> None:
    page = await users.open(address)
    await expect(page.locator("h1")).to_contain_text("电子文件核验")
    assert await page.evaluate("window.pwned") is None
    assert await page.evaluate("[...document.scripts].map((s) => s.getAttribute('src'))") == ["/common/verify.js"]
    await expect(page.locator(".box.bad")).to_contain_text("没有找到这个核验码")


async def test_the_verify_page_checks_a_file_with_its_external_script(users: Users) -> None:
    _, _, pdf = await decide(users.server, "approve", {})
    page = await users.open("/verify")
    await page.set_input_files("#file", files=[{"name": "x.pdf", "mimeType": "application/pdf", "buffer": b"hello"}])
    await expect(page.locator("#result.bad")).to_contain_text("这不是可读的 PDF 文件")
    await page.set_input_files("#file", files=[{"name": "批准.pdf", "mimeType": "application/pdf", "buffer": pdf}])
    await expect(page.locator("#result.ok")).to_contain_text("签章有效")
    await expect(page.locator("#result")).to_contain_text("(办件 ZH-20261123-0001)完全一致")
    assert await page.evaluate("getComputedStyle(document.body).maxWidth") == "800px"  # 40em of verify.css


async def test_the_guide_page_is_styled_by_its_stylesheet(users: Users) -> None:
    page = await users.open("/guide/T-RS-001")
    assert await page.evaluate("getComputedStyle(document.querySelector('.qr')).float") == "right"
