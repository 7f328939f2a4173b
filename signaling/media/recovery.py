"""Loss recovery on the hub's video receivers: ask again for lost packets, give up in time.

aiortc's receiver asks (NACK) for a missing packet when it notices the gap, and again only
when another gap appears; its jitter buffer holds every later frame until the packet comes
or 512 more packets have arrived, which on a 300 kbit/s village stream is a freeze of ten
seconds. On a lossy link the retransmission is lost now and then too. So each hub video
receiver gets a jitter buffer that asks again for what is still missing: after 1.5 times
the time retransmissions take here (at least MIN_RENACK_INTERVAL), twice that before the
next ask, and so on, since each ask costs the congested uplink a packet; when no frame has
come out for GIVE_UP_AFTER since a packet went missing (longer where retransmissions are
slow, never past GIVE_UP_AT_MOST; at once when aiortc stops asking) it skips to the next
whole frame and says so: the publication then drops frames until a keyframe, which it
asks for, since every frame after a lost one refers to it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from aiortc import RTCRtpReceiver
from aiortc.jitterbuffer import JitterBuffer, JitterFrame
from aiortc.rtp import RtpPacket
from aiortc.utils import uint16_add, uint16_gt

from protocol.tasks import BackgroundTasks

logger = logging.getLogger(__name__)

MIN_RENACK_INTERVAL = 0.1  # seconds: about one round trip on a village link
RENACK_AFTER_ROUND_TRIPS = 1.5  # the retransmission had time to come and did not
GIVE_UP_AFTER = 0.5  # seconds a frame is held behind a gap: past this a keyframe comes sooner
GIVE_UP_AFTER_RECOVERIES = 3  # on a slow link, time for a second ask to be answered,
GIVE_UP_AT_MOST = 0.8  # but a viewer calls a picture still for a second frozen
VIDEO_CAPACITY = 512  # packets, as aiortc's video receiver

# aiortc keeps these under name-mangled private attributes; only this module reaches in.
_JITTER_BUFFER = "_RTCRtpReceiver__jitter_buffer"
_NACK_GENERATOR = "_RTCRtpReceiver__nack_generator"

AskAgain = Callable[[int, list[int]], None]


class RecoveringJitterBuffer(JitterBuffer):
    """aiortc's video jitter buffer, asking again for missing packets and skipping hopeless ones."""

    def __init__(self, missing: set[int], ask_again: AskAgain, on_skip: Callable[[], None],
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(capacity=VIDEO_CAPACITY, is_video=True)
        self._clock = clock
        self.asked_again = 0  # NACKs repeated
        self.skips = 0  # damaged frames given up
        self._missing = missing  # aiortc's NackGenerator.missing, kept up to date by aiortc
        self._asked: dict[int, tuple[float, float, int]] = {}  # seq: (first asked, last asked, times)
        # Smoothed time from asking to the packet coming; until measured, ask at the shortest interval.
        self.recovery_time = MIN_RENACK_INTERVAL / RENACK_AFTER_ROUND_TRIPS
        self._ask_again = ask_again
        self._on_skip = on_skip
        self._head: int | None = None
        self._held_since: float | None = None  # no frame out since, though a packet is missing
        self._resync_after: RtpPacket | None = None

    def add(self, packet: RtpPacket) -> tuple[bool, JitterFrame | None]:
        """As aiortc's, plus asking again, and skipping past a packet waited for too long."""
        now = self._clock()
        self._time_recovery(packet.sequence_number, now)
        self._repeat_nacks(packet.ssrc, now)
        if self._resync_after is not None and not self._resynced(packet):
            return False, None
        if self._head is None or uint16_gt(packet.sequence_number, self._head):
            self._head = packet.sequence_number
        pli_flag, frame = super().add(packet)
        if pli_flag:
            self._on_skip()  # aiortc dropped packets itself (its buffer overflowed)
        if frame is None and self._hopeless(now):
            self._skip_damaged_frame(packet)
            frame = self._remove_frame(packet.sequence_number) if self._origin is not None else None
        if frame is not None:
            self._held_since = None
        return pli_flag, frame

    def _time_recovery(self, seq: int, now: float) -> None:
        """A packet asked for came: how long since the first ask (more, if that ask was lost)."""
        asked = self._asked.get(seq)
        if asked is not None:
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

    def _first_gap(self) -> int | None:
        """Offset from the origin of the first packet missing before the newest one."""
        if self._origin is None or self._head is None:
            return None
        for offset in range(min(uint16_add(self._head, -self._origin), self._capacity - 1)):
            if self._packets[(self._origin + offset) % self._capacity] is None:
                return offset
        return None

    def _hopeless(self, now: float) -> bool:
        """A gap aiortc no longer asks about, or no frame out for too long since one opened.

        Timed from the last frame out, not per packet: a run of losses recovered one by one
        holds the picture as long as they all take.
        """
        gap = self._first_gap()
        if gap is None:
            return False
        assert self._origin is not None
        if uint16_add(self._origin, gap) not in self._missing:
            return True
        if self._held_since is None:
            self._held_since = now
        patience = min(GIVE_UP_AT_MOST, max(GIVE_UP_AFTER, GIVE_UP_AFTER_RECOVERIES * self.recovery_time))
        return now - self._held_since > patience

    def _skip_damaged_frame(self, packet: RtpPacket) -> None:
        """Drop up to the first frame that starts whole after the gap, or all of it and resync."""
        assert self._origin is not None and self._head is not None
        gap = self._first_gap() or 0
        newest = min(uint16_add(self._head, -self._origin), self._capacity - 1)
        self.skips += 1
        self._on_skip()
        boundary = next((offset for offset in range(gap + 2, newest + 1) if self._starts_frame(offset)), None)
        if boundary is not None:
            self._forget(boundary)
            return
        self._resync_after = self._packets[self._head % self._capacity] or packet
        self._forget(newest + 1)
        self._origin = self._head = None

    def _starts_frame(self, offset: int) -> bool:
        """Whether the packet at `offset` is a frame's first: its predecessor is here, of another frame."""
        assert self._origin is not None
        before = self._packets[(self._origin + offset - 1) % self._capacity]
        packet = self._packets[(self._origin + offset) % self._capacity]
        return before is not None and packet is not None and before.timestamp != packet.timestamp

    def _forget(self, count: int) -> None:
        """Drop `count` slots from the origin, and stop asking for the packets missing among them."""
        assert self._origin is not None
        for offset in range(count):
            self._missing.discard(uint16_add(self._origin, offset))
        self.remove(count)

    def _resynced(self, packet: RtpPacket) -> bool:
        """After dropping everything: true once `packet` surely starts a frame (its predecessor came)."""
        previous = self._resync_after
        assert previous is not None
        if packet.sequence_number == uint16_add(previous.sequence_number, 1) and \
                packet.timestamp != previous.timestamp:
            self._resync_after = None
            return True
        if uint16_gt(packet.sequence_number, previous.sequence_number):
            self._resync_after = packet
        return False


def install_recovery(receiver: RTCRtpReceiver, on_skip: Callable[[], None]) -> RecoveringJitterBuffer:
    """Give a hub video receiver the recovering jitter buffer; must run before media flows."""
    generator: Any = getattr(receiver, _NACK_GENERATOR)
    tasks = BackgroundTasks("repeated NACK", logger)

    def ask_again(ssrc: int, lost: list[int]) -> None:
        tasks.spawn(receiver._send_rtcp_nack(ssrc, lost))

    buffer = RecoveringJitterBuffer(generator.missing, ask_again, on_skip)
    setattr(receiver, _JITTER_BUFFER, buffer)
    return buffer

