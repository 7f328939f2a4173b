"""Stored call recordings: registered when a call closes (or from a receipt after a crash), listed, replayed."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from ..access.authz import authorize
from ..access.roles import Account
from ..audit.acts import Act
from ..cases.handling import load_case
from ..exceptions import NotFound
from ..storage.database import first, insert, rows
from .call_records import SERVER_RESTARTED, lengthen_to_last_media

if TYPE_CHECKING:
    import sqlite_utils

logger = logging.getLogger(__name__)


def register_recordings(db: sqlite_utils.Database, act: Act, files: list[dict[str, Any]]) -> list[str]:
    """Record each sealed file against its call and case, with its SHA-256 in the audit log.

    The same file may be announced twice (by the worker that closed the call and by its
    receipt): it is registered once. Returns the receipts now settled, to delete.
    """
    settled = []
    for stored in files:
        call = first(db, "select case_id, accepted_at, end_reason from calls where id = ?", [stored["call_id"]])
        if call is None:
            logger.warning("%s: a recording of a call this database never had is left in the work directory",
                           stored["call_id"])
            continue
        settled.append(stored.get("receipt", ""))
        if first(db, "select id from recordings where call_id = ? and party_id = ? and segment = ? and digest = ?",
                 [stored["call_id"], stored["party_id"], stored["segment"], stored["digest"]]):
            continue
        _register(db, act, call["case_id"], stored)
        if call["end_reason"] == SERVER_RESTARTED:
            lengthen_to_last_media(db, stored["call_id"], call["accepted_at"])
    return [name for name in settled if name]


def _register(db: sqlite_utils.Database, act: Act, case_id: int, stored: dict[str, Any]) -> None:
    row = {
        **{k: stored[k] for k in ("call_id", "party_id", "label", "segment", "digest", "size",
                                   "media_type", "started_at", "duration")},
        "case_id": case_id, "codecs": json.dumps(stored["codecs"]),
        "recovered": int(stored["recovered"]), "created_at": act.when,
    }
    row["id"] = insert(db, "recordings", row)
    act.log(db, "recording_sealed", case_id, {
        "recording_id": row["id"], "call_id": stored["call_id"], "party": stored["label"],
        "sha256": stored["digest"], "duration": round(stored["duration"], 2),
        "recovered": bool(stored["recovered"]),
    })


def public_recording(row: dict[str, Any]) -> dict[str, Any]:
    started = datetime.fromtimestamp(row["started_at"], timezone.utc).isoformat()
    return {
        "id": row["id"], "call_id": row["call_id"], "case_id": row["case_id"], "party_id": row["party_id"],
        "label": row["label"], "segment": row["segment"], "media_type": row["media_type"],
        "codecs": json.loads(row["codecs"]), "started_at": started, "duration": row["duration"],
        "size": row["size"], "sha256": row["digest"], "recovered": bool(row["recovered"]),
    }


def case_recordings(db: sqlite_utils.Database, account: Account, case_id: int) -> list[dict[str, Any]]:
    """The case's live recordings, by call and start."""
    case, review_units = load_case(db, case_id)
    authorize(account, "case.replay", case, review_units)
    found = rows(db, "select * from recordings where case_id = ? and deleted_at is null"
                     " order by call_id, started_at", [case_id])
    return [public_recording(row) for row in found]


def recording_for_replay(db: sqlite_utils.Database, account: Account, recording_id: int) -> dict[str, Any]:
    """A recording the account may replay."""
    row = first(db, "select * from recordings where id = ? and deleted_at is null", [recording_id])
    if row is None:
        raise NotFound("找不到该录像,或已过保存期限。", "No such recording, or its retention period has ended.")
    case, review_units = load_case(db, row["case_id"])
    authorize(account, "case.replay", case, review_units)
    return row


def log_replay(db: sqlite_utils.Database, act: Act, row: dict[str, Any]) -> None:
    """回放录像: a replay starts (seeks within it are not logged; its stored file proved readable)."""
    act.log(db, "recording_replayed", row["case_id"], {"recording_id": row["id"], "call_id": row["call_id"]})
