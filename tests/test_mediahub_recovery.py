"""Loss recovery at the hub's relays: a lost video packet is asked for again and given up in time; sound goes on.

Packets go through aiortc's own NackGenerator first, as in its receiver, then into the
hub's relay; the relay's clock is moved by the test, so no test waits. What the relay lets
through is what every subscriber gets: checked to be in order, frames whole, and numbered
without a hole where a gap was given up.
"""

from __future__ import annotations

from aiortc.rtcrtpreceiver import NackGenerator
from aiortc.rtp import RtpPacket

from signaling.media.recovery import GIVE_UP_AFTER, RecoveringRelay
from signaling.media.relay import PassingRelay

PACKETS_PER_FRAME = 3
TICKS_PER_FRAME = 6000  # 15 fps at 90 kHz
KEYFRAMES = {0, 5, 9}  # frames a decoder can start from


class Stream:
    """A video stream of three-packet frames arriving at the hub, with a clock the test moves."""

    def __init__(self) -> None:
        self.now = 0.0
        self.nacks: list[list[int]] = []
        self.keyframe_requests = 0
        self.frames: list[int] = []  # frame numbers that went through whole, in order
        self.numbers: list[int] = []  # the sequence numbers the relay gave what went through
        self._parts: list[int] = []
        self.generator = NackGenerator()
        self.relay = RecoveringRelay(self.generator.missing, lambda ssrc, lost: self.nacks.append(lost),
                                     self._keyframe_wanted, self._starts_keyframe, clock=lambda: self.now)

    def _keyframe_wanted(self) -> None:
        self.keyframe_requests += 1

    @staticmethod
    def _starts_keyframe(packet: RtpPacket) -> bool:
        return packet.sequence_number % PACKETS_PER_FRAME == 0 and packet.sequence_number // 3 in KEYFRAMES

    def arrive(self, *seqs: int, every: float = 0.02) -> None:
        """Packets by sequence number (frame = seq // 3), `every` seconds apart."""
        for seq in seqs:
            self.now += every
            frame = seq // PACKETS_PER_FRAME
            packet = RtpPacket(payload_type=96, sequence_number=seq, timestamp=frame * TICKS_PER_FRAME, ssrc=7,
                               marker=int(seq % PACKETS_PER_FRAME == PACKETS_PER_FRAME - 1),
                               payload=bytes([frame, seq % PACKETS_PER_FRAME]))
            self.generator.add(packet)
            assert self.relay.add(packet) == (False, None)
            for through, number, _ in self.relay.take():
                self._through(through, number)

    def _through(self, packet: RtpPacket, number: int) -> None:
        if self.numbers:
            assert number == (self.numbers[-1] + 1) % 65536, "a hole or a step back in the numbering"
        self.numbers.append(number)
        part = packet.sequence_number % PACKETS_PER_FRAME
        if part == 0:
            self._parts = []
        self._parts.append(packet.sequence_number)
        if packet.marker:
            frame = packet.sequence_number // PACKETS_PER_FRAME
            assert self._parts == [3 * frame, 3 * frame + 1, 3 * frame + 2], "a damaged frame went through"
            self.frames.append(frame)

    @property
    def skips(self) -> int:
        return self.relay.skips


async def test_a_lost_packet_is_asked_for_again_less_often_each_time_until_it_comes() -> None:
    stream = Stream()
    stream.arrive(0, 1, 2, 3, 4, 5, 6, 8)  # 7 lost: aiortc asks once, on seeing 8
    stream.arrive(9, 10, 11, every=0.03)
    assert stream.nacks == []
    stream.arrive(12, every=0.03)  # 0.12 s after the first ask
    assert stream.nacks == [[7]]
    stream.arrive(*range(13, 24), every=0.03)  # 0.33 s more: once more, 0.2 s after the last
    assert stream.nacks == [[7], [7]]
    assert stream.relay.recovered == 0
    stream.arrive(7, *range(24, 30))  # the retransmission
    assert stream.frames[:4] == [0, 1, 2, 3] and stream.skips == 0
    assert stream.nacks == [[7], [7]] and stream.relay.recovered == 1


