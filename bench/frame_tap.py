"""Counting received frames without decoding them, for the load benchmark's client peers.

aiortc's RTCRtpReceiver puts every complete frame from its jitter buffer into a private
queue that a decoder thread drains. A client peer of the load benchmark must not spend
the machine's cores decoding, so that queue is replaced by a `FrameTap`, whose `put`
hands (codec, encoded frame) to a counter on the event loop; the decoder thread of a
tapped receiver stays idle until end of stream.
"""

from __future__ import annotations

import queue
from collections.abc import Callable
from typing import Any

from aiortc import RTCRtpReceiver

# aiortc keeps the queue under its name-mangled private attribute.
_DECODER_QUEUE = "_RTCRtpReceiver__decoder_queue"
_DECODER_THREAD = "_RTCRtpReceiver__decoder_thread"

# (RTP timestamp from 0, clock rate) of each frame
Count = Callable[[int, int], None]


class FrameTap(queue.Queue):  # type: ignore[type-arg]
    """Stands in for a client receiver's decoder queue and counts its frames."""

    def __init__(self, count: Count) -> None:
        super().__init__()
        self._count = count

    def put(self, item: Any, block: bool = True, timeout: float | None = None) -> None:
        """Called by aiortc on the event loop with (codec, jitter frame), or None at the end."""
        if item is None:
            super().put(None)  # wakes the idle decoder thread so the receiver can stop
            return
        codec, encoded = item
        self._count(encoded.timestamp, codec.clockRate)


def tap_frames(receiver: RTCRtpReceiver, count: Count) -> bool:
    """Count `receiver`'s frames instead of decoding them; False if it is tapped or started already."""
    if isinstance(getattr(receiver, _DECODER_QUEUE), FrameTap) or getattr(receiver, _DECODER_THREAD) is not None:
        return False
    setattr(receiver, _DECODER_QUEUE, FrameTap(count))
    return True
