"""`make bench-soak`: one media worker through many consecutive recorded calls; does its memory level off?

    scripts/netns-run .venv/bin/python -m bench.soak [--calls N] [--smoke] [--output FILE]

The media worker pool as `cunneng serve` runs it (one worker, every call recorded into an
encrypted archive); a village and an approver (bench/hub_clients.py, the pre-encoded clip)
join each call, exchange media for HOLD_SECONDS, and the call is closed; the next one
opens at once. The worker's resident memory (RSS) is read after each call: the figure is
its memory after the last call ÷ after the 25th, by when its caches and the allocator's
pools have grown to their working size. Target ≤ 1.2: a leak of a few hundred kB a call
would show as 1.5 × or more over 200 calls.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import os
import tempfile
from pathlib import Path
from typing import Any

from recordings import load_or_create_key
from signaling.calls.archive_recording import recording_spec
from signaling.config import Settings
from signaling.media import MediaConfig, MediaWorkerPool

from .figures import save_results
from .hub_load import ClientProcess, participants, resident_bytes
from .replay import save_clips

HOLD_SECONDS = 1.5
SETTLED_AFTER = 25  # calls
TARGET = 1.2
MB = 1024 * 1024


async def soak(calls: int, settled_after: int) -> dict[str, Any]:
    """Run `calls` recorded calls one after another; the worker's RSS after each."""
    with tempfile.TemporaryDirectory() as temp:
        settings = Settings(data_dir=Path(temp))
        load_or_create_key(settings.keys_dir / "archive.key")
        client = await ClientProcess.start(save_clips(Path(temp) / "clips.pickle"))
        call_of: dict[str, str] = {}

        async def send(call_id: str, participant_id: str, message: dict[str, Any]) -> None:
            await client.send({"participant_id": participant_id, "message": message})

        try:
            async with MediaWorkerPool(MediaConfig(), send, workers=1) as pool:
                relay = asyncio.create_task(client.relay_answers(pool, call_of))
                [worker] = pool.worker_pids()
                rss = [resident_bytes(worker)]
                for number in range(calls):
                    await one_call(pool, f"soak{number}", call_of, recording_spec(settings))
                    rss.append(resident_bytes(worker))
                relay.cancel()
        finally:
            await client.stop()
    ratio = rss[calls] / rss[settled_after]
    return {"calls": calls, "hold_seconds": HOLD_SECONDS, "settled_after": settled_after,
            "worker_rss_bytes": rss, "ratio_last_to_settled": ratio, "ok": ratio <= TARGET}


async def one_call(pool: MediaWorkerPool, call: str, call_of: dict[str, str], recording: dict[str, Any]) -> None:
    """Open a recorded call, let a village and an approver exchange media, close it."""
    await pool.open_call(call, recording)
    for pid in participants(call, 1):
        call_of[pid] = call
        await pool.join(call, pid, pid)
    await asyncio.sleep(HOLD_SECONDS)
    await pool.close_call(call)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--smoke", action="store_true", help="six calls: check it runs")
    parser.add_argument("--output", type=Path, help="where to write the JSON (default bench/results/)")
    args = parser.parse_args()
    calls, settled = (6, 2) if args.smoke else (args.calls, SETTLED_AFTER)
    found = asyncio.run(soak(calls, settled))
    found.update(date=datetime.date.today().isoformat(), cores=os.cpu_count(), load_average=os.getloadavg())
    rss = found["worker_rss_bytes"]
    print(f"media worker soak {found['date']}, {found['cores']} cores: {calls} consecutive recorded calls "
          f"of {HOLD_SECONDS} s; RSS idle {rss[0] / MB:.0f} MB, after call {settled} {rss[settled] / MB:.0f} MB, "
          f"after call {calls} {rss[calls] / MB:.0f} MB: {found['ratio_last_to_settled']:.2f} × "
          f"(target ≤ {TARGET}) {'ok' if found['ok'] else 'NOT REACHED'}")
    save_results("soak", found, args.output)


if __name__ == "__main__":
    main()
