"""Case search: by unit, item, opening dates, state, problem flag and hold, within what the account sees.

The auditor console finds cases here (an auditor sees every case); the conditions are
also what the ledger uses to pick a unit's cases over a date range.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import TYPE_CHECKING, Any

from ..access.roles import Account
from ..config import CHINA_TZ
from .handling import list_cases

if TYPE_CHECKING:
    import sqlite_utils

Condition = tuple[str, list[Any]]


@dataclass(frozen=True)
class CaseQuery:
    """What the searcher asks for; None leaves a criterion out."""

    unit: str | None = None  # village, town, district, handling window or reviewing department
    item: str | None = None  # an item code, or a 一件事 bundle code
    opened_from: date | None = None  # China dates, both days included
    opened_to: date | None = None
    state: str | None = None
    problem: bool | None = None
    held: bool | None = None
    number: str | None = None  # part of the case number


def unit_condition(unit_id: str) -> Condition:
    """Cases of a unit: its village, town or district, handled by it, or sent to it for review."""
    return (
        "cases.village_id = ? or cases.town_id = ? or cases.district_id = ? or cases.handler_unit_id = ?"
        " or cases.id in (select case_id from case_reviews where unit_id = ?)",
        [unit_id] * 5,
    )


def opened_between(start: date | None, end: date | None) -> Condition:
    """Cases opened on the China dates start to end (either may be open)."""
    clauses, params = ["1 = 1"], []
    if start is not None:
        clauses.append("cases.opened_at >= ?")
        params.append(_utc_midnight(start))
    if end is not None:
        clauses.append("cases.opened_at < ?")
        params.append(_utc_midnight(end + timedelta(days=1)))
    return " and ".join(clauses), params


def _utc_midnight(day: date) -> str:
    """The start of a China day as the stored (UTC) timestamps write it."""
    return datetime.combine(day, time.min, tzinfo=CHINA_TZ).astimezone(timezone.utc).isoformat()


def all_of(conditions: list[Condition]) -> Condition:
    """The conditions joined with and."""
    return " and ".join(f"({sql})" for sql, _ in conditions) or "1 = 1", [p for _, ps in conditions for p in ps]


def query_condition(query: CaseQuery) -> Condition:
    """The SQL condition on cases for a query (the state is left to list_cases)."""
    conditions = [opened_between(query.opened_from, query.opened_to)]
    if query.unit:
        conditions.append(unit_condition(query.unit))
    if query.item:
        conditions.append(("cases.bundle_code = ? or ? in (select value from json_each(cases.item_codes))",
                           [query.item, query.item]))
    if query.problem is not None:
        conditions.append(("cases.problem = ?", [int(query.problem)]))
    if query.held is not None:
        conditions.append((f"cases.held_at is {'not ' if query.held else ''}null", []))
    if query.number:
        conditions.append(("instr(cases.number, ?) > 0", [query.number.strip().upper()]))
    return all_of(conditions)


def search_cases(
    db: sqlite_utils.Database, account: Account, now: datetime, query: CaseQuery, limit: int = 200
) -> list[dict[str, Any]]:
    """The visible cases matching the query, newest first (at most limit)."""
    return list_cases(db, account, now, query.state, limit=limit, narrowed=query_condition(query))
