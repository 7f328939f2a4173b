"""Loss recovery at the hub's video receiver: a lost packet is asked for again, and given up in time.

Packets go through aiortc's own NackGenerator first, as in its receiver, then into the
hub's jitter buffer; the buffer's clock is moved by the test, so no test waits.
"""

from __future__ import annotations

from aiortc.jitterbuffer import JitterFrame
from aiortc.rtcrtpreceiver import NackGenerator
from aiortc.rtp import RtpPacket

from signaling.media.recovery import GIVE_UP_AFTER, RecoveringJitterBuffer

PACKETS_PER_FRAME = 3
TICKS_PER_FRAME = 6000  # 15 fps at 90 kHz


class Stream:
    """A video stream of three-packet frames arriving at the hub, with a clock the test moves."""

    def __init__(self) -> None:
        self.now = 0.0
        self.nacks: list[list[int]] = []
        self.skips = 0
        self.frames: list[int] = []  # frame numbers that came out whole, in order
        self.generator = NackGenerator()
        self.buffer = RecoveringJitterBuffer(self.generator.missing, lambda ssrc, lost: self.nacks.append(lost),
                                             self._skipped, clock=lambda: self.now)

    def _skipped(self) -> None:
        self.skips += 1

    def arrive(self, *seqs: int, every: float = 0.02) -> None:
        """Packets by sequence number (frame = seq // 3), `every` seconds apart."""
        for seq in seqs:
            self.now += every
            frame = seq // PACKETS_PER_FRAME
            packet = RtpPacket(payload_type=96, sequence_number=seq, timestamp=frame * TICKS_PER_FRAME, ssrc=7,
                               payload=bytes([frame, seq % PACKETS_PER_FRAME]))
            packet._data = packet.payload  # type: ignore[attr-defined]  # what aiortc's depayloader sets
            self.generator.add(packet)
            _, out = self.buffer.add(packet)
            if out is not None:
                self.frames.append(self._whole(out))

    @staticmethod
    def _whole(out: JitterFrame) -> int:
        frame = out.timestamp // TICKS_PER_FRAME
        assert out.data == b"".join(bytes([frame, i]) for i in range(PACKETS_PER_FRAME)), "a damaged frame came out"
        return frame


async def test_a_lost_packet_is_asked_for_again_less_often_each_time_until_it_comes() -> None:
    stream = Stream()
    stream.arrive(0, 1, 2, 3, 4, 5, 6, 8)  # 7 lost: aiortc asks once, on seeing 8
    stream.arrive(9, 10, 11, every=0.03)
    assert stream.nacks == []
    stream.arrive(12, every=0.03)  # 0.12 s after the first ask
    assert stream.nacks == [[7]]
    stream.arrive(*range(13, 24), every=0.03)  # 0.33 s more: once more, 0.2 s after the last
    assert stream.nacks == [[7], [7]]
    stream.arrive(7, *range(24, 30))  # the retransmission
    assert stream.frames[:4] == [0, 1, 2, 3] and stream.skips == 0
    assert stream.nacks == [[7], [7]]


async def test_a_packet_missing_past_the_deadline_is_given_up_for_the_next_whole_frame() -> None:
    stream = Stream()
    stream.arrive(0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12)  # 7 lost for good
    assert stream.frames == [0, 1]  # everything after frame 2 waits for it
    stream.arrive(13, every=GIVE_UP_AFTER)
    assert stream.skips == 1
    assert stream.frames == [0, 1, 3]  # frame 2 given up, frame 3 whole
    assert 7 not in stream.generator.missing  # and no longer asked for
    stream.arrive(14, 15, 16)
    assert stream.frames == [0, 1, 3, 4]


async def test_a_frame_short_of_several_packets_recovered_one_by_one_is_given_up_in_time() -> None:
    stream = Stream()
    stream.arrive(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 14, 15)  # 10 and 11, two thirds of frame 3, lost
    stream.arrive(10, every=0.3)  # comes well within the deadline, but 11 is still missing...
    assert stream.skips == 0 and stream.frames == [0, 1, 2]
    stream.arrive(16, every=0.3)  # ...and the picture has been held 0.6 s: frame 3 is given up
    assert stream.skips == 1
    stream.arrive(17, 18)  # frame 4 may have begun with 11: the next sure start is frame 5's
    assert stream.frames == [0, 1, 2, 5]


async def test_a_packet_aiortc_stopped_asking_for_is_given_up_at_once() -> None:
    stream = Stream()
    stream.arrive(0, 1, 2, 3, 4, 5, 6, every=0.001)
    stream.arrive(*range(8, 8 + 130), every=0.001)  # 7 lost; 130 later packets: past aiortc's NACK window
    assert stream.now < GIVE_UP_AFTER
    assert stream.skips == 1
    assert stream.frames[:3] == [0, 1, 3]
    stream.arrive(*range(138, 138 + 60), every=0.001)  # one frame out per packet in: the backlog drains
    assert stream.frames == [0, 1, *range(3, len(stream.frames) + 1)] and len(stream.frames) > 50


async def test_with_no_whole_frame_left_the_buffer_waits_for_a_frame_start() -> None:
    stream = Stream()
    stream.arrive(0, 1, 2, 3, 4, 5, 6, 8, 10, 11)  # 7 and 9 (frame 3's first) lost: no frame starts whole
    stream.arrive(13, every=GIVE_UP_AFTER)  # 12, frame 4's first, lost as well
    assert stream.skips == 1 and stream.frames == [0, 1]
    stream.arrive(14, 15, 16, 17, 18, 19)  # 15 follows 14 and starts frame 5: whole frames again
    assert stream.frames == [0, 1, 5]
    assert not {7, 9, 12} & stream.generator.missing


async def test_asking_again_waits_longer_once_retransmissions_are_seen_to_take_longer() -> None:
    stream = Stream()
    stream.arrive(0, 1, 2)
    for frame in range(1, 12):  # each frame's middle packet comes 0.3 s late, as over a loaded link
        first = frame * PACKETS_PER_FRAME
        stream.arrive(first, first + 2, every=0.05)
        if frame > 3:
            stream.arrive(first - 8, every=0.05)
    assert 0.2 < stream.buffer.recovery_time < 0.35
    assert stream.skips == 0 and stream.frames == list(range(9))
