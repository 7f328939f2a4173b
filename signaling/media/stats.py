"""Per-participant figures for the 'connection quality' display."""

from __future__ import annotations

import time
from collections import deque
from typing import Any

from aiortc import RTCPeerConnection

WINDOW = 2.0  # seconds over which fps and bitrate are averaged


class RateMeter:
    """Frames and bytes per second over the last few seconds, plus running totals."""

    def __init__(self, window: float = WINDOW) -> None:
        self.frames = 0
        self.bytes = 0
        self._window = window
        self._recent: deque[tuple[float, int, int]] = deque()

    def add(self, size: int, frames: int) -> None:
        """Count one packet of `size` payload bytes that ends `frames` frames (0 or 1)."""
        now = time.monotonic()
        self.frames += frames
        self.bytes += size
        self._recent.append((now, size, frames))
        self._forget(now)

    def snapshot(self) -> dict[str, float | int]:
        """Totals and the recent rate."""
        self._forget(time.monotonic())
        recent_bytes = sum(size for _, size, _ in self._recent)
        return {
            "frames": self.frames,
            "bytes": self.bytes,
            "fps": round(sum(frames for _, _, frames in self._recent) / self._window, 1),
            "bitrate_kbps": round(recent_bytes * 8 / self._window / 1000, 1),
        }

    def _forget(self, now: float) -> None:
        while self._recent and now - self._recent[0][0] > self._window:
            self._recent.popleft()


async def transport_stats(pc: RTCPeerConnection) -> dict[str, Any]:
    """What aiortc measures: loss and jitter of what we receive, bytes and loss of what we send."""
    received: dict[str, dict[str, int]] = {}
    sent = {"bytes": 0, "packets": 0, "packets_lost": 0}
    round_trip: list[float] = []
    for entry in (await pc.getStats()).values():
        if entry.type == "inbound-rtp":
            received[entry.kind] = {
                "packets": entry.packetsReceived,
                "packets_lost": entry.packetsLost,
                "jitter": entry.jitter,
            }
        elif entry.type == "outbound-rtp":
            sent["bytes"] += entry.bytesSent
            sent["packets"] += entry.packetsSent
        elif entry.type == "remote-inbound-rtp":
            sent["packets_lost"] += entry.packetsLost
            if entry.roundTripTime is not None:
                round_trip.append(entry.roundTripTime)
    result: dict[str, Any] = {"received_rtp": received, "sent": sent}
    result["round_trip_ms"] = round(max(round_trip) * 1000, 1) if round_trip else None
    return result
