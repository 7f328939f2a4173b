"""A traced still, to the second: which call, which party's recording and which second of it the picture shows.

A still of a recording names its recording and position when it is taken. A still of a live
call names the call and the participant; the second is where its moment falls in that party's
recording, found once the recording is sealed (its wall-clock start is stored). A copy of
someone's snapshot shows what the snapshot shows. The answer carries the audit console's
address that opens the replay at that second.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from ..storage.database import first

if TYPE_CHECKING:
    import sqlite_utils

STILLS = ("live_still", "recording_still")


def moment_shown(db: sqlite_utils.Database, mark: dict[str, Any]) -> dict[str, Any] | None:
    """The call, recording and second a marked still shows, or None (not a still, or no recording of it)."""
    if mark["what"] == "snapshot_copy":
        mark = first(db, "select * from marks where document_id = ? and what in (?, ?) order by at limit 1",
                     [mark["document_id"], *STILLS]) or {"what": ""}
    if mark["what"] == "recording_still":
        recording = first(db, "select * from recordings where id = ?", [mark["recording_id"]])
        seconds = float(json.loads(mark["detail"]).get("seconds", 0))
    elif mark["what"] == "live_still":
        at = datetime.fromisoformat(mark["at"]).timestamp()
        recording = first(db, "select * from recordings where call_id = ? and party_id = ? and started_at <= ?"
                              " order by started_at desc limit 1",
                          [mark["call_id"], str(json.loads(mark["detail"]).get("participant_id")), at])
        seconds = at - recording["started_at"] if recording else 0.0
    else:
        return None
    return _moment(recording, seconds) if recording else None


def _moment(recording: dict[str, Any], seconds: float) -> dict[str, Any]:
    whole = max(0, round(seconds))
    return {
        "call_id": recording["call_id"], "recording_id": recording["id"], "label": recording["label"],
        "seconds": round(seconds, 1),
        "wall_time": datetime.fromtimestamp(recording["started_at"] + seconds, timezone.utc).isoformat(),
        "replay_url": f"/audit/#/case/{recording['case_id']}/replay/{recording['id']}/{whole}",
    }
