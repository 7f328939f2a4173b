"""The village side of `make bench-weaklink`, run inside the village's network namespace.

    python -m bench.weaklink_clerk consult|transfer  < one JSON line: the job

`consult`: sign in as the village clerk, open a case, call the town window, send a scan while
the call runs, hang up; prints what it sent second by second and when the scan went.
`transfer`: the same bytes twice over the bare link — one plain aiohttp POST, then our
chunked upload. Both print one JSON line; the benchmark (bench/weaklink.py) reads it.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
import aiortc.codecs.vpx
import aiortc.rtcrtpsender
import av
from aiortc.codecs.base import Encoder
from aiortc.codecs.opus import OpusEncoder
from aiortc.rtcrtpparameters import RTCRtpCodecParameters

from signaling.demo import DEMO_PASSWORD
from tests.support import VALID_ID
from village_client.consult import Party
from village_client.tracks import PatternCamera
from village_client.uploader import ScanUploader, login

from .replay import FPS, HEIGHT, WIDTH

CLERK = "clerk-yb1"
# What a browser's encoders do on a thin link and aiortc's do not by default: Opus for
# speech at 32 kbit/s (aiortc: 96), VP8 down to 100 kbit/s (aiortc stops at 250).
SPEECH_BITRATE = 32_000
VIDEO_FLOOR = 100_000


def browser_like_encoders() -> None:
    """Set this process's aiortc encoders as the village page's browser would run them.

    On 512 kbit/s aiortc's own floors (250 kbit/s of video, 96 of sound, plus packet
    overhead) leave a scan about 100 kbit/s and no room for the hub's target; a clerk's
    browser goes lower.
    """
    aiortc.codecs.vpx.MIN_BITRATE = VIDEO_FLOOR
    make = aiortc.rtcrtpsender.get_encoder

    def get_encoder(codec: RTCRtpCodecParameters) -> Encoder:
        encoder = make(codec)
        if isinstance(encoder, OpusEncoder):
            encoder.codec.bit_rate = SPEECH_BITRATE  # the codec opens with its first frame
        return encoder

    aiortc.rtcrtpsender.get_encoder = get_encoder  # type: ignore[assignment]


class LoopingCamera(PatternCamera):
    """lavfi testsrc2 (moving colours, text, a clock) at 640×480, 15 fps, as raw frames.

    The sender encodes them itself, so its encoder follows the bitrate the hub tells it;
    a few seconds are decoded once and looped.
    """

    def __init__(self, seconds: float = 4.0) -> None:
        super().__init__(WIDTH, HEIGHT, FPS)
        with av.open(f"testsrc2=size={WIDTH}x{HEIGHT}:rate={FPS}", format="lavfi") as source:
            self._frames = [frame.to_ndarray(format="yuv420p") for frame, _ in
                            zip(source.decode(video=0), range(int(seconds * FPS)))]

    def picture(self, count: int) -> av.VideoFrame:
        return av.VideoFrame.from_ndarray(self._frames[count % len(self._frames)], format="yuv420p")


async def open_case(village: Party) -> int:
    """A new case for a villager, as the clerk opens one before calling."""
    case = await village.connection.api("POST", "/api/cases", {
        "villager": {"id_number": VALID_ID, "name": "王大山", "phone": "13800001111"}, "item_code": "T-RS-001"})
    return int(case["id"])


async def bytes_sent_each_second(village: Party, kbps: list[float]) -> None:
    """What the village's senders put on the wire (RTP, getStats), one figure a second."""
    assert village.peer is not None
    before = await village.peer.bytes_sent()
    while True:
        await asyncio.sleep(1.0)
        now = await village.peer.bytes_sent()
        kbps.append((now - before) * 8 / 1000)
        before = now


async def consult(job: dict[str, Any]) -> dict[str, Any]:
    """Call, send the scan `scan_after` seconds in, hold the call `hold_after` more, hang up.

    Moments are time.monotonic(), one clock for every process of the machine.
    """
    village = await Party.sign_in(job["server"], CLERK, DEMO_PASSWORD, video=LoopingCamera())
    try:
        case_id = await open_case(village)
        await village.place_call(case_id)
        await village.connection.expect("call.accepted", timeout=60)
        started = time.monotonic()
        kbps: list[float] = []
        sampler = asyncio.create_task(bytes_sent_each_second(village, kbps))
        await asyncio.sleep(job["scan_after"])
        uploader = ScanUploader(village.connection.session, job["server"], village.connection.token)
        scan = await send_scan(uploader, case_id, Path(job["scan"]))
        await asyncio.sleep(job["hold_after"])
        sampler.cancel()
        await village.hang_up()
        return {"case_id": case_id, "started_at": started, "ended_at": time.monotonic(),
                "village_kbps": kbps, "scan": scan}
    finally:
        await village.close()


async def send_scan(uploader: ScanUploader, case_id: int, scan: Path) -> dict[str, Any]:
    """Our upload, its transfer timed apart from the server's completion (verify, decode, archive)."""
    upload = await uploader.announce(case_id, scan)
    began = time.monotonic()
    resumed = await uploader.send(upload, scan)
    sent = time.monotonic()
    document = await uploader.complete(upload["id"])
    return {"began_at": began, "sent_at": sent, "ended_at": time.monotonic(), "document_id": document["id"],
            "resumed_from": resumed}


async def transfer(job: dict[str, Any]) -> dict[str, Any]:
    """The scan over the bare link: one plain POST, then our chunked upload."""
    scan = Path(job["scan"])
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=None)) as session:
        began = time.monotonic()
        async with session.post(job["plain_url"], data=scan.read_bytes()) as reply:
            assert reply.status == 200, reply.status
        plain = time.monotonic() - began
        token = await login(session, job["server"], CLERK, DEMO_PASSWORD)
        ours = await send_scan(ScanUploader(session, job["server"], token), job["case_id"], scan)
    return {"plain_s": plain, "ours_s": ours["sent_at"] - ours["began_at"],
            "complete_s": ours["ended_at"] - ours["sent_at"], "document_id": ours["document_id"],
            "resumed_from": ours["resumed_from"]}


def main() -> None:
    mode, job = sys.argv[1], json.loads(sys.stdin.readline())
    browser_like_encoders()
    found = asyncio.run({"consult": consult, "transfer": transfer}[mode](job))
    print(json.dumps(found), flush=True)


if __name__ == "__main__":
    main()
