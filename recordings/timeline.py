"""Media time: RTP timestamps (random start, 32-bit wrap) placed on one wall clock per call."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)

RTP_WRAP = 1 << 32
RESYNC_SECONDS = 10.0


class StreamClock:
    """One stream's RTP clock: unwraps timestamps and maps them to wall-clock seconds.

    The first packet's arrival anchors the stream on the wall clock; later packets are
    placed by their RTP distance from it, so network jitter does not shake the timeline.
    A jump that disagrees with the wall clock by more than RESYNC_SECONDS (a sender that
    restarted with a new random offset) re-anchors the stream at the packet's arrival.
    """

    def __init__(self, rate: int, timestamp: int, arrived_at: float) -> None:
        self.rate = rate
        self._last_raw = timestamp
        self._extended = timestamp
        self.anchor_timestamp = timestamp
        self.anchor_wall = arrived_at

    def extend(self, timestamp: int, arrived_at: float) -> int:
        """The timestamp on a line that does not wrap (steps over 2**31 count as backwards)."""
        step = (timestamp - self._last_raw) % RTP_WRAP
        if step >= RTP_WRAP // 2:
            step -= RTP_WRAP
        self._last_raw = timestamp
        self._extended += step
        drift = self.wall_time(self._extended) - arrived_at
        if abs(drift) > RESYNC_SECONDS:
            logger.warning("RTP clock jumped %.1f s against the wall clock: re-anchored", drift)
            self.anchor_timestamp, self.anchor_wall = self._extended, arrived_at
        return self._extended

    def wall_time(self, extended: int) -> float:
        """Wall-clock seconds at which this media instant happened."""
        return self.anchor_wall + (extended - self.anchor_timestamp) / self.rate

    def ticks_since(self, wall: float, extended: int) -> int:
        """Media position of `extended` counted from wall-clock instant `wall`, in clock ticks."""
        return round((self.anchor_wall - wall) * self.rate) + extended - self.anchor_timestamp
