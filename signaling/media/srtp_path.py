"""SRTP on the hub's connections, the short way: handled where it arrives, sent at once.

In: aioice hands every datagram of a connection to an asyncio queue, which the DTLS transport's
task reads: each packet costs a queue hop and a turn of the event loop before aiortc even
decrypts it. On a hub connection, SRTP and SRTCP datagrams (first byte 128–191, RFC 7983)
skip the queue once the DTLS handshake has given the keys: they are decrypted and handled
at once, through the DTLS transport's own handlers, so the relays, feedback and stats see
exactly what aiortc would have given them. DTLS and anything else still takes the queue.
Once the UDP pair is known, its socket hands such datagrams over before aioice tries each
as a STUN message, and reads on while datagrams are queued (a video frame arrives as a
burst of packets), so a burst costs one turn of the event loop, not one per packet. RTP
is parsed by `RtpReader` and SRTP goes through `SrtpSession`: each gives what aiortc's
parser and pylibsrtp's wrapper give, with less Python per packet.

The handlers are coroutines, but on this path they do not wait (sending a datagram does
not), so `run_eagerly` runs them to the end on the spot; should one wait after all, a task
carries it on from where it stopped.

Out: a forwarded packet goes through four coroutines (DTLS transport, ICE connection,
candidate pair's protocol, asyncio's transport) before `sendto`; over a direct UDP pair,
`send_srtp_now` encrypts it and hands it to the pair's socket itself. Over TURN it says
no, and the packet takes aiortc's way.
"""

from __future__ import annotations

import logging
import time
from asyncio.selector_events import _SelectorDatagramTransport  # type: ignore[attr-defined]
from collections.abc import Callable, Coroutine, Generator
from typing import Any

import pylibsrtp
from aioice.ice import StunProtocol
from aiortc.rtcdtlstransport import RTCDtlsTransport, State
from aiortc.rtp import is_rtcp
from pylibsrtp._binding import ffi, lib

from protocol.tasks import BackgroundTasks

from .rtpreader import RtpReader

logger = logging.getLogger(__name__)

# aiortc counts what its transport carried under name-mangled private attributes.
_RX_BYTES = "_RTCDtlsTransport__rx_bytes"
_RX_PACKETS = "_RTCDtlsTransport__rx_packets"
_TX_BYTES = "_RTCDtlsTransport__tx_bytes"
_TX_PACKETS = "_RTCDtlsTransport__tx_packets"

READ_AT_MOST = 16  # datagrams read from one socket at one wakeup, so other sockets get their turn

_NTP_EPOCH_MS = 2208988800 * 1000  # from 1900, where aiortc's clock counts from, to 1970

# libsrtp's functions, looked up once rather than on every packet.
_PROTECT = lib.srtp_protect
_UNPROTECT = lib.srtp_unprotect


def handle_srtp_on_arrival(dtls: RTCDtlsTransport, tasks: BackgroundTasks) -> None:
    """Make `dtls`'s ICE connection hand SRTP/SRTCP straight to it; DTLS keeps the queue."""
    connection: Any = dtls.transport._connection
    queue = connection.data_received
    unprotect = CurrentSession(dtls, "_rx_srtp")
    reader = RtpReader(dtls._rtp_header_extensions_map)
    shortcut: set[int] = set()  # the protocols whose datagrams come straight here

    def srtp_arrived(data: bytes) -> None:
        setattr(dtls, _RX_BYTES, getattr(dtls, _RX_BYTES) + len(data))
        setattr(dtls, _RX_PACKETS, getattr(dtls, _RX_PACKETS) + 1)
        run_eagerly(_srtp_arrived(dtls, data, unprotect(), reader), tasks)

    def data_received(data: bytes, component: int) -> None:
        if 127 < data[0] < 192 and dtls._state is State.CONNECTED:
            srtp_arrived(data)
            _shortcut_pair(connection, dtls, srtp_arrived, shortcut)
        else:
            queue(data, component)

    connection.data_received = data_received


def _shortcut_pair(connection: Any, dtls: RTCDtlsTransport, srtp_arrived: Callable[[bytes], None],
                   shortcut: set[int]) -> None:
    """Let the UDP pair's socket hand SRTP/SRTCP to `srtp_arrived` before aioice tries it as STUN,
    and read what has queued up on it at each wakeup."""
    pair: Any = connection._nominated.get(1)
    protocol = pair.protocol if pair is not None else None
    if type(protocol) is not StunProtocol or id(protocol) in shortcut:
        return  # over TURN, or done
    shortcut.add(id(protocol))
    stun_received = protocol.datagram_received
    received = [False]

    def datagram_received(data: bytes, addr: tuple[Any, ...]) -> None:
        received[0] = True
        if 127 < data[0] < 192 and dtls._state is State.CONNECTED:
            srtp_arrived(data)
        else:
            stun_received(data, addr)

    setattr(protocol, "datagram_received", datagram_received)
    transport = protocol.transport
    if isinstance(transport, _SelectorDatagramTransport) and transport.is_reading():
        read_one = transport._read_ready

        def read_ready() -> None:
            # asyncio's own read, again while it finds a datagram (a video frame comes as a burst)
            for _ in range(READ_AT_MOST):
                received[0] = False
                read_one()
                if not received[0]:
                    return

        setattr(transport, "_read_ready", read_ready)  # and so again if reading is resumed
        transport._add_reader(transport._sock_fd, read_ready)  # type: ignore[attr-defined]


