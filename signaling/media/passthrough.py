"""The encoded-frame tap: the hub's receivers hand on encoded frames and decode nothing.

aiortc's RTCRtpReceiver puts every complete frame from its jitter buffer into a private
queue that a decoder thread drains. For the hub's own receivers that queue is replaced by
an `EncodedFrameTap`, whose `put` passes the frame straight on, on the event loop. Other
receivers in the same process (tests, a headless client, snapshots) are untouched and
decode as usual; the decoder thread of a tapped receiver stays idle until end of stream.
"""

from __future__ import annotations

import logging
import queue
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

import av
from aiortc import RTCRtpReceiver

logger = logging.getLogger(__name__)

MediaKind = Literal["audio", "video"]

# aiortc keeps the queue under its name-mangled private attribute; this module is the
# only place that reaches into it.
_DECODER_QUEUE = "_RTCRtpReceiver__decoder_queue"
_DECODER_THREAD = "_RTCRtpReceiver__decoder_thread"
_H264_IDR = 5


@dataclass(frozen=True, slots=True)
class MediaFrame:
    """One encoded frame as received: RTP timestamp (unwrapped) and its clock rate."""

    kind: MediaKind
    codec: str
    data: bytes
    pts: int
    clock_rate: int
    keyframe: bool

    def packet(self, pts: int | None = None) -> av.Packet:
        """A fresh av.Packet for one consumer, so no consumer sees another's changes."""
        packet = av.Packet(self.data)
        packet.pts = self.pts if pts is None else pts
        packet.time_base = Fraction(1, self.clock_rate)
        return packet


def is_keyframe(codec: str, data: bytes) -> bool:
    """Whether a decoder can start from this frame (audio frames always can)."""
    if codec == "vp8":
        # RFC 6386 9.1: bit 0 of the frame tag is 0 for a key frame.
        return bool(data) and data[0] & 0x01 == 0
    if codec == "h264":
        return any(nal_type == _H264_IDR for nal_type in _h264_nal_types(data))
    return True


def _h264_nal_types(data: bytes) -> list[int]:
    """NAL unit types in an Annex B access unit (aiortc depayloads to Annex B)."""
    types = []
    start = data.find(b"\x00\x00\x01")
    while start != -1 and start + 3 < len(data):
        types.append(data[start + 3] & 0x1F)
        start = data.find(b"\x00\x00\x01", start + 3)
    return types


class EncodedFrameTap(queue.Queue):  # type: ignore[type-arg]
    """Stands in for a hub receiver's decoder queue and delivers encoded frames."""

    def __init__(self, kind: MediaKind, deliver: Callable[[MediaFrame], None]) -> None:
        super().__init__()
        self.kind: MediaKind = kind
        self.frames = 0
        self._deliver = deliver

    def put(self, item: Any, block: bool = True, timeout: float | None = None) -> None:
        """Called by aiortc on the event loop with (codec, jitter frame), or None at the end."""
        if item is None:
            super().put(None)  # wakes the idle decoder thread so the receiver can stop
            return
        codec, encoded = item
        name = codec.name.lower()
        frame = MediaFrame(
            kind=self.kind,
            codec=name,
            data=encoded.data,
            pts=encoded.timestamp,
            clock_rate=codec.clockRate,
            keyframe=is_keyframe(name, encoded.data),
        )
        self.frames += 1
        try:
            self._deliver(frame)
        except Exception:
            # An exception here would unwind into aiortc's transport loop and stop all
            # media of this peer silently; log it and keep the call alive.
            logger.exception("%s frame delivery failed", self.kind)


def install_tap(
    receiver: RTCRtpReceiver, kind: MediaKind, deliver: Callable[[MediaFrame], None]
) -> EncodedFrameTap:
    """Make `receiver` pass encoded frames to `deliver`; must run before it starts."""
    if getattr(receiver, _DECODER_THREAD) is not None:
        raise RuntimeError("the receiver has already started its decoder")
    tap = EncodedFrameTap(kind, deliver)
    setattr(receiver, _DECODER_QUEUE, tap)
    return tap


def tap_of(receiver: RTCRtpReceiver) -> EncodedFrameTap | None:
    """The tap installed on `receiver`, or None for a receiver that decodes."""
    current = getattr(receiver, _DECODER_QUEUE)
    return current if isinstance(current, EncodedFrameTap) else None


def decoder_thread_of(receiver: RTCRtpReceiver) -> Any:
    """The receiver's decoder thread (idle for a tapped receiver), for checks and tests."""
    return getattr(receiver, _DECODER_THREAD)
