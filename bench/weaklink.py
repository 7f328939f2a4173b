"""`make bench-weaklink`: a video consult and scans over a weak village link.

    scripts/netns-run .venv/bin/python -m bench.weaklink [--smoke] [--output FILE]

The village window runs in its own network namespace, joined to the server's by a veth
pair that `tc tbf` holds to a rate each way and that loses a share of its UDP packets at
random (tests/village_link.py): 2 Mbit/s with 2 % lost, then the mountain villages' links,
1 Mbit/s with 5 % and 512 kbit/s with 3 % (LINKS). The server is a real `cunneng serve`;
the town approver sits beside it, decoding what it receives as a browser would. On each link:

1. The call: frames per second the approver receives from the village, freezes (video)
   and gaps in the sound, the village's bitrate second by second beside the target the hub
   tells it (REMB), and a scan sent during the call (10 MB at 2 Mbit/s, a 300 dpi page of
   2 MB at 1 Mbit/s, a 150 dpi page of 0.7 MB at 512 kbit/s) — its time against the link's
   capacity, checked byte for byte against the file the server stored.
2. On the 2 Mbit/s link only, the transfer: 20 MB over the bare link, our chunked upload
   ÷ one plain aiohttp POST.

Needs root (namespaces, tc, nftables); without it says so and exits 3. --smoke runs it
with a short call and small scans (tests/test_bench_weaklink_smoke.py, in make test).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import hashlib
import json
import os
import sys
import tempfile
from collections import deque
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from aiohttp import web

from signaling.demo import DEMO_PASSWORD
from tests.scan_samples import A4_600_DPI, save, scan_page
from tests.support import ServeProcess, serve_process
from tests.village_link import SERVER_ADDRESS, LinkShape, VillageLink, missing_powers
from village_client.connection import ServerConnection
from village_client.consult import Party
from village_client.tracks import PatternCamera

from .figures import save_results
from .weaklink_figures import call_figures, markdown, table

ROOT = Path(__file__).resolve().parent.parent
EXIT_CANNOT = 3


@dataclass(frozen=True)
class Sizes:
    """How long the call runs and how big the scans are."""

    scan_after: float  # seconds of call before the scan starts
    hold_after: float  # seconds of call after it is stored
    call_scan_bytes: int
    transfer_scan_bytes: int | None  # None: no bare transfer on this link

    @classmethod
    def full(cls, call_scan_bytes: int, transfer: bool) -> Sizes:
        return cls(scan_after=30.0, hold_after=30.0, call_scan_bytes=call_scan_bytes,
                   transfer_scan_bytes=20_000_000 if transfer else None)

    @classmethod
    def smoke(cls, call_scan_bytes: int, transfer: bool) -> Sizes:
        return cls(scan_after=5.0, hold_after=3.0, call_scan_bytes=300_000,
                   transfer_scan_bytes=300_000 if transfer else None)


@dataclass(frozen=True)
class WeakLink:
    """One link to measure: its shape, the scan sent during the call, whether the bare transfer runs."""

    shape: LinkShape
    call_scan_bytes: int
    transfer: bool = False


LINKS = (WeakLink(LinkShape(rate_kbit=2000, udp_loss_percent=2), 10_000_000, transfer=True),
         WeakLink(LinkShape(rate_kbit=1000, udp_loss_percent=5), 2_000_000),
         WeakLink(LinkShape(rate_kbit=512, udp_loss_percent=3), 700_000))


def make_scan(folder: Path, name: str, size: int, seed: int) -> Path:
    """A scanner's JPEG of about `size` bytes (an A4 page at 600 dpi: 10 MB at quality 93, 20 at 98;
    at 300 dpi 2 MB, at 150 dpi 0.7 MB)."""
    if size >= 15_000_000:
        return save(scan_page(A4_600_DPI, seed, grain=16), folder / name, "JPEG", quality=98)
    if size >= 5_000_000:
        return save(scan_page(A4_600_DPI, seed, grain=16), folder / name, "JPEG", quality=93)
    if size >= 1_500_000:
        return save(scan_page((2480, 3508), seed, grain=16), folder / name, "JPEG", quality=90)
    return save(scan_page((1240, 1754), seed, grain=16), folder / name, "JPEG", quality=90)


async def plain_receiver(folder: Path) -> tuple[web.AppRunner, int]:
    """The baseline's other end: one handler that streams a POST body into a file."""
    async def receive(request: web.Request) -> web.Response:
        with (folder / "plain.bin").open("wb") as sink:
            async for block in request.content.iter_chunked(1 << 16):
                sink.write(block)
        return web.json_response({"ok": True})

    app = web.Application(client_max_size=1 << 30)
    app.router.add_post("/upload", receive)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, SERVER_ADDRESS, 0).start()
    return runner, int(runner.addresses[0][1])


async def in_village(link: VillageLink, mode: str, job: dict[str, Any]) -> dict[str, Any]:
    """Run bench/weaklink_clerk.py (the village clerk's side) in the village's namespace; its JSON."""
    village = await asyncio.create_subprocess_exec(
        *link.enter(sys.executable, "-m", "bench.weaklink_clerk", mode),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, cwd=ROOT)
    try:
        output, _ = await village.communicate(json.dumps(job).encode())
    finally:
        if village.returncode is None:
            village.kill()
            await village.wait()
    if village.returncode != 0:
        raise RuntimeError(f"the village's {mode} failed (exit {village.returncode})")
    return dict(json.loads(output.decode().strip().splitlines()[-1]))


