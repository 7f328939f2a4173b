"""The retention rules alone: periods, when a recording's time starts, holds, shared stored files."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from recordings import DOCUMENT, RECORDING, RetentionPolicy, Stored, due_for_deletion, recording_since, releasable_files
from recordings.exceptions import InvalidRetention

NOW = datetime(2026, 12, 24, 2, 0, tzinfo=timezone.utc)


def stored(kind: str, row_id: int, days_ago: float, digest: str = "a" * 64, held: bool = False) -> Stored:
    return Stored(kind, row_id, 1, digest, NOW - timedelta(days=days_ago), held)


@pytest.mark.parametrize("days", [0, -1, 1.5])
def test_a_period_is_a_whole_number_of_days_of_at_least_one(days: float) -> None:
    with pytest.raises(InvalidRetention):
        RetentionPolicy(recording_days=days)  # type: ignore[arg-type]


def test_each_kind_goes_only_once_its_whole_period_has_passed() -> None:
    policy = RetentionPolicy(recording_days=30, document_days=90)
    rows = [stored(RECORDING, 1, 30), stored(RECORDING, 2, 30.001), stored(DOCUMENT, 3, 90), stored(DOCUMENT, 4, 91)]
    going, held = due_for_deletion(rows, policy, NOW)
    assert [s.row_id for s in going] == [4, 2] and held == []  # oldest first


def test_a_held_case_keeps_what_is_due() -> None:
    going, held = due_for_deletion([stored(RECORDING, 1, 40, held=True)], RetentionPolicy(), NOW)
    assert going == [] and [s.row_id for s in held] == [1]


def test_a_call_a_crash_left_open_counts_from_the_recordings_own_end() -> None:
    assert recording_since("2026-11-23T02:00:00+00:00", 0.0, 0.0) == datetime(2026, 11, 23, 2, tzinfo=timezone.utc)
    started = datetime(2026, 11, 23, 2, tzinfo=timezone.utc).timestamp()
    assert recording_since(None, started, 90.0) == datetime(2026, 11, 23, 2, 1, 30, tzinfo=timezone.utc)


def test_a_stored_file_goes_only_when_no_remaining_row_names_it() -> None:
    going = [stored(DOCUMENT, 1, 91, "a" * 64), stored(DOCUMENT, 2, 91, "b" * 64), stored(RECORDING, 3, 31, "b" * 64)]
    assert releasable_files(going, still_named={"a" * 64}) == ["b" * 64]
