"""The periods figures are counted in: week (from Monday), month, quarter and year, in China dates.

The sums are kept per week and per month; a quarter or a year is read as its months.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum


class Period(StrEnum):
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


PERIOD_NAMES = {Period.WEEK: "周", Period.MONTH: "月", Period.QUARTER: "季度", Period.YEAR: "年"}
STORED_KINDS = (Period.WEEK, Period.MONTH)  # what stat_rollup holds; quarters and years are months summed


def stored_kind(period: Period) -> Period:
    """The kind of rows a period is read from."""
    return Period.WEEK if period is Period.WEEK else Period.MONTH


def stored_key(kind: Period, day: date) -> str:
    """The row key of the week (its Monday, 2026-11-23) or month (2026-11) a day falls in."""
    if kind is Period.WEEK:
        return (day - timedelta(days=day.weekday())).isoformat()
    return f"{day.year:04d}-{day.month:02d}"


def period_key(period: Period, stored: str) -> str:
    """The period a stored week or month belongs to: 2026-11-23, 2026-11, 2026-Q4 or 2026."""
    if period in (Period.WEEK, Period.MONTH):
        return stored
    year, month = stored[:4], int(stored[5:7])
    return f"{year}-Q{(month - 1) // 3 + 1}" if period is Period.QUARTER else year


def stored_range(period: Period, start: date, end: date) -> tuple[str, str]:
    """The stored keys, first and last, of the whole periods that hold start and end."""
    if period is Period.WEEK:
        return stored_key(Period.WEEK, start), stored_key(Period.WEEK, end)
    if period is Period.MONTH:
        return stored_key(Period.MONTH, start), stored_key(Period.MONTH, end)
    if period is Period.QUARTER:
        first = 3 * ((start.month - 1) // 3) + 1
        last = 3 * ((end.month - 1) // 3) + 3
        return f"{start.year:04d}-{first:02d}", f"{end.year:04d}-{last:02d}"
    return f"{start.year:04d}-01", f"{end.year:04d}-12"


def period_label(period: Period, key: str) -> str:
    """The period as the pages and reports name it: 2026年第48周（11月23日起）, 2026年11月, 2026年第4季度, 2026年."""
    if period is Period.WEEK:
        monday = date.fromisoformat(key)
        year, week, _ = monday.isocalendar()
        return f"{year}年第{week}周（{monday.month}月{monday.day}日起）"
    if period is Period.MONTH:
        return f"{key[:4]}年{int(key[5:7])}月"
    if period is Period.QUARTER:
        return f"{key[:4]}年第{key[-1]}季度"
    return f"{key}年"


def whole_periods(period: Period, start: date, end: date) -> tuple[date, date]:
    """The first and last day of the whole periods that hold start and end."""
    first, last = stored_range(period, start, end)
    if period is Period.WEEK:
        return date.fromisoformat(first), date.fromisoformat(last) + timedelta(days=6)
    last_month = date(int(last[:4]), int(last[5:7]), 1)
    following = date(last_month.year + last_month.month // 12, last_month.month % 12 + 1, 1)
    return date(int(first[:4]), int(first[5:7]), 1), following - timedelta(days=1)
