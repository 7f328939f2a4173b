"""kill -9 during a recorded call — of the server, of its media worker, or of both — and what survives.

One trial: `cunneng serve` as operators run it (one media worker) on a fresh data
directory, a recorded call between a headless village window and town window, SIGKILL
after some seconds of media, a restart when the server died, and then what #18 asks:
every recording registered to its call and replayable through the API, how much media
before the kill each one lost, how the call ended, whether the case can be called again,
and what a party coming back to the old call is told. The tests run one trial of each
kind; `make bench-crash` runs five of each (bench/crash_loss.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import signal
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import av

from village_client.connection import ServerConnection
from village_client.consult import CallRefused, Party
from village_client.tracks import PatternCamera

from .support import VALID_ID, serve_process

KINDS = ("server", "worker", "both")
PASSWORD = "cunneng-demo"


@dataclass
class TrialResult:
    """What one kill left behind."""

    kind: str
    media_seconds: float
    recordings: list[dict[str, Any]] = field(default_factory=list)
    # per recording: media its party's camera had captured by the kill that the recording lacks
    losses: list[float] = field(default_factory=list)
    # the same counted from the kill's wall time: a sender that stalled under load (same process
    # as the test) adds its stall here, though the server never had those frames to lose
    wall_losses: list[float] = field(default_factory=list)
    call: dict[str, Any] = field(default_factory=dict)  # the killed call as the API lists it afterwards
    ended_told: dict[str, Any] = field(default_factory=dict)  # what a party in or back to the call was told
    called_again: bool = False
    registered_after: float = 0.0  # seconds from the kill until every recording had its row


def media_children(pid: int) -> list[int]:
    """The media worker processes of a server process."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in children]


def last_video_time(webm: bytes) -> float:
    """Media time of the last decodable video frame of a recording."""
    last = -1.0
    with av.open(io.BytesIO(webm), "r") as container:
        for frame in container.decode(video=0):
            last = float(frame.time or 0.0)
    return last


async def kill_trial(data_dir: Path, kind: str, media_seconds: float = 4.0) -> TrialResult:
    """Run one trial of `kind` ("server", "worker" or "both") in `data_dir`."""
    served = await serve_process(data_dir)
    parties: list[Party] = []
    orphans: list[int] = []
    killed: asyncio.Task[str] | None = None
    try:
        case_id = await _open_case(served.base)
        village, approver = await _call(served.base, case_id, parties)
        await asyncio.sleep(media_seconds)
        workers = media_children(served.process.pid)
        killed_at = time.time()
        for pid in _targets(kind, served.process.pid, workers):
            os.kill(pid, signal.SIGKILL)
        captured = {party.account_id: party.video.captured_until for party in (village, approver)
                    if isinstance(party.video, PatternCamera)}
        orphans = [pid for pid in workers if kind == "server"]
        result = TrialResult(kind, media_seconds)
        if kind == "worker":
            result.ended_told = await village.wait_ended(timeout=30)
        else:
            await served.process.wait()
            killed = asyncio.create_task(served.stop())  # read what it (and an orphaned worker) still print
            await _close_all(parties)
            served = await serve_process(data_dir)
            result.ended_told = await _come_back(served.base, village.call_id or "")
        result.recordings = await _wait_registered(served.base, case_id, 2, timeout=60)
        result.registered_after = time.time() - killed_at
        ends = await _recorded_until(served.base, result.recordings)
        result.losses = [round(captured[party] - end, 3) for party, end in ends]
        result.wall_losses = [round(killed_at - end, 3) for _, end in ends]
        result.call = await _the_call(served.base, case_id, village.call_id or "")
        result.called_again = await _call_again(served.base, case_id)
        return result
    finally:
        await _close_all(parties)
        for pid in orphans:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)  # an orphaned worker finishes by itself; never leave one behind
        await served.stop()
        if killed is not None:
            await killed


def _targets(kind: str, server: int, workers: list[int]) -> list[int]:
    return {"server": [server], "worker": workers, "both": [*workers, server]}[kind]


async def _open_case(base: str) -> int:
    clerk = await ServerConnection.login(base, "clerk-yb1", PASSWORD)
    try:
        case = await clerk.api("POST", "/api/cases", {
            "villager": {"id_number": VALID_ID, "name": "王大山", "phone": "13800001111"}, "item_code": "T-RS-001"})
    finally:
        await clerk.close()
    return int(case["id"])


async def _call(base: str, case_id: int, parties: list[Party]) -> tuple[Party, Party]:
    village = await Party.sign_in(base, "clerk-yb1", PASSWORD, video=PatternCamera(320, 240))
    parties.append(village)
    approver = await Party.sign_in(base, "town-yb", PASSWORD, video=PatternCamera(320, 240))
    parties.append(approver)
    await village.place_call(case_id)
    await approver.answer_next()
    await approver.wait_for_video(village.account_id, frames=3)
    await village.wait_for_video(approver.account_id, frames=3)
    return village, approver


async def _close_all(parties: list[Party]) -> None:
    for party in parties:
        with contextlib.suppress(Exception):
            await party.close()
    parties.clear()


async def _come_back(base: str, call_id: str) -> dict[str, Any]:
    """The village window signs in again and asks to rejoin its call, as its page does after a drop."""
    party = await Party.sign_in(base, "clerk-yb1", PASSWORD)
    try:
        await party.connection.send({"type": "call.join", "call_id": call_id})
        return await party.connection.wait_for(
            lambda m: m.get("type") in ("call.ended", "error"), 15, "the old call's fate")
    finally:
        await party.close()


async def _wait_registered(base: str, case_id: int, count: int, timeout: float) -> list[dict[str, Any]]:
    auditor = await ServerConnection.login(base, "auditor", PASSWORD)
    try:
        async with asyncio.timeout(timeout):
            while len(found := await auditor.api("GET", f"/api/cases/{case_id}/recordings")) < count:
                await asyncio.sleep(0.5)
        return list(found)
    finally:
        await auditor.close()


async def _recorded_until(base: str, recordings: list[dict[str, Any]]) -> list[tuple[str, float]]:
    """Per recording, its party and the wall-clock moment its last decodable frame shows (replayed via the API)."""
    auditor = await ServerConnection.login(base, "auditor", PASSWORD)
    try:
        ends = []
        for recording in recordings:
            webm = await auditor.download(f"/api/recordings/{recording['id']}/media")
            started = datetime.fromisoformat(recording["started_at"]).timestamp()
            ends.append((recording["party_id"], started + last_video_time(webm)))
        return ends
    finally:
        await auditor.close()


async def _the_call(base: str, case_id: int, call_id: str) -> dict[str, Any]:
    clerk = await ServerConnection.login(base, "clerk-yb1", PASSWORD)
    try:
        calls = await clerk.api("GET", f"/api/cases/{case_id}/calls")
    finally:
        await clerk.close()
    return next(call for call in calls if call["id"] == call_id)


async def _call_again(base: str, case_id: int) -> bool:
    """The case can be called again: a new call rings (and is withdrawn)."""
    village = await Party.sign_in(base, "clerk-yb1", PASSWORD)
    try:
        await village.place_call(case_id)
        await village.hang_up()
        return True
    except CallRefused:
        return False
    finally:
        await village.close()
