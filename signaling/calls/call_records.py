"""视频连线: the record of a case's calls, who took part, and the chat, kept in the database.

The live side (connections, ringing, the media hub) is in callcenter.py; every change of
a call is written here first, with its audit event, so the case timeline tells the call.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import TYPE_CHECKING, Any

from protocol.messages import ChatLine, ChatMessage
from protocol.words import CallEndReason, CallState, ErrorCode, ServerMessage

from ..access.authz import authorize, may
from ..access.jurisdictions import get_unit
from ..access.roles import Account
from ..audit.acts import Act
from ..cases.events import case_audience
from ..cases.handling import load_case
from ..exceptions import Conflict, NotFound
from ..storage.database import first, insert, rows

if TYPE_CHECKING:
    import sqlite_utils

OPEN_STATES = (CallState.RINGING.value, CallState.ACTIVE.value)  # as SQL: in ('ringing', 'active')
END_STATES = {CallState.ENDED: "通话结束", CallState.UNANSWERED: "无人接听", CallState.CANCELLED: "已取消"}


def get_call(db: sqlite_utils.Database, call_id: str) -> dict[str, Any]:
    """One call, or NotFound."""
    call = first(db, "select * from calls where id = ?", [call_id])
    if call is None:
        raise NotFound("找不到该通话。", "No such call.")
    return call


def call_targets(db: sqlite_utils.Database, case: dict[str, Any], review_units: list[str]) -> list[str]:
    """The units rung when the village calls: the handling window and the reviewing departments."""
    return [case["handler_unit_id"], *[u for u in review_units if u != case["handler_unit_id"]]]


def case_brief(db: sqlite_utils.Database, case: dict[str, Any]) -> dict[str, Any]:
    """What a ringing approver sees of the case before answering."""
    villager = first(db, "select name from villagers where id = ?", [case["villager_id"]]) or {}
    titles = [r["title"] for r in rows(
        db, "select items.title from json_each(?) join items on items.code = json_each.value", [case["item_codes"]]
    )]
    return {
        "id": case["id"], "number": case["number"], "village_id": case["village_id"],
        "village_name": get_unit(db, case["village_id"])["name"], "villager_name": villager.get("name"),
        "titles": titles, "state": case["state"],
    }


def request_call(db: sqlite_utils.Database, act: Act, case_id: int) -> dict[str, Any]:
    """The village window asks for a video consult on a case (发起视频)."""
    case, review_units = load_case(db, case_id)
    authorize(act.actor, "call.request", case, review_units)
    if first(db, f"select id from calls where case_id = ? and state in {OPEN_STATES}", [case_id]):
        raise Conflict("该办件已有正在进行或等待接听的视频连线。", "This case already has an open call.")
    call = {"id": secrets.token_hex(8), "case_id": case_id, "state": CallState.RINGING,
            "requested_by": act.actor.id, "requested_at": act.when}
    db.table("calls").insert(call)
    targets = call_targets(db, case, review_units)
    act.log(db, "call_requested", case_id, {"call_id": call["id"], "units": targets})
    return {"call": call, "case": case_brief(db, case), "targets": targets,
            "audience": case_audience(case, review_units)}


def answer_call(db: sqlite_utils.Database, act: Act, call_id: str) -> dict[str, Any]:
    """An approver or reviewer of a rung unit answers (接听); the first answer wins."""
    call = get_call(db, call_id)
    case, review_units = load_case(db, call["case_id"])
    authorize(act.actor, "call.answer", case, review_units)
    if call["state"] != CallState.RINGING:
        raise Conflict("这个视频连线已被接听或已结束。", "The call was answered or has ended.",
                       code=ErrorCode.CALL_TAKEN)
    db.table("calls").update(call_id, {"state": CallState.ACTIVE, "accepted_by": act.actor.id, "accepted_at": act.when})
    act.log(db, "call_accepted", case["id"], {"call_id": call_id})
    return get_call(db, call_id)


def join_call(db: sqlite_utils.Database, act: Act, call_id: str) -> dict[str, Any]:
    """A party enters the call's room (the caller, the answerer, a second reviewer, a rejoin)."""
    call = get_call(db, call_id)
    case, review_units = load_case(db, call["case_id"])
    authorize(act.actor, "call.join", case, review_units)
    if call["state"] != CallState.ACTIVE:
        raise Conflict("这个视频连线还未接通或已经结束。", "The call is not active.", code=ErrorCode.CALL_NOT_ACTIVE)
    present = first(db, "select id from call_participants where call_id = ? and account_id = ? and left_at is null",
                    [call_id, act.actor.id])
    if present is None:
        insert(db, "call_participants", {"call_id": call_id, "account_id": act.actor.id, "joined_at": act.when})
        act.log(db, "call_joined", case["id"], {"call_id": call_id})
    return call


def ended_call(db: sqlite_utils.Database, account: Account, call_id: str) -> dict[str, Any]:
    """A call that has ended, for a party of its case coming back to it; NotFound for an open one not live here."""
    call = get_call(db, call_id)
    case, review_units = load_case(db, call["case_id"])
    authorize(account, "call.join", case, review_units)
    if call["state"] in OPEN_STATES:
        raise NotFound("通话不存在或已结束。", "No such live call.", code=ErrorCode.CALL_NOT_FOUND)
    return call


def leave_call(db: sqlite_utils.Database, act: Act, call_id: str) -> None:
    """A party leaves the room."""
    db.execute("update call_participants set left_at = ? where call_id = ? and account_id = ? and left_at is null",
               [act.when, call_id, act.actor.id])
    act.log(db, "call_left", get_call(db, call_id)["case_id"], {"call_id": call_id})


