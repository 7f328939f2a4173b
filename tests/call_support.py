"""A real recorded call for tests: headless village and town parties through the server's media hub."""

from __future__ import annotations

import asyncio
import time
from typing import Awaitable, Callable

from village_client.consult import Party
from village_client.tracks import PatternCamera

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
