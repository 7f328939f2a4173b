"""The figures a statistics request asks for, read from the sums (rollup.py), never from every case.

A request names its scope (a unit's subtree, within what the account may see), an item,
the kind of period and a date range (whole periods), and how to group: by village, town,
district, department, item or approver. Cases still running past their due time are the
one figure that changes without an event; they are few, and counted from their facts.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Iterable

from ..access.authz import authorize, figures_root
from ..access.jurisdictions import KIND_NAMES, get_unit, list_units, units_within
from ..access.roles import Account
from ..catalog.items import get_item
from ..exceptions import Forbidden, InvalidInput
from ..storage.database import rows
from ..storage.schema import STAT_COUNTERS as COUNTERS
from ..storage.schema import STAT_HISTOGRAMS
from .facts import Facts
from .periods import Period, period_key, period_label, stored_key, stored_kind, stored_range, whole_periods
from .rollup import Tally

if TYPE_CHECKING:
    import sqlite_utils

UNIT_GROUPS = ("village", "town", "district", "department")
GROUPS = (*UNIT_GROUPS, "item", "approver")
GROUP_NAMES = {**KIND_NAMES, "item": "事项", "approver": "审批人"}
WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
MAX_COMMENTS = 100
GROUP_HISTOGRAMS = ("handling_days", "call_minutes")  # a group's medians; calls by hour only for the whole


@dataclass(frozen=True)
class StatsQuery:
    """What a statistics request asks for; unit None is the account's own scope."""

    period: Period
    start: date
    end: date
    by: str | None = None
    unit: str | None = None
    item: str | None = None


@dataclass(frozen=True)
class Scope:
    """The units summed as the whole (disjoint), the units that may be named, and the grouping."""

    roots: list[str]
    visible: set[str]
    by: str

OUTCOMES = ("approved", "refused", "withdrawn", "awaiting_supplement", "in_progress")  # as the page stacks them


def scope_of(db: sqlite_utils.Database, account: Account, query: StatsQuery) -> Scope:
    """The scope of the request within what the account may see; Forbidden beyond it."""
    authorize(account, "statistics.read")
    root = figures_root(account)
    units = {r["id"]: r["kind"] for r in rows(db, "select id, kind from units")}
    visible = set(units) if root is None else units_within(db, root)
    if query.item is not None:
        get_item(db, query.item)
    if query.unit is not None:
        get_unit(db, query.unit)
        if query.unit not in visible:
            raise Forbidden("只能查看本单位及下级单位的统计。", "Only your own units' statistics are visible.")
    roots = [query.unit] if query.unit else [root] if root else sorted(u for u, k in units.items() if k == "district")
    within = set().union(*(units_within(db, r) for r in roots)) if roots else set()
    by = query.by or _default_group(units, roots)
    if by in UNIT_GROUPS and not any(units[u] == by for u in within):
        raise InvalidInput(f"所选范围内没有{KIND_NAMES[by]}级单位，请换一种分组。",
                           f"There is no {by} within the chosen units; group another way.")
    if by == "approver" and (query.item or all(units[r] == "village" for r in roots)):
        raise InvalidInput("按审批人分组时请选择镇、区或部门范围，且不选事项。",
                           "Grouping by approver needs a town, district or department and no item.")
    return Scope(roots, within, by)


def unit_choices(db: sqlite_utils.Database, account: Account) -> list[dict[str, Any]]:
    """The units the account may ask about, parents before children, for the page's unit filter."""
    root = figures_root(account)
    visible = None if root is None else units_within(db, root)
    return [{"id": u["id"], "name": u["name"], "kind": u["kind"], "parent_id": u["parent_id"]}
            for u in list_units(db) if visible is None or u["id"] in visible]


def _default_group(units: dict[str, str], roots: list[str]) -> str:
    """Each scope's next level down: a district's towns, a town's villages; a village or department itself."""
    kind = units[roots[0]] if roots else "district"
    return {"district": "town", "town": "village"}.get(kind, kind) if len(roots) == 1 else "district"


