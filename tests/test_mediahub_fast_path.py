"""The hub's short ways with each packet give exactly what aiortc's and pylibsrtp's long ways give (#25)."""

from __future__ import annotations

import asyncio
import os
import socket
import struct
from collections import Counter
from collections.abc import Callable
from typing import Any

import pylibsrtp
import pytest
from aioice.ice import StunProtocol
from aiortc import clock
from aiortc.rtcrtpparameters import RTCRtpHeaderExtensionParameters, RTCRtpReceiveParameters
from aiortc.rtp import HeaderExtensionsMap, RtpPacket

from signaling.media import MediaHub
from signaling.media.rtpreader import RtpReader
from signaling.media.srtp_path import SrtpSession, arrival_ms

from .mediahub_peers import board_fixture, eventually, hub_fixture, join  # noqa: F401

MID = "urn:ietf:params:rtp-hdrext:sdes:mid"
ABS_SEND_TIME = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"
AUDIO_LEVEL = "urn:ietf:params:rtp-hdrext:ssrc-audio-level"
TOFFSET = "urn:ietf:params:rtp-hdrext:toffset"
PAYLOAD = bytes(range(200))
RED = (220, 30, 30)
BLUE = (30, 30, 220)


def configured(*uris: str, first_id: int = 1) -> HeaderExtensionsMap:
    extensions = HeaderExtensionsMap()
    extensions.configure(RTCRtpReceiveParameters(headerExtensions=[
        RTCRtpHeaderExtensionParameters(id=first_id + n, uri=uri) for n, uri in enumerate(uris)]))
    return extensions


def header(first: int = 0x90, marker_type: int = 0x80 | 96) -> bytes:
    return struct.pack("!BBHLL", first, marker_type, 65535, 4_000_000_000, 0x12345678)


