"""A leak traced to the second (#21): a traced still names its call, whose recording, and which second of it,
with the address that replays it from there."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from .call_support import recorded_call, replay_still, sealed_recordings
from .mark_support import leaked, town_snapshot
from .support import ApiClient, RunningServer, WallClock, open_demo_case, start_server


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[RunningServer]:
    """On the wall clock, as the recorder stamps the recordings."""
    running = await start_server(tmp_path / "data", clock=WallClock())
    yield running
    await running.close()


async def traced(auditor: ApiClient, picture: bytes) -> dict[str, Any]:
    reply = await auditor.post("/api/trace", data=leaked(picture))
    assert reply.status == 200 and reply.body["trace"], reply.body
    return dict(reply.body["trace"])


async def test_a_live_snapshot_traces_to_the_second_of_the_recording(server: RunningServer) -> None:
    case = await open_demo_case(await server.login("clerk-yb1"))
    taken: dict[str, Any] = {}

    async def snapshot_two_seconds_in(village: Any, approver: Any) -> None:
        await asyncio.sleep(2.0)
        taken["at"] = time.time()
        town, reply = await town_snapshot(server, village, approver)
        taken["at"] = (taken["at"] + time.time()) / 2
        taken["png"] = (await town.get_bytes(reply.body["image_url"]))[1]
        taken["village"] = village.account_id

    village, approver, _ = await recorded_call(server.base, case["id"], 5.0, snapshot_two_seconds_in)
    await village.close()
    await approver.close()
    recordings = await sealed_recordings(server, case["id"])
    shown = next(r for r in recordings if r["party_id"] == str(taken["village"]))
    trace = await traced(await server.login("auditor"), taken["png"])
    moment = trace["shows"]
    assert (moment["call_id"], moment["recording_id"]) == (shown["call_id"], shown["id"])
    expected = taken["at"] - datetime.fromisoformat(shown["started_at"]).timestamp()
    assert abs(moment["seconds"] - expected) <= 1.0, (moment, expected)
    assert moment["replay_url"] == f"/audit/#/case/{case['id']}/replay/{shown['id']}/{round(moment['seconds'])}"


async def test_a_still_of_a_replay_and_a_copy_of_it_trace_to_its_second(server: RunningServer) -> None:
    recording, still = await replay_still(server, 4.0, 2.5)
    auditor = await server.login("auditor")
    moment = (await traced(auditor, still))["shows"]
    assert (moment["recording_id"], moment["seconds"]) == (recording["id"], 2.5)
    town = await server.login("town-yb")  # someone else opens the auditor's snapshot: their copy shows the same
    copy = await traced(auditor, (await town.get_bytes(recording["image_url"]))[1])
    assert copy["username"] == "town-yb" and copy["shows"]["seconds"] == 2.5