def figures(db: sqlite_utils.Database, account: Account, query: StatsQuery, now: datetime) -> dict[str, Any]:
    """The figures of the request: per group over the range, per period for the whole, calls by hour."""
    scope = scope_of(db, account, query)
    first, last = stored_range(query.period, query.start, query.end)
    kind = stored_kind(query.period).value
    item = query.item or ""
    groups = _group_sums(db, scope, kind, item, first, last)
    per_period: dict[str, Tally] = {}
    for stored, tally in _sums(db, "period", kind, scope.roots, "= ?", [item], "= 0", first, last,
                               STAT_HISTOGRAMS).items():
        per_period.setdefault(period_key(query.period, stored), Tally()).merge(tally)
    total = Tally()
    for tally in per_period.values():
        total.merge(tally)
    overdue = _running_overdue(db, scope, query, now)
    names = _names(db, scope.by, groups)
    return {
        "period": str(query.period), "from": query.start.isoformat(), "to": query.end.isoformat(),
        "counted_from": whole_periods(query.period, query.start, query.end)[0].isoformat(),
        "counted_to": whole_periods(query.period, query.start, query.end)[1].isoformat(),
        "by": scope.by, "by_name": GROUP_NAMES[scope.by], "units": scope.roots, "item": query.item,
        "unit_names": [str(get_unit(db, unit)["name"]) for unit in scope.roots],
        "item_name": _names(db, "item", {}).get(query.item, query.item) if query.item else None,
        "groups": [{"key": key, "name": names.get(key, key), **measures(tally, overdue["groups"].get(key, 0))}
                   for key, tally in sorted(groups.items(), key=lambda kv: -kv[1].counts[0])],
        "total": measures(total, overdue["total"]),
        "periods": [{"key": key, "label": period_label(query.period, key),
                     **measures(per_period[key], overdue["periods"].get(key, 0))} for key in sorted(per_period)],
        "call_hours": _call_hours(total),
        "bad_comments": _bad_comments(db, scope, query),
        "unit_choices": unit_choices(db, account),
    }


def _group_sums(db: sqlite_utils.Database, scope: Scope, kind: str, item: str, first: str,
                last: str) -> dict[str, Tally]:
    """The sums over the range of each group: the units of a kind, the items, or the approvers."""
    if scope.by in UNIT_GROUPS:
        kinds = {r["id"]: r["kind"] for r in rows(db, "select id, kind from units")}
        units = [u for u in scope.visible if kinds[u] == scope.by]
        return _sums(db, "unit_id", kind, units, "= ?", [item], "= 0", first, last)
    if scope.by == "item":
        return _sums(db, "item_code", kind, scope.roots, "= ?" if item else "!= ''", [item] if item else [], "= 0",
                     first, last)
    return _sums(db, "approver_id", kind, scope.roots, "= ''", [], "!= 0", first, last)


def _sums(db: sqlite_utils.Database, by: str, kind: str, units: Iterable[str], item: str, item_params: list[str],
          approver: str, first: str, last: str, histograms: Iterable[str] = GROUP_HISTOGRAMS) -> dict[str, Tally]:
    """The stored sums of these units, item and approver condition over the stored periods first to last, added
    up per value of the column `by` — by SQLite (the counters summed, the histograms' buckets through json_each)."""
    units = sorted(units)
    if not units:
        return {}
    where = (f"kind = ? and unit_id in ({','.join('?' * len(units))}) and item_code {item} and approver_id {approver}"
             " and period between ? and ?")
    params = [kind, *units, *item_params, first, last]
    sums: dict[str, Tally] = {}
    counters = ", ".join(f"sum({name})" for name in COUNTERS)
    for group, *counts in db.execute(f"select {by}, {counters} from stat_rollup where {where} group by {by}", params):
        tally = sums[str(group)] = Tally()
        tally.counts = [int(count or 0) for count in counts]
    for name in histograms:
        found = db.execute(f"select {by}, bucket.key, sum(bucket.value) from stat_rollup, json_each({name}) bucket"
                           f" where {where} group by {by}, bucket.key", params)
        for group, bucket, count in found:
            histogram = sums[str(group)].histograms.get(name)
            if histogram is None:
                histogram = sums[str(group)].histograms[name] = Counter()
            histogram[bucket] = int(count)
    return sums


def measures(tally: Tally, running_overdue: int = 0) -> dict[str, Any]:
    """The figures of one sum: counts, outcome split, handling time, overdue, supplements, calls, scans, ratings."""
    c = dict(zip(COUNTERS, tally.counts))
    handling = tally.histograms.get("handling_days", Counter())
    minutes = tally.histograms.get("call_minutes", Counter())
    overdue = c["late"] + running_overdue
    return {
        "opened": c["opened"], "decided": c["decided"], "closed": c["closed"],
        "outcomes": {name: c[name] for name in OUTCOMES},
        "handling_days_median": quantile(handling, 0.5), "handling_days_p90": quantile(handling, 0.9),
        "overdue": overdue, "overdue_rate": share(overdue, c["opened"]),
        "supplemented": c["supplemented"], "supplement_rate": share(c["supplemented"], c["opened"]),
        "calls": c["calls"], "calls_held": c["calls_held"],
        "call_minutes_total": round(c["call_seconds"] / 60, 1), "call_minutes_median": quantile(minutes, 0.5),
        "scans": c["scans"],
        "ratings": c["rated"], "rating_mean": round(c["rating_sum"] / c["rated"], 2) if c["rated"] else None,
        "bad_ratings": c["bad"], "bad_share": share(c["bad"], c["rated"]),
    }