async def hub_samples(approver: Party, call_id: str, samples: list[dict[str, Any]]) -> None:
    """The hub's view of the village's stream, once a second (the approver asks, as its page does)."""
    while True:
        await approver.connection.send({"type": "media.stats", "call_id": call_id})
        reply = await approver.connection.expect("media.stats", call_id=call_id)
        village = [p for pid, p in reply["participants"].items() if pid != approver.account_id]
        if village:
            samples.append({"at": asyncio.get_running_loop().time(), **village[0]})
        await asyncio.sleep(1.0)


async def consult(link: VillageLink, served: ServeProcess, scan: Path, sizes: Sizes) -> dict[str, Any]:
    """The call across the link, with the scan sent during it; what each side saw."""
    approver = await Party.sign_in(served.base, "town-yb", DEMO_PASSWORD, video=PatternCamera(640, 480, 15))
    job = {"server": f"http://{SERVER_ADDRESS}:{served.base.rsplit(':', 1)[1]}", "scan": str(scan),
           "scan_after": sizes.scan_after, "hold_after": sizes.hold_after}
    village = asyncio.create_task(in_village(link, "consult", job))
    samples: list[dict[str, Any]] = []
    try:
        call_id = await approver.answer_next(timeout=60)
        sampler = asyncio.create_task(hub_samples(approver, call_id, samples))
        found = await village
        sampler.cancel()
        village_id = next(pid for pid in approver.peer.received) if approver.peer else None
        received = approver.received_from(village_id) if village_id else None
    finally:
        village.cancel()
        await approver.close()
    found["scan"]["intact"] = await stored_as_sent(served.base, found["scan"]["document_id"], scan)
    return {**found, "approver_arrivals": received.arrivals if received else [],
            "approver_audio_arrivals": received.audio_arrivals if received else [], "hub": samples}


async def stored_as_sent(base: str, document_id: int, scan: Path) -> bool:
    """Whether the server keeps exactly the bytes the village sent (read back beside the server)."""
    clerk = await ServerConnection.login(base, "clerk-yb1", DEMO_PASSWORD)
    try:
        stored = await clerk.download(f"/api/documents/{document_id}/file")
    finally:
        await clerk.close()
    return hashlib.sha256(stored).digest() == hashlib.sha256(scan.read_bytes()).digest()


async def drained(served: ServeProcess, tail: deque[str]) -> None:
    """Read the server's log as it comes (a full pipe would stall it), keeping the end."""
    assert served.process.stdout is not None
    while line := await served.process.stdout.readline():
        tail.append(line.decode(errors="replace"))


async def measure(link: VillageLink, sizes: Sizes) -> dict[str, Any]:
    """The call with its scan, then the bare transfer; raw figures."""
    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        call_scan = await asyncio.to_thread(make_scan, work, "call-scan.jpg", sizes.call_scan_bytes, 1)
        served = await serve_process(work / "data", "--host", "0.0.0.0")
        log: deque[str] = deque(maxlen=40)
        reader = asyncio.create_task(drained(served, log))
        runner, plain_port = await plain_receiver(work)
        try:
            call = await consult(link, served, call_scan, sizes)
            call["udp"] = await asyncio.to_thread(link.udp_counts)
            transfer = None
            if sizes.transfer_scan_bytes is not None:
                big_scan = await asyncio.to_thread(make_scan, work, "transfer-scan.jpg", sizes.transfer_scan_bytes, 2)
                transfer = await in_village(link, "transfer", {
                    "server": f"http://{SERVER_ADDRESS}:{served.base.rsplit(':', 1)[1]}", "scan": str(big_scan),
                    "case_id": call["case_id"], "plain_url": f"http://{SERVER_ADDRESS}:{plain_port}/upload"})
                transfer["bytes"] = big_scan.stat().st_size
        except BaseException:
            print("".join(log), file=sys.stderr)
            raise
        finally:
            reader.cancel()
            await runner.cleanup()
            await served.stop()
        call["scan"]["bytes"] = call_scan.stat().st_size
    return {"link": asdict(link.shape), "call": call, "transfer": transfer}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="a short call and small scans: check it runs")
    parser.add_argument("--output", type=Path, help="where to write the JSON (default bench/results/)")
    parser.add_argument("--markdown", type=Path, metavar="JSON",
                        help="print a run written before as docs/benchmarks.md rows")
    args = parser.parse_args()
    if args.markdown:
        print(markdown(json.loads(args.markdown.read_text())))
        return
    why_not = missing_powers()
    if why_not is not None:
        print(f"bench-weaklink: {why_not}; nothing measured", file=sys.stderr)
        sys.exit(EXIT_CANNOT)
    runs = []
    for weak in LINKS:
        sizes = (Sizes.smoke if args.smoke else Sizes.full)(weak.call_scan_bytes, weak.transfer)
        with VillageLink(weak.shape) as link:
            found = asyncio.run(measure(link, sizes))
        found["figures"] = call_figures(found)
        print(table(found), flush=True)
        runs.append(found)
    save_results("weaklink", {"date": datetime.date.today().isoformat(), "cores": os.cpu_count(),
                              "load_average": os.getloadavg(), "smoke": args.smoke, "links": runs}, args.output)


if __name__ == "__main__":
    main()
