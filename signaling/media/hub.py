"""The media hub (SFU) of one process: a room per call, driven by plain JSON-able calls.

Every method takes and returns JSON-able values, and everything the hub tells a
participant goes out through `emit(call_id, participant_id, message)`, so the same hub
runs in the server process or behind a worker-process pipe (see pool.py).
"""

from __future__ import annotations

import asyncio
import base64
import logging
from collections.abc import Callable
from typing import Any

from protocol.messages import HubMessageBody
from protocol.words import MediaEndReason

from .config import MediaConfig
from .exceptions import CallAlreadyOpen, CallNotFound
from .outbox import media_ended
from .recording import open_recording
from .room import Room

logger = logging.getLogger(__name__)

HubEmit = Callable[[str, str, HubMessageBody], None]

CALL_CLOSED = media_ended(MediaEndReason.CLOSED, "通话已结束", "The call has ended.")


class MediaHub:
    """Rooms by call id; each call's steps are serialised, calls never wait on each other."""

    def __init__(self, config: MediaConfig, emit: HubEmit) -> None:
        self.config = config
        self._emit = emit
        self._rooms: dict[str, Room] = {}

    async def open_call(self, call_id: str, recording: dict[str, Any] | None = None) -> None:
        """Start a call; `recording` is a RecordingSpec (see recording.py) or None."""
        if call_id in self._rooms:
            raise CallAlreadyOpen(f"call {call_id} is already open")
        opened = await asyncio.to_thread(open_recording, call_id, recording)
        self._rooms[call_id] = Room(
            call_id, self.config, lambda pid, message: self._emit(call_id, pid, message), opened
        )
        logger.info("%s: opened (recording %s)", call_id, "on" if opened else "off")

    async def join(self, call_id: str, participant_id: str, label: str) -> None:
        """Add a participant; the hub's offer reaches them as a "media.offer" message."""
        room = self._room(call_id)
        async with room.lock:
            await room.join(participant_id, label)

    async def answer(self, call_id: str, participant_id: str, sdp: str) -> None:
        """The participant's SDP answer to the hub's latest offer."""
        room = self._room(call_id)
        async with room.lock:
            await room.participant(participant_id).accept_answer(sdp)

    async def add_ice_candidate(
        self, call_id: str, participant_id: str, candidate: dict[str, Any] | None
    ) -> None:
        """A trickled ICE candidate {"candidate", "sdpMid", "sdpMLineIndex"}; None ends them."""
        room = self._room(call_id)
        async with room.lock:
            await room.participant(participant_id).add_ice_candidate(candidate)

    async def leave(self, call_id: str, participant_id: str) -> None:
        """Remove a participant; the others get offers without them."""
        room = self._room(call_id)
        async with room.lock:
            await room.leave(participant_id)

    async def close_call(self, call_id: str) -> list[dict[str, Any]]:
        """End a call: every participant gets "media.ended"; the recording's stored files."""
        room = self._rooms.pop(call_id, None)
        if room is None:
            raise CallNotFound(f"call {call_id} is not open")
        async with room.lock:
            return await room.close(CALL_CLOSED)

    async def stats(self, call_id: str) -> dict[str, dict[str, Any]]:
        """Connection-quality figures per participant of a call."""
        room = self._room(call_id)
        return await room.stats()

    async def still(self, call_id: str, participant_id: str) -> str:
        """A still of the participant's camera, PNG in base64 (it may cross a worker pipe)."""
        room = self._room(call_id)
        png = await room.participant(participant_id).publication.still()
        return base64.b64encode(png).decode()

    def call_ids(self) -> list[str]:
        """Calls open in this hub."""
        return list(self._rooms)

    async def close(self) -> None:
        """Close every call (server shutdown)."""
        for call_id in list(self._rooms):
            await self.close_call(call_id)

    def _room(self, call_id: str) -> Room:
        try:
            return self._rooms[call_id]
        except KeyError:
            raise CallNotFound(f"call {call_id} is not open") from None
