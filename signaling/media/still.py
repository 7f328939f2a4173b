"""截图: a still of a participant's camera, decoded only when someone asks for one.

The hub forwards encoded video and never decodes it. To take a still it keeps, per
publisher, the frames since the last keyframe (recorded calls get one every few seconds)
and decodes just those, in a thread, when a snapshot is asked for.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from typing import cast

import av
from av.video.codeccontext import VideoCodecContext

from .passthrough import MediaFrame

# At 15 fps this is 20 s of video; a longer run without a keyframe asks for a fresh one.
MAX_BUFFERED = 300


class GopBuffer:
    """The video frames since the last keyframe, enough to decode the newest picture."""

    def __init__(self) -> None:
        self.frames: list[MediaFrame] = []

    def add(self, frame: MediaFrame) -> None:
        if frame.keyframe:
            self.frames = [frame]
        elif self.frames and len(self.frames) < MAX_BUFFERED:
            self.frames.append(frame)
        else:
            self.frames = []  # lost the thread: wait for the next keyframe

    def ready(self) -> bool:
        return bool(self.frames)


def decode_still(frames: list[MediaFrame]) -> bytes:
    """The newest picture of a keyframe-led run of frames, as PNG (blocking: run in a thread)."""
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
    return await asyncio.to_thread(decode_still, list(buffer.frames))
