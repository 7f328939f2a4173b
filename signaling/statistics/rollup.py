"""The sums behind every figure, kept current inside the transaction that changed a case.

Each case adds to the sums of the week and the month of each of its dates (opened, decided,
closed, rated, each call, each scan), once per unit it belongs to (its village, town,
district and reviewing departments) and item ('' for all items, and each of its own), and
at the town, district and department also under the approver who decided it or answered
the call. When a case changes, what its old facts added is taken away and what its new
facts add is put in; many stale cases at once (a restored or generated database) are
summed afresh instead.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from ..cases.deadlines import WorkCalendar
from ..cases.holidays import load_calendar, work_calendar
from ..storage.database import rows
from ..storage.schema import STAT_COUNTERS, STAT_HISTOGRAMS
from .facts import BAD_RATING, FACTS_VERSION, Facts, facts_of
from .periods import STORED_KINDS, stored_key

if TYPE_CHECKING:
    import sqlite_utils

    from ..audit.acts import Act

Key = tuple[str, str, str, int, str]  # kind, unit, item ('' all), approver (0 all), stored period
COUNTER_INDEX = {name: index for index, name in enumerate(STAT_COUNTERS)}
REBUILD_ABOVE = 2000  # stale cases beyond which summing afresh is quicker than case by case


class Tally:
    """What one key holds: the counters, and the histograms (bucket → count)."""

    __slots__ = ("counts", "histograms")

    def __init__(self) -> None:
        self.counts = [0] * len(STAT_COUNTERS)
        self.histograms: dict[str, Counter[str]] = {}

    def add(self, values: dict[str, int], histograms: dict[str, str], sign: int = 1) -> None:
        for name, value in values.items():
            self.counts[COUNTER_INDEX[name]] += sign * value
        for name, bucket in histograms.items():
            self.histograms.setdefault(name, Counter())[bucket] += sign

    def merge(self, other: Tally, sign: int = 1) -> None:
        self.counts = [mine + sign * theirs for mine, theirs in zip(self.counts, other.counts)]
        for name, histogram in other.histograms.items():
            mine = self.histograms.setdefault(name, Counter())
            for bucket, count in histogram.items():
                mine[bucket] += sign * count

    def is_zero(self) -> bool:
        return not any(self.counts) and not any(any(h.values()) for h in self.histograms.values())

    def row(self, key: Key) -> dict[str, Any]:
        kind, unit, item, approver, period = key
        return {"kind": kind, "unit_id": unit, "item_code": item, "approver_id": approver, "period": period,
                **dict(zip(STAT_COUNTERS, self.counts)),
                **{name: json.dumps({b: n for b, n in sorted(self.histograms.get(name, Counter()).items()) if n})
                   for name in STAT_HISTOGRAMS}}

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Tally:
        tally = cls()
        tally.counts = [row[name] or 0 for name in STAT_COUNTERS]
        tally.histograms = {name: Counter(json.loads(row[name] or "{}")) for name in STAT_HISTOGRAMS}
        return tally


def contributions(facts: Facts, wanted: Callable[[str], bool] = lambda unit: True) -> dict[Key, Tally]:
    """What one case adds to the sums (of the units wanted)."""
    found: dict[Key, Tally] = {}
    units = [unit for unit in facts["units"] if wanted(unit)]
    village = facts["units"][0]
    items = ["", *facts["items"]]

    def add(day: str, approver: int, values: dict[str, int], histograms: dict[str, str] | None = None) -> None:
        when = date.fromisoformat(day)
        for kind in STORED_KINDS:
            period = stored_key(kind, when)
            for unit in units:
                keys = [(kind.value, unit, item, 0, period) for item in items]
                if approver and unit != village:
                    keys.append((kind.value, unit, "", approver, period))
                for key in keys:
                    tally = found.get(key)
                    if tally is None:
                        tally = found[key] = Tally()
                    tally.add(values, histograms or {})

    approver = facts["approver"]
    add(facts["opened"], approver, {"opened": 1, facts["outcome"]: 1, "late": facts["late"],
                                    "supplemented": facts["supplemented"]})
    if facts["decided"]:
        add(facts["decided"], approver, {"decided": 1}, {"handling_days": str(facts["handling_days"])})
    if facts["closed"]:
        add(facts["closed"], approver, {"closed": 1})
    if facts["rated"]:
        add(facts["rated"], approver, {"rated": 1, "rating_sum": facts["rating"],
                                       "bad": int(facts["rating"] <= BAD_RATING)})
    for day, weekday, hour, held, seconds, answered in facts["calls"]:
        histograms = {"call_hours": f"{weekday}-{hour}"}
        if held:
            histograms["call_minutes"] = str(round(seconds / 60))
        add(day, answered, {"calls": 1, "calls_held": held, "call_seconds": seconds if held else 0}, histograms)
    for day in facts["scans"]:
        add(day, 0, {"scans": 1})
    return found


def keeper(db: sqlite_utils.Database) -> None:
    """The closing hook that brings the statistics of the cases a transaction touched up to date, inside it."""
    stale = [r["case_id"] for r in rows(db, "select case_id from stat_dirty")]
    if not stale:
        return
    calendar = work_calendar(db)
    if len(stale) > REBUILD_ABOVE:
        rebuild(db, calendar)
    else:
        update_cases(db, stale, calendar)
    db.execute("delete from stat_dirty")


def recount_all(db: sqlite_utils.Database) -> None:
    """The hook sums every case afresh, from nothing: what the old sums hold may not follow from
    the stored facts by today's rules (another calendar, another version's counters)."""
    db.execute("delete from stat_cases")
    db.execute("delete from stat_rollup")
    db.execute("insert or ignore into stat_dirty (case_id) select id from cases")


def update_cases(db: sqlite_utils.Database, case_ids: list[int], calendar: WorkCalendar) -> None:
    """Take each case's old contributions out of the sums and put its new ones in."""
    new_facts = facts_of(db, case_ids, calendar)
    marks = ",".join("?" * len(case_ids))
    old_facts = {r["case_id"]: json.loads(r["facts"])
                 for r in rows(db, f"select case_id, facts from stat_cases where case_id in ({marks})", case_ids)}
    change: dict[Key, Tally] = {}
    for case_id in case_ids:
        for facts, sign in ((old_facts.get(case_id), -1), (new_facts.get(case_id), 1)):
            for key, tally in (contributions(facts) if facts else {}).items():
                change.setdefault(key, Tally()).merge(tally, sign)
    for key, delta in change.items():
        if not delta.is_zero():
            _add_to_row(db, key, delta)
    store_facts(db, new_facts)


