"""Client side of the media hub CPU benchmark: a village and an approver peer.

Runs as its own process so the hub's process is measured alone. Reads hub messages as
JSON lines on stdin ({"participant_id", "message"}), writes answers as JSON lines on
stdout ({"participant_id", "sdp"}). Each peer sends 640×480 at 15 fps with realistic
motion and a microphone, and decodes what it receives, as a browser would.
"""

from __future__ import annotations

import asyncio
import fractions
import json
import sys
from typing import Any

import av
import numpy as np
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import AudioStreamTrack, MediaStreamError, VideoStreamTrack
from aiortc.rtcconfiguration import RTCBundlePolicy

WIDTH, HEIGHT, FPS = 640, 480, 15


class DeskCamera(VideoStreamTrack):
    """A clerk at a desk: a textured still background, a person swaying, sensor noise."""

    def __init__(self, seed: int) -> None:
        super().__init__()
        rng = np.random.default_rng(seed)
        y, x = np.mgrid[0:HEIGHT, 0:WIDTH]
        background = 90 + 40 * np.sin(x / 37.0) * np.cos(y / 23.0)
        detail = rng.integers(-25, 25, (HEIGHT, WIDTH))
        self._background = np.clip(background + detail, 0, 255).astype(np.uint8)
        self._person = rng.integers(120, 220, (260, 180), dtype=np.uint8)
        self._rng = rng
        self._count = 0

    async def recv(self) -> av.VideoFrame:
        await asyncio.sleep(1 / FPS)
        luma = self._background.copy()
        left = int(230 + 120 * np.sin(self._count / 20.0))
        luma[180:440, left : left + 180] = self._person
        luma += self._rng.integers(0, 3, luma.shape, dtype=np.uint8)  # sensor noise
        image = np.repeat(luma[:, :, None], 3, axis=2)
        frame = av.VideoFrame.from_ndarray(image, format="rgb24")
        frame.pts = self._count * 90000 // FPS
        frame.time_base = fractions.Fraction(1, 90000)
        self._count += 1
        return frame


class BenchPeer:
    """Answers hub offers, publishes its camera, decodes and drops what it receives."""

    def __init__(self, participant_id: str, seed: int) -> None:
        self.participant_id = participant_id
        self.pc = RTCPeerConnection(
            RTCConfiguration(iceServers=[], bundlePolicy=RTCBundlePolicy.MAX_BUNDLE)
        )
        self.tracks = (AudioStreamTrack(), DeskCamera(seed))
        self.decoded = 0
        self._published = False
        self._tasks: set[asyncio.Task[None]] = set()
        self.pc.on("track", self._on_track)

    async def answer(self, offer: dict[str, Any]) -> str:
        await self.pc.setRemoteDescription(RTCSessionDescription(offer["sdp"], "offer"))
        if not self._published:
            self._published = True
            by_mid = {t.mid: t for t in self.pc.getTransceivers()}
            for track in self.tracks:
                transceiver = by_mid[offer["publish"][track.kind]]
                transceiver.sender.replaceTrack(track)
                transceiver.direction = "sendonly"
        await self.pc.setLocalDescription(await self.pc.createAnswer())
        return str(self.pc.localDescription.sdp)

    def _on_track(self, track: Any) -> None:
        task = asyncio.ensure_future(self._drain(track))
        self._tasks.add(task)

    async def _drain(self, track: Any) -> None:
        while True:
            try:
                await track.recv()
            except MediaStreamError:
                return
            self.decoded += 1


async def main() -> None:
    peers = {"village": BenchPeer("village", 1), "approver": BenchPeer("approver", 2)}
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while line := await reader.readline():
        request = json.loads(line)
        message = request["message"]
        if message["type"] == "offer":
            sdp = await peers[request["participant_id"]].answer(message)
            print(json.dumps({"participant_id": request["participant_id"], "sdp": sdp}), flush=True)
    for peer in peers.values():
        await peer.pc.close()


if __name__ == "__main__":
    asyncio.run(main())
