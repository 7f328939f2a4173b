"""A party of a video consult, headless: signaling and the peer connection together.

Used by `cunneng village call`, `cunneng selftest` and the tests, as the village window
(places a call) or as an approver (answers or joins one).
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from typing import Any

from aiortc import MediaStreamTrack

from .connection import ServerConnection
from .peer import HubPeer, Received
from .tracks import PatternCamera, Tone

logger = logging.getLogger(__name__)


class Party:
    """One signed-in account taking part in calls from this process."""

    def __init__(self, connection: ServerConnection, audio: MediaStreamTrack | None = None,
                 video: MediaStreamTrack | None = None) -> None:
        self.connection = connection
        self.audio = audio if audio is not None else Tone()
        self.video = video if video is not None else PatternCamera()
        self.call_id: str | None = None
        self.peer: HubPeer | None = None
        self.ended: dict[str, Any] | None = None
        connection.listeners.append(self._on_message)

    @classmethod
    async def sign_in(cls, base_url: str, username: str, password: str, **tracks: Any) -> Party:
        """Log in and open signaling."""
        return await cls.sign_in_trusting(None, base_url, username, password, **tracks)

    @classmethod
    async def sign_in_trusting(cls, trust: ssl.SSLContext | None, base_url: str, username: str, password: str,
                               **tracks: Any) -> Party:
        """Log in to an https:// server whose certificate chains to `trust` (the county's root, say)."""
        connection = await ServerConnection.login(base_url, username, password, trust)
        await connection.open_signaling()
        return cls(connection, **tracks)

    @property
    def account_id(self) -> str:
        return str(self.connection.welcome["account"]["id"])

    async def place_call(self, case_id: int) -> str:
        """Ask for a video consult on a case; returns the call id once it rings."""
        await self.connection.send({"type": "call.request", "case_id": case_id})
        ringing = await self._expect_or_error("call.ringing")
        self._start(ringing["call_id"])
        return ringing["call_id"]

    async def answer_next(self, timeout: float = 30) -> str:
        """Wait for a call to ring at our unit and answer it."""
        queue = self.connection.welcome.get("queue") or []
        if queue:
            call_id = queue[0]["call"]["id"]
        else:
            call_id = (await self.connection.expect("call.incoming", timeout=timeout))["call_id"]
        await self.accept(call_id)
        return call_id

    async def accept(self, call_id: str) -> None:
        """Answer a call ringing at our unit (接听)."""
        self._start(call_id)
        await self.connection.send({"type": "call.accept", "call_id": call_id})

    async def join(self, call_id: str) -> None:
        """Enter a live call (joint review, or coming back after a drop) with a new peer."""
        if self.peer is not None:
            await self.peer.close()
        self._start(call_id)
        await self.connection.send({"type": "call.join", "call_id": call_id})

    async def hang_up(self) -> None:
        if self.call_id is not None:
            await self.connection.send({"type": "call.hangup", "call_id": self.call_id})

    async def send_chat(self, text: str) -> None:
        await self.connection.send({"type": "chat.send", "call_id": self.call_id, "text": text})

    def received_from(self, account_id: str) -> Received:
        assert self.peer is not None, "not in a call"
        return self.peer.from_participant(account_id)

    async def wait_for_video(self, account_id: str, frames: int = 10, timeout: float = 20) -> Received:
        """Until `frames` decoded frames of that participant's video have arrived."""
        async with asyncio.timeout(timeout):
            while self.peer is None or self.received_from(account_id).video_frames < frames:
                await asyncio.sleep(0.05)
        return self.received_from(account_id)

    async def wait_ended(self, timeout: float = 15) -> dict[str, Any]:
        return await self.connection.expect("call.ended", timeout=timeout, call_id=self.call_id)

    async def close(self) -> None:
        if self.peer is not None:
            await self.peer.close()
        await self.connection.close()

    def _start(self, call_id: str) -> None:
        self.call_id = call_id
        self.peer = HubPeer(self.connection.welcome.get("ice_servers", []), self.audio, self.video,
                            lambda sdp: self._send_answer(call_id, sdp))

    async def _send_answer(self, call_id: str, sdp: str) -> None:
        await self.connection.send({"type": "media.answer", "call_id": call_id, "sdp": sdp})

    def _on_message(self, message: dict[str, Any]) -> None:
        if message.get("call_id") != self.call_id or self.peer is None:
            return
        if message["type"] == "media.offer":
            self.peer.offer(message)
        elif message["type"] == "call.ended":
            self.ended = message

    async def _expect_or_error(self, kind: str, timeout: float = 15) -> dict[str, Any]:
        message = await self.connection.wait_for(lambda m: m.get("type") in (kind, "error"), timeout, kind)
        if message["type"] == "error":
            raise CallRefused(message)
        return message


class CallRefused(Exception):
    """The server answered a call message with an error; the text is the server's."""

    def __init__(self, error: dict[str, Any]) -> None:
        super().__init__(f"{error.get('error')}: {error.get('message')}")
        self.error = error
