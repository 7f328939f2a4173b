"""屏幕水印 (#21): a page showing a call, a replay or a document wears its viewer's mark, so a Chromium
screenshot of it — re-saved as JPEG 60 and halved — traces to the viewer.

The grabs are real screenshots of the pages in a live call and of the auditor's replay; the
transforms are what a leak goes through. The recovery rate over every grab and transform is
printed (docs/security.md publishes it); the floor the issue sets is asserted.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import numpy as np
import pytest
from PIL import Image
from playwright.async_api import Page, expect

from .browser import Users
from .call_pages import account_id, connected_call, remote_video_plays
from .mark_support import hidden_id, registered
from .support import open_demo_case

pytestmark = pytest.mark.asyncio(loop_scope="module")
Leak = Callable[[Image.Image], Image.Image]


def jpeg(image: Image.Image, quality: int) -> Image.Image:
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=quality)
    return Image.open(io.BytesIO(out.getvalue())).convert("RGB")


def scaled(image: Image.Image, factor: float) -> Image.Image:
    return image.resize((round(image.width * factor), round(image.height * factor)), Image.Resampling.LANCZOS)


def angled(image: Image.Image, lean: float) -> Image.Image:
    """A photo of the screen from a little to the side: the far edge `lean` of the width shorter."""
    width, height = image.size
    cut = lean * height
    corners = [(0, 0), (width, cut), (width, height - cut), (0, height)]
    matrix = [[x, y, 1, 0, 0, 0, -u * x, -u * y] for (x, y), (u, _) in zip(corners, _square(width, height))]
    matrix += [[0, 0, 0, x, y, 1, -v * x, -v * y] for (x, y), (_, v) in zip(corners, _square(width, height))]
    targets = [u for u, _ in _square(width, height)] + [v for _, v in _square(width, height)]
    coefficients = np.linalg.solve(np.array(matrix, float), np.array(targets, float))
    return image.transform((width, height), Image.Transform.PERSPECTIVE, tuple(coefficients), Image.Resampling.BICUBIC)


def _square(width: int, height: int) -> list[tuple[int, int]]:
    return [(0, 0), (width, 0), (width, height), (0, height)]


LEAKS: dict[str, Leak] = {
    "JPEG 60, half size": lambda image: jpeg(scaled(image, 0.5), 60),
    "JPEG 60": lambda image: jpeg(image, 60),
    "half size": lambda image: scaled(image, 0.5),
    "75 %, JPEG 75": lambda image: jpeg(scaled(image, 0.75), 75),
    "at an angle (2 %), JPEG 60": lambda image: jpeg(angled(image, 0.02), 60),
    "at an angle (4 %), JPEG 60, 75 %": lambda image: jpeg(scaled(angled(image, 0.04), 0.75), 60),
}


async def grab(page: Page) -> Image.Image:
    return Image.open(io.BytesIO(await page.screenshot())).convert("RGB")


async def test_screenshots_of_a_call_and_a_replay_trace_to_their_viewers(users: Users) -> None:
    clerk, approver, case = await connected_call(users)
    await remote_video_plays(approver, await account_id(users.server, "clerk-yb1"))
    for page in (clerk, approver):
        await expect(page.locator(".screen-mark[data-screen=call]")).to_have_count(1)
    grabs = {"clerk-yb1": await grab(clerk), "town-yb": await grab(approver)}
    await approver.get_by_role("button", name="挂断").click()
    auditor = await users.open(f"/audit/#/case/{case['id']}", "auditor")
    await expect(auditor.locator(".screen-mark[data-screen=replay]")).to_have_count(1)
    await auditor.wait_for_load_state("networkidle")
    grabs["auditor"] = await grab(auditor)

    found = {(viewer, leak): hidden_id(transform(shot)) for viewer, shot in grabs.items()
             for leak, transform in LEAKS.items()}
    for (viewer, leak), mark in found.items():
        if mark is not None:
            assert registered(users.server, mark, "username") == (viewer,), (viewer, leak)  # never a wrong viewer
    for leak in LEAKS:
        print(f"{leak}: {sum(found[viewer, leak] is not None for viewer in grabs)}/{len(grabs)} grabs traced")
    assert all(found[viewer, "JPEG 60, half size"] is not None for viewer in grabs), found
    mark = found["town-yb", "JPEG 60, half size"]
    assert registered(users.server, mark, "what, case_id") == ("screen_call", case["id"])


async def test_the_screen_mark_is_drawn_for_whoever_sees_the_case_and_no_one_else(users: Users) -> None:
    case = await open_demo_case(await users.server.login("clerk-yb1"))
    town = await users.server.login("town-yb")
    status, tile = await town.get_bytes(f"/api/cases/{case['id']}/screen-mark/document.png")
    assert status == 200
    with Image.open(io.BytesIO(tile)) as image:
        assert (image.mode, image.size) == ("RGBA", (512, 512))
        mark = hidden_id(Image.alpha_composite(Image.new("RGBA", image.size, (128, 128, 128, 255)), image))
    assert registered(users.server, mark, "username, what") == ("town-yb", "screen_document")
    other_village = await users.server.login("clerk-yb2")
    assert (await other_village.get_bytes(f"/api/cases/{case['id']}/screen-mark/call.png"))[0] == 404
    assert (await town.get_bytes(f"/api/cases/{case['id']}/screen-mark/desktop.png"))[0] == 404
