"""RTCP feedback across the hub: keyframe requests and bandwidth estimates.

A hub sender that gets PLI/FIR from a subscriber has nothing to re-encode, so the request
becomes a PLI from the hub's receiver to the publisher, at most one per interval but
never lost. Bandwidth works the same way round: the publisher is told (REMB) the lowest
of its own uplink estimate and every subscriber's estimate, because one uplink stream
serves every subscriber and must fit the weakest path.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiortc import RTCRtpReceiver, RTCRtpSender
from aiortc.rtp import (
    RTCP_PSFB_APP,
    RTCP_PSFB_FIR,
    RTCP_PSFB_PLI,
    RtcpPsfbPacket,
    pack_remb_fci,
    unpack_remb_fci,
)

logger = logging.getLogger(__name__)

KEYFRAME_INTERVAL = 0.3  # seconds between PLIs to one publisher
ESTIMATE_LIFETIME = 5.0  # a subscriber estimate older than this no longer limits the sender
PROMPT_DECREASE = 0.95  # tell the sender at once when the target drops below 95 % of the last
REFRESH_INTERVAL = 1.0  # otherwise at most once a second


class KeyframeRequester:
    """Coalesces keyframe wishes into at most one request per interval, keeping the last."""

    def __init__(self, send: Callable[[], Awaitable[None]], interval: float = KEYFRAME_INTERVAL):
        self.requests_sent = 0
        self._send = send
        self._interval = interval
        self._last = float("-inf")
        self._timer: asyncio.TimerHandle | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    def request(self) -> None:
        """Ask the publisher for a keyframe as soon as the rate limit allows."""
        if self._timer is not None:
            return
        loop = asyncio.get_running_loop()
        delay = self._last + self._interval - loop.time()
        if delay <= 0:
            self._fire()
        else:
            self._timer = loop.call_later(delay, self._fire)

    def close(self) -> None:
        """Drop a pending request (the publisher is leaving)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _fire(self) -> None:
        self._timer = None
        self._last = asyncio.get_running_loop().time()
        self.requests_sent += 1
        task = asyncio.ensure_future(self._send())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


class BandwidthArbiter:
    """The bitrate one publisher should aim at: min(uplink, each subscriber's estimate)."""

    def __init__(self, send_remb: Callable[[int], Awaitable[None]]) -> None:
        self.uplink: int | None = None
        self.last_sent: int | None = None
        self._last_sent_at = float("-inf")
        self._downstream: dict[str, tuple[int, float]] = {}
        self._send_remb = send_remb
        self._tasks: set[asyncio.Task[None]] = set()

    def target(self) -> int | None:
        """Lowest live estimate, or None before any estimate exists."""
        now = time.monotonic()
        estimates = [b for b, at in self._downstream.values() if now - at < ESTIMATE_LIFETIME]
        if self.uplink is not None:
            estimates.append(self.uplink)
        return min(estimates) if estimates else None

    def on_uplink(self, bitrate: int) -> int:
        """The hub receiver's own estimate: returns the bitrate to report instead."""
        self.uplink = bitrate
        target = self.target() or bitrate
        self._note_sent(target)
        return target

    def on_downstream(self, subscriber_id: str, bitrate: int) -> None:
        """A subscriber's REMB for this publisher's stream."""
        self._downstream[subscriber_id] = (bitrate, time.monotonic())
        target = self.target()
        if target is None or not self._worth_sending(target):
            return
        self._note_sent(target)
        task = asyncio.ensure_future(self._send_remb(target))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def forget(self, subscriber_id: str) -> None:
        """A subscriber left: its estimate no longer limits the sender."""
        self._downstream.pop(subscriber_id, None)

    def _worth_sending(self, target: int) -> bool:
        if self.last_sent is None:
            return True
        if target < self.last_sent * PROMPT_DECREASE:
            return True
        changed = abs(target - self.last_sent) > self.last_sent * (1 - PROMPT_DECREASE)
        return changed and time.monotonic() - self._last_sent_at >= REFRESH_INTERVAL

    def _note_sent(self, target: int) -> None:
        self.last_sent = target
        self._last_sent_at = time.monotonic()


def remb_packet(sender_ssrc: int, bitrate: int, media_ssrcs: list[int]) -> RtcpPsfbPacket:
    """A Receiver Estimated Maximum Bitrate report (draft-alvestrand-rmcat-remb)."""
    return RtcpPsfbPacket(
        fmt=RTCP_PSFB_APP, ssrc=sender_ssrc, media_ssrc=0, fci=pack_remb_fci(bitrate, media_ssrcs)
    )


def _remb_of(packet: Any) -> tuple[int, list[int]] | None:
    if not isinstance(packet, RtcpPsfbPacket) or packet.fmt != RTCP_PSFB_APP:
        return None
    try:
        return unpack_remb_fci(packet.fci)
    except ValueError:
        return None


def hook_subscriber_feedback(
    sender: RTCRtpSender,
    on_keyframe_request: Callable[[], None],
    on_estimate: Callable[[int], None],
) -> None:
    """Route a subscriber's PLI/FIR and REMB about `sender`'s stream to the publisher."""
    original = sender._handle_rtcp_packet

    async def handle_rtcp_packet(packet: Any) -> None:
        if isinstance(packet, RtcpPsfbPacket) and packet.fmt in (RTCP_PSFB_PLI, RTCP_PSFB_FIR):
            on_keyframe_request()
        remb = _remb_of(packet)
        if remb is not None and sender._ssrc in remb[1]:
            on_estimate(remb[0])
        await original(packet)

    setattr(sender, "_handle_rtcp_packet", handle_rtcp_packet)


def hook_uplink_estimate(
    receiver: RTCRtpReceiver, arbiter: BandwidthArbiter
) -> Callable[[Any], Awaitable[None]]:
    """Rewrite the REMB the hub receiver sends to the publisher to the arbiter's target.

    Returns the receiver's unhooked send, for the arbiter's own reports.
    """
    original: Callable[[Any], Awaitable[None]] = receiver._send_rtcp

    async def send_rtcp(packet: Any) -> None:
        remb = _remb_of(packet)
        if remb is not None:
            packet = remb_packet(packet.ssrc, arbiter.on_uplink(remb[0]), remb[1])
        await original(packet)

    setattr(receiver, "_send_rtcp", send_rtcp)
    return original
