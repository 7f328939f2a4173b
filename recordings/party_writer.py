"""Party writer: turns one party's forwarded frames into live segments (runs on the writer thread).

A muxer needs every stream before its first packet, so frames wait in a short buffer until
both an audio frame and a video keyframe are there (the video size comes from that
keyframe), or until `stream_wait` seconds passed (a party without camera or microphone) —
KEYFRAME_WAIT seconds when video frames are arriving but their keyframe was lost.
A stream that shows up later, or a codec change, ends the file and starts the next segment.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from pathlib import Path

from recordings.codecs import Codec, container_format, is_keyframe, video_size
from recordings.journal import SUFFIX, JournalWriter
from recordings.keys import MasterKey
from recordings.live_segment import LiveSegment
from recordings.timeline import StreamClock

logger = logging.getLogger(__name__)

KEYFRAME_WAIT = 10.0


@dataclass(frozen=True)
class Arrival:
    """One encoded frame as the hub handed it over, copied so the hub may reuse its packet."""

    codec: Codec
    frame: bytes
    timestamp: int
    rate: int
    arrived_at: float


@dataclass(frozen=True)
class _Waiting:
    codec: Codec
    frame: bytes
    extended: int
    keyframe: bool
    wall: float


@dataclass(frozen=True)
class PartyIdentity:
    """Who a recording shows: the call, the party id the hub uses, and a label for auditors."""

    call_id: str
    party_id: str
    label: str


class PartyWriter:
    """One party's recording: stream clocks, the waiting buffer and the current segment."""

    def __init__(self, identity: PartyIdentity, master: MasterKey, work_dir: Path,
                 stream_wait: float) -> None:
        self.identity = identity
        self._master = master
        self._work_dir = work_dir
        self._stream_wait = stream_wait
        self._clocks: dict[str, StreamClock] = {}
        self._waiting: list[_Waiting] = []
        self._awaiting_keyframe = False
        self._segment: LiveSegment | None = None
        self._origin = 0.0
        self.journals: list[JournalWriter] = []  # one per segment, each locked until archived

    def feed(self, arrival: Arrival) -> None:
        """Place one frame on the call's timeline and mux or buffer it."""
        codec = arrival.codec
        clock = self._clocks.get(codec.kind)
        if clock is None:
            clock = self._clocks[codec.kind] = StreamClock(
                arrival.rate, arrival.timestamp, arrival.arrived_at)
        extended = clock.extend(arrival.timestamp, arrival.arrived_at)
        keyframe = is_keyframe(codec, arrival.frame)
        if self._segment is not None and self._segment.accepts(codec):
            self._mux(codec, arrival.frame, extended, keyframe)
            return
        if self._segment is not None:
            logger.info("%s: %s %s starts a new segment", self.identity.call_id,
                        self.identity.party_id, codec.name)
            self._end_segment()
        self._wait(_Waiting(codec, arrival.frame, extended, keyframe, clock.wall_time(extended)))

    def close(self) -> list[JournalWriter]:
        """End the recording: start a file for frames still waiting, close it, list journals."""
        if self._waiting:
            self._start_segment()
        self._end_segment()
        return self.journals

    def _wait(self, item: _Waiting) -> None:
        first = {w.codec.kind: w.codec for w in self._waiting}
        if first.get(item.codec.kind, item.codec) != item.codec:
            return
        if item.codec.kind == "video" and "video" not in first and not item.keyframe:
            self._awaiting_keyframe = True  # a decoder can only start at a keyframe
            return
        self._waiting.append(item)
        waited = item.wall - self._waiting[0].wall
        limit = KEYFRAME_WAIT if self._awaiting_keyframe and "video" not in first else 0.0
        if ({"audio", "video"} <= {*first, item.codec.kind}
                or waited >= max(self._stream_wait, limit)):
            self._start_segment()

    def _start_segment(self) -> None:
        # taken out first: frames that fail to start a file must not pile up
        waiting, self._waiting = sorted(self._waiting, key=lambda w: w.wall), []
        self._awaiting_keyframe = False
        self._open_segment(waiting)
        for item in waiting:
            self._mux(item.codec, item.frame, item.extended, item.keyframe)

    def _open_segment(self, waiting: list[_Waiting]) -> None:
        firsts: dict[str, _Waiting] = {}
        for item in waiting:
            firsts.setdefault(item.codec.kind, item)
        self._origin = min(item.wall for item in firsts.values())
        video = firsts.get("video")
        size = video_size(video.codec, video.frame) if video else None
        fmt, media_type = container_format({item.codec.name for item in firsts.values()})
        description = {
            **vars(self.identity), "segment": len(self.journals), "started_at": self._origin,
            "format": fmt, "media_type": media_type,
            "codecs": sorted(item.codec.name for item in firsts.values()),
            "video_size": list(size) if size else None,
        }
        path = self._work_dir / f"{secrets.token_hex(12)}{SUFFIX}"
        codecs = [item.codec for item in firsts.values()]
        self._segment = LiveSegment(path, self._master, description, codecs, size)
        self.journals.append(self._segment.journal)
        logger.info("%s: recording %s (%s) into %s: %s", self.identity.call_id,
                    self.identity.party_id, self.identity.label, path.name, description["codecs"])

    def _mux(self, codec: Codec, frame: bytes, extended: int, keyframe: bool) -> None:
        assert self._segment is not None
        pts = self._clocks[codec.kind].ticks_since(self._origin, extended)
        self._segment.mux(codec, frame, pts, keyframe)

    def _end_segment(self) -> None:
        if self._segment is not None:
            segment, self._segment = self._segment, None
            segment.close()
