"""截图: a still of a participant's camera, decoded only when someone asks for one.

The hub forwards RTP packets and never decodes, nor even rebuilds frames. To take a still
it keeps, per publisher, the packets since the last keyframe began (recorded calls get one
every few seconds) and only when a snapshot is asked for joins them into frames and
decodes those, in a thread.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from typing import cast

import av
from aiortc.rtp import RtpPacket
from av.video.codeccontext import VideoCodecContext

from .framing import FrameAssembler, MediaFrame

VIDEO_CLOCK_RATE = 90000
# At 15 fps and 1.5 Mbit/s this is about 20 s of video; a longer run without a keyframe
# asks for a fresh one.
MAX_BUFFERED = 3000


class GopBuffer:
    """The video packets since the last keyframe began, enough to decode the newest picture."""

    def __init__(self, codec: str) -> None:
        self.codec = codec
        self.packets: list[RtpPacket] = []

    def add(self, packet: RtpPacket, keyframe_start: bool) -> None:
        if keyframe_start:
            self.packets = [packet]
        elif self.packets and len(self.packets) < MAX_BUFFERED:
            self.packets.append(packet)
        else:
            self.packets = []  # lost the thread: wait for the next keyframe

    def ready(self) -> bool:
        """Whether the keyframe has come whole (its last packet carries the marker)."""
        return any(packet.marker for packet in self.packets)


def frames_of(codec: str, packets: list[RtpPacket]) -> list[MediaFrame]:
    """In-order video packets as whole frames."""
    frames: list[MediaFrame] = []
    assembler = FrameAssembler("video", codec, VIDEO_CLOCK_RATE, frames.append)
    for packet in packets:
        assembler.add(packet)
    return frames


def decode_still(codec: str, packets: list[RtpPacket]) -> bytes:
    """The newest picture of a keyframe-led run of packets, as PNG (blocking: run in a thread)."""
    frames = frames_of(codec, packets)
    decoder = cast(VideoCodecContext, av.CodecContext.create(frames[0].codec, "r"))
    picture: av.VideoFrame | None = None
    for frame in frames:
        for decoded in decoder.decode(frame.packet()):
            picture = decoded
    if picture is None:
        raise ValueError("no picture could be decoded")
    output = io.BytesIO()
    picture.to_image().save(output, "PNG")
    return output.getvalue()


async def take_still(buffer: GopBuffer, ask_keyframe: Callable[[], None], wait: float = 3.0) -> bytes:
    """Decode the newest picture, asking the publisher for a keyframe first when there is none."""
    if not buffer.ready():
        ask_keyframe()
        async with asyncio.timeout(wait):
            while not buffer.ready():
                await asyncio.sleep(0.05)
    return await asyncio.to_thread(decode_still, buffer.codec, list(buffer.packets))