def send_srtp_now(dtls: RTCDtlsTransport, protect: CurrentSession, packet: bytes) -> bool:
    """Encrypt an RTP packet and send it over the connection's UDP pair; False where that cannot be."""
    pair: Any = dtls.transport._connection._nominated.get(1)
    if dtls._state is not State.CONNECTED or pair is None or type(pair.protocol) is not StunProtocol:
        return False
    data = protect().protect(packet)
    pair.protocol.transport.sendto(data, pair.remote_addr)
    setattr(dtls, _TX_BYTES, getattr(dtls, _TX_BYTES) + len(data))
    setattr(dtls, _TX_PACKETS, getattr(dtls, _TX_PACKETS) + 1)
    return True


class SrtpSession:
    """A pylibsrtp session called without its wrapper's per-packet checks and allocations.

    pylibsrtp's `protect` and `unprotect` check the type, allocate a length and look the C
    function up on every call; here the length is allocated once and the functions bound
    once. The bytes in and out, and the errors, are the wrapper's (its buffer is shared:
    a packet is copied in and the result out, one call at a time on the event loop).
    """

    def __init__(self, session: pylibsrtp.Session) -> None:
        self.session = session  # keeps the C session alive
        self._srtp = session._srtp[0]  # type: ignore[attr-defined]
        self._cdata = session._cdata  # type: ignore[attr-defined]
        self._buffer = session._buffer  # type: ignore[attr-defined]
        self._room = len(self._buffer)
        self._length = ffi.new("int *")

    def protect(self, packet: bytes) -> bytes:
        """Apply SRTP protection to an RTP packet."""
        return self._process(packet, _PROTECT, pylibsrtp.SRTP_MAX_TRAILER_LEN)

    def unprotect(self, packet: bytes) -> bytes:
        """Check and strip the SRTP protection of an SRTP packet."""
        return self._process(packet, _UNPROTECT, 0)

    def _process(self, packet: bytes, function: Any, trailer: int) -> bytes:
        size = len(packet)
        if size > self._room - trailer:
            raise ValueError("packet is too long")
        self._length[0] = size
        self._buffer[0:size] = packet
        status = function(self._srtp, self._cdata, self._length)
        if status:
            raise pylibsrtp.Error(pylibsrtp.ERRORS[status])
        plain: bytes = self._buffer[0:self._length[0]]
        return plain


class CurrentSession:
    """The lean form of one of a DTLS transport's SRTP sessions, made again if DTLS makes a new one."""

    def __init__(self, dtls: RTCDtlsTransport, attribute: str) -> None:
        self._dtls = dtls
        self._attribute = attribute
        self._lean: SrtpSession | None = None

    def __call__(self) -> SrtpSession:
        session = getattr(self._dtls, self._attribute)
        if self._lean is None or self._lean.session is not session:
            self._lean = SrtpSession(session)
        return self._lean


def outgoing_srtp(dtls: RTCDtlsTransport) -> CurrentSession:
    """The lean form of `dtls`'s sending SRTP session, for `send_srtp_now`."""
    return CurrentSession(dtls, "_tx_srtp")


async def _srtp_arrived(dtls: RTCDtlsTransport, data: bytes, session: SrtpSession, reader: RtpReader) -> None:
    """What the DTLS transport's receive loop does with an SRTP or SRTCP datagram."""
    arrival_time_ms = arrival_ms()
    rtcp = is_rtcp(data)
    try:
        plain = dtls._rx_srtp.unprotect_rtcp(data) if rtcp else session.unprotect(data)
    except pylibsrtp.Error as exc:
        logger.debug("SRTP unprotect failed: %s", exc)
        return
    if rtcp:
        await dtls._handle_rtcp_data(plain)
        return
    # What RTCDtlsTransport._handle_rtp_data does, with the short parser.
    try:
        packet = reader.parse(plain)
    except ValueError as exc:
        logger.debug("RTP parsing failed: %s", exc)
        return
    receiver = dtls._rtp_router.route_rtp(packet)
    if receiver is not None:
        await receiver._handle_rtp_packet(packet, arrival_time_ms=arrival_time_ms)


def arrival_ms() -> int:
    """aiortc's `clock.current_ms()` (milliseconds since 1900) from the same clock, without datetimes."""
    return time.time_ns() // 1_000_000 + _NTP_EPOCH_MS


def run_eagerly(coroutine: Coroutine[Any, Any, None], tasks: BackgroundTasks) -> None:
    """Run `coroutine` now; if it has to wait, a task carries it on from there."""
    try:
        waiting = coroutine.send(None)
    except StopIteration:
        return
    except Exception:
        # Raised into the socket's callback, it would close the connection's transport.
        logger.exception("handling an incoming packet failed")
        return
    tasks.spawn(_carry_on(coroutine, waiting))


async def _carry_on(coroutine: Coroutine[Any, Any, None], waiting: Any) -> None:
    await _Resumed(coroutine, waiting)


class _Resumed:
    """An awaitable that goes on with a coroutine already started, from what it waits for."""

    def __init__(self, coroutine: Coroutine[Any, Any, None], waiting: Any) -> None:
        self._coroutine = coroutine
        self._waiting = waiting

    def __await__(self) -> Generator[Any, Any, None]:
        waiting = self._waiting
        while True:
            try:
                value = yield waiting
            except BaseException as error:  # cancellation too: the coroutine decides
                try:
                    waiting = self._coroutine.throw(error)
                except StopIteration:
                    return
            else:
                try:
                    waiting = self._coroutine.send(value)
                except StopIteration:
                    return
