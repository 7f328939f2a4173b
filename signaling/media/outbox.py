"""Ordered, independent delivery of hub messages to the signaling layer's `send`."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from protocol.messages import HubMessageBody, MediaEnded
from protocol.words import HubMessage, MediaEndReason

logger = logging.getLogger(__name__)

# send(call_id, participant_id, message): the WebSocket layer's way to reach a client.
Send = Callable[[str, str, HubMessageBody], Awaitable[None]]


def media_ended(reason: MediaEndReason, message_zh: str, message_en: str) -> MediaEnded:
    """The last message every participant of an ended call gets."""
    return {"type": HubMessage.MEDIA_ENDED, "reason": reason, "message": message_zh, "message_en": message_en}


class Outbox:
    """Per participant, messages leave in order; a slow participant holds up nobody else."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self._queues: dict[tuple[str, str], asyncio.Queue[HubMessageBody]] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def post(self, call_id: str, participant_id: str, message: HubMessageBody) -> None:
        """Queue a message; called from synchronous hub code."""
        key = (call_id, participant_id)
        queue = self._queues.get(key)
        if queue is None:
            queue = self._queues[key] = asyncio.Queue()
            task = asyncio.ensure_future(self._deliver(key, queue))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        queue.put_nowait(message)

    async def flush(self) -> None:
        """Wait until everything queued so far has been handed to `send`."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _deliver(self, key: tuple[str, str], queue: asyncio.Queue[HubMessageBody]) -> None:
        while not queue.empty():
            message = queue.get_nowait()
            try:
                await self._send(key[0], key[1], message)
            except Exception:
                logger.exception("%s %s: could not deliver %s", key[0], key[1], message["type"])
        # Nothing awaits between the empty check and here, so no message can be stranded.
        del self._queues[key]
