"""Benchmark: how fast a 20 MB scan reaches the server — our chunk upload against one plain upload; the data channel.

- ours: `ScanUploader.send` into a real `cunneng serve` process — 2 MiB chunks, each with its
  SHA-256, encrypted and fsynced before it is confirmed (the whole-file hash before, and the
  completion after, are timed apart);
- plain: one aiohttp POST of the whole file to a server process that streams it into a file
  (bench/plain_upload.py);
- floor: the same guarantees without the network, in this process — each 2 MiB chunk hashed
  with SHA-256 (the client's Content-Digest), then written through an archive writer as the
  server does (encrypted with AES-GCM 1 MiB at a time, hashed, fsynced, renamed into place);
- data channel: two aiortc peers in this process, an ordered reliable RTCDataChannel, 16 KiB
  and 64 KiB messages with bufferedAmount flow control, the receiver writing to a file.

The client is this process; ours and plain take turns, several runs each (medians), on
loopback. Run inside the private network namespace (aiortc needs 127.0.0.2):
    scripts/netns-run .venv/bin/python -m bench.scan_transport [--smoke]
Prints a table and writes bench/results/scan_transport-<time>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
from aiortc import RTCDataChannel, RTCPeerConnection

from recordings import Archive
from signaling.config import Settings
from signaling.demo import DEMO_PASSWORD
from signaling.scans.upload_store import READ_BLOCK
from tests.scan_samples import A4_600_DPI, save, scan_page
from tests.support import ApiClient, free_port, open_demo_case, serve_process, wait_healthy
from village_client.uploader import ScanUploader, file_digest, login

from .figures import save_results

MB = 1024 * 1024
RUNS = 5


def make_scan(folder: Path, smoke: bool) -> Path:
    """A 600 dpi A4 colour page of about 20 MB (about 1 MB with --smoke)."""
    if smoke:
        return save(scan_page((1240, 1754), grain=8), folder / "smoke.jpg", "JPEG", quality=95)
    return save(scan_page(A4_600_DPI, grain=16), folder / "scan-20mb.jpg", "JPEG", quality=98)


def variant(scan: Path, run: int) -> Path:
    """The page with one byte after its end: a new file for each run, so nothing counts as sent before."""
    path = scan.with_name(f"run{run}-{scan.name}")
    path.write_bytes(scan.read_bytes() + bytes([run]))
    return path


async def timed(step: Callable[[], Awaitable[object]]) -> float:
    started = time.perf_counter()
    await step()
    return time.perf_counter() - started


@asynccontextmanager
async def plain_server(work: Path) -> AsyncIterator[str]:
    """bench/plain_upload.py in its own process; its upload URL."""
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.plain_upload", str(port), str(work / "plain.bin"),
        cwd=Path(__file__).resolve().parent.parent,
    )
    url = f"http://127.0.0.1:{port}/upload"
    try:
        await wait_healthy(url)
        yield url
    finally:
        process.terminate()
        await process.wait()


async def plain_upload(session: aiohttp.ClientSession, url: str, data: bytes) -> float:
    """Seconds for one POST of the whole file."""
    async def post() -> None:
        async with session.post(url, data=data) as response:
            assert response.status == 200

    return await timed(post)


async def our_upload(uploader: ScanUploader, case_id: int, scan: Path) -> tuple[float, str]:
    """Seconds to send every chunk of a new upload (announced first, completed later); its id."""
    upload = await uploader.announce(case_id, scan)
    return await timed(lambda: uploader.send(upload, scan)), str(upload["id"])


def sealed_chunks(data: bytes, archive: Archive, chunk: int = Settings.upload_chunk_bytes) -> None:
    """The physical work of our upload, no network: per chunk the client's digest, the server's sealed write."""
    for offset in range(0, len(data), chunk):
        piece = data[offset:offset + chunk]
        hashlib.sha256(piece).digest()
        writer = archive.writer()
        for block in range(0, len(piece), READ_BLOCK):
            writer.write(piece[block:block + READ_BLOCK])
        writer.commit()


async def floor_upload(data: bytes, root: Path) -> float:
    """Seconds for the floor of our upload, into a fresh archive (nothing counts as stored before)."""
    archive = Archive.open(root / f"floor-{secrets.token_hex(4)}", secrets.token_bytes(32))
    return await timed(lambda: asyncio.to_thread(sealed_chunks, data, archive))


async def transfers(scan: Path, work: Path, runs: int) -> dict[str, Any]:
    """Ours, plain and the floor in turns, against server processes; then the last of ours completed."""
    data = scan.read_bytes()
    served = await serve_process(work / "data")
    try:
        async with plain_server(work) as url, aiohttp.ClientSession() as session:
            token = await login(session, served.base, "clerk-yb1", DEMO_PASSWORD)
            case = await open_demo_case(ApiClient(session, served.base, token))
            uploader = ScanUploader(session, served.base, token)
            plain, ours, floor = [], [], []
            for run in range(runs):
                plain.append(await plain_upload(session, url, data))
                seconds, upload_id = await our_upload(uploader, case["id"], variant(scan, run))
                ours.append(seconds)
                floor.append(await floor_upload(data, work))
            hashing = await timed(lambda: asyncio.to_thread(file_digest, scan))
            completion = await timed(lambda: uploader.complete(upload_id))
    finally:
        await served.stop()
    return {"plain_s": plain, "ours_s": ours, "floor_s": floor, "hash_s": hashing, "complete_s": completion}


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


async def measure(smoke: bool) -> dict[str, Any]:
    """The transfers (and, in a full run, the data channel) of one scan."""
    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        scan = make_scan(work, smoke)
        found = await transfers(scan, work, 1 if smoke else RUNS)
        channel = {} if smoke else {f"data channel, {size // 1024} KiB messages": await data_channel(scan, work, size)
                                    for size in (16 * 1024, 64 * 1024)}
        size = scan.stat().st_size
    ours, plain = statistics.median(found["ours_s"]), statistics.median(found["plain_s"])
    floor = statistics.median(found["floor_s"])
    return {"bytes": size, **found, "seconds": {"ours (HTTP chunks)": ours, "plain HTTP upload": plain,
                                                "floor (hash, encrypt, fsync; no network)": floor, **channel},
            "ratio_ours_to_plain": plain / ours, "ratio_ours_to_floor": ours / floor}


def report(found: dict[str, Any]) -> None:
    size = found["bytes"]
    print(f"scan of {size / MB:.1f} MiB, loopback, medians of {len(found['ours_s'])} runs")
    print(f"{'transport':36} {'seconds':>8} {'MB/s':>8}")
    for name, seconds in found["seconds"].items():
        print(f"{name:36} {seconds:8.3f} {size / MB / seconds:8.1f}")
    print(f"ours: whole-file SHA-256 {found['hash_s']:.2f} s before, completion "
          f"(verify, decode, archive, thumbnails) {found['complete_s']:.2f} s after")
    print(f"ours ÷ plain upload (speed): {found['ratio_ours_to_plain']:.2f}; "
          f"ours ÷ its floor (time): {found['ratio_ours_to_floor']:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="a 1 MB scan, to check the benchmark runs")
    found = asyncio.run(measure(parser.parse_args().smoke))
    report(found)
    save_results("scan_transport", found)


if __name__ == "__main__":
    main()
