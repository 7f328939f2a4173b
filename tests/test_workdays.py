"""限时办结: due times in working days, skipping weekends and holidays, counting 调休 weekend days."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from signaling.cases.deadlines import WorkCalendar, add_working_days, due_after_wait, due_soon, working_days_between
from signaling.cases.holidays import check_calendar, shipped_calendars
from signaling.exceptions import InvalidInput

FRIDAY_EVENING = datetime(2026, 11, 27, 10, 0, tzinfo=timezone.utc)  # 18:00 China time
NO_HOLIDAYS = WorkCalendar()


@pytest.mark.parametrize("days,due_local_day", [(0, 27), (1, 30), (5, 4), (6, 7)])
def test_weekends_do_not_count(days: int, due_local_day: int) -> None:
    due = add_working_days(FRIDAY_EVENING, days, NO_HOLIDAYS)
    assert due.day == due_local_day
    assert (due.hour, due.minute) == (15, 59)  # 23:59 China time


def test_holidays_do_not_count() -> None:
    due = add_working_days(FRIDAY_EVENING, 1, WorkCalendar(holidays=frozenset({"2026-11-30"})))
    assert due.date().isoformat() == "2026-12-01"


def test_a_tiaoxiu_saturday_is_a_working_day() -> None:
    calendar = WorkCalendar(workdays=frozenset({"2026-11-28"}))
    assert add_working_days(FRIDAY_EVENING, 1, calendar).date().isoformat() == "2026-11-28"


def test_the_shipped_2026_calendar_is_the_state_councils() -> None:
    """National Day: 1–7 October off, Sunday 20 September and Saturday 10 October worked."""
    (days_2026,) = [c for c in shipped_calendars() if c["year"] == 2026]
    rows = check_calendar(days_2026)
    holidays = frozenset(d for d, kind, _ in rows if kind == "holiday")
    workdays = frozenset(d for d, kind, _ in rows if kind == "workday")
    assert len(holidays) == 33 and workdays == {"2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09",
                                                "2026-09-20", "2026-10-10"}
    calendar = WorkCalendar(holidays, workdays)
    eve = datetime(2026, 9, 30, 2, 0, tzinfo=timezone.utc)  # Wednesday before National Day
    assert add_working_days(eve, 1, calendar).date().isoformat() == "2026-10-08"
    assert add_working_days(eve, 3, calendar).date().isoformat() == "2026-10-10"  # the Saturday worked


def test_working_days_waited_are_those_after_the_stop_up_to_the_return() -> None:
    stopped = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)  # Monday
    assert working_days_between(stopped, stopped, NO_HOLIDAYS) == 0
    assert working_days_between(stopped, datetime(2026, 11, 24, 9, tzinfo=timezone.utc), NO_HOLIDAYS) == 1
    assert working_days_between(stopped, datetime(2026, 12, 2, 2, tzinfo=timezone.utc), NO_HOLIDAYS) == 7
    due, waited = due_after_wait("2026-11-30T15:59:59+00:00", stopped.isoformat(),
                                 datetime(2026, 12, 2, 2, tzinfo=timezone.utc), NO_HOLIDAYS)
    assert (due, waited) == ("2026-12-09T15:59:59+00:00", 7)


def test_due_soon_is_within_one_working_day() -> None:
    due = "2026-11-30T15:59:59+00:00"  # Monday night
    assert due_soon(due, FRIDAY_EVENING, NO_HOLIDAYS)
    assert not due_soon(due, datetime(2026, 11, 26, 2, tzinfo=timezone.utc), NO_HOLIDAYS)  # Thursday
    assert not due_soon(due, datetime(2026, 12, 1, 2, tzinfo=timezone.utc), NO_HOLIDAYS)  # late already


@pytest.mark.parametrize("wrong,says", [
    ({"year": 2026, "holidays": [{"date": "2027-01-01", "name": "元旦"}], "workdays": []}, "不在 2026 年内"),
    ({"year": 2026, "holidays": [], "workdays": [{"date": "2026-11-25", "name": "调休"}]}, "不是周末"),
    ({"year": 2026, "holidays": [{"date": "2026-02-30", "name": "x"}], "workdays": []}, "不是有效的日期"),
    ({"year": 2026, "holidays": [{"date": "2026-10-01", "name": "国庆"}] * 2, "workdays": []}, "不止一次"),
    ({"year": 2026, "holidays": []}, "格式不对"),
])
def test_a_wrong_calendar_file_says_what_is_wrong(wrong: dict[str, object], says: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_calendar(wrong)
    assert says in refused.value.message