def one_byte_block(*elements: bytes) -> bytes:
    body = b"".join(elements)
    body += bytes(-len(body) % 4)
    return b"\xbe\xde" + (len(body) // 4).to_bytes(2, "big") + body


def element(x_id: int, value: bytes) -> bytes:
    return bytes([x_id << 4 | len(value) - 1]) + value


PACKETS = {
    "video: MID and abs-send-time": header() + one_byte_block(element(1, b"0"), element(2, b"\x12\x34\x56"))
    + PAYLOAD,
    "audio: MID and voice level": header() + one_byte_block(element(1, b"1"), element(3, b"\xde")) + PAYLOAD,
    "padding bytes between elements": header() + one_byte_block(element(1, b"12"), b"\x00\x00",
                                                                element(2, b"\x00\x00\x01")) + PAYLOAD,
    "an id not negotiated": header() + one_byte_block(element(9, b"abc"), element(2, b"\x00\x00\x02")) + PAYLOAD,
    "no extensions": header(0x80) + PAYLOAD,
    "a negotiated kind not read here": header() + one_byte_block(element(4, b"\x00\x10\x00")) + PAYLOAD,
    "two-byte extensions": header() + b"\x10\x00\x00\x02" + b"\x01\x01" + b"0" + b"\x00" + b"\x00\x00\x00\x00"
    + PAYLOAD,
    "CSRCs": header(0x81) + b"\x00\x00\x00\x07" + PAYLOAD,
    "padding": header(0xA0) + PAYLOAD + b"\x00\x00\x03",
    "a MID that is not UTF-8": header() + one_byte_block(element(1, b"\xff")) + PAYLOAD,
    "an extension running past its block": header() + b"\xbe\xde\x00\x01" + bytes([0x2F, 1, 2, 3]) + PAYLOAD,
    "a block longer than the packet": header() + b"\xbe\xde\x00\x09" + b"\x10\x30",
    "a short header": header()[:10],
    "version 1": header(0x50) + PAYLOAD,
    "empty": b"",
}


def parsed(parse: Callable[[], RtpPacket]) -> dict[str, Any] | str:
    try:
        packet = parse()
    except ValueError as error:
        return f"{type(error).__name__}: {error}"
    return {**vars(packet), "extensions": vars(packet.extensions)}


@pytest.mark.parametrize("name", PACKETS)
def test_the_short_parser_gives_what_aiortcs_gives(name: str) -> None:
    extensions = configured(MID, ABS_SEND_TIME, AUDIO_LEVEL, TOFFSET)
    reader = RtpReader(extensions)
    data = PACKETS[name]
    assert parsed(lambda: reader.parse(data)) == parsed(lambda: RtpPacket.parse(data, extensions))


def test_an_abs_send_time_of_the_wrong_length_fails_as_in_aiortc() -> None:
    extensions = configured(MID, ABS_SEND_TIME)
    data = header() + one_byte_block(element(2, b"\x00\x01")) + PAYLOAD
    with pytest.raises(struct.error):
        RtpPacket.parse(data, extensions)
    with pytest.raises(struct.error):
        RtpReader(extensions).parse(data)


def test_the_short_parser_follows_ids_negotiated_after_it_was_made() -> None:
    extensions = HeaderExtensionsMap()
    reader = RtpReader(extensions)
    data = PACKETS["video: MID and abs-send-time"]
    assert reader.parse(data).extensions.abs_send_time is None
    extensions.configure(RTCRtpReceiveParameters(headerExtensions=[
        RTCRtpHeaderExtensionParameters(id=1, uri=MID), RTCRtpHeaderExtensionParameters(id=2, uri=ABS_SEND_TIME)]))
    packet = reader.parse(data)
    assert (packet.extensions.mid, packet.extensions.abs_send_time) == ("0", 0x123456)
    assert parsed(lambda: reader.parse(data)) == parsed(lambda: RtpPacket.parse(data, extensions))


def srtp_pair(key: bytes) -> tuple[pylibsrtp.Session, pylibsrtp.Session]:
    def session(direction: int) -> pylibsrtp.Session:
        return pylibsrtp.Session(pylibsrtp.Policy(key=key, ssrc_type=direction))
    return session(pylibsrtp.Policy.SSRC_ANY_OUTBOUND), session(pylibsrtp.Policy.SSRC_ANY_INBOUND)


def rtp(seq: int, size: int = 1100) -> bytes:
    return struct.pack("!BBHLL", 0x80, 96, seq, 90 * seq, 0x12345678) + os.urandom(size)


def test_the_lean_srtp_session_protects_and_unprotects_as_pylibsrtp_does() -> None:
    key = os.urandom(30)
    ours_out, ours_in = srtp_pair(key)
    theirs_out, theirs_in = srtp_pair(key)
    lean_out, lean_in = SrtpSession(ours_out), SrtpSession(ours_in)
    for seq in range(1, 40):
        packet = rtp(seq)
        protected = lean_out.protect(packet)
        assert protected == theirs_out.protect(packet)
        assert lean_in.unprotect(protected) == packet == theirs_in.unprotect(protected)


def test_the_lean_srtp_session_refuses_what_pylibsrtp_refuses() -> None:
    key = os.urandom(30)
    sender, receiver = srtp_pair(key)
    lean_in = SrtpSession(receiver)
    protected = bytearray(SrtpSession(sender).protect(rtp(1)))
    protected[20] ^= 1
    with pytest.raises(pylibsrtp.Error, match="authentication failure"):
        lean_in.unprotect(bytes(protected))
    with pytest.raises(ValueError, match="too long"):
        SrtpSession(sender).protect(rtp(2, size=1450))
    replayed = SrtpSession(sender).protect(rtp(3))
    lean_in.unprotect(replayed)
    with pytest.raises(pylibsrtp.Error, match="replay"):
        lean_in.unprotect(replayed)


async def test_srtp_reaches_the_hub_without_aioice_trying_it_as_stun(
    hub: MediaHub, board: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    tried_as_stun: Counter[int] = Counter()  # SRTP/SRTCP datagrams by the protocol that tried them
    stun_received = StunProtocol.datagram_received

    def counting(protocol: StunProtocol, data: bytes | str, addr: tuple[Any, ...]) -> None:
        if isinstance(data, bytes) and 127 < data[0] < 192:
            tried_as_stun[id(protocol)] += 1
        stun_received(protocol, data, addr)

    monkeypatch.setattr(StunProtocol, "datagram_received", counting)
    await hub.open_call("c1")
    village = await join(hub, board, "c1", "village", RED)
    approver = await join(hub, board, "c1", "approver", BLUE)
    await approver.wait_for_frames("village", 20)
    await village.wait_for_frames("approver", 20)

    for participant in hub._rooms["c1"].participants.values():
        dtls = participant.pc.getTransceivers()[0].receiver.transport
        protocols = dtls.transport._connection._protocols
        received = getattr(dtls, "_RTCDtlsTransport__rx_packets")
        assert received > 50
        assert sum(tried_as_stun[id(p)] for p in protocols) <= 2  # the first, before the pair was known


async def test_a_burst_queued_on_a_hub_socket_is_read_in_one_turn_of_the_event_loop(
    hub: MediaHub, board: Any
) -> None:
    await hub.open_call("c1")
    village = await join(hub, board, "c1", "village", RED)
    approver = await join(hub, board, "c1", "approver", BLUE)
    await approver.wait_for_frames("village", 5)
    pair = hub._rooms["c1"].participants["village"].pc.getTransceivers()[0].receiver.transport.transport \
        ._connection._nominated[1]
    turns = LoopTurns()
    read_in_turn: list[int] = []
    handle = pair.protocol.datagram_received

    def noting(data: bytes, addr: tuple[Any, ...]) -> None:
        if data.startswith(BURST_MARK):
            read_in_turn.append(turns.count)
        handle(data, addr)

    setattr(pair.protocol, "datagram_received", noting)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender:
        sender.bind((pair.local_candidate.host, 0))
        for _ in range(5):  # SRTP that fails its check: dropped by the hub, as a forged packet is
            sender.sendto(BURST_MARK + os.urandom(100), pair.protocol.transport.get_extra_info("sockname"))
    await eventually(lambda: len(read_in_turn) == 5)
    turns.stop()
    await village.wait_for_frames("approver", 5)  # the call goes on
    assert len(set(read_in_turn)) == 1


BURST_MARK = b"\x80\x60\xff\xff"


class LoopTurns:
    """Counts the event loop's turns: a callback that schedules itself runs once a turn."""

    def __init__(self) -> None:
        self.count = 0
        self._handle = asyncio.get_running_loop().call_soon(self._turn)

    def _turn(self) -> None:
        self.count += 1
        self._handle = asyncio.get_running_loop().call_soon(self._turn)

    def stop(self) -> None:
        self._handle.cancel()


def test_the_arrival_clock_is_aiortcs() -> None:
    before = clock.current_ms()
    ours = arrival_ms()
    assert before <= ours <= clock.current_ms() + 1  # aiortc's float arithmetic may fall 1 ms short
