"""What every page state the browser tests reach must pass (适老化 and accessibility), and its screenshot.

`look(page, name)` runs, in the page as it is now:
- axe-core (vendored from npm in tests/web/vendor/axe-core/): no serious or critical violation;
- glyphs: every character of every visible text is in a font Chromium drew it with (an
  uncovered one shows as an empty box, as ⏸ did on the replay's pause button);
- elderly-first sizes: visible text at least 18 px, controls at least 44 px high and wide;
- 200 % zoom: at half the window width the page still fits across (no sideways scrolling);
and writes full-page screenshots (as is, and at 200 %) under test-artifacts/pages/ for a reviewer.
"""

from __future__ import annotations

import functools
import re
import subprocess
from pathlib import Path
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

ROOT = Path(__file__).resolve().parent.parent
AXE = Path(__file__).with_name("web") / "vendor" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts" / "pages"
SEVERE = {"serious", "critical"}
MIN_TEXT_PX = 18
MIN_TARGET_PX = 44
GONE = "(left the page)"

# The page's visible texts, each element with its own (direct) text once; marks them for the DevTools query.
MARK_TEXTS = """() => {
    const texts = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const owners = new Map();
    while (walker.nextNode()) {
        const node = walker.currentNode;
        const text = node.nodeValue.replace(/\\s+/g, "");
        const owner = node.parentElement;
        if (!text || !owner || ["SCRIPT", "STYLE", "NOSCRIPT", "OPTION"].includes(owner.tagName)) continue;
        if (!owner.checkVisibility({ visibilityProperty: true, opacityProperty: false })) continue;
        owners.set(owner, (owners.get(owner) || "") + text);
    }
    for (const [owner, text] of owners) {
        owner.setAttribute("data-glyph-check", String(texts.length));
        const style = getComputedStyle(owner);
        texts.push({ text, size: parseFloat(style.fontSize), where: owner.outerHTML.slice(0, 120) });
    }
    return texts;
}"""
UNMARK = "() => document.querySelectorAll('[data-glyph-check]').forEach((e) => e.removeAttribute('data-glyph-check'))"

# Controls smaller than a fingertip; a checkbox or radio counts with the label wrapped round it.
SMALL_TARGETS = """(least) => {
    const small = [];
    const controls = document.querySelectorAll(
        "button, .button, input:not([type=hidden]), select, textarea, nav a, [role=button]");
    for (const control of controls) {
        if (!control.checkVisibility({ visibilityProperty: true })) continue;
        const labelled = ["checkbox", "radio", "file"].includes(control.type);
        const target = labelled ? control.closest("label") || control : control;
        const box = target.getBoundingClientRect();
        if (box.width === 0 && box.height === 0) continue;
        if (box.height < least - 0.5 || box.width < least - 0.5) {
            small.push(`${Math.round(box.width)}×${Math.round(box.height)} ${target.outerHTML.slice(0, 100)}`);
        }
    }
    return small;
}"""
OVERFLOW = "() => document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth"


@functools.cache
def font_charsets() -> dict[str, frozenset[int]]:
    """Each installed font family and the code points its files cover (fontconfig)."""
    listed = subprocess.run(["fc-list", "--format", "%{family}|%{charset}\n"], capture_output=True,
                            text=True, check=True, timeout=60).stdout
    covered: dict[str, set[int]] = {}
    for line in listed.splitlines():
        families, _, charset = line.partition("|")
        points: set[int] = set()
        for span in charset.split():
            low, _, high = span.partition("-")
            points.update(range(int(low, 16), int(high or low, 16) + 1))
        for family in families.split(","):
            covered.setdefault(family, set()).update(points)
    return {family: frozenset(points) for family, points in covered.items()}


async def drawn_fonts(page: Page, count: int) -> list[list[str]]:
    """The font families Chromium drew each marked element's own text with (DevTools CSS)."""
    cdp = await page.context.new_cdp_session(page)
    try:
        root = (await cdp.send("DOM.getDocument", {"depth": 0}))["root"]["nodeId"]
        await cdp.send("CSS.enable")
        fonts = []
        for index in range(count):
            node = await cdp.send("DOM.querySelector", {"nodeId": root, "selector": f'[data-glyph-check="{index}"]'})
            try:
                used = await cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})
            except PlaywrightError:  # the element left the page meanwhile (a live page redraws)
                used = {"fonts": [{"familyName": GONE}]}
            fonts.append([font["familyName"] for font in used["fonts"]])
    finally:
        await cdp.detach()
    return fonts


async def text_problems(page: Page) -> list[str]:
    """Characters no font drawn has (empty boxes), and text smaller than 18 px."""
    texts: list[dict[str, Any]] = await page.evaluate(MARK_TEXTS)
    try:
        fonts = await drawn_fonts(page, len(texts))
    finally:
        await page.evaluate(UNMARK)
    charsets = font_charsets()
    problems = []
    for shown, families in zip(texts, fonts):
        if families == [GONE]:
            continue
        covered = [charsets.get(family, frozenset()) for family in families]
        missing = sorted({c for c in shown["text"] if not any(ord(c) in points for points in covered)})
        if missing:
            problems.append(f"no font has {''.join(missing)!r} (drawn with {families}): {shown['where']}")
        if shown["size"] < MIN_TEXT_PX - 0.01:
            problems.append(f"text of {shown['size']} px: {shown['where']}")
    return problems


async def axe_problems(page: Page) -> list[str]:
    """axe-core's serious and critical violations, one line per element."""
    if not await page.evaluate("() => typeof window.axe === 'object'"):
        await page.evaluate(AXE.read_text("utf-8"))  # DevTools evaluation: the page's CSP does not apply
    result = await page.evaluate("() => axe.run(document, { resultTypes: ['violations'] })")
    return [f"axe {violation['id']} ({violation['impact']}): {violation['help']}: {node['html'][:140]}"
            for violation in result["violations"] if violation["impact"] in SEVERE
            for node in violation["nodes"]]


def shot_path(folder: Path, number: int, who: str, state: str, suffix: str = "") -> Path:
    """test-artifacts/pages/<module>/<test>/03-town-yb-call-live.png"""
    name = re.sub(r"[^\w.-]+", "-", f"{number:02d}-{who}-{state}{suffix}").strip("-")
    return folder / f"{name}.png"


async def look(page: Page, folder: Path, number: int, who: str, state: str) -> list[str]:
    """Check the page as it is now and save its screenshots; the problems found (empty: none)."""
    folder.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=shot_path(folder, number, who, state), full_page=True)
    problems = await axe_problems(page) + await text_problems(page)
    small = await page.evaluate(SMALL_TARGETS, MIN_TARGET_PX)
    problems += [f"target smaller than {MIN_TARGET_PX} px: {target}" for target in small]
    problems += await zoomed_problems(page, shot_path(folder, number, who, state, "-200pct"))
    return [f"{who} {state}: {problem}" for problem in problems]


async def zoomed_problems(page: Page, path: Path) -> list[str]:
    """At 200 % zoom (half the window's CSS width) the page must still fit across."""
    size = page.viewport_size or {"width": 1280, "height": 720}
    await page.set_viewport_size({"width": size["width"] // 2, "height": size["height"] // 2})
    try:
        overflow = int(await page.evaluate(OVERFLOW))
        await page.screenshot(path=path, full_page=True)
    finally:
        await page.set_viewport_size(size)
    return [f"at 200 % zoom the page is {overflow} px wider than the window"] if overflow > 1 else []
