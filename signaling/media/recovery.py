"""Loss recovery on the hub's video receivers: packets on in order, asked for again, given up in time.

aiortc's receiver asks (NACK) for a missing packet when it notices the gap, and again only
when another gap appears; on a lossy link the retransmission is lost now and then too. So
each hub video receiver gets a relay (relay.py) that lets packets through in sequence
order, holding those behind a gap, and asks again for what is still missing: after 1.5
times the time retransmissions take here (at least MIN_RENACK_INTERVAL), twice that before
the next ask, and so on, since each ask costs the congested uplink a packet. When nothing
has gone through for GIVE_UP_AFTER since a packet went missing (longer where
retransmissions are slow, never past GIVE_UP_AT_MOST; at once when aiortc stops asking or
the hold is full) it gives the gap up and goes on at the next packet that starts a keyframe
(which it asks for, since every frame after a lost one refers to it), numbering on without
a hole: subscribers then never wait for a packet the hub no longer expects.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from aiortc import RTCRtpReceiver
from aiortc.rtp import RtpPacket
from aiortc.utils import uint16_add, uint16_gt

from protocol.tasks import BackgroundTasks

from .relay import Released

logger = logging.getLogger(__name__)

MIN_RENACK_INTERVAL = 0.1  # seconds: about one round trip on a village link
RENACK_AFTER_ROUND_TRIPS = 1.5  # the retransmission had time to come and did not
GIVE_UP_AFTER = 0.5  # seconds a gap holds the stream: past this a keyframe comes sooner
GIVE_UP_AFTER_RECOVERIES = 3  # on a slow link, time for a second ask to be answered,
GIVE_UP_AT_MOST = 0.8  # but a viewer calls a picture still for a second frozen
HOLD_CAPACITY = 512  # packets held behind a gap, as aiortc's video jitter buffer

# aiortc keeps this under a name-mangled private attribute; only this module reaches in.
_NACK_GENERATOR = "_RTCRtpReceiver__nack_generator"

AskAgain = Callable[[int, list[int]], None]
StartsKeyframe = Callable[[RtpPacket], bool]


class RecoveringRelay:
    """Video packets on in sequence order; a gap is asked for again, and given up in time."""

    def __init__(self, missing: set[int], ask_again: AskAgain, want_keyframe: Callable[[], None],
                 starts_keyframe: StartsKeyframe, clock: Callable[[], float] = time.monotonic) -> None:
        self.asked_again = 0  # NACKs repeated
        self.recovered = 0  # packets asked for that came (a retransmission, or late)
        self.skips = 0  # gaps given up
        # Smoothed time from asking to the packet coming; until measured, ask at the shortest interval.
        self.recovery_time = MIN_RENACK_INTERVAL / RENACK_AFTER_ROUND_TRIPS
        self._missing = missing  # aiortc's NackGenerator.missing, kept up to date by aiortc
        self._ask_again = ask_again
        self._want_keyframe = want_keyframe
        self._starts_keyframe = starts_keyframe
        self._clock = clock
        self._asked: dict[int, tuple[float, float, int]] = {}  # seq: (first asked, last asked, times)
        self._next: int | None = None  # the publisher's sequence number to let through next
        self._held: dict[int, RtpPacket] = {}
        self._held_since: float | None = None  # no frame through since, though a packet is missing
        self._awaiting_keyframe = False
        self._dropped = 0  # sequence numbers given up so far: later packets go out this much lower
        self._released: list[Released] = []

    def add(self, packet: RtpPacket) -> tuple[bool, None]:
        """Called by aiortc for every video packet, after its NACK generator saw it."""
        seq = packet.sequence_number
        if self._next is None:
            self._next = seq
        if self._held or self._asked or self._missing:
            now = self._clock()
            self._time_recovery(seq, now)
            self._repeat_nacks(packet.ssrc, now)
        if self._awaiting_keyframe:
            self._resume_at(packet)
        elif seq == self._next and not self._held:
            self._release(packet)  # the common case: in order, nothing waiting
        elif seq == self._next or uint16_gt(seq, self._next):
            self._held[seq] = packet
            self._release_ready()
            if self._held and self._hopeless():
                self._skip()
        return False, None  # aiortc's own PLI is for its decoder; ours go through KeyframeRequester

    def take(self) -> list[Released]:
        released, self._released = self._released, []
        return released

    def _release(self, packet: RtpPacket) -> None:
        seq = packet.sequence_number
        self._released.append((packet, uint16_add(seq, -self._dropped), self._starts_keyframe(packet)))
        self._next = uint16_add(seq, 1)
        if packet.marker:
            self._held_since = None  # a frame went through: the picture moved

    def _release_ready(self) -> None:
        while self._next in self._held:
            self._release(self._held.pop(self._next))

    def _time_recovery(self, seq: int, now: float) -> None:
        """A packet asked for came: how long since the first ask (more, if that ask was lost)."""
        asked = self._asked.get(seq)
        if asked is not None:
            self.recovered += 1
            self.recovery_time += (now - asked[0] - self.recovery_time) / 8

    def _repeat_nacks(self, ssrc: int, now: float) -> None:
        for seq in [s for s in self._asked if s not in self._missing]:
            del self._asked[seq]
        interval = max(MIN_RENACK_INTERVAL, RENACK_AFTER_ROUND_TRIPS * self.recovery_time)
        for seq in self._missing:
            self._asked.setdefault(seq, (now, now, 1))  # aiortc asked when it saw the gap
        due = sorted(seq for seq, (_, last, times) in self._asked.items()
                     if now - last >= interval * 2 ** (times - 1))
        if due:
            self._asked.update({seq: (self._asked[seq][0], now, self._asked[seq][2] + 1) for seq in due})
            self.asked_again += len(due)
            self._ask_again(ssrc, due)

    def _hopeless(self) -> bool:
        """A gap aiortc no longer asks about, a full hold, or no frame through for too long.

        Timed from the last frame through, not per packet: a run of losses recovered one
        by one holds the picture as long as they all take.
        """
        if self._next not in self._missing or len(self._held) >= HOLD_CAPACITY:
            return True
        now = self._clock()
        if self._held_since is None:
            self._held_since = now
        patience = min(GIVE_UP_AT_MOST, max(GIVE_UP_AFTER, GIVE_UP_AFTER_RECOVERIES * self.recovery_time))
        return now - self._held_since > patience

    def _skip(self) -> None:
        """Give the gap up: go on at the first held keyframe start, or wait for one."""
        origin = self._next
        assert origin is not None
        self.skips += 1
        self._want_keyframe()
        held = sorted(self._held, key=lambda seq: uint16_add(seq, -origin))
        start = next((seq for seq in held if self._starts_keyframe(self._held[seq])), None)
        self._held_since = None
        if start is None:
            self._held.clear()
            self._missing.clear()  # nothing before the keyframe to come is wanted any more
            self._awaiting_keyframe = True
            return
        self._held = {seq: packet for seq, packet in self._held.items() if not uint16_gt(start, seq)}
        self._missing.difference_update([seq for seq in self._missing if uint16_gt(start, seq)])
        self._jump_to(start)
        self._release_ready()

    def _resume_at(self, packet: RtpPacket) -> None:
        """While waiting for a keyframe: drop everything else, go on from its first packet."""
        if self._starts_keyframe(packet):
            self._awaiting_keyframe = False
            self._jump_to(packet.sequence_number)
            self._release(packet)
        else:
            self._missing.clear()
            self._want_keyframe()  # again, rate-limited by the requester: the first request may be lost

    def _jump_to(self, seq: int) -> None:
        """Continue at `seq`: the sequence numbers skipped count as given up."""
        assert self._next is not None
        self._dropped = uint16_add(self._dropped, uint16_add(seq, -self._next))
        self._next = seq


def install_recovery(receiver: RTCRtpReceiver, want_keyframe: Callable[[], None],
                     starts_keyframe: StartsKeyframe) -> RecoveringRelay:
    """A recovering relay for a hub video receiver, asking again through its NACKs."""
    generator: Any = getattr(receiver, _NACK_GENERATOR)
    tasks = BackgroundTasks("repeated NACK", logger)

    def ask_again(ssrc: int, lost: list[int]) -> None:
        tasks.spawn(receiver._send_rtcp_nack(ssrc, lost))

    return RecoveringRelay(generator.missing, ask_again, want_keyframe, starts_keyframe)
