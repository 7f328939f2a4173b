"""Encoded frames rebuilt from forwarded RTP packets: for the recorder and for stills only.

The hub forwards packets and never needs whole frames to do so; a recording (once per
stream) and a still (截图, on demand) do. Packets reach them in order from the relay
(relay.py), each already depayloaded by aiortc's receiver (`packet._data`: the VP8 frame
bytes without their payload descriptor, H.264 in Annex B), so a frame is the join of a
run of packets with one timestamp, ending at the marker bit.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

import av
from aiortc.rtcrtpreceiver import TimestampMapper
from aiortc.rtp import RtpPacket

MediaKind = Literal["audio", "video"]

_H264_IDR = 5
_H264_SPS = 7
_VP8_START_OF_PARTITION_0 = 0x17  # S bit and partition index of the VP8 payload descriptor


@dataclass(frozen=True, slots=True)
class MediaFrame:
    """One encoded frame: RTP timestamp (unwrapped, from 0) and its clock rate."""

    kind: MediaKind
    codec: str
    data: bytes
    pts: int
    clock_rate: int
    keyframe: bool

    def packet(self) -> av.Packet:
        """A fresh av.Packet for one consumer, so no consumer sees another's changes."""
        packet = av.Packet(self.data)
        packet.pts = self.pts
        packet.time_base = _time_base(self.clock_rate)
        return packet


@functools.cache
def _time_base(clock_rate: int) -> Fraction:
    return Fraction(1, clock_rate)


def is_keyframe(codec: str, data: bytes) -> bool:
    """Whether a decoder can start from this frame (audio frames always can)."""
    if codec == "vp8":
        # RFC 6386 9.1: bit 0 of the frame tag is 0 for a key frame.
        return bool(data) and data[0] & 0x01 == 0
    if codec == "h264":
        return _H264_IDR in _h264_nal_types(data)
    return True


def starts_keyframe(codec: str, packet: RtpPacket) -> bool:
    """Whether this packet is the first of a keyframe, so a decoder can start from it."""
    data: bytes = packet._data  # type: ignore[attr-defined]  # set by aiortc's depayloader
    if codec == "vp8":
        # RFC 7741 4.2: S set and partition 0 mark the frame's first packet.
        first = packet.payload[0] if packet.payload else 0
        return first & _VP8_START_OF_PARTITION_0 == 0x10 and is_keyframe(codec, data)
    if codec == "h264":
        # A keyframe opens with its parameter sets or its IDR slice, after a start code.
        return data.startswith(b"\x00\x00") and bool({_H264_IDR, _H264_SPS} & set(_h264_nal_types(data)))
    return True


def _h264_nal_types(data: bytes) -> list[int]:
    """NAL unit types in Annex B data (aiortc depayloads to Annex B)."""
    types = []
    start = data.find(b"\x00\x00\x01")
    while start != -1 and start + 3 < len(data):
        types.append(data[start + 3] & 0x1F)
        start = data.find(b"\x00\x00\x01", start + 3)
    return types


class FrameAssembler:
    """Joins the in-order packets of one stream into frames; a frame missing its end is dropped.

    The relay hands packets on gap-free, except where it gave a damaged frame up and went on
    at a keyframe; the unfinished frame before that never sees its marker and is dropped.
    """

    def __init__(self, kind: MediaKind, codec: str, clock_rate: int,
                 emit: Callable[[MediaFrame], None]) -> None:
        self._kind: MediaKind = kind
        self._codec = codec
        self._clock_rate = clock_rate
        self._emit = emit
        self._mapper = TimestampMapper()
        self._parts: list[bytes] = []
        self._timestamp: int | None = None

    def add(self, packet: RtpPacket) -> None:
        """One packet, in order; emits the frame it completes."""
        if packet.timestamp != self._timestamp:
            self._parts = []
            self._timestamp = packet.timestamp
        self._parts.append(packet._data)  # type: ignore[attr-defined]
        if packet.marker or self._kind == "audio":
            data = b"".join(self._parts)
            self._parts = []
            self._timestamp = None
            self._emit(MediaFrame(self._kind, self._codec, data, self._mapper.map(packet.timestamp),
                                  self._clock_rate, is_keyframe(self._codec, data)))
