"""The hub receiver's packet relay: RTP packets in, the same packets out to the forwarders.

aiortc's RTCRtpReceiver decrypts, parses, estimates the uplink bandwidth, keeps the
reception statistics, unwraps retransmissions (RTX), asks for lost packets (NACK) and
depayloads each packet; then it puts the packet into its jitter buffer to rebuild frames
for a decoder. The hub decodes nothing and rebuilds no frame to forward, so each hub
receiver's jitter buffer is replaced by a relay whose `add` collects the packet (in order,
for video: see recovery.py) and returns no frame; once aiortc's handling of the packet is
done, the packets the relay let through are handed to `forward`, which rewrites and sends
them to each subscriber (forwarding.py).

Each packet leaves with a sequence number of the relay's own: the publisher's, shifted
down by every packet the relay gave up (video) or that never reached the hub (sound), so a
subscriber never sees a hole it would wait for in vain.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol

from aiortc import RTCRtpReceiver
from aiortc.rtp import RtpPacket
from aiortc.utils import uint16_add, uint16_gt

logger = logging.getLogger(__name__)

# aiortc keeps these under name-mangled private attributes; only this module and
# recovery.py reach in.
_JITTER_BUFFER = "_RTCRtpReceiver__jitter_buffer"
_DECODER_THREAD = "_RTCRtpReceiver__decoder_thread"

# (packet, the relay's sequence number for it, whether it is the first of a keyframe)
Released = tuple[RtpPacket, int, bool]
Forward = Callable[[RtpPacket, int, bool], None]


class Relay(Protocol):
    """What stands in for a hub receiver's jitter buffer."""

    def add(self, packet: RtpPacket) -> tuple[bool, None]:
        """Called by aiortc for every packet; never a frame, never aiortc's own PLI."""

    def take(self) -> list[Released]:
        """The packets let through since the last call, in the order to forward them."""


class PassingRelay:
    """Audio: every packet goes on as it comes, numbered on across the packets lost before the hub.

    Sound is never retransmitted, so a packet missing on the publisher's side is missing
    for good: passing its gap on would only make each subscriber wait for it (aiortc's
    audio jitter buffer for 16 packets, 0.32 s) before concealing it. A packet older than
    one already let through comes too late to be played and is dropped.
    """

    def __init__(self) -> None:
        self._next: int | None = None
        self._dropped = 0
        self._released: list[Released] = []

    def add(self, packet: RtpPacket) -> tuple[bool, None]:
        seq = packet.sequence_number
        if self._next is not None and seq != self._next:
            if not uint16_gt(seq, self._next):
                return False, None
            self._dropped = uint16_add(self._dropped, uint16_add(seq, -self._next))
        self._next = uint16_add(seq, 1)
        self._released.append((packet, uint16_add(seq, -self._dropped), True))
        return False, None

    def take(self) -> list[Released]:
        released, self._released = self._released, []
        return released


def install_relay(receiver: RTCRtpReceiver, relay: Relay, forward: Forward) -> None:
    """Make a hub receiver hand its packets to `relay`, then to `forward`; before it starts."""
    if getattr(receiver, _DECODER_THREAD) is not None:
        raise RuntimeError("the receiver has already started")
    setattr(receiver, _JITTER_BUFFER, relay)
    handle = receiver._handle_rtp_packet

    async def handle_rtp_packet(packet: RtpPacket, arrival_time_ms: int) -> None:
        await handle(packet, arrival_time_ms)
        for released in relay.take():
            try:
                forward(*released)
            except Exception:
                # Raised into aiortc's transport loop, it would stop this peer's media silently.
                logger.exception("forwarding a packet failed")

    setattr(receiver, "_handle_rtp_packet", handle_rtp_packet)


def relay_of(receiver: RTCRtpReceiver) -> Any:
    """The relay installed on `receiver` (aiortc's jitter buffer when none is), for checks and tests."""
    return getattr(receiver, _JITTER_BUFFER)
