"""`make bench-weaklink`: a video consult and a scan over a weak village link.

    scripts/netns-run .venv/bin/python -m bench.weaklink [--smoke] [--output FILE]

The village window runs in its own network namespace, joined to the server's by a veth
pair: `tc tbf` holds each direction to 2 Mbit/s and nftables drops 2 % of the UDP packets
crossing it at random (`numgen random`; this kernel has no netem). The town approver sits
beside the server. Reported: the frames per second the approver receives from the village
and the freezes longer than 1 s, the village sender's bitrate second by second (it should
settle under the link: the hub passes bandwidth feedback back to it), and a 10 MB scan
sent during the call — its time against the link's capacity, and against one plain HTTP
upload of the same bytes over the same link, during the same call. Needs root (to make
namespaces, links, queues and firewall rules); without it, it says so and exits 3.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from signaling.demo import DEMO_PASSWORD
from tests.scan_samples import A4_600_DPI, save, scan_page
from tests.support import VALID_ID, serve_process
from village_client.consult import Party
from village_client.tracks import PatternCamera
from village_client.uploader import ScanUploader, file_digest

from .figures import RESULTS
from .replay import LoopingCamera

SERVER_ADDRESS, VILLAGE_ADDRESS = "10.77.0.1", "10.77.0.2"
SERVER_END, VILLAGE_END = "cn-srv", "cn-vil"
NFT_TABLE = "cunneng_weaklink"
EXIT_CANNOT = 3


@dataclass(frozen=True)
class Link:
    """The weak link's shape."""

    rate_kbit: int = 2000
    loss_percent: int = 2
    queue_ms: int = 200

    def tbf(self, device: str) -> list[str]:
        burst = max(16, self.rate_kbit // 50)  # kbit: 20 ms of the rate, the least tbf needs at this speed
        return ["tc", "qdisc", "replace", "dev", device, "root", "tbf", "rate", f"{self.rate_kbit}kbit",
                "burst", f"{burst}kbit", "latency", f"{self.queue_ms}ms"]

    def nft_rules(self) -> str:
        drop = f"meta l4proto udp numgen random mod 100 < {self.loss_percent} drop"
        return (f"table inet {NFT_TABLE} {{\n"
                f"  chain inbound {{ type filter hook input priority 0; iifname \"{SERVER_END}\" {drop}; }}\n"
                f"  chain outbound {{ type filter hook output priority 0; oifname \"{SERVER_END}\" {drop}; }}\n"
                "}\n")


def run(*command: str, stdin: str | None = None) -> None:
    subprocess.run(command, check=True, input=stdin, text=True, capture_output=True, timeout=30)


def missing_powers() -> str | None:
    """Why the link cannot be built here, or None."""
    if os.geteuid() != 0:
        return "needs root (network namespaces, tc and nftables)"
    for tool in ("ip", "tc", "nft", "unshare"):
        if shutil.which(tool) is None:
            return f"needs the `{tool}` command"
    return None


def build_server_end(link: Link, village_pid: int) -> None:
    """The veth pair with its far end in the village's namespace; this end shaped and lossy."""
    run("ip", "link", "add", SERVER_END, "type", "veth", "peer", "name", VILLAGE_END, "netns", str(village_pid))
    run("ip", "addr", "add", f"{SERVER_ADDRESS}/30", "dev", SERVER_END)
    run("ip", "link", "set", SERVER_END, "up")
    run(*link.tbf(SERVER_END))
    run("nft", "-f", "-", stdin=link.nft_rules())


def tear_down_server_end() -> None:
    subprocess.run(["nft", "delete", "table", "inet", NFT_TABLE], capture_output=True, timeout=30)
    subprocess.run(["ip", "link", "delete", SERVER_END], capture_output=True, timeout=30)


def build_village_end(link: Link, timeout: float = 20.0) -> None:
    """In the village's namespace: wait for its veth end, address it, shape its uplink."""
    deadline = time.monotonic() + timeout
    while subprocess.run(["ip", "link", "show", VILLAGE_END], capture_output=True).returncode != 0:
        if time.monotonic() > deadline:
            raise TimeoutError("the link to the server never appeared")
        time.sleep(0.05)
    run("ip", "addr", "add", f"{VILLAGE_ADDRESS}/30", "dev", VILLAGE_END)
    run("ip", "link", "set", VILLAGE_END, "up")
    run(*link.tbf(VILLAGE_END))


@dataclass(frozen=True)
class Sizes:
    seconds: float
    scan_bytes: int

    @classmethod
    def full(cls) -> Sizes:
        return cls(seconds=150.0, scan_bytes=10_000_000)

    @classmethod
    def smoke(cls) -> Sizes:
        return cls(seconds=25.0, scan_bytes=600_000)


def frame_figures(arrivals: list[float], started: float, ended: float) -> dict[str, float]:
    """Frames per second over the call and the freezes (gaps over 1 s) at the approver."""
    inside = [t for t in arrivals if started <= t <= ended]
    gaps = [b - a for a, b in zip(inside, inside[1:])]
    return {"fps": len(inside) / (ended - started), "freezes_over_1s": sum(1 for gap in gaps if gap > 1.0),
            "longest_gap_s": max(gaps, default=ended - started)}


async def village_side(server: str, plain_url: str, scan: Path, seconds: float, link: Link) -> dict[str, Any]:
    """In the village's namespace: call the town window, send the scan twice (ours, then plain), measure."""
    await asyncio.to_thread(build_village_end, link)
    village = await Party.sign_in(server, "clerk-yb1", DEMO_PASSWORD, video=LoopingCamera())
    case = await village.connection.api("POST", "/api/cases", {
        "villager": {"id_number": VALID_ID, "name": "王大山", "phone": "13800001111"}, "item_code": "T-RS-001"})
    await village.place_call(case["id"])
    await village.connection.expect("call.accepted", timeout=30)
    started = time.monotonic()
    kbps: list[float] = []

    async def sample_bitrate() -> None:
        assert village.peer is not None
        before = await village.peer.bytes_sent()
        while True:
            await asyncio.sleep(1.0)
            now = await village.peer.bytes_sent()
            kbps.append((now - before) * 8 / 1000)
            before = now

    async def send_scans() -> dict[str, float]:
        await asyncio.sleep(min(10.0, seconds / 3))  # the call settles first
        connection = village.connection
        uploader = ScanUploader(connection.session, server, connection.token)
        began = time.monotonic()
        stored = await uploader.upload(case["id"], scan)
        ours = time.monotonic() - began
        assert stored.document["sha256"], stored.document
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=None)) as session:
            began = time.monotonic()
            async with session.post(plain_url, data=scan.read_bytes()) as reply:
                assert reply.status == 200
            plain = time.monotonic() - began
        _, sent = await asyncio.to_thread(file_digest, scan)
        return {"ours_s": ours, "plain_s": plain, "intact": float(stored.document["sha256"] == sent)}

    sampler = asyncio.create_task(sample_bitrate())
    scans = await send_scans()
    await asyncio.sleep(max(0.0, seconds - (time.monotonic() - started)))
    sampler.cancel()
    call_seconds = time.monotonic() - started
    await village.hang_up()
    await village.close()
    return {"call_seconds": call_seconds, "village_kbps": kbps, "scan": scans}



