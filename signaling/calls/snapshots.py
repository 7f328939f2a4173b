"""截图: stills of a live call, taken by the server, marked for whoever looks at them, kept with the case.

The server decodes the participant's newest picture from the media it forwards (the
browser never sends a screenshot), marks it for the taker — the visible lines and a hidden
id registered in the mark register with its audit event — and stores both the clean still
and the marked one in the archive. The clean still never leaves the server: anyone else
who opens the snapshot gets it marked for them (marks.py, once per viewer and day).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from protocol.words import ErrorCode
from recordings import StoredObject

from ..access.authz import authorize
from ..access.roles import Account
from ..audit.acts import Act
from ..cases.handling import load_case
from ..documents.issuing import public_document
from ..exceptions import Conflict, NotFound
from ..marks.register import SNAPSHOT, Marked, ViewerMark, document_copy_mark, register_mark
from ..storage.database import first, insert
from .call_records import get_call

if TYPE_CHECKING:
    import sqlite_utils

SNAPSHOT_KIND = "snapshot"


def snapshot_case(db: sqlite_utils.Database, account: Account, call_id: str,
                  participant_id: str) -> tuple[dict[str, Any], list[str]]:
    """The case of a live call whose participant may be photographed by this account, with the units it
    was sent to; else why not."""
    call = get_call(db, call_id)
    case, units = load_case(db, call["case_id"])
    authorize(account, "case.snapshot", case, units)
    if call["state"] != "active":
        raise Conflict("通话不在进行中，不能截图。", "The call is not live: no snapshot can be taken.",
                       code=ErrorCode.CALL_NOT_LIVE)
    in_call = first(db, "select id from call_participants where call_id = ? and account_id = ? and left_at is null",
                    [call_id, int(participant_id) if participant_id.isdigit() else -1])
    if in_call is None:
        raise NotFound("此人不在通话中。", "That participant is not in the call.")
    return case, units


def live_still(call_id: str, participant_id: str) -> Marked:
    """What a snapshot of a live call shows, for the register."""
    return Marked(SNAPSHOT, "live_still", call_id=call_id, detail={"participant_id": participant_id})


def recording_still(recording: dict[str, Any], seconds: float) -> Marked:
    """What a snapshot of a replayed recording shows, for the register."""
    return Marked(SNAPSHOT, "recording_still", recording_id=recording["id"], call_id=recording["call_id"],
                  detail={"seconds": round(seconds, 2)})


def record_snapshot(db: sqlite_utils.Database, act: Act, case: dict[str, Any], shows: Marked,
                    mark: ViewerMark, clean: StoredObject, shown: StoredObject) -> dict[str, Any]:
    """Keep the snapshot with the case and register the taker's mark, in one transaction."""
    stamp = act.at.strftime("%Y%m%d-%H%M%S")
    row: dict[str, Any] = {
        "case_id": case["id"], "kind": SNAPSHOT_KIND, "filename": f"{case['number']}-截图-{stamp}.png",
        "content_type": "image/png", "digest": shown.digest, "size": shown.size, "pages": 1, "material": None,
        "created_by": act.actor.id, "created_at": act.when, "source_digest": clean.digest, "signed_by": None,
    }
    document_id = row["id"] = insert(db, "documents", row)
    register_mark(db, act, mark, replace(shows, case_id=case["id"], document_id=document_id), "snapshot_taken")
    return public_document(row)


def snapshot_copy_mark(db: sqlite_utils.Database, act: Act, row: dict[str, Any]) -> ViewerMark:
    """The mark a snapshot carries for someone other than its taker."""
    return document_copy_mark(db, act, row, SNAPSHOT, "snapshot_copy", "snapshot_viewed")
