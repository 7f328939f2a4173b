"""A subscriber's outgoing track: one publisher's encoded frames, handed to aiortc's sender.

aiortc's RTCRtpSender encodes `av.Frame`s but only packetizes anything else
(`encoder.pack(packet)`), so a track whose `recv()` returns `av.Packet`s is forwarded
without re-encoding. A video track holds frames back until a keyframe, so a subscriber
never gets frames it cannot decode, and re-times frames when the slot changes publisher
so the RTP timestamps it sends keep rising.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Protocol

import av
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from .passthrough import MediaFrame, MediaKind

logger = logging.getLogger(__name__)

# Frames held for a sender that has not caught up; more means its task is starved, and
# the stream restarts cleanly from the next keyframe rather than lagging further behind.
QUEUE_LIMIT = 64
# Gap inserted between the last frame of one publisher and the first of the next (in
# RTP clock ticks per second / step): one video frame at 30 fps, one 20 ms audio frame.
STEPS_PER_SECOND = {"audio": 50, "video": 30}


class FrameSource(Protocol):
    """What a forwarded track needs from the publisher it carries."""

    def request_keyframe(self) -> None: ...


class ForwardedTrack(MediaStreamTrack):
    """Outgoing track of one subscription slot; the source can change during the call."""

    def __init__(self, kind: MediaKind) -> None:
        super().__init__()
        self.kind = kind
        self.frames_forwarded = 0
        self._queue: asyncio.Queue[av.Packet] = asyncio.Queue(maxsize=QUEUE_LIMIT)
        self._source: FrameSource | None = None
        self._waiting_for_keyframe = kind == "video"
        self._last_pts: int | None = None
        self._offset = 0
        self._rebase = False
        self._sender_started = False
        self._confirmed = False

    @property
    def source(self) -> FrameSource | None:
        """The publisher whose frames this track carries now."""
        return self._source

    def attach(self, source: FrameSource) -> None:
        """Carry `source` once the subscriber has accepted the offer that announces it."""
        self._source = source
        self._rebase = True
        self._confirmed = False
        self._drain()

    def confirm(self) -> None:
        """The subscriber answered the offer naming the source: start at its next keyframe."""
        if self._source is not None and not self._confirmed:
            self._confirmed = True
            self._restart()

    def detach(self) -> None:
        """Carry nothing until the next attach."""
        self._source = None
        self._drain()

    def push(self, frame: MediaFrame) -> None:
        """Called by the source for every frame it receives (on the event loop)."""
        if not (self._sender_started and self._confirmed):
            return  # the subscriber cannot take these frames yet: they would arrive late or lost
        if self._waiting_for_keyframe:
            if not frame.keyframe:
                self._want_keyframe()
                return
            self._waiting_for_keyframe = False
        if self._queue.full():
            logger.warning("%s track %s fell behind; restarting at a keyframe", self.kind, self.id)
            self._restart()
            return
        self._queue.put_nowait(frame.packet(self._retime(frame)))

    async def recv(self) -> av.Packet:
        """The next encoded frame, for aiortc's sender to packetize."""
        if self.readyState != "live":
            raise MediaStreamError
        if not self._sender_started:
            # The subscriber's connection is up: ask for a keyframe now instead of
            # waiting for the subscriber to notice it cannot decode.
            self._sender_started = True
            if self._waiting_for_keyframe:
                self._want_keyframe()
        packet = await self._queue.get()
        self.frames_forwarded += 1
        return packet

    def _retime(self, frame: MediaFrame) -> int:
        if self._rebase:
            self._rebase = False
            if self._last_pts is not None:
                step = frame.clock_rate // STEPS_PER_SECOND[self.kind]
                self._offset = self._last_pts + step - frame.pts
        self._last_pts = frame.pts + self._offset
        return self._last_pts

    def _restart(self) -> None:
        self._drain()
        self._waiting_for_keyframe = self.kind == "video"
        if self._waiting_for_keyframe:
            self._want_keyframe()

    def _want_keyframe(self) -> None:
        if self._source is not None and self._sender_started and self._confirmed:
            self._source.request_keyframe()

    def _drain(self) -> None:
        while not self._queue.empty():
            self._queue.get_nowait()
