"""Live segment: one party's WebM file being muxed as packets arrive, into an encrypted journal."""

from __future__ import annotations

import logging
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import av.container
import av.stream

from recordings.codecs import Codec
from recordings.journal import JournalWriter
from recordings.keys import MasterKey

logger = logging.getLogger(__name__)

# What a kill loses is the cluster being built: the Matroska muxer keeps it in memory and
# writes it whole when it closes (flush_packets flushes only what is already written). A
# cluster closes at the time limit, at 32 KiB (the muxer's limit on a non-seekable output:
# ≈0.25 s at 1 Mbit/s, but seconds for a quiet low-rate camera) or at a keyframe; so the
# time limit is what bounds the loss: CLUSTER_MS plus one frame. A quiet stream holds the
# other back by at most max_interleave_delta (notes/recording.md).
CLUSTER_MS = 200
LIVE_OPTIONS = {
    "live": "1",
    "cluster_time_limit": str(CLUSTER_MS),
    "flush_packets": "1",
    "max_interleave_delta": "300000",
}


class LiveSegment:
    """A file with a fixed set of streams (all created before the first packet is muxed)."""

    def __init__(
        self,
        path: Path,
        master: MasterKey,
        description: dict[str, Any],
        codecs: list[Codec],
        video_size: tuple[int, int] | None,
    ) -> None:
        self.path = path
        self.description = description
        self.journal = JournalWriter(path, master, description)
        self._container = av.open(self.journal, "w", format=description["format"],
                                  options=LIVE_OPTIONS)
        self._streams = {codec.kind: self._add_stream(codec, video_size) for codec in codecs}
        self._codecs = {codec.kind: codec for codec in codecs}
        self._last_pts: dict[str, int] = {}
        self.dropped = 0

    def _add_stream(self, codec: Codec, size: tuple[int, int] | None) -> av.stream.Stream:
        if codec.kind == "audio":
            # Added as an (unused) libopus encoder so the file carries a correct OpusHead.
            return self._container.add_stream("libopus", rate=codec.rate, layout="stereo")
        assert size is not None
        return self._container.add_mux_stream(codec.name, width=size[0], height=size[1])

    def accepts(self, codec: Codec) -> bool:
        """True when this file has a stream for this codec."""
        return self._codecs.get(codec.kind) == codec

    def mux(self, codec: Codec, frame: bytes, pts: int, keyframe: bool) -> None:
        """Write one encoded frame; `pts` in the codec's clock ticks from the file's start."""
        if pts < self._last_pts.get(codec.kind, 0):
            self.dropped += 1
            return
        self._last_pts[codec.kind] = pts
        packet = av.Packet(frame)
        packet.pts = packet.dts = pts
        packet.time_base = Fraction(1, codec.rate)
        packet.stream = self._streams[codec.kind]
        packet.is_keyframe = keyframe
        self._container.mux(packet)

    def close(self) -> None:
        """End the file (last cluster out); the journal stays locked until it is archived."""
        try:
            self._container.close()
        finally:
            self.journal.finish()
        if self.dropped:
            logger.warning("%s: dropped %d frames that went back in time",
                           self.description["call_id"], self.dropped)
