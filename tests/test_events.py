"""The case event bus: who hears what, and a slow listener never blocks a publisher."""

from __future__ import annotations

import pytest

from signaling.access.roles import Account, Role
from signaling.cases.events import CaseEvents, case_audience

CASE = {"village_id": "zh-yb-01", "town_id": "zh-yb", "district_id": "zh", "handler_unit_id": "zh-yb"}


async def test_subscribers_hear_the_cases_and_units_they_follow() -> None:
    events = CaseEvents()
    async with events.subscribe(case_ids=[7]) as by_case, events.subscribe(units=["zh-yb"]) as by_unit, \
            events.subscribe(units=["zh-wj"], case_ids=[8]) as elsewhere:
        delivered = events.publish(7, {"type": "scan_added", "n": 1}, case_audience(CASE, ["zh-hrss"]))
        assert delivered == 2
        assert await by_case.get() == {"type": "scan_added", "n": 1, "case_id": 7}
        assert await by_unit.get() == {"type": "scan_added", "n": 1, "case_id": 7}
        assert elsewhere.pending() == 0

        elsewhere.follow_case(7)
        events.publish(7, {"type": "scan_added", "n": 2})
        assert (await elsewhere.get())["n"] == 2
    assert events.subscriber_count() == 0
    assert events.publish(7, {"type": "scan_added"}) == 0


def test_a_case_is_heard_by_its_village_town_district_and_reviewers() -> None:
    assert case_audience(CASE, ["zh-hrss"]).units == {"zh-yb-01", "zh-yb", "zh", "zh-hrss"}


async def test_an_accounts_subscription_hears_only_the_cases_it_sees() -> None:
    """The admin shares the district's unit with the district window and the auditor, but sees no case (#17)."""
    events = CaseEvents()
    admin, auditor, district = (Account(n, name, name, role, "zh") for n, name, role in (
        (1, "admin", Role.ADMIN), (2, "auditor", Role.AUDITOR), (3, "district", Role.DISTRICT_APPROVER)))
    async with events.subscribe(units=["zh"], viewer=admin) as admins, \
            events.subscribe(units=["zh"], viewer=auditor) as auditors, \
            events.subscribe(units=["zh"], viewer=district) as districts:
        assert events.publish(7, {"type": "scan_added"}, case_audience(CASE)) == 2
        assert admins.pending() == 0 and auditors.pending() == 1 and districts.pending() == 1


async def test_a_full_queue_drops_events_instead_of_blocking() -> None:
    events = CaseEvents(queue_size=2)
    async with events.subscribe(case_ids=[1]) as slow:
        results = [events.publish(1, {"type": "tick", "n": n}) for n in range(4)]
        assert results == [1, 1, 0, 0] and slow.dropped == 2
        assert [(await slow.get())["n"] for _ in range(2)] == [0, 1]


async def test_an_event_needs_a_type() -> None:
    with pytest.raises(ValueError):
        CaseEvents().publish(1, {"document": {}})


async def test_a_subscription_reads_as_an_async_iterator() -> None:
    events = CaseEvents()
    async with events.subscribe(case_ids=[3]) as subscription:
        for n in range(3):
            events.publish(3, {"type": "tick", "n": n})
        seen = []
        async for event in subscription:
            seen.append(event["n"])
            if len(seen) == 3:
                break
    assert seen == [0, 1, 2]
