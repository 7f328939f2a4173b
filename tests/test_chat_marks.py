"""The chat is shown over a background marked for its viewer, and exported as a marked picture."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path
from typing import AsyncIterator

import pytest
from PIL import Image

from watermark import find_mark

from .support import RunningServer, start_server
from .test_calls import connected_call


@pytest.fixture
async def calls_server(tmp_path: Path) -> AsyncIterator[RunningServer]:
    running = await start_server(tmp_path / "data", ring_seconds=2.0, rejoin_grace_seconds=10.0)
    yield running
    await running.close()


def mark_in(png: bytes) -> tuple[int, tuple[int, int]]:
    with Image.open(io.BytesIO(png)) as picture:
        found = find_mark(picture.convert("RGB"))
        assert found is not None
        return found.mark_id, picture.size


def registered(server: RunningServer, mark_id: int) -> tuple[str, str, int]:
    with sqlite3.connect(server.data_dir / "cunneng.db") as db:
        return db.execute("select username, what, case_id from marks where id = ?", [mark_id]).fetchone()


async def test_the_chat_background_and_transcript_name_their_viewer(calls_server: RunningServer) -> None:
    village, approver, case = await connected_call(calls_server)
    try:
        await village.wait_for_video(approver.account_id, frames=1)
        await village.send_chat("户口簿已经带来了")
        await approver.connection.expect("chat.message", timeout=10)
    finally:
        await village.close()
        await approver.close()
    town, district = await calls_server.login("town-yb"), await calls_server.login("district")
    status, background = await town.get_bytes(f"/api/cases/{case['id']}/chat-background.png")
    assert status == 200
    town_mark, size = mark_in(background)
    assert size == (1024, 1024) and registered(calls_server, town_mark) == ("town-yb", "chat_background", case["id"])
    district_mark, _ = mark_in((await district.get_bytes(f"/api/cases/{case['id']}/chat-background.png"))[1])
    assert district_mark != town_mark

    status, transcript = await district.get_bytes(f"/api/cases/{case['id']}/messages.png")
    assert status == 200
    exported, (width, _) = mark_in(transcript)
    assert width == 1240 and registered(calls_server, exported) == ("district", "chat_transcript", case["id"])
    other_village = await calls_server.login("clerk-yb2")
    for path in ("chat-background.png", "messages.png"):
        assert (await other_village.get_bytes(f"/api/cases/{case['id']}/{path}"))[0] == 404
