"""Real aiortc client peers for the media hub tests: they send a colour and decode.

Each client is the headless client's own `HubPeer`, which answers the hub's offers exactly
as a village page or approver console would: on the first offer it puts its camera and
microphone on the m-lines the offer lists under "publish", and it learns from "tracks" whose
media each other m-line carries.
"""

from __future__ import annotations

import asyncio
import fractions
import time
from collections.abc import AsyncIterator, Callable
from typing import Any, Protocol

import av
import numpy as np
import pytest
from aiortc import RTCRtpTransceiver
from aiortc.mediastreams import AudioStreamTrack, VideoStreamTrack
from aiortc.rtp import (
    RTCP_PSFB_APP,
    RTCP_PSFB_PLI,
    RtcpPsfbPacket,
    pack_remb_fci,
    unpack_remb_fci,
)

from signaling.media import MediaConfig, MediaHub
from village_client.peer import HubPeer

VIDEO_SIZE = (320, 240)
FPS = 15


async def eventually(condition: Callable[[], bool], timeout: float = 10) -> None:
    """Wait until `condition()` holds; fail the test after `timeout` seconds."""
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.02)


class HubApi(Protocol):
    """What a client's signaling reaches: MediaHub and MediaWorkerPool both offer it."""

    async def answer(self, call_id: str, participant_id: str, sdp: str) -> None: ...

    async def add_ice_candidate(
        self, call_id: str, participant_id: str, candidate: dict[str, Any] | None
    ) -> None: ...


