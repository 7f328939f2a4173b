"""Benchmark: server CPU for one forwarded call, hub in-process vs in a worker process.

One call, village and approver each sending 640×480 at 15 fps (realistic motion) plus
audio, both ways through the hub. The clients run in another process; what is measured
is the CPU time of the server process (and of its media worker, in worker mode) over
the measuring window, as a share of one core.

    scripts/netns-run .venv/bin/python bench/mediahub_cpu.py --mode worker --seconds 20
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

from signaling.media import MediaConfig, MediaWorkerPool

CLIENTS = Path(__file__).with_name("mediahub_clients.py")


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU of a process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def server_cpu_seconds(pool: MediaWorkerPool) -> tuple[float, float]:
    """(server process, its media workers)."""
    return own_cpu_seconds(), sum(process_cpu_seconds(pid) for pid in pool.worker_pids())


def packets_received(stats: dict[str, dict[str, Any]]) -> int:
    """RTP packets the hub has received from all participants (each goes to one other)."""
    return sum(
        kind.get("packets", 0) for party in stats.values() for kind in party["received"].values()
    )


async def run(mode: str, warmup: float, seconds: float) -> dict[str, Any]:
    clients = await asyncio.create_subprocess_exec(
        sys.executable, str(CLIENTS), stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE
    )
    assert clients.stdin is not None and clients.stdout is not None
    stdin, stdout = clients.stdin, clients.stdout

    async def send(call_id: str, participant_id: str, message: dict[str, Any]) -> None:
        line = json.dumps({"participant_id": participant_id, "message": message})
        stdin.write(line.encode() + b"\n")
        await stdin.drain()

    workers = 1 if mode == "worker" else 0
    async with MediaWorkerPool(MediaConfig(), send, workers=workers) as pool:

        async def relay_answers() -> None:
            while line := await stdout.readline():
                answer = json.loads(line)
                await pool.answer("bench", answer["participant_id"], answer["sdp"])

        relay = asyncio.create_task(relay_answers())
        await pool.open_call("bench")
        await pool.join("bench", "village", "村窗口")
        await pool.join("bench", "approver", "审批窗口")
        await asyncio.sleep(warmup)
        packets_before = packets_received(await pool.stats("bench"))
        cpu_before, wall_before = server_cpu_seconds(pool), time.monotonic()
        await asyncio.sleep(seconds)
        cpu_after = server_cpu_seconds(pool)
        wall = time.monotonic() - wall_before
        main_cpu, worker_cpu = (after - before for after, before in zip(cpu_after, cpu_before))
        stats = await pool.stats("bench")
        packets = packets_received(stats) - packets_before
        await pool.close_call("bench")
        stdin.close()
        await clients.wait()
        relay.cancel()
    received = {pid: s["received"]["video"] for pid, s in stats.items()}
    return {
        "mode": mode,
        "seconds": round(wall, 1),
        "server_process_cpu_seconds": round(main_cpu, 2),
        "worker_cpu_seconds": round(worker_cpu, 2),
        "share_of_one_core": round((main_cpu + worker_cpu) / wall, 3),
        "packets_forwarded": packets,
        "cpu_us_per_forwarded_packet": round((main_cpu + worker_cpu) / packets * 1e6, 1),
        "video_received_by_hub": received,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["inprocess", "worker"], default="worker")
    parser.add_argument("--warmup", type=float, default=8.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args.mode, args.warmup, args.seconds)), ensure_ascii=False))


if __name__ == "__main__":
    main()
