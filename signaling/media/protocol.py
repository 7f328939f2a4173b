"""The hub's operations as JSON lines, the same in-process and across a worker pipe.

Requests:  {"id": n, "op": "join", "args": {"call_id": ..., ...}}
Replies:   {"id": n, "ok": true, "result": ...} or {"id": n, "ok": false, "error": code, ...}
Events:    {"event": "message", "call_id": ..., "participant_id": ..., "message": {...}}

The operations are protocol.words.HubOperation; the events, protocol.messages.WorkerEvent.
"""

from __future__ import annotations

import inspect
import json
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from protocol.messages import HubReply
from protocol.words import HubOperation

from .exceptions import MediaError, UnknownOperation

if TYPE_CHECKING:
    from .hub import MediaHub

logger = logging.getLogger(__name__)

OPERATIONS = frozenset(HubOperation)
LINE_LIMIT = 4 * 1024 * 1024  # an SDP with many slots and candidates stays far below


async def perform(hub: MediaHub, op: str, args: dict[str, Any]) -> Any:
    """Run one operation on the hub, checking its name and arguments first."""
    if op not in OPERATIONS:
        raise UnknownOperation(f"unknown media operation {op!r}")
    method = getattr(hub, op)
    try:
        inspect.signature(method).bind(**args)
    except TypeError as exc:
        raise UnknownOperation(f"bad arguments for {op}: {exc}") from exc
    return await method(**args)


def encode(message: Mapping[str, Any]) -> bytes:
    """One JSON line."""
    return json.dumps(message, ensure_ascii=False).encode() + b"\n"


def decode(line: bytes) -> dict[str, Any]:
    """Inverse of encode."""
    message: dict[str, Any] = json.loads(line)
    return message


async def reply_to(hub: MediaHub, request: dict[str, Any]) -> HubReply:
    """The reply line for one request; an unexpected error is logged and reported."""
    request_id = request.get("id")
    try:
        result = await perform(hub, str(request.get("op")), dict(request.get("args", {})))
    except MediaError as exc:
        return {"id": request_id, "ok": False, **exc.as_json()}
    except Exception as exc:
        logger.exception("media operation %s failed", request.get("op"))
        return {"id": request_id, "ok": False, **MediaError(f"internal error: {exc}").as_json()}
    return {"id": request_id, "ok": True, "result": result}