def share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def quantile(histogram: Counter[str], q: float) -> float | None:
    """The q-quantile of the values a histogram counts, interpolated between neighbours (Excel's PERCENTILE.INC)."""
    values = sorted((int(bucket), count) for bucket, count in histogram.items() if count > 0)
    n = sum(count for _, count in values)
    if not n:
        return None
    position = (n - 1) * q
    low, high = _nth(values, math.floor(position)), _nth(values, math.ceil(position))
    return round(low + (high - low) * (position - math.floor(position)), 2)


def _nth(values: list[tuple[int, int]], index: int) -> int:
    """The index-th (from 0) value in sorted order."""
    for value, count in values:
        if index < count:
            return value
        index -= count
    raise IndexError(index)


def _call_hours(total: Tally) -> list[list[int]]:
    """Calls rung per weekday (Monday first) and hour: 7 rows of 24."""
    grid = [[0] * 24 for _ in WEEKDAYS]
    for bucket, count in total.histograms.get("call_hours", Counter()).items():
        weekday, hour = map(int, bucket.split("-"))
        grid[weekday][hour] += count
    return grid


def _in_scope(facts: Facts, scope: Scope, query: StatsQuery) -> bool:
    return bool(set(facts["units"]) & set(scope.roots)) and (query.item is None or query.item in facts["items"])


def _running_overdue(db: sqlite_utils.Database, scope: Scope, query: StatsQuery, now: datetime) -> dict[str, Any]:
    """Cases opened in the range and still running past their due time, per group and period (live)."""
    first_day, last_day = whole_periods(query.period, query.start, query.end)
    found: dict[str, Any] = {"total": 0, "groups": Counter(), "periods": Counter()}
    for stored in db.query("select facts, due_at from stat_cases where running = 1 and due_at < ?", [now.isoformat()]):
        facts = json.loads(stored["facts"])
        if not (first_day.isoformat() <= facts["opened"] <= last_day.isoformat()) or not _in_scope(facts, scope, query):
            continue
        if datetime.fromisoformat(facts["due_at"]) >= now:
            continue
        found["total"] += 1
        found["periods"][period_key(query.period, _stored_of(query.period, facts["opened"]))] += 1
        for key in _groups_of(facts, scope):
            found["groups"][key] += 1
    return found


def _stored_of(period: Period, day: str) -> str:
    return stored_key(stored_kind(period), date.fromisoformat(day))


def _groups_of(facts: Facts, scope: Scope) -> list[str]:
    if scope.by == "item":
        return list(facts["items"])
    if scope.by == "approver":
        return []  # a running case has no deciding approver yet
    return [unit for unit in facts["units"] if unit in scope.visible]


def _bad_comments(db: sqlite_utils.Database, scope: Scope, query: StatsQuery) -> list[dict[str, Any]]:
    """差评 with what the villager said, newest first (at most MAX_COMMENTS)."""
    first_day, last_day = whole_periods(query.period, query.start, query.end)
    found = []
    for stored in db.query("select case_id, facts from stat_cases where bad = 1 and rated_day between ? and ?"
                           " order by rated_day desc, case_id desc", [first_day.isoformat(), last_day.isoformat()]):
        facts = json.loads(stored["facts"])
        if _in_scope(facts, scope, query) and facts["comment"]:
            found.append({"case_id": stored["case_id"], "day": facts["rated"], "rating": facts["rating"],
                          "comment": facts["comment"], "village_id": facts["units"][0]})
            if len(found) == MAX_COMMENTS:
                break
    names = {r["id"]: r["name"] for r in rows(db, "select id, name from units")}
    return [{**entry, "village_name": names.get(entry["village_id"], entry["village_id"])} for entry in found]


def _names(db: sqlite_utils.Database, by: str, groups: dict[str, Tally]) -> dict[str, str]:
    if by == "item":
        return {r["code"]: f"{r['name']}（{r['title']}）" for r in rows(db, "select code, name, title from items")}
    if by == "approver":
        return {str(r["id"]): r["display_name"] for r in rows(db, "select id, display_name from accounts")}
    return {r["id"]: r["name"] for r in rows(db, "select id, name from units")}
