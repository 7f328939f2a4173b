"""SRTP on the hub's connections, the short way: handled where it arrives, sent at once.

In: aioice hands every datagram of a connection to an asyncio queue, which the DTLS transport's
task reads: each packet costs a queue hop and a turn of the event loop before aiortc even
decrypts it. On a hub connection, SRTP and SRTCP datagrams (first byte 128–191, RFC 7983)
skip the queue once the DTLS handshake has given the keys: they are decrypted and handled
at once, through the DTLS transport's own handlers, so the relays, feedback and stats see
exactly what aiortc would have given them. DTLS and anything else still takes the queue.

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
from collections.abc import Coroutine, Generator
from typing import Any

import pylibsrtp
from aioice.ice import StunProtocol
from aiortc import clock
from aiortc.rtcdtlstransport import RTCDtlsTransport, State
from aiortc.rtp import is_rtcp

from protocol.tasks import BackgroundTasks

logger = logging.getLogger(__name__)

# aiortc counts what its transport carried under name-mangled private attributes.
_RX_BYTES = "_RTCDtlsTransport__rx_bytes"
_RX_PACKETS = "_RTCDtlsTransport__rx_packets"
_TX_BYTES = "_RTCDtlsTransport__tx_bytes"
_TX_PACKETS = "_RTCDtlsTransport__tx_packets"


def handle_srtp_on_arrival(dtls: RTCDtlsTransport, tasks: BackgroundTasks) -> None:
    """Make `dtls`'s ICE connection hand SRTP/SRTCP straight to it; DTLS keeps the queue."""
    connection: Any = dtls.transport._connection
    queue = connection.data_received

    def data_received(data: bytes, component: int) -> None:
        if 127 < data[0] < 192 and dtls._state is State.CONNECTED:
            setattr(dtls, _RX_BYTES, getattr(dtls, _RX_BYTES) + len(data))
            setattr(dtls, _RX_PACKETS, getattr(dtls, _RX_PACKETS) + 1)
            run_eagerly(_srtp_arrived(dtls, data), tasks)
        else:
            queue(data, component)

    connection.data_received = data_received


def send_srtp_now(dtls: RTCDtlsTransport, packet: bytes) -> bool:
    """Encrypt an RTP packet and send it over the connection's UDP pair; False where that cannot be."""
    pair: Any = dtls.transport._connection._nominated.get(1)
    if dtls._state is not State.CONNECTED or pair is None or type(pair.protocol) is not StunProtocol:
        return False
    data = dtls._tx_srtp.protect(packet)
    pair.protocol.transport.sendto(data, pair.remote_addr)
    setattr(dtls, _TX_BYTES, getattr(dtls, _TX_BYTES) + len(data))
    setattr(dtls, _TX_PACKETS, getattr(dtls, _TX_PACKETS) + 1)
    return True


async def _srtp_arrived(dtls: RTCDtlsTransport, data: bytes) -> None:
    """What the DTLS transport's receive loop does with an SRTP or SRTCP datagram."""
    arrival_time_ms = clock.current_ms()
    try:
        if is_rtcp(data):
            await dtls._handle_rtcp_data(dtls._rx_srtp.unprotect_rtcp(data))
        else:
            await dtls._handle_rtp_data(dtls._rx_srtp.unprotect(data), arrival_time_ms=arrival_time_ms)
    except pylibsrtp.Error as exc:
        logger.debug("SRTP unprotect failed: %s", exc)


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