async def test_a_packet_missing_past_the_deadline_is_given_up_for_the_next_keyframe() -> None:
    stream = Stream()
    stream.arrive(0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12)  # 7 lost for good
    assert stream.frames == [0, 1]  # everything after frame 2 waits for it
    stream.arrive(13, every=GIVE_UP_AFTER)
    assert stream.skips == 1 and stream.keyframe_requests >= 1
    assert stream.frames == [0, 1]  # frames 3 and 4 refer to frame 2: nobody could decode them
    assert 7 not in stream.generator.missing  # and no longer asked for
    stream.arrive(14, 15, 16, 17, 18, 19, 20)
    assert stream.frames == [0, 1, 5, 6]  # on from the keyframe, numbered right after frame 1


async def test_a_frame_short_of_several_packets_recovered_one_by_one_is_given_up_in_time() -> None:
    stream = Stream()
    stream.arrive(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 14, 15)  # 10 and 11, two thirds of frame 3, lost
    stream.arrive(10, every=0.3)  # comes well within the deadline, but 11 is still missing...
    assert stream.skips == 0 and stream.frames == [0, 1, 2]
    stream.arrive(16, every=0.3)  # ...and the picture has been held 0.6 s: frame 3 is given up
    assert stream.skips == 1
    stream.arrive(17, 18)  # frame 4 refers to frame 3: the stream goes on at frame 5, a keyframe
    assert stream.frames == [0, 1, 2, 5]


async def test_a_packet_aiortc_stopped_asking_for_is_given_up_at_once() -> None:
    stream = Stream()
    stream.arrive(0, 1, 2, 3, 4, 5, 6, every=0.001)
    stream.arrive(*range(8, 8 + 130), every=0.001)  # 7 lost; 130 later packets: past aiortc's NACK window
    assert stream.now < GIVE_UP_AFTER
    assert stream.skips == 1
    assert stream.frames[:3] == [0, 1, 5]  # everything held from the keyframe on goes at once
    assert len(stream.frames) == 2 + (137 - 15 + 1) // PACKETS_PER_FRAME
    stream.arrive(*range(138, 138 + 60), every=0.001)
    assert stream.frames == [0, 1, *range(5, len(stream.frames) + 3)] and len(stream.frames) > 50


async def test_with_no_keyframe_held_the_relay_waits_for_one_and_asks_again() -> None:
    stream = Stream()
    stream.arrive(0, 1, 2, 3, 4, 5, 6, 8, 10, 11)  # 7 and 9 (frame 3's first) lost
    stream.arrive(13, every=GIVE_UP_AFTER)  # 12, frame 4's first, lost as well
    assert stream.skips == 1 and stream.frames == [0, 1]
    asked = stream.keyframe_requests
    stream.arrive(14, 15, 16, 17, 18, 19)  # 15 starts frame 5, a keyframe: whole frames again
    assert stream.frames == [0, 1, 5]
    assert stream.keyframe_requests > asked  # asked again while waiting (the requester rate-limits)
    assert not {7, 9, 12} & stream.generator.missing


async def test_asking_again_waits_longer_once_retransmissions_are_seen_to_take_longer() -> None:
    stream = Stream()
    stream.arrive(0, 1, 2)
    for frame in range(1, 12):  # each frame's middle packet comes 0.3 s late, as over a loaded link
        first = frame * PACKETS_PER_FRAME
        stream.arrive(first, first + 2, every=0.05)
        if frame > 3:
            stream.arrive(first - 8, every=0.05)
    assert 0.2 < stream.relay.recovery_time < 0.35
    assert stream.skips == 0 and stream.frames == list(range(9))


async def test_sound_is_numbered_on_across_packets_lost_before_the_hub() -> None:
    relay = PassingRelay()
    through: list[tuple[int, int]] = []
    for seq in (65533, 65534, 1, 2, 0, 5, 6):  # 65535 and 3, 4 lost; 0 comes after 2: too late
        relay.add(RtpPacket(payload_type=111, sequence_number=seq, timestamp=seq * 960, ssrc=9))
        through += [(packet.sequence_number, number) for packet, number, _ in relay.take()]
    assert [seq for seq, _ in through] == [65533, 65534, 1, 2, 5, 6]
    assert [number for _, number in through] == [65533, 65534, 65535, 0, 1, 2]  # no hole to wait for
