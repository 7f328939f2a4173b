"""A case's facts for the statistics: where, what, who decided, when, how long, and what came of it.

Read in batches straight from the case's rows (the case, its reviews, calls and scans), so
the figures follow whatever changed them, through whichever path.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Iterable

from ..cases.deadlines import WorkCalendar, working_days_after
from ..config import CHINA_TZ
from ..storage.database import rows

if TYPE_CHECKING:
    import sqlite_utils

Facts = dict[str, Any]
BATCH = 500  # case ids per query
FACTS_VERSION = 2  # raise when facts_of counts a case otherwise: the sums are made again at start (rollup.catch_up)
BAD_RATING = 2  # 差评: 1 非常不满意 or 2 不满意
FINAL = {"approved": "approved", "refused": "refused"}
OUTCOME_OF_STATE = {"supplement_requested": "awaiting_supplement", "received": "in_progress",
                    "under_review": "in_progress", "pending": "in_progress"}
RUNNING = ("received", "under_review", "pending")  # the time limit runs (as handling.is_overdue)


def local(iso: str) -> datetime:
    return datetime.fromisoformat(iso).astimezone(CHINA_TZ)


def local_day(iso: str | None) -> str | None:
    return local(iso).date().isoformat() if iso else None


def working_days(start: str, end: str, calendar: WorkCalendar) -> int:
    """The working days after the China date start, up to and including end (same day: 0)."""
    return working_days_after(date.fromisoformat(start), date.fromisoformat(end), calendar)


def outcome(case: dict[str, Any]) -> str:
    """Where the case stands: approved, refused, withdrawn (by the villager), awaiting_supplement or in_progress."""
    state = case["state"]
    if state == "closed":
        if case["closed_how"] == "withdrawn":
            return "withdrawn"
        return "refused" if case["refusal_reason"] else "approved"
    return FINAL.get(state) or OUTCOME_OF_STATE[state]


def case_facts(case: dict[str, Any], departments: list[str], calls: list[dict[str, Any]],
               scans: list[str], calendar: WorkCalendar) -> Facts:
    """The facts of one case row with its reviewing departments, calls and scan times."""
    result = outcome(case)
    decided = case["decided_at"] if result in ("approved", "refused") else None
    opened = local_day(case["opened_at"])
    assert opened is not None
    rating = case["rating"]
    return {
        "units": [case["village_id"], case["town_id"], case["district_id"], *departments],
        "items": json.loads(case["item_codes"]),
        "approver": case["decided_by"] or 0 if decided else 0,
        "opened": opened, "outcome": result,
        "late": int(bool(decided) and decided > case["due_at"]),
        "supplemented": int(case["supplement"] is not None),
        "decided": local_day(decided),
        "handling_days": working_days(opened, local_day(decided) or opened, calendar) if decided else None,
        "closed": local_day(case["closed_at"]),
        "rated": local_day(case["rated_at"]) if rating is not None else None,
        "rating": rating, "comment": case["rating_comment"] or "",
        "running": int(case["state"] in RUNNING), "due_at": case["due_at"],
        "calls": [call_facts(call) for call in calls],
        "scans": [local_day(at) for at in scans],
    }


def call_facts(call: dict[str, Any]) -> list[Any]:
    """[day, weekday (0 Monday), hour, held, whole seconds, who answered] of one call, in China time."""
    rung = local(call["requested_at"])
    held = int(call["accepted_at"] is not None)
    return [rung.date().isoformat(), rung.weekday(), rung.hour, held, round(call["duration"] or 0),
            call["accepted_by"] or 0]


def facts_of(db: sqlite_utils.Database, case_ids: Iterable[int], calendar: WorkCalendar) -> dict[int, Facts]:
    """The facts of many cases, read BATCH at a time."""
    found: dict[int, Facts] = {}
    ids = list(case_ids)
    for start in range(0, len(ids), BATCH):
        found.update(_batch(db, ids[start:start + BATCH], calendar))
    return found


def _batch(db: sqlite_utils.Database, ids: list[int], calendar: WorkCalendar) -> dict[int, Facts]:
    marks = ",".join("?" * len(ids))
    departments: dict[int, list[str]] = {case_id: [] for case_id in ids}
    calls: dict[int, list[dict[str, Any]]] = {case_id: [] for case_id in ids}
    scans: dict[int, list[str]] = {case_id: [] for case_id in ids}
    for review in rows(db, f"select case_id, unit_id from case_reviews where case_id in ({marks}) order by id", ids):
        departments[review["case_id"]].append(review["unit_id"])
    for call in rows(db, f"select case_id, requested_at, accepted_at, accepted_by, duration from calls"
                         f" where case_id in ({marks}) order by requested_at", ids):
        calls[call["case_id"]].append(call)
    for scan in rows(db, f"select case_id, created_at from documents where kind = 'scan' and case_id in ({marks})"
                         " order by id", ids):
        scans[scan["case_id"]].append(scan["created_at"])
    return {
        case["id"]: case_facts(case, departments[case["id"]], calls[case["id"]], scans[case["id"]], calendar)
        for case in rows(db, f"select * from cases where id in ({marks})", ids)
    }
