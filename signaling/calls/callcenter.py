"""The live side of video consults: ringing, rooms on the media hub, rejoining, chat.

Each call's record changes in the database first (calls.py, with its audit event); this
module then tells the connected clients and drives the media hub. Every participant's
one peer connection goes to the hub, whose messages (offers, connection state) come back
through `from_hub` and go out on that participant's WebSocket.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from protocol.messages import (
    CallAnswered,
    CallEnded,
    CallIncoming,
    CallMember,
    CallParticipants,
    HubMessageBody,
    PresenceMessage,
)
from protocol.tasks import BackgroundTasks
from protocol.words import (
    CallEndReason,
    CallState,
    CaseEvent,
    ErrorCode,
    HubMessage,
    MediaEndReason,
    ParticipantState,
    ServerMessage,
)

from ..access.roles import SYSTEM, Account, Role
from ..audit.acts import Act
from ..audit.chain import AuditLog
from ..cases.events import Audience, CaseEvents
from ..config import Clock, Settings
from ..exceptions import Conflict, NotFound
from ..media import MediaWorkerPool
from ..storage.database import Database
from .adoption import RecordingAdoption
from .call_records import answer_call, end_call, ended_call, join_call, leave_call, post_message, request_call
from .clients import Client, Presence

logger = logging.getLogger(__name__)

ANSWERING_ROLES = (Role.TOWN_APPROVER, Role.DISTRICT_APPROVER, Role.DEPARTMENT_REVIEWER)


@dataclass
class Member:
    """A party of a live call: its current connection, or None while it reconnects."""

    account: Account
    client: Client | None
    grace: asyncio.TimerHandle | None = None

    def public(self) -> CallMember:
        return {"account_id": self.account.id, "name": self.account.display_name,
                "role": str(self.account.role), "unit_id": self.account.unit_id,
                "state": ParticipantState.CONNECTED if self.client else ParticipantState.RECONNECTING}


@dataclass
class LiveCall:
    """A call from the village's request until it ends."""

    id: str
    case_id: int
    caller: Account
    targets: list[str]
    audience: Audience
    members: dict[int, Member] = field(default_factory=dict)
    ringing: asyncio.TimerHandle | None = None
    media_open: bool = False
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class CallCenter:
    """Connected clients and live calls of one server."""

    def __init__(self, database: Database, audit: AuditLog, clock: Clock, settings: Settings,
                 events: CaseEvents, media: MediaWorkerPool | None = None) -> None:
        self.database, self.audit, self.clock, self.settings, self.events = database, audit, clock, settings, events
        self.presence = Presence()
        self.calls: dict[str, LiveCall] = {}
        self.media = media
        self.recording: dict[str, Any] | None = None  # the hub's recording spec; None: calls are not recorded
        self.adoption: RecordingAdoption | None = None  # registers what the recorders archived
        self._tasks = BackgroundTasks("call task", logger)

    def act(self, account: Account) -> Act:
        return Act(account, self.clock(), self.audit)

    # --- connections -------------------------------------------------------------------

    def connect(self, client: Client) -> None:
        if self.presence.add(client):
            self._broadcast_presence()

    async def disconnect(self, client: Client) -> None:
        """A socket closed: its calls wait a grace period for the party to come back."""
        for live in list(self.calls.values()):
            member = live.members.get(client.account.id)
            if member is not None and member.client is client:
                await self._lose(live, member)
            elif live.caller.id == client.account.id and not live.members and live.ringing:
                await self.finish(live, CallEndReason.CANCELLED)
        if self.presence.remove(client):
            self._broadcast_presence()

    def _broadcast_presence(self) -> None:
        message: PresenceMessage = {"type": ServerMessage.PRESENCE, "units": self.presence.snapshot()}
        for client in self.presence.all():
            client.send(message)

    # --- ringing -----------------------------------------------------------------------

    async def request(self, client: Client, case_id: int) -> None:
        """The village window places a call: ring the handling window and reviewing departments."""
        placed = await self.database.run(request_call, self.act(client.account), case_id)
        call, case = placed["call"], placed["case"]
        live = LiveCall(call["id"], case_id, client.account, placed["targets"], placed["audience"])
        self.calls[live.id] = live
        if self.media is not None:
            self.media.expect_call()
        live.ringing = asyncio.get_running_loop().call_later(
            self.settings.ring_seconds, lambda: self._tasks.spawn(self._unanswered(live))
        )
        client.send({"type": ServerMessage.CALL_RINGING, "call_id": live.id, "case": case})
        incoming: CallIncoming = {"type": ServerMessage.CALL_INCOMING, "call_id": live.id, "case": case,
                                  "caller": client.account.display_name}
        for target in self._answerers(live):
            target.send(incoming)

    def _answerers(self, live: LiveCall) -> list[Client]:
        return [c for c in self.presence.in_units(live.targets) if c.account.role in ANSWERING_ROLES]

    async def _unanswered(self, live: LiveCall) -> None:
        if live.id in self.calls and not live.members:
            await self.finish(live, CallEndReason.UNANSWERED)

    async def answer(self, client: Client, call_id: str) -> None:
        """The first approver to answer takes the call; the village and the approver enter the room."""
        live = self._live(call_id)
        await self.database.run(answer_call, self.act(client.account), call_id)
        if live.ringing:
            live.ringing.cancel()
            live.ringing = None
        async with live.lock:
            await self._open_media(live)
            for account, connection in ((live.caller, self._connection_of(live.caller)), (client.account, client)):
                await self._enter(live, account, connection)
        taken: CallAnswered = {"type": ServerMessage.CALL_TAKEN, "call_id": call_id, "by": client.account.display_name}
        for other in self._answerers(live):
            if other is not client:
                other.send(taken)
        accepted: CallAnswered = {"type": ServerMessage.CALL_ACCEPTED, "call_id": call_id,
                                  "by": client.account.display_name}
        self._tell(live, accepted)
        self._publish(live, CaseEvent.CALL_ACCEPTED)

    def _connection_of(self, account: Account) -> Client | None:
        return next(iter(self.presence.of(account.id)), None)

    async def _open_media(self, live: LiveCall) -> None:
        if live.media_open or self.media is None:
            return
        await self.media.open_call(live.id, self.recording)
        live.media_open = True

    # --- the room ----------------------------------------------------------------------

    async def join(self, client: Client, call_id: str) -> None:
        """Enter a live call: a second approver or reviewer, or a party coming back (rejoin).

        A party coming back to a call that ended meanwhile (a server restart ended it) is told
        how it ended, so its page offers a new call instead of an error.
        """
        if call_id not in self.calls:
            call = await self.database.run(ended_call, client.account, call_id)
            client.send(ended_message(call))
            return
        live = self._live(call_id)
        async with live.lock:
            await self._enter(live, client.account, client)

    async def _enter(self, live: LiveCall, account: Account, client: Client | None) -> None:
        """Put the account's connection in the room; a rejoin gets a new peer connection."""
        await self.database.run(join_call, self.act(account), live.id)
        member = live.members.get(account.id)
        if member is not None:
            if member.grace:
                member.grace.cancel()
            member.client, member.grace = client, None
            if self.media and client:
                await self.media.leave(live.id, str(account.id))
        else:
            member = live.members[account.id] = Member(account, client)
        if self.media and client:
            await self.media.join(live.id, str(account.id), account.display_name)
        self._tell_members(live)

    async def _lose(self, live: LiveCall, member: Member) -> None:
        """The party's connection dropped: the others see 重新连接中 until it rejoins or gives up."""
        member.client = None
        member.grace = asyncio.get_running_loop().call_later(
            self.settings.rejoin_grace_seconds, lambda: self._tasks.spawn(self._give_up(live, member))
        )
        self._tell_members(live)

    async def _give_up(self, live: LiveCall, member: Member) -> None:
        if live.id in self.calls and member.client is None:
            await self.leave(live, member.account)

    async def hang_up(self, client: Client, call_id: str) -> None:
        """The caller ends the call (or withdraws it while ringing); another party just leaves."""
        live = self._live(call_id)
        if client.account.id == live.caller.id:
            await self.finish(live, CallEndReason.CANCELLED if live.ringing else CallEndReason.HUNG_UP)
        elif client.account.id in live.members:
            await self.leave(live, client.account)

    async def leave(self, live: LiveCall, account: Account) -> None:
        """A party leaves; the call ends when the village or the last approver is gone."""
        async with live.lock:
            member = live.members.pop(account.id, None)
            if member is None:
                return
            if member.grace:
                member.grace.cancel()
            await self.database.run(leave_call, self.act(account), live.id)
            if self.media and live.media_open:
                await self.media.leave(live.id, str(account.id))
        approvers = [m for m in live.members.values() if m.account.role in ANSWERING_ROLES]
        if account.id == live.caller.id or not approvers:
            await self.finish(live, CallEndReason.LEFT)
        else:
            self._tell_members(live)

    async def finish(self, live: LiveCall, reason: CallEndReason, actor: Account = SYSTEM) -> None:
        """End the call for everyone: the record, the media, and each party's screen."""
        if self.calls.pop(live.id, None) is None:
            return
        if live.ringing:
            live.ringing.cancel()
        for member in live.members.values():
            if member.grace:
                member.grace.cancel()
        stored: list[dict[str, Any]] = []
        if self.media and live.media_open and reason != CallEndReason.MEDIA_WORKER_LOST:
            stored = await self.media.close_call(live.id)
        call = await self.database.run(end_call, self.act(actor), live.id, reason)
        if self.adoption is not None:
            await self.adoption.register(stored)
            if reason == CallEndReason.MEDIA_WORKER_LOST:
                self.adoption.wake()  # its journals are free now: archive and register them at once
        ended = ended_message(call)
        self._tell(live, ended)
        for target in self._answerers(live):
            target.send(ended)
        self._publish(live, CaseEvent(f"call_{call['state']}"))

    async def media_ended(self, call_id: str, reason: MediaEndReason) -> None:
        """The media worker of a call died: the call ends with the same reason (media_worker_lost)."""
        live = self.calls.get(call_id)
        if live is not None:
            await self.finish(live, CallEndReason(reason))

    # --- media and chat ----------------------------------------------------------------

    def from_hub(self, call_id: str, participant_id: str, message: HubMessageBody) -> None:
        """A hub message for one participant: offers and connection states go to its socket as they are.

        The hub's media.ended is not passed on: the call's end comes as call.ended, with its reason.
        """
        live = self.calls.get(call_id)
        member = live.members.get(int(participant_id)) if live else None
        if member is None or member.client is None or message["type"] == HubMessage.MEDIA_ENDED:
            return
        member.client.send({**message, "call_id": call_id})

    def member_client(self, client: Client, call_id: str) -> LiveCall:
        """The live call, once the client is known to be in it."""
        live = self._live(call_id)
        member = live.members.get(client.account.id)
        if member is None or member.client is not client:
            raise Conflict("您不在这个通话中。", "You are not in this call.", code=ErrorCode.NOT_IN_CALL)
        return live

    async def chat(self, client: Client, call_id: str, text: str) -> None:
        """A chat message, stored on the case and shown to every participant."""
        live = self.member_client(client, call_id)
        self._tell(live, await self.database.run(post_message, self.act(client.account), call_id, text))

    # --- helpers -----------------------------------------------------------------------

    def _live(self, call_id: str) -> LiveCall:
        live = self.calls.get(call_id)
        if live is None:
            raise NotFound("通话不存在或已结束。", "No such live call.", code=ErrorCode.CALL_NOT_FOUND)
        return live

    def _tell(self, live: LiveCall, message: Mapping[str, Any]) -> None:
        """Every connected party of the call, the caller included while it rings."""
        clients = {m.client for m in live.members.values() if m.client}
        if not live.members:
            clients |= self.presence.of(live.caller.id)
        for client in clients:
            client.send(message)

    def _tell_members(self, live: LiveCall) -> None:
        participants: CallParticipants = {"type": ServerMessage.CALL_PARTICIPANTS, "call_id": live.id,
                                          "participants": [m.public() for m in live.members.values()]}
        self._tell(live, participants)

    def _publish(self, live: LiveCall, what: CaseEvent) -> None:
        self.events.publish(live.case_id, {"type": what, "call_id": live.id}, live.audience)

    async def close(self) -> None:
        """Server shutdown: end every live call."""
        for live in list(self.calls.values()):
            await self.finish(live, CallEndReason.SERVER_STOPPED)
        await self._tasks.wait()



def ended_message(call: dict[str, Any]) -> CallEnded:
    """How a call ended, as its parties are told."""
    return {"type": ServerMessage.CALL_ENDED, "call_id": call["id"], "state": CallState(call["state"]),
            "reason": CallEndReason(call["end_reason"]), "duration": call["duration"]}
