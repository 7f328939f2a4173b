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

from aiortc import RTCRtpTransceiver

from protocol.words import HubMessage
from village_client.peer import HubPeer

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


class LoadPeer(HubPeer):
    """One participant: the headless client's peer, sending the clip and counting, without
    decoding, the video frames that arrive from each other participant."""

    def __init__(self, participant_id: str, video: EncodedClip, audio: EncodedClip) -> None:
        self.clip = ReplayTrack(video)
        super().__init__([], ReplayTrack(audio), self.clip, self._print_answer)
        self.participant_id = participant_id
        self.arrivals: dict[str, Arrivals] = defaultdict(Arrivals)

    async def _print_answer(self, sdp: str) -> None:
        print(json.dumps({"participant_id": self.participant_id, "sdp": sdp}), flush=True)

    def on_offer(self, offer: dict[str, Any], by_mid: dict[str, RTCRtpTransceiver]) -> None:
        for mid, transceiver in by_mid.items():
            if self.owner_of(mid) is not None:  # sound is not decoded either, and not counted
                count = self._counter(mid) if transceiver.kind == "video" else _ignore
                tap_frames(transceiver.receiver, count)

    def _counter(self, mid: str) -> Any:
        def count(pts: int, clock_rate: int) -> None:
            owner = self.owner_of(mid)
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
            "video_frames_sent": self.clip._index,
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
        elif request["message"]["type"] == HubMessage.MEDIA_ENDED:  # the soak's calls come and go
            ended = peers.pop(request["participant_id"], None)
            if ended is not None:
                await ended.close()
        elif request["message"]["type"] == HubMessage.MEDIA_OFFER:
            participant_id = request["participant_id"]
            if participant_id not in peers:  # a peer per participant, made once: later offers renegotiate it
                peers[participant_id] = LoadPeer(participant_id, video, audio)
            peers[participant_id].offer(request["message"])
    await asyncio.gather(*(peer.close() for peer in peers.values()))


def main() -> None:
    video, audio = load_clips(Path(sys.argv[1]))
    print(json.dumps({"ready": True}), flush=True)
    asyncio.run(serve(video, audio))


if __name__ == "__main__":
    main()
