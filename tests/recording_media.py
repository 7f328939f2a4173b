"""Test media for the recorder: real VP8/H.264 and Opus packets, fed the way the hub feeds them."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from fractions import Fraction

import av
import numpy as np

from recordings.archive import Archive
from recordings.codecs import codec_for
from recordings.party_writer import Arrival, PartyWriter
from recordings.recorder import PartyRecorder

FPS = 15
RTP_WRAP = 1 << 32
VIDEO_RATE = 90000
AUDIO_RATE = 48000
OPUS_FRAME = 960


@dataclass(frozen=True)
class Encoded:
    """One encoded frame with its media time (seconds from the start of the stream)."""

    data: bytes
    seconds: float
    keyframe: bool


@dataclass(frozen=True)
class HubFrame:
    """A frame as the hub hands it over: arrival time, kind, codec and RTP-clock packet."""

    arrives: float
    kind: str
    codec: str
    data: bytes
    timestamp: int

    def packet(self) -> av.Packet:
        packet = av.Packet(self.data)
        packet.pts = self.timestamp
        packet.time_base = Fraction(1, VIDEO_RATE if self.kind == "video" else AUDIO_RATE)
        return packet


def _test_pattern(index: int, width: int, height: int) -> av.VideoFrame:
    x, y = np.arange(width)[None, :], np.arange(height)[:, None]
    image = np.empty((height, width, 3), np.uint8)
    image[:, :, 0] = (x * 2 + index * 6) % 256
    image[:, :, 1] = (y * 3 + index * 4) % 256
    image[:, :, 2] = ((x + y) // 4 + index * 3) % 256
    return av.VideoFrame.from_ndarray(image, format="rgb24").reformat(format="yuv420p")


@functools.cache
def encode_video(codec: str, seconds: float, width: int = 640, height: int = 480,
                 keyframe_every: int = 45, bit_rate: int = 1_000_000) -> tuple[Encoded, ...]:
    """A moving test pattern at 15 fps, ≈1 Mbit/s, a keyframe every `keyframe_every` frames."""
    context = av.CodecContext.create("libvpx" if codec == "vp8" else "libx264", "w")
    assert isinstance(context, av.VideoCodecContext)
    context.width, context.height, context.pix_fmt = width, height, "yuv420p"
    context.time_base, context.framerate = Fraction(1, VIDEO_RATE), Fraction(FPS)
    context.bit_rate, context.gop_size = bit_rate, keyframe_every
    context.options = ({"deadline": "realtime", "cpu-used": "8", "lag-in-frames": "0"}
                       if codec == "vp8" else {"preset": "ultrafast", "tune": "zerolatency",
                                               "profile": "baseline"})
    encoded = []
    for index in range(round(seconds * FPS)):
        frame = _test_pattern(index, width, height)
        frame.pts = index * VIDEO_RATE // FPS
        for packet in context.encode(frame):
            assert packet.pts is not None
            encoded.append(Encoded(bytes(packet), packet.pts / VIDEO_RATE, packet.is_keyframe))
    return tuple(encoded)


@functools.cache
def encode_tone(seconds: float, hertz: float = 440.0) -> tuple[Encoded, ...]:
    """A sine tone as 20 ms Opus packets."""
    context = av.CodecContext.create("libopus", "w")
    assert isinstance(context, av.AudioCodecContext)
    context.sample_rate, context.layout, context.format = AUDIO_RATE, "stereo", "s16"
    encoded: list[Encoded] = []
    for index in range(round(seconds * AUDIO_RATE / OPUS_FRAME)):
        t = (np.arange(OPUS_FRAME) + index * OPUS_FRAME) / AUDIO_RATE
        wave = (np.sin(2 * np.pi * hertz * t) * 8000).astype(np.int16)
        frame = av.AudioFrame.from_ndarray(np.repeat(wave, 2)[None, :], format="s16",
                                           layout="stereo")
        frame.sample_rate, frame.pts = AUDIO_RATE, index * OPUS_FRAME
        for packet in context.encode(frame):
            encoded.append(Encoded(bytes(packet), len(encoded) * OPUS_FRAME / AUDIO_RATE, True))
    return tuple(encoded)


def as_hub_frames(kind: str, codec: str, encoded: tuple[Encoded, ...], start: float,
                  first_timestamp: int) -> list[HubFrame]:
    """RTP timestamps from a random start (wrapping at 2**32), arriving in real time."""
    rate = VIDEO_RATE if kind == "video" else AUDIO_RATE
    return [HubFrame(start + item.seconds, kind, codec, item.data,
                     (first_timestamp + round(item.seconds * rate)) % RTP_WRAP)
            for item in encoded]


def interleave(*streams: list[HubFrame]) -> list[HubFrame]:
    """All frames in arrival order."""
    return sorted((frame for stream in streams for frame in stream), key=lambda f: f.arrives)


class FakeClock:
    """The hub's clock, set to each frame's arrival before it is written."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def feed(clock: FakeClock, party: PartyRecorder, frames: list[HubFrame]) -> None:
    """Write frames as the hub would, each at its arrival time."""
    for frame in frames:
        clock.now = frame.arrives
        party.write(frame.kind, frame.codec, frame.packet())  # type: ignore[arg-type]


def feed_writer(writer: PartyWriter, frames: list[HubFrame]) -> None:
    """Feed a party writer directly, as the recorder's writer thread does."""
    for frame in frames:
        codec = codec_for(frame.kind, frame.codec)
        writer.feed(Arrival(codec, frame.data, frame.timestamp, codec.rate, frame.arrives))


@dataclass
class Decoded:
    """What a stored recording holds once decoded."""

    video: list[tuple[float, int, int]]
    audio_seconds: float
    duration: float | None
    codecs: list[str]


def decode_stored(archive: Archive, digest: str) -> Decoded:
    """Decode every frame of an archived recording straight from the encrypted store."""
    with archive.reader(digest) as reader, av.open(reader, "r") as container:
        video, audio = [], 0.0
        codecs = [stream.codec_context.name for stream in container.streams]
        for frame in container.decode(*container.streams):
            if isinstance(frame, av.VideoFrame):
                video.append((float(frame.time or 0.0), frame.width, frame.height))
            elif isinstance(frame, av.AudioFrame):
                audio += frame.samples / frame.sample_rate
        duration = None if container.duration is None else container.duration / 1e6
    return Decoded(video, audio, duration, codecs)
