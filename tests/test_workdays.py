"""限时办结: due times in working days, skipping weekends and configured holidays."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from signaling.cases.deadlines import add_working_days

FRIDAY_EVENING = datetime(2026, 11, 27, 10, 0, tzinfo=timezone.utc)  # 18:00 China time


@pytest.mark.parametrize("days,due_local_day", [(0, 27), (1, 30), (5, 4), (6, 7)])
def test_weekends_do_not_count(days: int, due_local_day: int) -> None:
    due = add_working_days(FRIDAY_EVENING, days, frozenset())
    assert due.day == due_local_day
    assert (due.hour, due.minute) == (15, 59)  # 23:59 China time


def test_holidays_do_not_count() -> None:
    due = add_working_days(FRIDAY_EVENING, 1, frozenset({"2026-11-30"}))
    assert due.date().isoformat() == "2026-12-01"
