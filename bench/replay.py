"""Pre-encoded media for load benchmarks: a clip encoded once, sent again and again as packets.

Many calls on a 2-core machine cannot all encode live video: the clients would take the
cores the server needs. So the clip (lavfi `testsrc2`, 640×480 at 15 fps, VP8 at about
1.5 Mbit/s with a keyframe every 2 s, and an Opus tone) is encoded once, and each client
track hands aiortc the encoded packets on the clip's schedule — aiortc packs an
`av.Packet` without encoding, just as the hub's forwarded tracks do.
"""

from __future__ import annotations

import asyncio
import functools
import pickle
import time
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
from aiortc.mediastreams import MediaStreamTrack
from av.video.frame import PictureType

WIDTH, HEIGHT, FPS = 640, 480, 15
VIDEO_BITRATE = 1_500_000
KEYFRAME_EVERY = 2 * FPS
AUDIO_RATE = 48_000
CLIP_SECONDS = 10.0  # one loop: five keyframes, so the loop's bitrate is the stream's


@dataclass(frozen=True)
class EncodedClip:
    """One loop of encoded frames: (pts, data) in `time_base`, and the loop's length in pts."""

    kind: str
    time_base: Fraction
    frames: tuple[tuple[int, bytes], ...]
    length: int

    @property
    def bytes_per_second(self) -> float:
        seconds = float(self.length * self.time_base)
        return sum(len(data) for _, data in self.frames) / seconds


def _encode(source: str, codec: str, options: dict[str, str], seconds: float, **settings: object) -> EncodedClip:
    with av.open(source, format="lavfi") as container:
        stream = container.streams[0]
        encoder: Any = av.CodecContext.create(codec, "w")
        for name, value in settings.items():
            setattr(encoder, name, value)
        encoder.options = options
        packets: list[av.Packet] = []
        for frame in container.decode(stream):
            assert isinstance(frame, (av.VideoFrame, av.AudioFrame)) and frame.time is not None
            if frame.time >= seconds:
                break
            if isinstance(frame, av.VideoFrame):
                frame.pict_type = PictureType.NONE  # lavfi marks every frame I: the encoder would obey
            packets.extend(encoder.encode(frame))
        packets.extend(encoder.encode(None))
    time_base = Fraction(1, FPS) if encoder.type == "video" else Fraction(1, AUDIO_RATE)
    step = 1 if encoder.type == "video" else 960
    frames = tuple((index * step, bytes(packet)) for index, packet in enumerate(packets))
    return EncodedClip(encoder.type, time_base, frames, len(frames) * step)


@functools.cache  # encoded once per process
def encoded_video(seconds: float) -> EncodedClip:
    """testsrc2 (moving colours, text, a clock) as VP8 the way a browser would send it."""
    return _encode(
        f"testsrc2=size={WIDTH}x{HEIGHT}:rate={FPS}", "libvpx", {"deadline": "realtime", "cpu-used": "8"},
        seconds, width=WIDTH, height=HEIGHT, pix_fmt="yuv420p", framerate=FPS, time_base=Fraction(1, FPS),
        bit_rate=VIDEO_BITRATE, gop_size=KEYFRAME_EVERY,
    )


@functools.cache
def encoded_audio(seconds: float) -> EncodedClip:
    """A tone as Opus in 20 ms frames (960 samples), as WebRTC sends speech."""
    return _encode(
        f"sine=frequency=440:sample_rate={AUDIO_RATE}", "libopus", {"frame_duration": "20"},
        seconds, sample_rate=AUDIO_RATE, layout="mono", format="s16", bit_rate=32_000,
    )


def save_clips(path: Path) -> Path:
    """The clip's video and audio in a file, so client processes start without encoding it again."""
    path.write_bytes(pickle.dumps((encoded_video(CLIP_SECONDS), encoded_audio(CLIP_SECONDS))))
    return path


def load_clips(path: Path) -> tuple[EncodedClip, EncodedClip]:
    """(video, audio) as save_clips wrote them (a file this benchmark made itself)."""
    video, audio = pickle.loads(path.read_bytes())
    return video, audio


class ReplayTrack(MediaStreamTrack):
    """Sends a clip's packets in real time, looping with the timestamps running on."""

    def __init__(self, clip: EncodedClip) -> None:
        super().__init__()
        self.kind = clip.kind
        self._clip = clip
        self._index = 0
        self._started: float | None = None

    async def recv(self) -> av.Packet:
        loop, position = divmod(self._index, len(self._clip.frames))
        pts, data = self._clip.frames[position]
        pts += loop * self._clip.length
        if self._started is None:
            self._started = time.monotonic()
        wait = self._started + float(pts * self._clip.time_base) - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        self._index += 1
        packet = av.Packet(data)
        packet.pts = pts
        packet.time_base = self._clip.time_base
        return packet