class ColourTrack(VideoStreamTrack):
    """A camera of one colour, so a receiver can tell whose video it decodes.

    With `moving`, the top third is fresh noise every frame, which no encoder can predict,
    so the encoder spends its whole target bitrate on every frame and the bytes sent per
    second are steady; the centre row stays the plain colour.
    """

    def __init__(self, rgb: tuple[int, int, int], moving: bool = False) -> None:
        super().__init__()
        width, height = VIDEO_SIZE
        image = np.zeros((height, width, 3), dtype=np.uint8)
        image[:, :] = rgb
        self._image = image
        self._noise = np.random.default_rng(1) if moving else None
        self._count = 0
        self._start = 0.0

    async def recv(self) -> av.VideoFrame:
        # Paced by the clock, not by sleeps that add up: a steady 15 fps even when the
        # machine is busy, so the bytes sent per second are the encoder's target.
        if self._count == 0:
            self._start = time.monotonic()
        await asyncio.sleep(max(0.0, self._start + self._count / FPS - time.monotonic()))
        if self._noise is not None:
            width, height = VIDEO_SIZE
            self._image[: height // 3] = self._noise.integers(
                0, 255, (height // 3, width, 3), dtype=np.uint8
            )
        frame = av.VideoFrame.from_ndarray(self._image, format="rgb24")
        frame.pts = self._count * 90000 // FPS
        frame.time_base = fractions.Fraction(1, 90000)
        self._count += 1
        return frame


class ClientPeer(HubPeer):
    """One participant's browser stand-in: the headless client's peer, sending a colour and
    recording every decoded frame's centre, the hub's keyframe requests and bandwidth asks."""

    def __init__(
        self,
        call_id: str,
        participant_id: str,
        rgb: tuple[int, int, int],
        hub: HubApi,
        moving: bool = False,
        trickle: bool = False,
    ) -> None:
        self.call_id = call_id
        self.participant_id = participant_id
        self.camera = ColourTrack(rgb, moving)
        self.microphone = AudioStreamTrack()
        self.offers: list[dict[str, Any]] = []
        self.ended: dict[str, Any] | None = None
        # participant id -> (arrival time, centre pixel RGB) of every decoded video frame
        self.frames: dict[str, list[tuple[float, tuple[int, int, int]]]] = {}
        self.audio_frames: dict[str, int] = {}
        self.remb_received: list[int] = []  # bitrates the hub asked our video sender for
        self.pli_received: list[float] = []  # when the hub asked us for a keyframe
        self.follow_remb = True
        self._hub = hub
        self._trickle = trickle
        self._answered = False
        super().__init__([], self.microphone, self.camera, self._answer)

    def deliver(self, message: dict[str, Any]) -> None:
        """A message from the hub: offers are answered in arrival order."""
        if message["type"] == "offer":
            self.offers.append(message)
            self.offer(message)
        elif message["type"] == "call-ended":
            self.ended = message

    def colours_from(self, participant_id: str) -> list[tuple[int, int, int]]:
        """Centre colours of the frames decoded from one participant."""
        return [rgb for _, rgb in self.frames.get(participant_id, [])]

    async def wait_for_frames(self, participant_id: str, count: int, timeout: float = 10) -> None:
        """Wait until `count` frames of `participant_id` have been decoded."""
        await eventually(lambda: len(self.frames.get(participant_id, [])) >= count, timeout)

    async def wait_until_connected(self, timeout: float = 10) -> None:
        """Wait for the connection to the hub."""
        await eventually(lambda: self.connected_at is not None, timeout)

    def on_frame(self, owner: str, frame: object) -> None:
        if isinstance(frame, av.VideoFrame):
            image = frame.to_ndarray(format="rgb24")
            centre = image[image.shape[0] // 2, image.shape[1] // 2]
            self.frames.setdefault(owner, []).append((time.monotonic(), (int(centre[0]), int(centre[1]),
                                                                           int(centre[2]))))
        else:
            self.audio_frames[owner] = self.audio_frames.get(owner, 0) + 1

    def on_published(self, by_mid: dict[str, RTCRtpTransceiver]) -> None:
        self._watch_feedback(by_mid[self.offers[0]["publish"]["video"]].sender)

    async def _answer(self, sdp: str) -> None:
        first, self._answered = not self._answered, True
        if first and self._trickle:
            await self._answer_then_trickle(sdp)
        else:
            await self._hub.answer(self.call_id, self.participant_id, sdp)

    async def _answer_then_trickle(self, sdp: str) -> None:
        """Answer without candidates and send them one by one, as a browser does."""
        lines = sdp.splitlines()
        is_candidate = ("a=candidate:", "a=end-of-candidates")
        bare = "\r\n".join(line for line in lines if not line.startswith(is_candidate)) + "\r\n"
        await self._hub.answer(self.call_id, self.participant_id, bare)
        mid = None
        for line in lines:
            if line.startswith("a=mid:"):
                mid = line[len("a=mid:") :]
            elif line.startswith("a=candidate:") and mid == "0":
                candidate = {"candidate": line[2:], "sdpMid": mid, "sdpMLineIndex": 0}
                await self._hub.add_ice_candidate(self.call_id, self.participant_id, candidate)
        await self._hub.add_ice_candidate(self.call_id, self.participant_id, None)

    def _watch_feedback(self, sender: Any) -> None:
        """Record the PLIs and REMBs the hub sends; obey REMB only if we follow it."""
        original = sender._handle_rtcp_packet

        async def handle(packet: Any) -> None:
            if isinstance(packet, RtcpPsfbPacket) and packet.fmt == RTCP_PSFB_PLI:
                self.pli_received.append(time.monotonic())
            if isinstance(packet, RtcpPsfbPacket) and packet.fmt == RTCP_PSFB_APP:
                self.remb_received.append(unpack_remb_fci(packet.fci)[0])
                if not self.follow_remb:
                    return
            await original(packet)

        setattr(sender, "_handle_rtcp_packet", handle)

    def cap_remb(self, bitrate: int) -> None:
        """Act as a weak downlink: every REMB we send reports at most `bitrate`."""
        for receiver in self.pc.getReceivers():
            original = receiver._send_rtcp

            async def send(packet: Any, original: Any = original) -> None:
                if isinstance(packet, RtcpPsfbPacket) and packet.fmt == RTCP_PSFB_APP:
                    _, ssrcs = unpack_remb_fci(packet.fci)
                    packet = RtcpPsfbPacket(
                        fmt=RTCP_PSFB_APP,
                        ssrc=packet.ssrc,
                        media_ssrc=0,
                        fci=pack_remb_fci(bitrate, ssrcs),
                    )
                await original(packet)

            setattr(receiver, "_send_rtcp", send)

    async def request_keyframe_from(self, participant_id: str) -> None:
        """Send the hub a PLI for the video we receive from `participant_id`."""
        mid = next(
            t["mid"]
            for t in self.offers[-1]["tracks"]
            if t["kind"] == "video" and t["participant_id"] == participant_id
        )
        receiver = next(t.receiver for t in self.pc.getTransceivers() if t.mid == mid)
        ssrc = receiver.getSynchronizationSources()[0].source
        await receiver._send_rtcp_pli(ssrc)

    async def video_bytes_sent(self) -> int:
        """Bytes our video sender has put on the wire (getStats outbound-rtp)."""
        stats = await self.pc.getStats()
        return sum(
            e.bytesSent for e in stats.values() if e.type == "outbound-rtp" and e.kind == "video"
        )


def close_to(
    rgb: tuple[int, int, int], expected: tuple[int, int, int], tolerance: int = 40
) -> bool:
    """Whether a decoded colour matches the colour sent (VP8 and YUV shift it a little)."""
    return all(abs(a - b) <= tolerance for a, b in zip(rgb, expected))


class Switchboard:
    """Routes hub messages to the client peers, as the WebSocket layer will."""

    def __init__(self) -> None:
        self.peers: dict[tuple[str, str], ClientPeer] = {}

    def add(self, peer: ClientPeer) -> ClientPeer:
        """Register a peer to receive its participant's messages."""
        self.peers[(peer.call_id, peer.participant_id)] = peer
        return peer

    def emit(self, call_id: str, participant_id: str, message: dict[str, Any]) -> None:
        """The in-process hub's emit."""
        peer = self.peers.get((call_id, participant_id))
        if peer is not None:
            peer.deliver(message)

    async def send(self, call_id: str, participant_id: str, message: dict[str, Any]) -> None:
        """The worker pool's async send."""
        self.emit(call_id, participant_id, message)

    async def close(self) -> None:
        """Close every peer."""
        await asyncio.gather(*(peer.close() for peer in self.peers.values()))


@pytest.fixture(name="board")
async def board_fixture() -> AsyncIterator[Switchboard]:
    """Client peers by participant, closed after the test."""
    switchboard = Switchboard()
    yield switchboard
    await switchboard.close()


@pytest.fixture(name="hub")
async def hub_fixture(board: Switchboard) -> AsyncIterator[MediaHub]:
    """An in-process hub whose messages reach the board's peers."""
    media_hub = MediaHub(MediaConfig(), board.emit)
    yield media_hub
    await media_hub.close()


async def join(
    hub: MediaHub,
    board: Switchboard,
    call_id: str,
    participant_id: str,
    rgb: tuple[int, int, int],
    moving: bool = False,
    trickle: bool = False,
) -> ClientPeer:
    """A new client peer joins a call through the hub."""
    peer = board.add(ClientPeer(call_id, participant_id, rgb, hub, moving, trickle))
    await hub.join(call_id, participant_id, participant_id)
    return peer
