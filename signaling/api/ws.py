"""The signaling WebSocket: sign in with a hello, then call, answer, join, SDP, ICE and chat.

Each message is a JSON object with a "type"; a malformed or out-of-order one gets an
"error" message back and changes nothing. An account that may not enter a call has its
socket closed with the reason (close code 4403).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable

from aiohttp import WSMsgType, web

from protocol.messages import ErrorMessage, MediaStats, Pong, Welcome
from protocol.words import ClientMessage, CloseCode, ErrorCode, ServerMessage

from ..access.accounts import session_account
from ..access.roles import Account
from ..appkeys import CALL_CENTER, CLOCK, DATABASE, EVENTS, SETTINGS
from ..calls.call_records import ringing_calls
from ..calls.callcenter import CallCenter
from ..calls.clients import Client
from ..calls.ice_servers import ice_servers_for
from ..exceptions import CunnengError, Forbidden, InvalidInput, NotAuthenticated, NotFound
from ..media.exceptions import MediaError
from .routing import Api
from .schemas import obj, text
from .validation import parse_json, validate_body

logger = logging.getLogger(__name__)
api = Api()

HELLO_SECONDS = 10

CALL_ID = text("通话编号", 32)
CANDIDATE = {"type": ["object", "null"], "title": "ICE 候选", "properties": {
    "candidate": {"type": "string", "maxLength": 2000}, "sdpMid": {"type": ["string", "null"], "maxLength": 64},
    "sdpMLineIndex": {"type": ["integer", "null"], "minimum": 0, "maximum": 64},
}}
MESSAGES: dict[str, dict[str, Any]] = {
    ClientMessage.CALL_REQUEST: obj(["case_id"], case_id={"type": "integer", "title": "办件编号", "minimum": 1}),
    ClientMessage.CALL_ACCEPT: obj(["call_id"], call_id=CALL_ID),
    ClientMessage.CALL_JOIN: obj(["call_id"], call_id=CALL_ID),
    ClientMessage.CALL_HANGUP: obj(["call_id"], call_id=CALL_ID),
    ClientMessage.MEDIA_ANSWER: obj(["call_id", "sdp"], call_id=CALL_ID, sdp=text("SDP", 100_000)),
    ClientMessage.MEDIA_CANDIDATE: obj(["call_id", "candidate"], call_id=CALL_ID, candidate=CANDIDATE),
    ClientMessage.MEDIA_STATS: obj(["call_id"], call_id=CALL_ID),
    ClientMessage.CHAT_SEND: obj(["call_id", "text"], call_id=CALL_ID, text=text("消息", 2000, pattern=r"\S")),
    ClientMessage.PING: obj([]),
}
for schema in MESSAGES.values():
    schema["properties"]["type"] = {"type": "string"}
    schema["properties"]["ref"] = {"type": ["string", "integer"]}

Handler = Callable[[CallCenter, Client, dict[str, Any]], Awaitable[None]]


async def _stats(center: CallCenter, client: Client, message: dict[str, Any]) -> None:
    center.member_client(client, message["call_id"])
    figures = await center.media.stats(message["call_id"]) if center.media else {}
    stats: MediaStats = {"type": ServerMessage.MEDIA_STATS, "call_id": message["call_id"], "participants": figures}
    client.send(stats)


async def _answer_sdp(center: CallCenter, client: Client, message: dict[str, Any]) -> None:
    center.member_client(client, message["call_id"])
    if center.media:
        await center.media.answer(message["call_id"], str(client.account.id), message["sdp"])


async def _candidate(center: CallCenter, client: Client, message: dict[str, Any]) -> None:
    center.member_client(client, message["call_id"])
    if center.media:
        await center.media.add_ice_candidate(message["call_id"], str(client.account.id), message["candidate"])


async def _pong(center: CallCenter, client: Client, message: dict[str, Any]) -> None:
    pong: Pong = {"type": ServerMessage.PONG}
    client.send(pong)


HANDLERS: dict[str, Handler] = {
    ClientMessage.CALL_REQUEST: lambda center, client, m: center.request(client, m["case_id"]),
    ClientMessage.CALL_ACCEPT: lambda center, client, m: center.answer(client, m["call_id"]),
    ClientMessage.CALL_JOIN: lambda center, client, m: center.join(client, m["call_id"]),
    ClientMessage.CALL_HANGUP: lambda center, client, m: center.hang_up(client, m["call_id"]),
    ClientMessage.MEDIA_ANSWER: _answer_sdp,
    ClientMessage.MEDIA_CANDIDATE: _candidate,
    ClientMessage.MEDIA_STATS: _stats,
    ClientMessage.CHAT_SEND: lambda center, client, m: center.chat(client, m["call_id"], m["text"].strip()),
    ClientMessage.PING: _pong,
}
# Entering a call someone may not enter closes their socket with the reason.
ENTERING = (ClientMessage.CALL_ACCEPT, ClientMessage.CALL_JOIN)


@api.route("GET", "/ws", "信令 Signaling WebSocket: hello with the session token, then call messages "
           "(see docs/protocol.md)", tag="calls", public=True, status=101)
async def signaling_socket(request: web.Request) -> web.StreamResponse:
    socket = web.WebSocketResponse(heartbeat=20, max_msg_size=256 * 1024)
    await socket.prepare(request)
    account = await _hello(request, socket)
    if account is None:
        return socket
    center = request.app[CALL_CENTER]
    client = Client(account, socket)
    center.connect(client)
    forwarding = asyncio.ensure_future(_forward_case_events(request.app, client))
    try:
        client.send(await _welcome(request.app, client))
        async for frame in socket:
            if frame.type == WSMsgType.TEXT:
                await _handle(center, client, frame.data)
    finally:
        forwarding.cancel()
        await center.disconnect(client)
        await client.close()
    return socket


async def _hello(request: web.Request, socket: web.WebSocketResponse) -> Account | None:
    """The first message must be {"type": "hello", "token": ...} within a few seconds."""
    try:
        first = parse_json(await socket.receive_str(timeout=HELLO_SECONDS))
        hello = isinstance(first, dict) and first.get("type") == ClientMessage.HELLO
        if not hello or not isinstance(first.get("token"), str):
            raise NotAuthenticated("请先发送 hello 和登录令牌。", "Send hello with the session token first.")
        return await request.app[DATABASE].read(session_account, first["token"], request.app[CLOCK]())
    except (asyncio.TimeoutError, TypeError, InvalidInput, NotAuthenticated) as error:
        reason = error.message_en if isinstance(error, CunnengError) else "hello expected"
        await socket.close(code=CloseCode.UNAUTHENTICATED, message=reason.encode()[:120])
        return None


async def _welcome(app: web.Application, client: Client) -> Welcome:
    settings, account = app[SETTINGS], client.account
    queue = await app[DATABASE].read(ringing_calls, account)
    return {
        "type": ServerMessage.WELCOME, "account": account.public(),
        "ice_servers": ice_servers_for(settings.ice_servers, settings.turn_secret, account.username,
                                       app[CLOCK](), settings.turn_ttl_seconds),
        "queue": queue, "presence": app[CALL_CENTER].presence.snapshot(),
    }


async def _forward_case_events(app: web.Application, client: Client) -> None:
    """What happens to the cases of the account's unit (scans, documents, calls) reaches its pages —
    only the cases the account itself sees (an admin shares the district's unit but sees none)."""
    async with app[EVENTS].subscribe(units=[client.account.unit_id], viewer=client.account) as subscription:
        async for event in subscription:
            client.send({**event, "type": ServerMessage.CASE_EVENT, "event": event["type"]})


async def _handle(center: CallCenter, client: Client, raw: str) -> None:
    """One message: validate, dispatch, and answer any problem with an error message."""
    ref: Any = None
    try:
        message = parse_json(raw)
        if not isinstance(message, dict) or message.get("type") not in HANDLERS:
            kind = message.get("type") if isinstance(message, dict) else None
            raise _unknown(kind)
        ref = message.get("ref", message["type"])
        validate_body(message, MESSAGES[message["type"]])
        try:
            await HANDLERS[message["type"]](center, client, message)
        except (Forbidden, NotFound) as refused:
            if message["type"] in ENTERING and refused.code != ErrorCode.CALL_NOT_FOUND:
                await client.socket.close(code=CloseCode.FORBIDDEN, message=refused.message_en.encode()[:120])
                return
            raise
    except (CunnengError, MediaError) as error:
        answer: ErrorMessage = {"type": ServerMessage.ERROR, **error.as_json(), "ref": ref}
        client.send(answer)
    except Exception:
        logger.exception("account %s: message failed", client.account.id)
        client.send(_error(ErrorCode.INTERNAL, "服务器内部错误，请重试。", "Internal server error.", ref))


def _unknown(kind: object) -> CunnengError:
    return InvalidInput(f"不认识的消息类型「{kind}」。", f"Unknown message type {kind!r}.",
                        code=ErrorCode.UNKNOWN_MESSAGE)


def _error(code: str, message: str, message_en: str, ref: Any) -> ErrorMessage:
    return {"type": ServerMessage.ERROR, "error": code, "message": message, "message_en": message_en, "ref": ref}
