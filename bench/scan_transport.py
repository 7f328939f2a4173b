"""Benchmark: which transport carries a 20 MB scan — our HTTP chunk upload, one plain HTTP upload, or the data channel.

Three ways to move the same bytes from the village side to the server, on loopback, client and
server in one process (one event loop, as the server has):

- ours: `ScanUploader.send` — 2 MiB chunks, each with its SHA-256, encrypted and fsynced
  before it is confirmed (the whole-file hash before, and the completion after, are timed apart);
- plain: one aiohttp POST of the whole file, streamed to a file by the handler;
- data channel: two aiortc peers, an ordered reliable RTCDataChannel, 16 KiB and 64 KiB messages
  with bufferedAmount flow control, the receiver writing to a file.

Run inside the private network namespace (aiortc needs 127.0.0.2):
    scripts/netns-run .venv/bin/python bench/scan_transport.py [--smoke]
Prints a table and writes bench/results/scan_transport-<time>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp
from aiohttp import web
from aiortc import RTCDataChannel, RTCPeerConnection

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.figures import save_results  # noqa: E402
from tests.scan_samples import A4_600_DPI, save, scan_page  # noqa: E402
from tests.support import open_demo_case, start_server  # noqa: E402
from village_client.uploader import ScanUploader, file_digest  # noqa: E402

MB = 1024 * 1024


def make_scan(folder: Path, smoke: bool) -> Path:
    """A 600 dpi A4 colour page of about 20 MB (about 1 MB with --smoke)."""
    if smoke:
        return save(scan_page((1240, 1754), grain=8), folder / "smoke.jpg", "JPEG", quality=95)
    return save(scan_page(A4_600_DPI, grain=16), folder / "scan-20mb.jpg", "JPEG", quality=98)


async def timed(step: Callable[[], Awaitable[object]]) -> float:
    started = time.perf_counter()
    await step()
    return time.perf_counter() - started


async def ours(scan: Path, work: Path) -> dict[str, float]:
    """Our chunk upload, phase by phase, through a real server."""
    server = await start_server(work / "data")
    try:
        clerk = await server.login("clerk-yb1")
        case = await open_demo_case(clerk)
        uploader = ScanUploader(server.session, server.base, clerk.token)
        hashing = await timed(lambda: asyncio.to_thread(file_digest, scan))
        upload = await uploader.announce(case["id"], scan)
        transfer = await timed(lambda: uploader.send(upload, scan))
        completion = await timed(lambda: uploader.complete(upload["id"]))
    finally:
        await server.close()
    return {"transfer_s": transfer, "hash_s": hashing, "complete_s": completion}


async def plain(scan: Path, work: Path) -> float:
    """One POST of the whole file to a handler that streams it into a file."""
    async def receive(request: web.Request) -> web.Response:
        with (work / "plain.bin").open("wb") as sink:
            async for block in request.content.iter_chunked(MB):
                sink.write(block)
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_post("/upload", receive)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    data = scan.read_bytes()
    try:
        async with aiohttp.ClientSession() as session:
            url = f"http://127.0.0.1:{runner.addresses[0][1]}/upload"

            async def post() -> None:
                async with session.post(url, data=data) as response:
                    assert response.status == 200

            return await timed(post)
    finally:
        await runner.cleanup()


async def data_channel(scan: Path, work: Path, message: int) -> float:
    """Two aiortc peers; the sender keeps at most 1 MiB buffered, the receiver writes to a file."""
    sender, receiver = RTCPeerConnection(), RTCPeerConnection()
    channel = sender.createDataChannel("scan", ordered=True)
    channel.bufferedAmountLowThreshold = MB // 2
    data = scan.read_bytes()
    done, opened, drained = asyncio.Event(), asyncio.Event(), asyncio.Event()
    sink = (work / f"dc-{message}.bin").open("wb")
    got = 0

    @receiver.on("datachannel")
    def arrived(incoming: RTCDataChannel) -> None:
        @incoming.on("message")
        def on_message(payload: bytes) -> None:
            nonlocal got
            sink.write(payload)
            got += len(payload)
            if got >= len(data):
                done.set()

    channel.on("open", opened.set)
    channel.on("bufferedamountlow", drained.set)
    await sender.setLocalDescription(await sender.createOffer())
    await receiver.setRemoteDescription(sender.localDescription)
    await receiver.setLocalDescription(await receiver.createAnswer())
    await sender.setRemoteDescription(receiver.localDescription)
    await asyncio.wait_for(opened.wait(), 20)

    async def send_all() -> None:
        for start in range(0, len(data), message):
            while channel.bufferedAmount > MB:
                drained.clear()
                await drained.wait()
            channel.send(data[start:start + message])
        await asyncio.wait_for(done.wait(), 600)

    try:
        return await timed(send_all)
    finally:
        sink.close()
        await sender.close()
        await receiver.close()


async def measure(smoke: bool) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        scan = make_scan(work, smoke)
        size = scan.stat().st_size
        phases = await ours(scan, work)
        results = {"ours (HTTP chunks)": phases["transfer_s"], "plain HTTP upload": await plain(scan, work)}
        for message in (16 * 1024, 64 * 1024):
            results[f"data channel, {message // 1024} KiB messages"] = await data_channel(scan, work, message)
    return {"bytes": size, "seconds": results, "ours_phases": phases,
            "ratio_ours_to_plain": results["plain HTTP upload"] / results["ours (HTTP chunks)"]}


def report(found: dict[str, object]) -> None:
    size = int(found["bytes"])  # type: ignore[call-overload]
    print(f"scan of {size / MB:.1f} MiB, loopback, one process")
    print(f"{'transport':36} {'seconds':>8} {'MB/s':>8}")
    for name, seconds in found["seconds"].items():  # type: ignore[attr-defined]
        print(f"{name:36} {seconds:8.2f} {size / MB / seconds:8.1f}")
    phases = found["ours_phases"]
    print(f"ours: whole-file SHA-256 {phases['hash_s']:.2f} s before, completion "  # type: ignore[index]
          f"(verify, decode, archive, thumbnails) {phases['complete_s']:.2f} s after")  # type: ignore[index]
    print(f"ours ÷ plain upload (speed): {found['ratio_ours_to_plain']:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="a 1 MB scan, to check the benchmark runs")
    found = asyncio.run(measure(parser.parse_args().smoke))
    report(found)
    save_results("scan_transport", found)


if __name__ == "__main__":
    main()
