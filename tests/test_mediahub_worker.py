"""Media hub in worker processes: the same call, and a killed worker ends only its calls."""

from __future__ import annotations

import asyncio
import json
import os
import signal
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from signaling.media import MediaConfig, MediaWorkerPool
from signaling.media.exceptions import CallNotFound, MediaWorkerTimeout
from signaling.media.outbox import Outbox

from .mediahub_peers import ClientPeer, Switchboard, board_fixture, close_to, eventually  # noqa: F401

RED = (220, 30, 30)
BLUE = (30, 30, 220)


class EndedCalls:
    """The pool's on_call_ended callback, remembered."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    async def __call__(self, call_id: str, reason: str) -> None:
        self.calls.append((call_id, reason))


@pytest.fixture
async def ended() -> EndedCalls:
    return EndedCalls()


@pytest.fixture
async def pool(board: Switchboard, ended: EndedCalls) -> AsyncIterator[MediaWorkerPool]:
    async with MediaWorkerPool(MediaConfig(), board.send, workers=2, on_call_ended=ended) as p:
        yield p


async def start_call(
    pool: MediaWorkerPool, board: Switchboard, call_id: str, **open_args: Any
) -> tuple[ClientPeer, ClientPeer]:
    await pool.open_call(call_id, **open_args)
    peers = []
    for pid, rgb in (("village", RED), ("approver", BLUE)):
        peers.append(board.add(ClientPeer(call_id, pid, rgb, pool)))
        await pool.join(call_id, pid, pid)
    return peers[0], peers[1]


@pytest.mark.parametrize("workers", [0, 2], ids=["in-process", "worker-processes"])
async def test_pool_runs_a_call_both_ways_and_records_where_the_call_runs(
    workers: int, board: Switchboard, tmp_path: Path
) -> None:
    summary = tmp_path / "recording.json"
    spec = {"factory": "tests.mediahub_sinks:CountingRecording", "options": {"path": str(summary)}}
    async with MediaWorkerPool(MediaConfig(), board.send, workers=workers) as pool:
        village, approver = await start_call(pool, board, "c1", recording=spec)
        if workers:
            assert pool.worker_pid("c1") not in (None, os.getpid())
        else:
            assert pool.worker_pid("c1") is None
        await approver.wait_for_frames("village", 10)
        await village.wait_for_frames("approver", 10)
        assert all(close_to(rgb, RED) for rgb in approver.colours_from("village")[-5:])
        assert all(close_to(rgb, BLUE) for rgb in village.colours_from("approver")[-5:])
        stats = await pool.stats("c1")
        assert stats["village"]["received"]["video"]["frames"] >= 10
        await pool.close_call("c1")
    recorded = json.loads(summary.read_text())
    assert set(recorded) == {"village", "approver"}
    assert {codec for _, codec, *_ in recorded["village"]} == {"vp8", "opus"}
    await eventually(lambda: village.ended is not None)
    assert village.ended is not None and village.ended["reason"] == "closed"


async def test_killed_worker_ends_its_call_and_the_pool_serves_others(
    pool: MediaWorkerPool, board: Switchboard, ended: EndedCalls
) -> None:
    doomed = await start_call(pool, board, "c1")
    survivor = await start_call(pool, board, "c2")
    assert pool.worker_pid("c1") != pool.worker_pid("c2")  # least-loaded placement
    await survivor[1].wait_for_frames("village", 5)

    os.kill(pool.worker_pid("c1") or 0, signal.SIGKILL)
    await eventually(lambda: all(peer.ended for peer in doomed))
    assert {peer.ended["reason"] for peer in doomed if peer.ended} == {"media_worker_lost"}
    assert ended.calls == [("c1", "media_worker_lost")]
    with pytest.raises(CallNotFound):
        await pool.join("c1", "late", "late")

    await survivor[1].wait_for_frames("village", len(survivor[1].frames["village"]) + 10)
    await eventually(lambda: len(pool.worker_pids()) == 2, 15)  # a replacement comes up
    fresh = await start_call(pool, board, "c3")
    await fresh[1].wait_for_frames("village", 5)


async def test_a_stuck_worker_delays_no_other_call(board: Switchboard) -> None:
    async with MediaWorkerPool(MediaConfig(), board.send, workers=2, request_timeout=1.0) as pool:
        await pool.open_call("stuck")
        await pool.open_call("live")
        stuck_pid = pool.worker_pid("stuck") or 0
        os.kill(stuck_pid, signal.SIGSTOP)
        try:
            started = asyncio.get_running_loop().time()
            with pytest.raises(MediaWorkerTimeout):
                await pool.join("stuck", "village", "村窗口")
            peer = board.add(ClientPeer("live", "village", RED, pool))
            await pool.join("live", "village", "村窗口")
            await eventually(lambda: bool(peer.offers), 5)
            assert asyncio.get_running_loop().time() - started < 3
        finally:
            os.kill(stuck_pid, signal.SIGCONT)


async def test_a_slow_client_connection_holds_up_no_other_participant() -> None:
    delivered: list[str] = []
    release = asyncio.Event()

    async def send(call_id: str, participant_id: str, message: dict[str, Any]) -> None:
        if participant_id == "slow":
            await release.wait()
        delivered.append(f"{participant_id}:{message['n']}")

    outbox = Outbox(send)
    for n in range(3):
        outbox.post("c1", "slow", {"n": n})
        outbox.post("c1", "quick", {"n": n})
    await eventually(lambda: len(delivered) == 3, 2)
    assert delivered == ["quick:0", "quick:1", "quick:2"]
    release.set()
    await outbox.flush()
    assert delivered[3:] == ["slow:0", "slow:1", "slow:2"]  # in order, once unblocked


async def test_on_demand_workers_start_when_a_call_is_expected_and_stop_when_idle(board: Switchboard) -> None:
    async with MediaWorkerPool(MediaConfig(), board.send, workers=2, idle_stop=1.0) as pool:
        assert pool.worker_pids() == []
        pool.expect_call()  # ringing
        await eventually(lambda: len(pool.worker_pids()) == 2, 15)
        village, approver = await start_call(pool, board, "c1")
        await approver.wait_for_frames("village", 5)
        os.kill(pool.worker_pid("c1") or 0, signal.SIGKILL)
        await eventually(lambda: village.ended is not None)
        await asyncio.sleep(1.5)  # no replacement while idle: the other worker stops too
        assert pool.worker_pids() == []
        village, approver = await start_call(pool, board, "c2")  # the next call starts them again
        await approver.wait_for_frames("village", 5)
        assert len(pool.worker_pids()) == 2
