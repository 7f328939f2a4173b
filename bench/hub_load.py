"""Calls through the media hub under load: server CPU and memory, frames lost or late, village uplink.

The server side is the media worker pool exactly as `cunneng serve` runs it (calls spread
over worker processes, each call recorded into an encrypted archive unless told not to);
the participants run in client processes (bench/hub_clients.py) sending a pre-encoded
640×480 15 fps clip. Measured over a window after a warm-up: CPU seconds of this process
and its media workers, their resident memory, the video frames each receiver got (or got
late) of those its senders sent, and the bytes each village peer sent.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from recordings import load_or_create_key
from signaling.calls.archive_recording import recording_spec
from signaling.config import Settings
from signaling.media import MediaConfig, MediaWorkerPool

from .replay import CLIP_SECONDS, encoded_audio, encoded_video, save_clips


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU of a process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _kib_field(path: str, name: str) -> int:
    """A `name: N kB` line of a /proc file, in bytes."""
    for line in Path(path).read_text().splitlines():
        if line.startswith(name):
            return int(line.split()[1]) * 1024
    return 0


def resident_bytes(pid: int) -> int:
    """RSS: every page the process has in memory, shared libraries included."""
    return _kib_field(f"/proc/{pid}/status", "VmRSS:")


def proportional_bytes(pid: int) -> int:
    """PSS: resident bytes with pages shared between processes (libraries) split among them."""
    return _kib_field(f"/proc/{pid}/smaps_rollup", "Pss:")


@dataclass(frozen=True)
class Load:
    """What to run: calls of one village and `approvers` approvers, on `workers` media workers."""

    calls: int
    approvers: int = 1
    record: bool = True
    workers: int = 1
    warmup: float = 6.0
    seconds: float = 20.0


class ClientProcess:
    """One bench/hub_clients.py process and its pipe."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.reports: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    @classmethod
    async def start(cls, clips: Path) -> ClientProcess:
        """Start one and wait until it has loaded the clip (slow on a busy machine)."""
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench.hub_clients", str(clips), stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE, cwd=Path(__file__).resolve().parent.parent,
        )
        assert process.stdout is not None
        ready = await asyncio.wait_for(process.stdout.readline(), 120)
        assert json.loads(ready) == {"ready": True}, ready
        return cls(process)

    async def send(self, request: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(request).encode() + b"\n")
        await self.process.stdin.drain()

    async def relay_answers(self, pool: MediaWorkerPool, call_of: dict[str, str]) -> None:
        assert self.process.stdout is not None
        while line := await self.process.stdout.readline():
            found = json.loads(line)
            if "report" in found:
                self.reports.put_nowait(found["report"])
            else:
                await pool.answer(call_of[found["participant_id"]], found["participant_id"], found["sdp"])

    async def report(self) -> dict[str, Any]:
        await self.send({"command": "report"})
        return await asyncio.wait_for(self.reports.get(), 60)

    async def stop(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        await self.process.wait()


def participants(call: str, approvers: int) -> list[str]:
    return [f"{call}-village", *(f"{call}-approver{n}" for n in range(1, approvers + 1))]


def server_usage(pool: MediaWorkerPool) -> tuple[float, int]:
    """CPU seconds and resident bytes of this process and its media workers."""
    pids = [os.getpid(), *pool.worker_pids()]
    return sum(map(process_cpu_seconds, pids)), sum(map(resident_bytes, pids))


def frames_lost_or_late(before: dict[str, Any], after: dict[str, Any]) -> float:
    """Share of the video frames senders sent in the window that a receiver missed or got late."""
    expected = missing = 0
    for receiver, now in after.items():
        for sender, got in now["received"].items():
            sent = after[sender]["video_frames_sent"] - before[sender]["video_frames_sent"]
            earlier = before[receiver]["received"].get(sender, {"frames": 0, "late": 0})
            received, late = got["frames"] - earlier["frames"], got["late"] - earlier["late"]
            expected += sent
            missing += max(sent - received, 0) + late
    return missing / expected if expected else 1.0


async def run_load(load: Load, clients: int = 2) -> dict[str, Any]:
    """Run the calls and measure the window; see the module docstring."""
    with tempfile.TemporaryDirectory() as temp:
        settings = Settings(data_dir=Path(temp))
        load_or_create_key(settings.keys_dir / "archive.key")
        recording = recording_spec(settings) if load.record else None
        return await _measure(load, recording, clients, save_clips(Path(temp) / "clips.pickle"))


async def _measure(load: Load, recording: dict[str, Any] | None, clients: int, clips: Path) -> dict[str, Any]:
    calls = [f"call{n}" for n in range(load.calls)]
    call_of = {pid: call for call in calls for pid in participants(call, load.approvers)}
    async with AsyncExitStack() as stack:
        processes = [await ClientProcess.start(clips) for _ in range(min(clients, load.calls))]
        for process in processes:
            stack.push_async_callback(process.stop)
        client_of = {pid: processes[calls.index(call) % len(processes)] for pid, call in call_of.items()}

        async def send(call_id: str, participant_id: str, message: dict[str, Any]) -> None:
            await client_of[participant_id].send({"participant_id": participant_id, "message": message})

        pool = await stack.enter_async_context(MediaWorkerPool(MediaConfig(), send, workers=load.workers))
        relays = [asyncio.create_task(p.relay_answers(pool, call_of)) for p in processes]
        stack.callback(lambda: [relay.cancel() for relay in relays])
        _, idle_rss = server_usage(pool)
        for call in calls:
            await pool.open_call(call, recording)
            for pid in participants(call, load.approvers):
                await pool.join(call, pid, pid)
        await asyncio.sleep(load.warmup)
        before = await _reports(processes)
        cpu_before, _ = server_usage(pool)
        started = time.monotonic()
        await asyncio.sleep(load.seconds)
        after = await _reports(processes)
        cpu_after, busy_rss = server_usage(pool)
        wall = time.monotonic() - started
        for call in calls:
            await pool.close_call(call)
    one_stream = encoded_video(CLIP_SECONDS).bytes_per_second + encoded_audio(CLIP_SECONDS).bytes_per_second
    villages = [f"{call}-village" for call in calls]
    uplink = sum(after[v]["bytes_sent"] - before[v]["bytes_sent"] for v in villages) / wall / len(villages)
    packets = sum(after[p][way] - before[p][way] for p in after for way in ("packets_sent", "packets_received"))
    return {
        "calls": load.calls, "approvers": load.approvers, "recorded": recording is not None,
        "workers": load.workers, "seconds": round(wall, 1),
        "cpu_share_per_call": (cpu_after - cpu_before) / wall / load.calls,
        "packets_per_second": packets / wall,  # through the hub, in and out
        "frames_lost_or_late": frames_lost_or_late(before, after),
        "village_uplink_per_stream": uplink / one_stream,
        "rss_idle_bytes": idle_rss, "rss_per_call_bytes": (busy_rss - idle_rss) / load.calls,
    }


async def _reports(processes: list[ClientProcess]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for found in await asyncio.gather(*(p.report() for p in processes)):
        merged.update(found)
    return merged
