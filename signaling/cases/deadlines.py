"""限时办结: due times counted in working days of the State Council's calendar.

A working day is Monday to Friday unless the calendar makes it a holiday, or a weekend day
the calendar makes a working day (调休上班). The clock stops while the villager owes
materials (supplement_requested): when they arrive, the due time moves on by exactly the
working days waited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from ..config import CHINA_TZ


@dataclass(frozen=True)
class WorkCalendar:
    """The loaded yearly calendars: ISO dates off work, and weekend dates that are worked (调休)."""

    holidays: frozenset[str] = field(default_factory=frozenset)
    workdays: frozenset[str] = field(default_factory=frozenset)

    def is_working_day(self, day: date) -> bool:
        iso = day.isoformat()
        if iso in self.workdays:
            return True
        return day.weekday() < 5 and iso not in self.holidays


def local_day(moment: datetime) -> date:
    return moment.astimezone(CHINA_TZ).date()


def add_working_days(start: datetime, days: int, calendar: WorkCalendar) -> datetime:
    """The end of the `days`-th working day after start (local time), in start's time zone.

    0 days (即办) means the end of the day the case was opened, so a case opened at the
    window is due before the window closes.
    """
    day = local_day(start)
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            remaining -= 1
    end_of_day = datetime.combine(day, time(23, 59, 59), tzinfo=CHINA_TZ)
    return end_of_day.astimezone(start.tzinfo)


def working_days_between(stopped: datetime, resumed: datetime, calendar: WorkCalendar) -> int:
    """The working days the villager held the case: those after the day it stopped, up to the day it resumed."""
    return working_days_after(local_day(stopped), local_day(resumed), calendar)


def working_days_after(first: date, last: date, calendar: WorkCalendar) -> int:
    """The working days after the date first, up to and including last (the same day: 0)."""
    day, count = first, 0
    while day < last:
        day += timedelta(days=1)
        count += calendar.is_working_day(day)
    return count


def due_after_wait(due_at: str, stopped_at: str, resumed: datetime, calendar: WorkCalendar) -> tuple[str, int]:
    """The due time moved on by the working days waited for supplements, and how many they were."""
    waited = working_days_between(datetime.fromisoformat(stopped_at), resumed, calendar)
    due = datetime.fromisoformat(due_at)
    return (add_working_days(due, waited, calendar).isoformat() if waited else due_at), waited


def due_soon(due_at: str, now: datetime, calendar: WorkCalendar) -> bool:
    """即将超期: not yet late, but due by the end of the next working day."""
    due = datetime.fromisoformat(due_at)
    return now <= due <= add_working_days(now, 1, calendar)