def _add_to_row(db: sqlite_utils.Database, key: Key, delta: Tally) -> None:
    found = rows(db, "select * from stat_rollup where kind = ? and unit_id = ? and item_code = ? and approver_id = ?"
                     " and period = ?", list(key))
    tally = Tally.from_row(found[0]) if found else Tally()
    tally.merge(delta)
    db.conn.execute(f"insert or replace {INTO_ROLLUP}", list(tally.row(key).values()))


def store_facts(db: sqlite_utils.Database, facts: dict[int, Facts]) -> None:
    db.conn.executemany(
        "insert or replace into stat_cases (case_id, facts, running, due_at, bad, rated_day, village_id)"
        " values (?, ?, ?, ?, ?, ?, ?)",
        ((case_id, json.dumps(f, ensure_ascii=False), f["running"], f["due_at"],
          int(f["rating"] is not None and f["rating"] <= BAD_RATING), f["rated"], f["units"][0])
         for case_id, f in facts.items()))


ROLLUP_COLUMNS = ("kind", "unit_id", "item_code", "approver_id", "period", *STAT_COUNTERS, *STAT_HISTOGRAMS)
INTO_ROLLUP = f"into stat_rollup ({', '.join(ROLLUP_COLUMNS)}) values ({', '.join('?' * len(ROLLUP_COLUMNS))})"


def rebuild(db: sqlite_utils.Database, calendar: WorkCalendar) -> None:
    """Every case's facts read again and every sum made afresh, one level of units at a time (memory)."""
    ids = [r["id"] for r in rows(db, "select id from cases order by id")]
    db.execute("delete from stat_cases")
    db.execute("delete from stat_rollup")
    for start in range(0, len(ids), REBUILD_ABOVE):  # a batch of facts in memory at a time
        store_facts(db, facts_of(db, ids[start:start + REBUILD_ABOVE], calendar))
    levels = {r["id"]: r["kind"] for r in rows(db, "select id, kind from units")}
    for level in (("district", "department"), ("town",), ("village",)):
        sums: dict[Key, Tally] = {}
        for stored in db.query("select facts from stat_cases"):
            for key, tally in contributions(json.loads(stored["facts"]), lambda u: levels.get(u) in level).items():
                known = sums.get(key)
                if known is None:
                    sums[key] = tally
                else:
                    known.merge(tally)
        db.conn.executemany(f"insert {INTO_ROLLUP}", (list(tally.row(key).values()) for key, tally in sums.items()))


def catch_up(db: sqlite_utils.Database) -> int:
    """Mark the cases the hook must sum at start: those without statistics yet (a database from
    before them), or all of them when the sums were made otherwise — with another calendar
    (`cunneng holidays load` while the server was stopped) or by a version that counted other
    things (the 群众撤回 counter, added after databases existed)."""
    calendar = work_calendar(db)
    made_with = json.dumps({"calendar": [sorted(calendar.holidays), sorted(calendar.workdays)],
                            "counters": STAT_COUNTERS, "histograms": STAT_HISTOGRAMS, "facts": FACTS_VERSION})
    known = db.execute("select value from stat_meta where key = 'made_with'").fetchone()
    if known is None or known[0] != made_with:
        recount_all(db)
    db.execute("delete from stat_meta where key = 'calendar'")  # what versions before 'made_with' kept
    db.execute("insert or replace into stat_meta (key, value) values ('made_with', ?)", [made_with])
    db.execute("insert or ignore into stat_dirty (case_id) select id from cases"
               " where id not in (select case_id from stat_cases)")
    return int(db.execute("select count(*) from stat_dirty").fetchone()[0])


def load_calendar_and_recount(db: sqlite_utils.Database, act: Act, calendar: dict[str, Any]) -> dict[str, Any]:
    """Load a year's calendar; the cases' handling days are counted again with it in the same transaction."""
    loaded = load_calendar(db, act, calendar)
    catch_up(db)
    return loaded
