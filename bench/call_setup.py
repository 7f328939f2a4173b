"""Call setup through a real `cunneng serve`, and what the server holds in memory when idle.

A headless village window places calls on one case and a headless town approver answers
each at once (no human delay); setup is the village's call request to the first decoded
frame of the other side's video, measured on each side. The server runs as `cunneng serve`
does by default: its media worker starts when the first call rings and stays up until no
call has been open for ten minutes, so the memory is measured idle (before the first call)
and with the worker up (after the calls).
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from signaling.demo import DEMO_PASSWORD
from tests.support import VALID_ID, ServeProcess, serve_process
from village_client.consult import Party

from .hub_load import proportional_bytes, resident_bytes


def server_pids(served: ServeProcess) -> list[int]:
    """The server and its media workers (its child processes)."""
    pid = served.process.pid
    return [pid, *map(int, Path(f"/proc/{pid}/task/{pid}/children").read_text().split())]


async def one_call(village: Party, approver: Party, case_id: int) -> tuple[float, float]:
    """Seconds from the request to the first remote frame: at the village, at the approver."""
    started = time.monotonic()
    answering = asyncio.create_task(approver.answer_next())
    await village.place_call(case_id)
    await answering
    village_sees = await village.wait_for_video(approver.account_id, frames=1)
    approver_sees = await approver.wait_for_video(village.account_id, frames=1)
    assert village_sees.first_video_at is not None and approver_sees.first_video_at is not None
    await village.hang_up()
    await approver.wait_ended()
    for party in (village, approver):
        assert party.peer is not None
        await party.peer.close()
    return village_sees.first_video_at - started, approver_sees.first_video_at - started


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


def memory(served: ServeProcess) -> tuple[int, int]:
    """RSS and PSS of the server and its media workers, in bytes."""
    pids = server_pids(served)
    return sum(map(resident_bytes, pids)), sum(map(proportional_bytes, pids))


async def measure(calls: int) -> dict[str, Any]:
    """Idle server memory, then `calls` consecutive calls (the first starts the media worker),
    then the memory with the worker up between calls."""
    with tempfile.TemporaryDirectory() as temp:
        served = await serve_process(Path(temp) / "data")
        try:
            await asyncio.sleep(1.0)
            idle, idle_pss = memory(served)
            village = await Party.sign_in(served.base, "clerk-yb1", DEMO_PASSWORD)
            approver = await Party.sign_in(served.base, "town-yb", DEMO_PASSWORD)
            case = await village.connection.api("POST", "/api/cases", {
                "villager": {"id_number": VALID_ID, "name": "王大山", "phone": "13800001111"},
                "item_code": "T-RS-001"})
            sides = [await one_call(village, approver, case["id"]) for _ in range(calls)]
            await village.close()
            await approver.close()
            await asyncio.sleep(1.0)
            warm, warm_pss = memory(served)
        finally:
            await served.stop()
    setups = [seconds for pair in sides for seconds in pair]
    return {"server_rss_idle_bytes": idle, "server_pss_idle_bytes": idle_pss,
            "server_rss_worker_up_bytes": warm, "server_pss_worker_up_bytes": warm_pss, "calls": calls,
            "setup_first_call_s": max(sides[0]), "setup_median_s": statistics.median(setups),
            "setup_p95_s": p95(setups)}
