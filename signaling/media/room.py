"""A room: one call (通话) and its participants, each subscribed to every other one."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from protocol.messages import HubMessageBody, MediaEnded

from .config import MediaConfig
from .exceptions import ParticipantAlreadyJoined, ParticipantNotFound
from .participant import Participant
from .recording import CallRecording

logger = logging.getLogger(__name__)

# (participant_id, message) for one call's participants.
RoomEmit = Callable[[str, HubMessageBody], None]


class Room:
    """Membership and wiring of one call; `lock` serialises its signaling steps."""

    def __init__(
        self,
        call_id: str,
        config: MediaConfig,
        emit: RoomEmit,
        recording: CallRecording | None,
    ) -> None:
        self.call_id = call_id
        self.lock = asyncio.Lock()
        self.participants: dict[str, Participant] = {}
        self._config = config
        self._emit = emit
        self._recording = recording

    async def join(self, participant_id: str, label: str) -> None:
        """Connect a participant to everyone present; the hub's offer goes out via emit."""
        if participant_id in self.participants:
            raise ParticipantAlreadyJoined(
                f"{self.call_id}: {participant_id} is already in the call"
            )
        sink = self._recording.party(participant_id, label) if self._recording else None
        newcomer = Participant(
            self.call_id,
            participant_id,
            label,
            self._config,
            lambda message: self._emit(participant_id, message),
            sink,
        )
        others = list(self.participants.values())
        for other in others:
            other.subscribe(newcomer.publication)
            newcomer.subscribe(other.publication)
        self.participants[participant_id] = newcomer
        try:
            await newcomer.negotiate()
        except Exception:
            await self.leave(participant_id)  # undo the wiring: a half-joined peer gets nothing
            raise
        logger.info("%s: %s (%s) joined", self.call_id, participant_id, label)
        await self._renegotiate(others)

    def participant(self, participant_id: str) -> Participant:
        """The participant, or ParticipantNotFound."""
        try:
            return self.participants[participant_id]
        except KeyError:
            raise ParticipantNotFound(
                f"{self.call_id}: {participant_id} is not in the call"
            ) from None

    async def leave(self, participant_id: str) -> None:
        """Disconnect a participant; the others' slots for them turn inactive."""
        leaving = self.participant(participant_id)
        del self.participants[participant_id]
        others = list(self.participants.values())
        for other in others:
            other.unsubscribe(leaving.publication)
        await leaving.close()
        logger.info("%s: %s left", self.call_id, participant_id)
        await self._renegotiate(others)

    async def stats(self) -> dict[str, dict[str, Any]]:
        """Per-participant figures, by participant id."""
        return {pid: await p.stats() for pid, p in self.participants.items()}

    async def close(self, ended: MediaEnded) -> list[dict[str, Any]]:
        """End the call: tell everyone, close connections, finish the recording (what it stored)."""
        for participant_id, participant in list(self.participants.items()):
            self._emit(participant_id, ended)
            await participant.close()
        self.participants.clear()
        stored = await self._recording.close() if self._recording is not None else []
        logger.info("%s: closed (%s)", self.call_id, ended["reason"])
        return stored

    async def _renegotiate(self, participants: list[Participant]) -> None:
        results = await asyncio.gather(
            *(p.negotiate() for p in participants), return_exceptions=True
        )
        for participant, result in zip(participants, results):
            if isinstance(result, Exception):
                logger.error(
                    "%s %s: renegotiation failed: %s",
                    self.call_id,
                    participant.participant_id,
                    result,
                )
