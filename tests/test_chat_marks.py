"""The chat is shown over a background marked for its viewer, and exported as a marked picture."""

from __future__ import annotations

import io

from PIL import Image

from .mark_support import hidden_id, registered
from .support import RunningServer
from .test_calls import connected_call

BY_CASE = "username, what, case_id"


def mark_in(png: bytes) -> tuple[int, tuple[int, int]]:
    with Image.open(io.BytesIO(png)) as picture:
        size = picture.size
    mark_id = hidden_id(png)
    assert mark_id is not None
    return mark_id, size


async def test_the_chat_background_and_transcript_name_their_viewer(calls_server: RunningServer) -> None:
    async with connected_call(calls_server) as (village, approver, case):
        await village.wait_for_video(approver.account_id, frames=1)
        await village.send_chat("户口簿已经带来了")
        await approver.connection.expect("chat.message", timeout=10)
    town, district = await calls_server.login("town-yb"), await calls_server.login("district")
    status, background = await town.get_bytes(f"/api/cases/{case['id']}/chat-background.png")
    assert status == 200
    town_mark, size = mark_in(background)
    assert size == (1024, 1024)
    assert registered(calls_server, town_mark, BY_CASE) == ("town-yb", "chat_background", case["id"])
    district_mark, _ = mark_in((await district.get_bytes(f"/api/cases/{case['id']}/chat-background.png"))[1])
    assert district_mark != town_mark

    status, transcript = await district.get_bytes(f"/api/cases/{case['id']}/messages.png")
    assert status == 200
    exported, (width, _) = mark_in(transcript)
    assert width == 1240 and registered(calls_server, exported, BY_CASE) == ("district", "chat_transcript", case["id"])
    other_village = await calls_server.login("clerk-yb2")
    for path in ("chat-background.png", "messages.png"):
        assert (await other_village.get_bytes(f"/api/cases/{case['id']}/{path}"))[0] == 404
