"""限时办结: due times counted in working days (Monday to Friday, minus configured holidays)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from ..config import CHINA_TZ


def is_working_day(day: date, holidays: frozenset[str]) -> bool:
    """Monday to Friday and not a configured holiday."""
    return day.weekday() < 5 and day.isoformat() not in holidays


def add_working_days(start: datetime, days: int, holidays: frozenset[str]) -> datetime:
    """The end of the `days`-th working day after start (local time), as a UTC datetime.

    0 days (即办) means the end of the day the case was opened, so a case opened at the
    window is due before the window closes.
    """
    day = start.astimezone(CHINA_TZ).date()
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            remaining -= 1
    end_of_day = datetime.combine(day, time(23, 59, 59), tzinfo=CHINA_TZ)
    return end_of_day.astimezone(start.tzinfo)
