"""How fast the statistics answer at county scale (#20): 200,000 cases and 50,000 calls, target ≤ 0.5 s a request.

The county comes from bench/statistics_data.py (kept in bench/results/county-<cases>/ so that
a second run does not make it again); the whole server runs in this process on a loopback
port, and each request below is made REPEAT times by its account, through HTTP as a page
makes it. The figure is the slowest request's median; the slowest single answer is beside it.
This machine is shared, so the CPU time the process spent on each request (server and client
alike: one process) is measured too — what the request costs whatever else runs.
"""

from __future__ import annotations

import asyncio
import shutil
import statistics
import time
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from signaling.app import create_app
from signaling.config import Settings
from signaling.demo import DEMO_PASSWORD

from .statistics_data import make_county

RESULTS = Path(__file__).parent / "results"
REPEAT = 5
# (account, request): the questions a county asks — every scale of unit, grouping and period.
REQUESTS = [
    ("auditor", "/api/statistics?period=month&from=2026-01-01&to=2026-12-31"),
    ("auditor", "/api/statistics?period=week&from=2025-01-01&to=2026-12-31"),
    ("auditor", "/api/statistics?period=month&from=2025-01-01&to=2026-12-31&by=village"),
    ("auditor", "/api/statistics?period=quarter&from=2025-01-01&to=2026-12-31&by=item"),
    ("auditor", "/api/statistics?period=year&from=2025-01-01&to=2026-12-31&by=department"),
    ("district", "/api/statistics?period=month&from=2026-01-01&to=2026-12-31&by=approver"),
    ("auditor", "/api/statistics?period=month&from=2025-01-01&to=2026-12-31&unit=zh-t03&item=T-RS-001"),
    ("town-yb", "/api/statistics?period=week&from=2026-01-01&to=2026-12-31"),
    ("auditor", "/api/statistics.csv?period=month&from=2025-01-01&to=2026-12-31&by=village&table=groups"),
    ("auditor", "/api/statistics.pdf?period=quarter&from=2026-10-01&by=town"),
]


def county(cases: int, calls: int) -> tuple[Path, float | None]:
    """The county's data directory, made now (and the seconds it took) or kept from an earlier run."""
    folder = RESULTS / f"county-{cases}-{calls}"
    if (folder / "complete").exists():
        return folder, None
    shutil.rmtree(folder, ignore_errors=True)
    seconds = make_county(folder, cases, calls)
    (folder / "complete").write_text("made by bench/statistics_data.py\n")
    return folder, seconds


async def timed_requests(data_dir: Path, repeat: int = REPEAT) -> list[dict[str, Any]]:
    """Each request's times in seconds, against the whole server on a loopback port."""
    runner = web.AppRunner(create_app(Settings(data_dir=data_dir, media_workers=0)), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    found = []
    try:
        async with aiohttp.ClientSession() as session:
            tokens = {}
            for username in {who for who, _ in REQUESTS}:
                async with session.post(f"{base}/api/login", json={"username": username,
                                                                    "password": DEMO_PASSWORD}) as reply:
                    tokens[username] = (await reply.json())["token"]
            for username, path in REQUESTS:
                times, cpu = [], []
                for _ in range(repeat):
                    started, used = time.perf_counter(), time.process_time()
                    async with session.get(base + path, headers={"Authorization": f"Bearer {tokens[username]}"}) as r:
                        assert r.status == 200, await r.text()
                        await r.read()
                    times.append(time.perf_counter() - started)
                    cpu.append(time.process_time() - used)
                found.append({"account": username, "path": path, "seconds": times, "cpu_seconds": cpu,
                              "median": statistics.median(times), "cpu_median": statistics.median(cpu)})
    finally:
        await runner.cleanup()
    return found


async def measure(smoke: bool) -> dict[str, Any]:
    cases, calls = (500, 100) if smoke else (200_000, 50_000)
    loop = asyncio.get_running_loop()
    data_dir, made_in = await loop.run_in_executor(None, county, cases, calls)
    requests = await timed_requests(data_dir, 1 if smoke else REPEAT)
    slowest = max(requests, key=lambda r: r["median"])
    costliest = max(requests, key=lambda r: r["cpu_median"])
    return {"cases": cases, "calls": calls, "generated_seconds": made_in, "requests": requests,
            "slowest_median_s": slowest["median"], "slowest_path": slowest["path"],
            "slowest_single_s": max(max(r["seconds"]) for r in requests),
            "costliest_cpu_s": costliest["cpu_median"], "costliest_path": costliest["path"]}
