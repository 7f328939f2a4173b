"""Client side of the hub load benchmark: many participants' peers in one process.

Runs as its own process so the server's processes are measured alone. Reads JSON lines on
stdin — hub messages `{"participant_id", "message"}` and `{"command": "report"}` — and
writes JSON lines on stdout: `{"participant_id", "sdp"}` answers and the report. Every
participant sends the pre-encoded clip (bench/replay.py) and counts, without decoding, the
video frames it receives from each other participant, and how late they come.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiortc import RTCPeerConnection, RTCSessionDescription

from village_client.peer import rtc_configuration

from .frame_tap import tap_frames
from .replay import EncodedClip, ReplayTrack, load_clips

LATE_SECONDS = 0.4  # later than the stream's quickest frame by this much: a visible stall


@dataclass
class Arrivals:
    """Video frames from one sender at one receiver: count, and delays against the sender's clock."""

    frames: int = 0
    late: int = 0
    quickest: float | None = None
    delays: list[float] = field(default_factory=list)

    def add(self, pts: int, clock_rate: int) -> None:
        delay = time.monotonic() - pts / clock_rate
        self.frames += 1
        self.delays.append(delay)
        self.quickest = delay if self.quickest is None else min(self.quickest, delay)

    def settle(self) -> None:
        """Count the frames since the last report that came late against the quickest so far."""
        assert self.quickest is not None or not self.delays
        self.late += sum(1 for delay in self.delays if delay - (self.quickest or 0) > LATE_SECONDS)
        self.delays.clear()


class LoadPeer:
    """One participant: answers the hub, sends the clip, counts what arrives."""

    def __init__(self, video: EncodedClip, audio: EncodedClip) -> None:
        self.pc = RTCPeerConnection(rtc_configuration([]))
        self.video = ReplayTrack(video)
        self.tracks = (ReplayTrack(audio), self.video)
        self.arrivals: dict[str, Arrivals] = defaultdict(Arrivals)
        self._owner_of_mid: dict[str, str] = {}
        self._published = False

    async def answer(self, offer: dict[str, Any]) -> str:
        self._owner_of_mid = {t["mid"]: t["participant_id"] for t in offer["tracks"]}
        await self.pc.setRemoteDescription(RTCSessionDescription(offer["sdp"], "offer"))
        by_mid = {t.mid: t for t in self.pc.getTransceivers()}
        if not self._published:
            self._published = True
            for track in self.tracks:
                transceiver = by_mid[offer["publish"][track.kind]]
                transceiver.sender.replaceTrack(track)
                transceiver.direction = "sendonly"
        for mid, transceiver in by_mid.items():
            receiver = transceiver.receiver
            if mid in self._owner_of_mid:  # sound is not decoded either, and not counted
                tap_frames(receiver, self._counter(str(mid)) if transceiver.kind == "video" else _ignore)
        await self.pc.setLocalDescription(await self.pc.createAnswer())
        return str(self.pc.localDescription.sdp)

    def _counter(self, mid: str) -> Any:
        def count(pts: int, clock_rate: int) -> None:
            owner = self._owner_of_mid.get(mid)
            if owner is not None:
                self.arrivals[owner].add(pts, clock_rate)
        return count

    async def report(self) -> dict[str, Any]:
        stats = await self.pc.getStats()
        for arrivals in self.arrivals.values():
            arrivals.settle()
        return {
            # everything the peer puts on the wire: SRTP, SRTCP and DTLS of its one bundled transport
            "bytes_sent": sum(e.bytesSent for e in stats.values() if e.type == "transport"),
            # datagrams to and from the hub: the hub handles as many, the other way round
            "packets_sent": sum(e.packetsSent for e in stats.values() if e.type == "transport"),
            "packets_received": sum(e.packetsReceived for e in stats.values() if e.type == "transport"),
            "video_frames_sent": self.video._index,
            "received": {owner: {"frames": a.frames, "late": a.late} for owner, a in self.arrivals.items()},
        }


def _ignore(pts: int, clock_rate: int) -> None:
    pass


async def serve(video: EncodedClip, audio: EncodedClip) -> None:
    peers: dict[str, LoadPeer] = {}
    reader = asyncio.StreamReader()
    loop = asyncio.get_running_loop()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while line := await reader.readline():
        request = json.loads(line)
        if request.get("command") == "report":
            found = {pid: await peer.report() for pid, peer in peers.items()}
            print(json.dumps({"report": found}), flush=True)
        elif request["message"]["type"] == "call-ended":  # the soak's calls come and go
            ended = peers.pop(request["participant_id"], None)
            if ended is not None:
                await ended.pc.close()
        elif request["message"]["type"] == "offer":
            peer = peers.setdefault(request["participant_id"], LoadPeer(video, audio))
            sdp = await peer.answer(request["message"])
            print(json.dumps({"participant_id": request["participant_id"], "sdp": sdp}), flush=True)
    await asyncio.gather(*(peer.pc.close() for peer in peers.values()))


def main() -> None:
    video, audio = load_clips(Path(sys.argv[1]))
    print(json.dumps({"ready": True}), flush=True)
    asyncio.run(serve(video, audio))


if __name__ == "__main__":
    main()
