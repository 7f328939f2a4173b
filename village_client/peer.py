"""The one aiortc client of the media hub: the headless village window, the tests' and the
benchmarks' participants all answer the hub through `HubPeer`.

The hub makes every offer; this peer answers. On the first offer it puts its camera and
microphone on the m-lines the offer lists under "publish"; "tracks" says whose media
each other m-line carries, so every frame is handed on for the right participant. What a
user of the peer does with a frame, with its senders or with its receivers is a hook
(`on_frame`, `on_published`, `on_offer`) a subclass overrides.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import av
from aiortc import (
    MediaStreamTrack,
    RTCConfiguration,
    RTCIceServer,
    RTCPeerConnection,
    RTCRtpTransceiver,
    RTCSessionDescription,
)
from aiortc.mediastreams import MediaStreamError
from aiortc.rtcconfiguration import RTCBundlePolicy

from protocol.tasks import BackgroundTasks

logger = logging.getLogger(__name__)

SendAnswer = Callable[[str], Awaitable[None]]


@dataclass
class Received:
    """What arrived from one participant: decoded video frames and audio frames."""

    video_frames: int = 0
    audio_frames: int = 0
    first_video_at: float | None = None
    size: tuple[int, int] = (0, 0)
    centre: tuple[int, int, int] = (0, 0, 0)
    arrivals: list[float] = field(default_factory=list)
    audio_arrivals: list[float] = field(default_factory=list)


def rtc_configuration(ice_servers: list[dict[str, Any]]) -> RTCConfiguration:
    """max-bundle: with aiortc's default policy a second m-line of one kind gets no media;
    an explicit server list: aiortc otherwise falls back to a public STUN server."""
    servers = [RTCIceServer(urls=s["urls"], username=s.get("username"), credential=s.get("credential"))
               for s in ice_servers]
    return RTCConfiguration(iceServers=servers, bundlePolicy=RTCBundlePolicy.MAX_BUNDLE)


class HubPeer:
    """Answers the hub's offers, publishes our tracks, decodes everyone else's and counts it."""

    def __init__(self, ice_servers: list[dict[str, Any]], audio: MediaStreamTrack | None,
                 video: MediaStreamTrack | None, send_answer: SendAnswer) -> None:
        self.pc = RTCPeerConnection(rtc_configuration(ice_servers))
        self.audio, self.video = audio, video
        self.received: dict[str, Received] = {}
        self.connected_at: float | None = None
        self._send_answer = send_answer
        self._published = False
        self._owner_of_mid: dict[str, str] = {}
        self._offers: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._tasks = BackgroundTasks("peer task", logger)
        self._tasks.spawn(self._answer_offers())
        self.pc.on("track", lambda track: self._tasks.spawn(self._consume(track)))
        self.pc.on("connectionstatechange", self._on_state)

    @property
    def state(self) -> str:
        return str(self.pc.connectionState)

    def offer(self, message: dict[str, Any]) -> None:
        """A media.offer from the hub, answered in arrival order."""
        self._offers.put_nowait(message)

    def on_offer(self, offer: dict[str, Any], by_mid: dict[str, RTCRtpTransceiver]) -> None:
        """Each offer, set as the remote description, before it is answered."""

    def on_published(self, by_mid: dict[str, RTCRtpTransceiver]) -> None:
        """Our tracks are on the first offer's "publish" m-lines."""

    def on_frame(self, owner: str, frame: object) -> None:
        """A decoded frame from a participant: counted in `received`."""
        self._count(self.from_participant(owner), frame)

    def owner_of(self, mid: str) -> str | None:
        """The participant whose media the m-line carries, by the last offer."""
        return self._owner_of_mid.get(mid)

    def from_participant(self, participant_id: str) -> Received:
        return self.received.setdefault(participant_id, Received())

    async def bytes_sent(self) -> int:
        """Bytes our senders have put on the wire (getStats outbound-rtp)."""
        stats = await self.pc.getStats()
        return sum(getattr(e, "bytesSent", 0) for e in stats.values() if e.type == "outbound-rtp")

    async def close(self) -> None:
        await self.pc.close()
        self._tasks.cancel()
        await self._tasks.wait()

    async def _answer_offers(self) -> None:
        while True:
            message = await self._offers.get()
            self._owner_of_mid = {t["mid"]: t["participant_id"] for t in message["tracks"]}
            await self.pc.setRemoteDescription(RTCSessionDescription(message["sdp"], "offer"))
            by_mid = {str(t.mid): t for t in self.pc.getTransceivers()}
            if not self._published:
                self._publish(message["publish"], by_mid)
            self.on_offer(message, by_mid)
            await self.pc.setLocalDescription(await self.pc.createAnswer())
            await self._send_answer(self.pc.localDescription.sdp)

    def _publish(self, mids: dict[str, str], by_mid: dict[str, RTCRtpTransceiver]) -> None:
        self._published = True
        for kind, track in (("audio", self.audio), ("video", self.video)):
            if track is not None and mids.get(kind) in by_mid:
                transceiver = by_mid[mids[kind]]
                transceiver.sender.replaceTrack(track)
                transceiver.direction = "sendonly"
        self.on_published(by_mid)

    async def _consume(self, track: MediaStreamTrack) -> None:
        mid = next(t.mid for t in self.pc.getTransceivers() if t.receiver.track is track)
        while True:
            try:
                frame = await track.recv()
            except MediaStreamError:
                return
            owner = self.owner_of(str(mid))
            if owner is not None:
                self.on_frame(owner, frame)

    @staticmethod
    def _count(received: Received, frame: object) -> None:
        now = time.monotonic()
        if not isinstance(frame, av.VideoFrame):
            received.audio_frames += 1
            received.audio_arrivals.append(now)
            return
        received.video_frames += 1
        received.first_video_at = received.first_video_at or now
        received.arrivals.append(now)
        received.size = (frame.width, frame.height)
        if received.video_frames % 15 == 1:  # sample the picture now and then, not every frame
            image = frame.to_ndarray(format="rgb24")
            pixel = image[image.shape[0] // 2, image.shape[1] // 2]
            received.centre = (int(pixel[0]), int(pixel[1]), int(pixel[2]))

    def _on_state(self) -> None:
        logger.info("peer connection %s", self.pc.connectionState)
        if self.pc.connectionState == "connected" and self.connected_at is None:
            self.connected_at = time.monotonic()