def make_scan(folder: Path, size: int) -> Path:
    """A scanner's JPEG of about `size` bytes (an A4 page at 600 dpi is about 10 MB)."""
    if size >= 5_000_000:
        return save(scan_page(A4_600_DPI, grain=16), folder / "scan.jpg", "JPEG", quality=93)
    return save(scan_page((1240, 1754), grain=16), folder / "scan.jpg", "JPEG", quality=90)


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
    site = web.TCPSite(runner, "0.0.0.0", 0)
    await site.start()
    return runner, int(runner.addresses[0][1])


async def measure(sizes: Sizes, link: Link) -> dict[str, Any]:
    """The server and the approver here, the village across the weak link; the figures."""
    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        scan = await asyncio.to_thread(make_scan, work, sizes.scan_bytes)
        scan_bytes = scan.stat().st_size
        served = await serve_process(work / "data", "--host", "0.0.0.0")
        runner, plain_port = await plain_receiver(work)
        port = served.base.rsplit(":", 1)[1]
        village = await asyncio.create_subprocess_exec(
            "unshare", "--net", "--", sys.executable, "-m", "bench.weaklink", "--village",
            "--server", f"http://{SERVER_ADDRESS}:{port}", "--plain", f"http://{SERVER_ADDRESS}:{plain_port}/upload",
            "--scan", str(scan), "--seconds", str(sizes.seconds),
            "--link", json.dumps(asdict(link)),
            stdout=asyncio.subprocess.PIPE, cwd=Path(__file__).resolve().parent.parent)
        approver = None
        try:
            await asyncio.to_thread(build_server_end, link, village.pid)
            approver = await Party.sign_in(served.base, "town-yb", DEMO_PASSWORD, video=PatternCamera(320, 240, 15))
            await approver.answer_next(timeout=60)
            output, _ = await village.communicate()
            if village.returncode != 0:
                raise RuntimeError(f"the village side failed ({village.returncode})")
            found = json.loads(output.decode().strip().splitlines()[-1])
            assert approver.peer is not None
            arrivals = next(iter(approver.peer.received.values())).arrivals
        finally:
            if village.returncode is None:
                village.kill()
            if approver is not None:
                await approver.close()
            await runner.cleanup()
            await served.stop()
            await asyncio.to_thread(tear_down_server_end)
    found["approver"] = frame_figures(arrivals, arrivals[0] + 2.0, arrivals[-1]) if len(arrivals) > 60 else {
        "fps": 0.0, "freezes_over_1s": -1, "longest_gap_s": -1}
    return {"link": asdict(link), "scan_bytes": scan_bytes, **found}


