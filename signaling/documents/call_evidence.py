"""视频连线 on a decision's document: the recorded call it was taken in or after, named by its recordings.

The issued PDF prints (and signs into its metadata) the call's id, start, duration and the
SHA-256 of each party's recording; the 核验 page shows the same from the register, and for a
decision taken while the call went on — issued before its recordings were sealed — the
recordings' SHA-256 as soon as the call has ended. An auditor with the case package checks
them against the recordings inside (`cunneng package verify` does).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from eseal import CallEvidence, RecordedParty

from ..storage.database import first, rows

if TYPE_CHECKING:
    import sqlite_utils


def latest_call(db: sqlite_utils.Database, case_id: int) -> CallEvidence | None:
    """The case's last answered call, as a document names it (None: no call was held)."""
    call = first(db, "select id, state, accepted_at, duration from calls where case_id = ? and accepted_at"
                     " is not null order by accepted_at desc limit 1", [case_id])
    if call is None:
        return None
    if call["state"] == "active":  # its recordings are sealed when it ends: the 核验 page shows them then
        return CallEvidence(call["id"], datetime.fromisoformat(call["accepted_at"]), None)
    recorded = tuple(RecordedParty(r["label"], r["sha256"]) for r in _recordings(db, call["id"]))
    return CallEvidence(call["id"], datetime.fromisoformat(call["accepted_at"]), float(call["duration"] or 0), recorded)


def call_on_record(db: sqlite_utils.Database, call_id: str | None) -> dict[str, Any] | None:
    """What the 核验 page says of a document's call: its id, start, duration, and its recordings now."""
    call = first(db, "select id, accepted_at, ended_at, duration from calls where id = ?", [call_id or ""])
    if call is None:
        return None
    return {"id": call["id"], "started_at": call["accepted_at"], "ended_at": call["ended_at"],
            "duration": call["duration"], "recordings": _recordings(db, call["id"])}


def _recordings(db: sqlite_utils.Database, call_id: str) -> list[dict[str, Any]]:
    return rows(db, "select label, segment, digest as sha256 from recordings where call_id = ?"
                    " order by started_at, segment", [call_id])
