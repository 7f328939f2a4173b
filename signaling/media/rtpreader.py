"""RTP packets as they arrive on a hub connection, parsed the short way.

aiortc's `RtpPacket.parse` splits every header extension into a list of (id, bytes) and
then matches each against every kind it knows (≈ 5 µs a packet on an idle core, three times
that between packets on a busy one). What browsers and aiortc send the hub is one shape:
version 2, no padding, no CSRC, one-byte extensions (RFC 8285) carrying the MID,
abs-send-time and audio level. `RtpReader.parse` reads that shape straight into the same
`RtpPacket` aiortc would make, and hands anything else (padding, CSRCs, two-byte
extensions, an extension of another kind or an unexpected length, a truncated packet) to
aiortc's parser, so every packet comes out exactly as aiortc's parser makes it.
"""

from __future__ import annotations

import struct

from aiortc.rtcrtpparameters import RTCRtpParameters
from aiortc.rtp import HeaderExtensions, HeaderExtensionsMap, RtpPacket

# First byte: version 2, no padding, no CSRC; with or without one extension block.
_PLAIN = 0x80
_WITH_EXTENSIONS = 0x90
_ONE_BYTE_PROFILE = 0xBEDE
_FIXED = struct.Struct("!xBHLL")
_EXTENSION_BLOCK = struct.Struct("!HH")
_HEADER_SIZE = 12

# aiortc's map keeps the negotiated ids under a name-mangled private attribute.
_IDS = "_HeaderExtensionsMap__ids"
# The order in which aiortc's parser matches an id against the kinds it knows.
_AIORTC_ORDER = ("mid", "repaired_rtp_stream_id", "rtp_stream_id", "abs_send_time", "transmission_offset",
                 "audio_level", "transport_sequence_number")
# The kinds read here besides the MID, each with its one length; any other goes to aiortc's parser.
_MID, _ABS_SEND_TIME, _AUDIO_LEVEL = "mid", "abs_send_time", "audio_level"
_SIZES = {_ABS_SEND_TIME: 3, _AUDIO_LEVEL: 1}


class RtpReader:
    """Parses the RTP packets of one DTLS transport, with that transport's extension ids."""

    def __init__(self, extensions: HeaderExtensionsMap) -> None:
        self._map = extensions
        ids: HeaderExtensions = getattr(extensions, _IDS)
        self._kinds = _kinds_of(ids)
        configure = extensions.configure

        def reconfigure(parameters: RTCRtpParameters) -> None:  # as each m-line is negotiated
            configure(parameters)
            self._kinds = _kinds_of(ids)

        setattr(extensions, "configure", reconfigure)

    def parse(self, data: bytes) -> RtpPacket:
        """The packet, as `RtpPacket.parse(data, extensions)` makes it; ValueError as it raises."""
        first = data[0] if data else 0
        if first == _WITH_EXTENSIONS and len(data) >= _HEADER_SIZE + 4:
            profile, words = _EXTENSION_BLOCK.unpack_from(data, _HEADER_SIZE)
            end = _HEADER_SIZE + 4 + 4 * words
            extensions = self._extensions(data, _HEADER_SIZE + 4, end) \
                if profile == _ONE_BYTE_PROFILE and end <= len(data) else None
        elif first == _PLAIN and len(data) >= _HEADER_SIZE:
            end, extensions = _HEADER_SIZE, HeaderExtensions()
        else:
            extensions = None
        if extensions is None:
            return RtpPacket.parse(data, self._map)
        marker_type, sequence_number, timestamp, ssrc = _FIXED.unpack_from(data)
        packet = RtpPacket(payload_type=marker_type & 0x7F, marker=marker_type >> 7,
                           sequence_number=sequence_number, timestamp=timestamp, ssrc=ssrc, payload=data[end:])
        packet.extensions = extensions
        return packet

    def _extensions(self, data: bytes, pos: int, end: int) -> HeaderExtensions | None:
        """The one-byte extensions in data[pos:end]; None where aiortc's parser must decide."""
        kinds = self._kinds
        found = HeaderExtensions()
        while pos < end:
            element = data[pos]
            if element == 0:  # padding between elements
                pos += 1
                continue
            kind = kinds.get(element >> 4)  # None: not negotiated, skipped as aiortc skips it
            size = (element & 0x0F) + 1
            pos += 1
            if pos + size > end:
                return None
            if kind == _MID:
                found.mid = data[pos:pos + size].decode("utf8")
            elif kind is not None and _SIZES.get(kind) != size:
                return None
            elif kind == _ABS_SEND_TIME:
                found.abs_send_time = int.from_bytes(data[pos:pos + 3], "big")
            elif kind == _AUDIO_LEVEL:
                level = data[pos]
                found.audio_level = (level & 0x80 == 0x80, level & 0x7F)
            pos += size
        return found


def _kinds_of(ids: HeaderExtensions) -> dict[int, str]:
    """Extension id → kind, matched as aiortc's parser matches them (the first kind with that id)."""
    kinds: dict[int, str] = {}
    for kind in _AIORTC_ORDER:
        x_id = getattr(ids, kind)
        if x_id is not None:
            kinds.setdefault(x_id, kind)
    return kinds
