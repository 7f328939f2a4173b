"""The page checks find what they look for: an empty-box glyph, tiny text, a nameless button, low contrast."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Browser

from . import page_checks

pytestmark = pytest.mark.asyncio(loop_scope="module")

FLAWED = """<!doctype html><html lang="zh-CN"><body style="font-family: 'WenQuanYi Micro Hei'; font-size: 20px">
<main><h1>暂停</h1><button class="pause">⏸ 暂停</button><p style="font-size: 14px">小字说明</p>
<button><svg width="50" height="50"></svg></button>
<p style="color: #bbb">看不清的字</p><button style="height: 30px">矮按钮</button></main></body></html>"""
SOUND = """<!doctype html><html lang="zh-CN"><head><title>好</title></head>
<body style="font-family: 'WenQuanYi Micro Hei'; font-size: 20px"><main><h1>办件</h1>
<button style="min-height: 48px; min-width: 48px; font: inherit">▶ 播放</button></main></body></html>"""


async def test_the_checks_name_each_flaw_of_a_flawed_page(browser: Browser, tmp_path: Path) -> None:
    page = await browser.new_page()
    await page.set_content(FLAWED)
    problems = "\n".join(await page_checks.look(page, tmp_path, 1, "tester", "flawed"))
    assert "no font has '⏸'" in problems
    assert "text of 14.0 px" in problems or "text of 14 px" in problems
    assert "axe button-name (critical)" in problems
    assert "axe color-contrast (serious)" in problems
    assert "target smaller than 44 px" in problems and "矮按钮" in problems
    assert (tmp_path / "01-tester-flawed.png").is_file() and (tmp_path / "01-tester-flawed-200pct.png").is_file()
    await page.set_content(SOUND)
    assert await page_checks.look(page, tmp_path, 2, "tester", "sound") == []
    await page.close()
