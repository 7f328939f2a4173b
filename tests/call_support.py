"""A real recorded call for tests: headless village and town parties through the server's media hub."""

from __future__ import annotations

import asyncio
import time
from typing import Any, Awaitable, Callable

from village_client.consult import Party
from village_client.tracks import PatternCamera

from .support import RunningServer, open_demo_case

Midway = Callable[[Party, Party], Awaitable[None]]


async def recorded_call(
    server_base: str, case_id: int, seconds: float, midway: Midway | None = None
) -> tuple[Party, Party, float]:
    """The village calls, the town window answers, media flows for `seconds`, the village hangs up.

    `midway(village, approver)`, when given, runs once both sides see each other (a chat
    message, say), within the call's `seconds`.
    """
    village = await Party.sign_in(server_base, "clerk-yb1", "cunneng-demo", video=PatternCamera(320, 240))
    approver = await Party.sign_in(server_base, "town-yb", "cunneng-demo", video=PatternCamera(320, 240))
    await village.place_call(case_id)
    await approver.answer_next()
    await village.connection.expect("call.accepted")
    started = time.monotonic()
    await approver.wait_for_video(village.account_id, frames=3)
    await village.wait_for_video(approver.account_id, frames=3)
    if midway is not None:
        await midway(village, approver)
    await asyncio.sleep(max(0.0, seconds - (time.monotonic() - started)))
    await village.hang_up()
    await approver.wait_ended()
    return village, approver, time.monotonic() - started


async def sealed_recordings(server: RunningServer, case_id: int) -> list[dict[str, Any]]:
    """The case's recordings once both parties' are sealed (the media worker registers them after the call)."""
    auditor = await server.login("auditor")
    for _ in range(100):
        found = (await auditor.get(f"/api/cases/{case_id}/recordings")).body
        if len(found) == 2:
            return list(found)
        await asyncio.sleep(0.2)
    raise AssertionError("the call's recordings were never sealed")


async def replay_still(server: RunningServer, seconds: float, at: float) -> tuple[dict[str, Any], bytes]:
    """A new case's call recorded for `seconds`, and the auditor's still of its first recording at `at`:
    the recording, and the still as the auditor gets it."""
    case = await open_demo_case(await server.login("clerk-yb1"))
    village, approver, _ = await recorded_call(server.base, case["id"], seconds)
    await village.close()
    await approver.close()
    recording = (await sealed_recordings(server, case["id"]))[0]
    auditor = await server.login("auditor")
    taken = await auditor.post(f"/api/recordings/{recording['id']}/snapshot", {"at": at})
    assert taken.status == 201, taken.body
    return {**recording, "image_url": taken.body["image_url"]}, (await auditor.get_bytes(taken.body["image_url"]))[1]