def end_call(db: sqlite_utils.Database, act: Act, call_id: str, reason: CallEndReason) -> dict[str, Any]:
    """Close the call: ended (with its duration), unanswered or cancelled; idempotent."""
    call = get_call(db, call_id)
    if call["state"] not in OPEN_STATES:
        return call
    duration = None
    if call["accepted_at"]:
        duration = round((act.at - datetime.fromisoformat(call["accepted_at"])).total_seconds(), 1)
    return _close(db, act, call, reason, duration)


def close_calls_left_open(db: sqlite_utils.Database, act: Act) -> list[dict[str, Any]]:
    """At start-up: the calls a killed server left ringing or active end now (reason server_restarted).

    Nothing of them survived the restart (no room, no media), so they could never be joined
    again, and an open call keeps its case from being called. An answered one lasted until
    its last recorded media (or its last join, leave or chat line when nothing was recorded).
    """
    closed = []
    for call in rows(db, f"select * from calls where state in {OPEN_STATES} order by requested_at"):
        duration = _to_last_activity(db, call["id"], call["accepted_at"]) if call["accepted_at"] else None
        closed.append(_close(db, act, call, CallEndReason.SERVER_RESTARTED, duration))
    return closed


def lengthen_to_last_media(db: sqlite_utils.Database, call_id: str, accepted_at: str | None) -> None:
    """A recording of a call closed at start-up arrived later (its worker was still finishing it)."""
    if accepted_at:
        duration = _to_last_activity(db, call_id, accepted_at)
        db.execute("update calls set duration = max(coalesce(duration, 0), ?) where id = ?", [duration, call_id])


def _to_last_activity(db: sqlite_utils.Database, call_id: str, accepted_at: str) -> float:
    """Seconds from the answer to the end of the last recorded media, else to the last act in the call."""
    media = first(db, "select max(started_at + duration) as until from recordings where call_id = ?", [call_id])
    accepted = datetime.fromisoformat(accepted_at)
    if media and media["until"] is not None:
        return round(max(0.0, media["until"] - accepted.timestamp()), 1)
    acts = first(db, "select max(at) as until from (select joined_at as at from call_participants where call_id = ?"
                     " union all select left_at from call_participants where call_id = ?"
                     " union all select at from messages where call_id = ?)", [call_id, call_id, call_id])
    last = datetime.fromisoformat(acts["until"]) if acts and acts["until"] else accepted
    return round(max(0.0, (last - accepted).total_seconds()), 1)


def _close(db: sqlite_utils.Database, act: Act, call: dict[str, Any], reason: CallEndReason,
           duration: float | None) -> dict[str, Any]:
    if call["state"] == CallState.ACTIVE:
        state = CallState.ENDED
    else:
        state = CallState(reason) if reason in END_STATES else CallState.CANCELLED
    call_id = call["id"]
    db.table("calls").update(call_id, {"state": state, "ended_at": act.when, "end_reason": reason,
                                       "duration": duration})
    db.execute("update call_participants set left_at = ? where call_id = ? and left_at is null", [act.when, call_id])
    people = [r["display_name"] for r in rows(
        db, "select distinct accounts.display_name from call_participants"
        " join accounts on accounts.id = call_participants.account_id where call_id = ?", [call_id],
    )]
    act.log(db, f"call_{state}", call["case_id"],
            {"call_id": call_id, "reason": reason, "duration": duration, "participants": people})
    return get_call(db, call_id)


def post_message(db: sqlite_utils.Database, act: Act, call_id: str, text: str) -> ChatMessage:
    """A chat message during the call, stored on the case and shown to every participant."""
    call = get_call(db, call_id)
    case, review_units = load_case(db, call["case_id"])
    authorize(act.actor, "call.join", case, review_units)
    line: ChatLine = {"case_id": case["id"], "call_id": call_id, "account_id": act.actor.id,
                      "author": act.actor.display_name, "role": str(act.actor.role), "text": text, "at": act.when}
    message: ChatMessage = {"type": ServerMessage.CHAT_MESSAGE, "id": insert(db, "messages", dict(line)), **line}
    act.log(db, "chat_message", case["id"], {"call_id": call_id, "message_id": message["id"], "text": text})
    return message


def case_messages(db: sqlite_utils.Database, account: Account, case_id: int) -> list[dict[str, Any]]:
    """The chat of all the case's calls, oldest first."""
    case, review_units = load_case(db, case_id)
    authorize(account, "case.view", case, review_units)
    return rows(db, "select id, call_id, author, role, text, at from messages where case_id = ? order by id",
                [case_id])


def case_calls(db: sqlite_utils.Database, account: Account, case_id: int) -> list[dict[str, Any]]:
    """The case's calls, newest first."""
    case, review_units = load_case(db, case_id)
    authorize(account, "case.view", case, review_units)
    return rows(db, "select * from calls where case_id = ? order by requested_at desc", [case_id])


def ringing_calls(db: sqlite_utils.Database, account: Account) -> list[dict[str, Any]]:
    """The waiting-call queue: calls still ringing that this account may answer (so sees the case)."""
    found = []
    for call in rows(db, "select * from calls where state = 'ringing' order by requested_at"):
        case, review_units = load_case(db, call["case_id"])
        if may(account, "call.answer", case, review_units):
            found.append({"call": call, "case": case_brief(db, case)})
    return found