def figures(found: dict[str, Any]) -> list[tuple[str, str, str]]:
    """The table: (figure, measured, what it is measured against)."""
    link, scan, approver = found["link"], found["scan"], found["approver"]
    kbps = found["village_kbps"]
    settled = sorted(kbps[len(kbps) // 2:]) or [0.0]
    capacity_s = found["scan_bytes"] * 8 / (link["rate_kbit"] * 1000)
    return [
        ("video frames per second at the approver", f"{approver['fps']:.1f}", "15 sent"),
        ("freezes longer than 1 s", str(approver["freezes_over_1s"]), f"longest gap {approver['longest_gap_s']:.2f} s"),
        ("village sends, median of the call's second half", f"{settled[len(settled) // 2]:.0f} kbit/s",
         f"link {link['rate_kbit']} kbit/s, peak {max(kbps, default=0):.0f}"),
        (f"scan of {found['scan_bytes'] / 1e6:.1f} MB during the call", f"{scan['ours_s']:.1f} s",
         f"link capacity alone {capacity_s:.1f} s; intact: {'yes' if scan['intact'] else 'NO'}"),
        ("scan transfer ÷ plain upload, same link, same call", f"{scan['plain_s'] / scan['ours_s']:.2f} ×",
         f"plain {scan['plain_s']:.1f} s; target ≥ 0.9"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="a short call and a small scan: check it runs")
    parser.add_argument("--output", type=Path, help="where to write the JSON")
    parser.add_argument("--village", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--server", help=argparse.SUPPRESS)
    parser.add_argument("--plain", help=argparse.SUPPRESS)
    parser.add_argument("--scan", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--seconds", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--link", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.village:
        link = Link(**json.loads(args.link))
        found = asyncio.run(village_side(args.server, args.plain, args.scan, args.seconds, link))
        print(json.dumps(found), flush=True)
        return
    why_not = missing_powers()
    if why_not is not None:
        print(f"bench-weaklink: {why_not}; nothing measured", file=sys.stderr)
        sys.exit(EXIT_CANNOT)
    found = asyncio.run(measure(Sizes.smoke() if args.smoke else Sizes.full(), Link()))
    found.update(date=datetime.date.today().isoformat(), cores=os.cpu_count(), smoke=args.smoke)
    print(f"weak village link {found['date']}, {found['cores']} cores: {found['link']['rate_kbit']} kbit/s each way, "
          f"{found['link']['loss_percent']} % of UDP lost")
    for name, measured, against in figures(found):
        print(f"{name:52} {measured:>14}   {against}")
    output = args.output or RESULTS / f"weaklink-{datetime.datetime.now():%Y%m%d-%H%M%S}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(found, indent=1, ensure_ascii=False))
    print(f"written {output}")


if __name__ == "__main__":
    main()
