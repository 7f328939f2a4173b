"""A subscriber's outgoing stream: one publisher's RTP packets, rewritten and sent on.

Each slot's sender (aiortc's RTCRtpSender) keeps what it does for any stream — RTCP
sender reports, answering receiver reports, routing the subscriber's feedback — but sends
no media of its own: its track never yields (`IdleTrack`). The publication hands every
packet it lets through to `ForwardedStream.send`, which rewrites the header for this
connection (rtpwriter.py), keeps it for retransmission and sends it encrypted (SRTP) on
the connection (srtp_path.py). The sender's retransmissions answer from that history.

A video stream starts at a keyframe, so a subscriber never gets packets it cannot decode,
and numbers its packets on without a hole when it restarts; when the slot changes
publisher, timestamps are shifted too so they keep rising.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Protocol

from aiortc import RTCRtpSender
from aiortc.mediastreams import MediaStreamTrack
from aiortc.rtcrtpparameters import RTCRtpSendParameters
from aiortc.rtp import RtpPacket
from aiortc.utils import uint16_add

from protocol.tasks import BackgroundTasks

from .framing import MediaKind
from .rtpwriter import History, RtpWriter
from .srtp_path import CurrentSession, outgoing_srtp, send_srtp_now

logger = logging.getLogger(__name__)

# Gap inserted between the last packet of one publisher and the first of the next (in
# RTP clock ticks per second / step): one video frame at 30 fps, one 20 ms audio frame.
STEPS_PER_SECOND = {"audio": 50, "video": 30}
_NTP_UNIX_OFFSET = 2208988800

# aiortc's sender keeps its report figures under name-mangled private attributes; the
# forwarded packets are what it sends, so this module keeps them up to date.
_NTP_TIMESTAMP = "_RTCRtpSender__ntp_timestamp"
_RTP_TIMESTAMP = "_RTCRtpSender__rtp_timestamp"
_PACKET_COUNT = "_RTCRtpSender__packet_count"
_OCTET_COUNT = "_RTCRtpSender__octet_count"


class PacketSource(Protocol):
    """What a forwarded stream needs from the publisher it carries."""

    def request_keyframe(self) -> None: ...


class IdleTrack(MediaStreamTrack):
    """The sender's track: it never yields, so the sender's own media loop just waits."""

    def __init__(self, kind: MediaKind) -> None:
        super().__init__()
        self.kind = kind

    async def recv(self) -> Any:
        await asyncio.get_running_loop().create_future()  # until the sender stops (cancelled)


class ForwardedStream:
    """One kind of one slot: the current publisher's packets to one subscriber."""

    def __init__(self, kind: MediaKind) -> None:
        self.kind = kind
        self.track = IdleTrack(kind)
        self.frames_forwarded = 0
        self._sender: RTCRtpSender | None = None
        self._writer: RtpWriter | None = None
        self._protect: CurrentSession | None = None
        self._relayed = BackgroundTasks("forwarding over TURN", logger)
        self._history = History()
        self._clock_rate = 0
        self._source: PacketSource | None = None
        self._confirmed = False
        self._waiting_for_keyframe = kind == "video"
        self._restart = True  # the next packet sent continues the numbering
        self._new_source = False  # ... and the timestamps, for a publisher that took over the slot
        self._seq_offset = 0
        self._ts_offset = 0
        self._last: tuple[int, int] | None = None  # (seq, timestamp) last sent
        self._rtx_seq = 0
        self._packets = 0
        self._octets = 0

    @property
    def source(self) -> PacketSource | None:
        """The publisher whose packets this stream carries now."""
        return self._source

    def bind(self, sender: RTCRtpSender) -> None:
        """Send through `sender`, once its connection is up; its NACKs answer from our history."""
        self._sender = sender
        start = sender.send

        async def send(parameters: RTCRtpSendParameters) -> None:
            self._start(parameters, sender)
            await start(parameters)

        setattr(sender, "send", send)
        setattr(sender, "_retransmit", self._retransmit)

    def attach(self, source: PacketSource) -> None:
        """Carry `source` once the subscriber has accepted the offer that announces it."""
        self._source = source
        self._confirmed = False
        self._new_source = True

    def confirm(self) -> None:
        """The subscriber answered the offer naming the source: start at its next keyframe."""
        if self._source is not None and not self._confirmed:
            self._confirmed = True
            self._restart_stream()

    def detach(self) -> None:
        """Carry nothing until the next attach."""
        self._source = None

    def send(self, packet: RtpPacket, seq: int, keyframe_start: bool) -> None:
        """Called by the source for every packet it lets through (on the event loop)."""
        writer = self._writer
        if writer is None or not self._confirmed:
            return  # the subscriber cannot take these packets yet: they would arrive late or lost
        if self._waiting_for_keyframe:
            if not keyframe_start:
                self._want_keyframe()
                return
            self._waiting_for_keyframe = False
        if self._restart:
            self._continue_from(seq, packet.timestamp)
        out_seq = (seq + self._seq_offset) & 0xFFFF
        timestamp = (packet.timestamp + self._ts_offset) & 0xFFFFFFFF
        data = writer.packet(packet, out_seq, timestamp)
        if self.kind == "video":
            self._history.add(out_seq, timestamp, packet.marker, packet.payload)
            self.frames_forwarded += packet.marker
        else:
            self.frames_forwarded += 1
        self._last = (out_seq, timestamp)
        self._transmit(data, timestamp, len(packet.payload))

    def _start(self, parameters: RTCRtpSendParameters, sender: RTCRtpSender) -> None:
        """The subscriber's connection is up: ask for a keyframe now rather than wait to be asked."""
        self._writer = RtpWriter(parameters, sender._ssrc, sender._rtx_ssrc)
        self._protect = outgoing_srtp(sender.transport)
        self._clock_rate = parameters.codecs[0].clockRate
        self._want_keyframe()

    def _continue_from(self, seq: int, timestamp: int) -> None:
        """Number this packet right after the last one sent; after a new publisher, time it so too."""
        self._restart = False
        new_source, self._new_source = self._new_source, False
        if self._last is None:
            return
        last_seq, last_ts = self._last
        self._seq_offset = uint16_add(last_seq, 1 - seq)
        if new_source:
            step = self._clock_rate // STEPS_PER_SECOND[self.kind]
            self._ts_offset = (last_ts + step - timestamp) & 0xFFFFFFFF

    def _transmit(self, data: bytes, timestamp: int, payload_size: int) -> None:
        sender = self._sender
        assert sender is not None and self._protect is not None
        if not send_srtp_now(sender.transport, self._protect, data):
            if sender.transport.state != "connected":
                return  # the subscriber's connection is closing
            self._relayed.spawn(self._send_over_turn(sender, data))
        self._packets += 1
        self._octets += payload_size
        # What the sender's next report (RTCP SR) says: the pair lets the subscriber line
        # up sound and picture, the counts let it judge losses.
        setattr(sender, _NTP_TIMESTAMP, int((time.time() + _NTP_UNIX_OFFSET) * (1 << 32)))
        setattr(sender, _RTP_TIMESTAMP, timestamp)
        setattr(sender, _PACKET_COUNT, self._packets)
        setattr(sender, _OCTET_COUNT, self._octets)

    @staticmethod
    async def _send_over_turn(sender: RTCRtpSender, data: bytes) -> None:
        """aiortc's way, through its coroutines, where the pair is not a plain UDP socket."""
        try:
            await sender.transport._send_rtp(data)
        except ConnectionError:
            pass  # the subscriber's connection is closing

    async def _retransmit(self, seq: int) -> None:
        """The subscriber lost packet `seq` (NACK): send it again on the RTX stream."""
        sent = self._history.get(seq)
        if sent is None or self._writer is None or self._writer.rtx_payload_type is None:
            return
        self._rtx_seq = uint16_add(self._rtx_seq, 1)
        data = self._writer.retransmission(sent, self._rtx_seq)
        assert self._sender is not None
        try:
            await self._sender.transport._send_rtp(data)
        except ConnectionError:
            pass  # the subscriber's connection is closing

    def _restart_stream(self) -> None:
        self._restart = True
        self._waiting_for_keyframe = self.kind == "video"
        self._want_keyframe()

    def _want_keyframe(self) -> None:
        if self._source is not None and self._writer is not None and self._confirmed and \
                self._waiting_for_keyframe:
            self._source.request_keyframe()
