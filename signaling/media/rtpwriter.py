"""RTP packets as one subscriber's connection carries them: the forwarded packet, rewritten.

What changes between the publisher's packet and the subscriber's: the SSRC and payload type
(the subscriber's sender has its own), the sequence number and timestamp (shifted so the
stream stays continuous when the slot changes publisher), and the header extensions: the
MID names the subscriber's m-line, abs-send-time is the hub's send time (the subscriber's
bandwidth estimate is of the hub→subscriber path, see feedback.py) and the audio level is
kept. CSRCs and padding are not carried. The payload is copied as it came.
A retransmission (RFC 4588 RTX) of a packet sent is the same packet on the RTX stream,
its original sequence number before the payload.
"""

from __future__ import annotations

import struct
import time

from aiortc.codecs import is_rtx
from aiortc.rtcrtpparameters import RTCRtpSendParameters
from aiortc.rtp import RTP_HISTORY_SIZE, RtpPacket

MID_URI = "urn:ietf:params:rtp-hdrext:sdes:mid"
ABS_SEND_TIME_URI = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"
AUDIO_LEVEL_URI = "urn:ietf:params:rtp-hdrext:ssrc-audio-level"

_HEADER = struct.Struct("!BBHLL")
_VERSION_WITH_EXTENSION = 0x90  # version 2, no padding, one extension block, no CSRC
_ONE_BYTE_PROFILE = b"\xbe\xde"  # RFC 8285 one-byte header extensions
_NTP_UNIX_OFFSET = 2208988800  # seconds from 1900 to 1970
_ABS_SEND_TIME_UNITS = 1 << 18  # abs-send-time is seconds in 6.18 fixed point, 24 bits


def abs_send_time() -> int:
    """Now, as the abs-send-time header extension carries it."""
    return int((time.time() + _NTP_UNIX_OFFSET) * _ABS_SEND_TIME_UNITS) & 0xFFFFFF


class RtpWriter:
    """Serialises forwarded packets for one sender of one subscriber's connection."""

    def __init__(self, parameters: RTCRtpSendParameters, ssrc: int, rtx_ssrc: int) -> None:
        codec = parameters.codecs[0]
        assert codec.payloadType is not None, "a sender's parameters carry negotiated payload types"
        self.payload_type: int = codec.payloadType
        self.rtx_payload_type = next((c.payloadType for c in parameters.codecs
                                      if is_rtx(c) and c.parameters.get("apt") == codec.payloadType), None)
        self.ssrc = ssrc
        self.rtx_ssrc = rtx_ssrc
        ids = {ext.uri: ext.id for ext in parameters.headerExtensions}
        mid = (parameters.muxId or "").encode()
        self._mid = bytes([ids[MID_URI] << 4 | len(mid) - 1]) + mid if mid and MID_URI in ids else b""
        self._abs_send_time = ids.get(ABS_SEND_TIME_URI)
        self._audio_level = ids.get(AUDIO_LEVEL_URI)

    def packet(self, packet: RtpPacket, seq: int, timestamp: int) -> bytes:
        """The forwarded packet with this sender's header."""
        header = _HEADER.pack(_VERSION_WITH_EXTENSION, packet.marker << 7 | self.payload_type, seq,
                              timestamp, self.ssrc)
        return header + self._extensions(packet) + packet.payload

    def retransmission(self, original: tuple[int, int, int, bytes], rtx_seq: int) -> bytes:
        """An RTX packet carrying a packet sent before: (seq, timestamp, marker, payload)."""
        seq, timestamp, marker, payload = original
        assert self.rtx_payload_type is not None
        header = _HEADER.pack(_VERSION_WITH_EXTENSION, marker << 7 | self.rtx_payload_type, rtx_seq,
                              timestamp, self.rtx_ssrc)
        return header + self._extensions(None) + seq.to_bytes(2, "big") + payload

    def _extensions(self, packet: RtpPacket | None) -> bytes:
        elements = self._mid
        if self._abs_send_time is not None:
            elements += bytes([self._abs_send_time << 4 | 2]) + abs_send_time().to_bytes(3, "big")
        if self._audio_level is not None and packet is not None and packet.extensions.audio_level is not None:
            voice, level = packet.extensions.audio_level
            elements += bytes([self._audio_level << 4, voice << 7 | level])
        elements += bytes(-len(elements) % 4)
        return _ONE_BYTE_PROFILE + (len(elements) // 4).to_bytes(2, "big") + elements


class History:
    """The packets last sent on one stream, for retransmission (as many as aiortc keeps)."""

    def __init__(self) -> None:
        self._sent: list[tuple[int, int, int, bytes] | None] = [None] * RTP_HISTORY_SIZE

    def add(self, seq: int, timestamp: int, marker: int, payload: bytes) -> None:
        self._sent[seq % RTP_HISTORY_SIZE] = (seq, timestamp, marker, payload)

    def get(self, seq: int) -> tuple[int, int, int, bytes] | None:
        """The packet sent as `seq`, if it is still kept."""
        found = self._sent[seq % RTP_HISTORY_SIZE]
        return found if found is not None and found[0] == seq else None
