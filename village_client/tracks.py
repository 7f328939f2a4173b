"""What a headless client sends: a moving test pattern and a tone, or a video file."""

from __future__ import annotations

import asyncio
import fractions
import math
import time

import av
import numpy as np
from aiortc import MediaStreamTrack
from aiortc.contrib.media import MediaPlayer
from aiortc.mediastreams import AudioStreamTrack, VideoStreamTrack

VIDEO_CLOCK = 90000
BARS = np.array([[235, 235, 235], [235, 235, 16], [16, 235, 235], [16, 235, 16],
                 [235, 16, 235], [235, 16, 16], [16, 16, 235], [16, 16, 16]], dtype=np.uint8)


class PatternCamera(VideoStreamTrack):
    """Colour bars with a moving block and a changing corner, paced by the clock.

    The moving block keeps the encoder busy like a real camera; `colour`, when given,
    fills the centre so a receiver can tell whose picture it decodes; `noisy` fills the top
    band with fresh noise every frame (sensor noise at its worst), which no encoder can
    predict, so the bytes sent per second sit steadily at the encoder's target.
    """

    def __init__(self, width: int = 640, height: int = 480, fps: int = 15,
                 colour: tuple[int, int, int] | None = None, noisy: bool = False) -> None:
        super().__init__()
        self.fps = fps
        columns = np.repeat(BARS, width // len(BARS) + 1, axis=0)[:width]
        self._image = np.broadcast_to(columns, (height, width, 3)).copy()
        if colour is not None:
            self._image[height // 3: 2 * height // 3, width // 3: 2 * width // 3] = colour
        self._noise = np.random.default_rng(1) if noisy else None
        self._count = 0
        self._start = 0.0
        self._start_wall = 0.0

    @property
    def captured_until(self) -> float:
        """The wall-clock moment (time.time) the newest frame handed out shows: what the camera has seen."""
        return self._start_wall + (self._count - 1) / self.fps

    async def recv(self) -> av.VideoFrame:
        if self._count == 0:
            self._start, self._start_wall = time.monotonic(), time.time()
        await asyncio.sleep(max(0.0, self._start + self._count / self.fps - time.monotonic()))
        frame = self.picture(self._count)
        frame.pts = self._count * VIDEO_CLOCK // self.fps
        frame.time_base = fractions.Fraction(1, VIDEO_CLOCK)
        self._count += 1
        return frame

    def picture(self, count: int) -> av.VideoFrame:
        """Frame number `count`: the bars with the block moved on (subclasses draw other scenes)."""
        image = self._image.copy()
        height, width = image.shape[:2]
        if self._noise is not None:
            image[: height // 4] = self._noise.integers(0, 255, (height // 4, width, 3), dtype=np.uint8)
        x = (count * 8) % (width - 48)
        image[height - 64: height - 16, x: x + 48] = 255 - image[height - 64: height - 16, x: x + 48]
        image[:16, :16] = (count * 37) % 256
        return av.VideoFrame.from_ndarray(image, format="rgb24")


class Tone(AudioStreamTrack):
    """A 440 Hz tone in 20 ms frames, 48 kHz mono."""

    RATE, SAMPLES = 48000, 960

    def __init__(self) -> None:
        super().__init__()
        self._sent = 0
        self._start = 0.0

    async def recv(self) -> av.AudioFrame:
        if self._sent == 0:
            self._start = time.monotonic()
        await asyncio.sleep(max(0.0, self._start + self._sent / self.RATE - time.monotonic()))
        t = (self._sent + np.arange(self.SAMPLES)) / self.RATE
        samples = (np.sin(2 * math.pi * 440 * t) * 3000).astype(np.int16).reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(samples, format="s16", layout="mono")
        frame.sample_rate = self.RATE
        frame.pts = self._sent
        frame.time_base = fractions.Fraction(1, self.RATE)
        self._sent += self.SAMPLES
        return frame


def file_tracks(path: str) -> tuple[MediaStreamTrack | None, MediaStreamTrack | None]:
    """(audio, video) read from a media file, looping, paced in real time."""
    player = MediaPlayer(path, loop=True)
    return player.audio, player.video
