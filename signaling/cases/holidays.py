"""节假日安排: the yearly calendar of holidays and 调休 working days, loaded by the admin.

A calendar file is one year, as the State Council's notice gives it (shipped for this year
and the next in data/holidays/; `cunneng holidays load FILE` or `PUT /api/calendar/{year}`
loads another). Loading a year replaces that year wholly, in one transaction, logged.
"""

from __future__ import annotations

import json
from datetime import date
from importlib.resources import files
from typing import TYPE_CHECKING, Any

import jsonschema

from ..audit.acts import Act
from ..exceptions import InvalidInput
from ..storage.database import first, rows
from .deadlines import WorkCalendar

if TYPE_CHECKING:
    import sqlite_utils

DAY_SCHEMA: dict[str, Any] = {
    "type": "object", "required": ["date", "name"], "additionalProperties": False,
    "properties": {
        "date": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
        "name": {"type": "string", "minLength": 1, "maxLength": 40},
    },
}
CALENDAR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "节假日安排",
    "required": ["year", "holidays", "workdays"],
    "additionalProperties": False,
    "properties": {
        "year": {"type": "integer", "minimum": 2000, "maximum": 2999},
        "source": {"type": "string", "maxLength": 300},
        "provisional": {"type": "boolean"},
        "holidays": {"type": "array", "maxItems": 60, "items": DAY_SCHEMA},
        "workdays": {"type": "array", "maxItems": 20, "items": DAY_SCHEMA},
    },
}


def shipped_calendars() -> list[dict[str, Any]]:
    """The calendars shipped with the server (this year's and next year's)."""
    folder = files("signaling.cases") / "data" / "holidays"
    return [json.loads(entry.read_text("utf-8")) for entry in sorted(folder.iterdir(), key=lambda e: e.name)
            if entry.name.endswith(".json")]


def check_calendar(calendar: dict[str, Any]) -> list[tuple[str, str, str]]:
    """The (date, kind, name) rows of a calendar file, or InvalidInput saying what is wrong."""
    try:
        jsonschema.validate(calendar, CALENDAR_SCHEMA)
    except jsonschema.ValidationError as wrong:
        raise InvalidInput(f"节假日文件格式不对：{wrong.message}", f"Calendar file: {wrong.message}") from None
    year, days = calendar["year"], []
    for kind in ("holidays", "workdays"):
        for entry in calendar[kind]:
            day = _day_of(entry["date"], year)
            if kind == "workdays" and day.weekday() < 5:
                raise InvalidInput(f"{day} 不是周末，不需要列为调休上班日。",
                                   f"{day} is not a weekend day; only weekend days can be 调休 working days.")
            days.append((day.isoformat(), kind[:-1], entry["name"]))
    if not calendar["holidays"]:  # every year has some: an empty list is a wrong file, not a year without rest
        raise InvalidInput("节假日文件没有列出任何放假日期。", "The calendar file lists no holidays.")
    dates = [d for d, _, _ in days]
    repeated = sorted({d for d in dates if dates.count(d) > 1})
    if repeated:
        raise InvalidInput(f"这些日期列了不止一次：{'、'.join(repeated)}。",
                           f"Dates listed twice: {', '.join(repeated)}.")
    return days


def _day_of(raw: str, year: int) -> date:
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(f"「{raw}」不是有效的日期。", f"{raw} is not a date.") from None
    if day.year != year:
        raise InvalidInput(f"{day} 不在 {year} 年内。", f"{day} is not in {year}.")
    return day


def load_calendar(db: sqlite_utils.Database, act: Act, calendar: dict[str, Any]) -> dict[str, Any]:
    """Replace the year's holidays and 调休 working days with the file's; the year's summary."""
    days = check_calendar(calendar)
    year = calendar["year"]
    db.execute("delete from calendar_days where year = ?", [year])
    db.table("calendar_days").insert_all(
        {"day": day, "year": year, "kind": kind, "name": name, "source": calendar.get("source", ""),
         "provisional": int(calendar.get("provisional", False)), "loaded_at": act.when}
        for day, kind, name in days
    )
    act.log(db, "calendar_loaded", detail={
        "year": year, "holidays": sum(k == "holiday" for _, k, _ in days),
        "workdays": sum(k == "workday" for _, k, _ in days), "source": calendar.get("source", ""),
    })
    return calendar_years(db)[str(year)]


def seed_calendars(db: sqlite_utils.Database, act: Act) -> list[int]:
    """Load each shipped year not loaded yet (the admin's own file for a year is never replaced)."""
    loaded = []
    for calendar in shipped_calendars():
        if first(db, "select day from calendar_days where year = ? limit 1", [calendar["year"]]) is None:
            load_calendar(db, act, calendar)
            loaded.append(calendar["year"])
    return loaded


def work_calendar(db: sqlite_utils.Database) -> WorkCalendar:
    """Every loaded year's holidays and 调休 working days."""
    found = rows(db, "select day, kind from calendar_days")
    return WorkCalendar(
        holidays=frozenset(r["day"] for r in found if r["kind"] == "holiday"),
        workdays=frozenset(r["day"] for r in found if r["kind"] == "workday"),
    )


def calendar_years(db: sqlite_utils.Database) -> dict[str, dict[str, Any]]:
    """The loaded years, each with its source and days, as the admin sees them."""
    years: dict[str, dict[str, Any]] = {}
    for r in rows(db, "select * from calendar_days order by day"):
        year = years.setdefault(str(r["year"]), {
            "year": r["year"], "source": r["source"], "provisional": bool(r["provisional"]),
            "loaded_at": r["loaded_at"], "holidays": [], "workdays": [],
        })
        year[f"{r['kind']}s"].append({"date": r["day"], "name": r["name"]})
    return years
