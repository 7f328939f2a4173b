"""The messages of the wire, typed: the signaling WebSocket's, and the media hub's to the server.

Each is the JSON object as sent, a TypedDict whose `type` is a word of protocol/words.py.
docs/protocol.md tells what each means.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict

from .words import (
    CallEndReason,
    CallState,
    CaseEvent,
    ClientMessage,
    HubMessage,
    MediaEndReason,
    MediaState,
    ParticipantState,
    ServerMessage,
)

# --- a page or headless client to the server (each may carry a "ref", echoed by an error) --------


class Hello(TypedDict):
    type: Literal[ClientMessage.HELLO]
    token: str


class CallRequest(TypedDict):
    type: Literal[ClientMessage.CALL_REQUEST]
    case_id: int
    ref: NotRequired[str]


class CallStep(TypedDict):
    """call.accept, call.join, call.hangup and media.stats name only the call."""

    type: Literal[ClientMessage.CALL_ACCEPT, ClientMessage.CALL_JOIN, ClientMessage.CALL_HANGUP,
                  ClientMessage.MEDIA_STATS]
    call_id: str
    ref: NotRequired[str]


class MediaAnswer(TypedDict):
    type: Literal[ClientMessage.MEDIA_ANSWER]
    call_id: str
    sdp: str
    ref: NotRequired[str]


class MediaCandidate(TypedDict):
    """A trickled ICE candidate {"candidate", "sdpMid", "sdpMLineIndex"}; None ends them."""

    type: Literal[ClientMessage.MEDIA_CANDIDATE]
    call_id: str
    candidate: dict[str, Any] | None
    ref: NotRequired[str]


class ChatSend(TypedDict):
    type: Literal[ClientMessage.CHAT_SEND]
    call_id: str
    text: str
    ref: NotRequired[str]


class Ping(TypedDict):
    type: Literal[ClientMessage.PING]


ClientMessageBody = Hello | CallRequest | CallStep | MediaAnswer | MediaCandidate | ChatSend | Ping

# --- the server to a page or headless client ---------------------------------------------------


class ErrorBody(TypedDict):
    """The one error shape of every API answer (an error's as_json())."""

    error: str
    message: str
    message_en: str


class Welcome(TypedDict):
    type: Literal[ServerMessage.WELCOME]
    account: dict[str, Any]
    ice_servers: list[dict[str, Any]]
    queue: list[dict[str, Any]]  # the ringing calls this account may answer: {"call", "case"}
    presence: dict[str, list[dict[str, Any]]]


class CallRinging(TypedDict):
    type: Literal[ServerMessage.CALL_RINGING]
    call_id: str
    case: dict[str, Any]


class CallIncoming(TypedDict):
    type: Literal[ServerMessage.CALL_INCOMING]
    call_id: str
    case: dict[str, Any]
    caller: str


class CallAnswered(TypedDict):
    """call.accepted to the room, call.taken to the other answerers."""

    type: Literal[ServerMessage.CALL_ACCEPTED, ServerMessage.CALL_TAKEN]
    call_id: str
    by: str


class CallMember(TypedDict):
    """A party of a live call as call.participants lists it."""

    account_id: int
    name: str
    role: str
    unit_id: str
    state: ParticipantState


class CallParticipants(TypedDict):
    type: Literal[ServerMessage.CALL_PARTICIPANTS]
    call_id: str
    participants: list[CallMember]


class CallEnded(TypedDict):
    type: Literal[ServerMessage.CALL_ENDED]
    call_id: str
    state: CallState
    reason: CallEndReason
    duration: float | None


class MediaStats(TypedDict):
    type: Literal[ServerMessage.MEDIA_STATS]
    call_id: str
    participants: dict[str, dict[str, Any]]


class PresenceMessage(TypedDict):
    type: Literal[ServerMessage.PRESENCE]
    units: dict[str, list[dict[str, Any]]]


class ErrorMessage(ErrorBody):
    """A message that failed: nothing changed; `ref` names it."""

    type: Literal[ServerMessage.ERROR]
    ref: Any


class Pong(TypedDict):
    type: Literal[ServerMessage.PONG]


# --- a call's chat, and what happened to a case (signaling/cases/events.py) ---------------------


class ChatLine(TypedDict):
    """A chat message as stored on the case (a row of messages, less its id)."""

    case_id: int
    call_id: str
    account_id: int
    author: str
    role: str
    text: str
    at: str


class ChatMessage(ChatLine):
    """The stored message, to every participant of the call (watermarked on their screens)."""

    type: Literal[ServerMessage.CHAT_MESSAGE]
    id: int


class CaseUpdated(TypedDict):
    type: Literal[CaseEvent.CASE_UPDATED]
    what: str  # the audit action that changed it: case_accept, case_approve, …
    state: str


class DocumentIssued(TypedDict):
    type: Literal[CaseEvent.DOCUMENT_ISSUED]
    document: dict[str, Any]


class ScanAdded(TypedDict):
    type: Literal[CaseEvent.SCAN_ADDED]
    at: str
    document: dict[str, Any]


class SnapshotTaken(TypedDict):
    type: Literal[CaseEvent.SNAPSHOT_TAKEN]
    document: dict[str, Any]


class CallHappened(TypedDict):
    type: CaseEvent  # call_accepted, call_ended, call_unanswered or call_cancelled
    call_id: str


CaseEventBody = CaseUpdated | DocumentIssued | ScanAdded | SnapshotTaken | CallHappened
"""What a publisher hands the bus; each subscriber gets it with the case_id added, and a page
gets it as `case.event` with the event's type under "event" (signaling/api/ws.py)."""


# --- the media hub to one participant (through the server, which adds the call_id) -------------


class Track(TypedDict):
    mid: str
    kind: str
    participant_id: str
    label: str


class MediaOffer(TypedDict):
    """The hub's offer; the client puts its microphone and camera on the `publish` m-lines."""

    type: Literal[HubMessage.MEDIA_OFFER]
    sdp: str
    publish: dict[str, str | None]  # kind → mid
    tracks: list[Track]
    call_id: NotRequired[str]


class MediaStateMessage(TypedDict):
    type: Literal[HubMessage.MEDIA_STATE]
    state: MediaState
    call_id: NotRequired[str]


class MediaEnded(TypedDict):
    """The hub's last message to each participant; the server ends the call itself instead."""

    type: Literal[HubMessage.MEDIA_ENDED]
    reason: MediaEndReason
    message: str
    message_en: str


HubMessageBody = MediaOffer | MediaStateMessage | MediaEnded


class HubRequest(TypedDict):
    """The server asks a media worker: a HubOperation, or a WorkerControl, with its arguments."""

    id: int
    op: str
    args: dict[str, Any]


class HubReply(TypedDict):
    """A worker's answer to one request: the result, or the error (error, message, message_en)."""

    id: int | None
    ok: bool
    result: NotRequired[Any]
    error: NotRequired[str]
    message: NotRequired[str]
    message_en: NotRequired[str]


class WorkerEvent(TypedDict):
    """A hub message as a media worker sends it up its pipe."""

    event: Literal["message"]
    call_id: str
    participant_id: str
    message: HubMessageBody
