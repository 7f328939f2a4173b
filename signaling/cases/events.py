"""办件事件: an in-process bus telling the parties of a case what just happened to it.

A publisher names the case and its audience (the units that see it, with the facts the
visibility rule reads); a subscriber follows case ids, units, or both, and reads events from
a queue. A subscription made for an account (`viewer`) hears only the cases that account
sees — the same rule as `GET /api/cases/{id}` (authz.sees_case) — so an admin, who shares
the district's unit but sees no case, hears nothing. The WebSocket layer forwards each
account's queue to its connection; tests subscribe directly.

    events.publish(case_id, {"type": CaseEvent.SCAN_ADDED, ...}, case_audience(case, review_units))
    async with events.subscribe(units=[account.unit_id], viewer=account) as subscription:
        event = await subscription.get()       # or: async for event in subscription

Every event delivered is a new dict holding the publisher's fields plus ``case_id``.
Publish and subscribe on the event loop's thread (asyncio queues are not thread-safe).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from protocol.messages import CaseEventBody

from ..access.authz import sees_case
from ..access.roles import Account

logger = logging.getLogger(__name__)

Event = dict[str, Any]  # a CaseEventBody with the case_id added, as a subscriber receives it
CASE_UNITS = ("village_id", "town_id", "district_id", "handler_unit_id")


@dataclass(frozen=True)
class Audience:
    """Who hears a case's events: the case's units, and what the visibility rule needs of the case."""

    case: Mapping[str, str]
    review_units: frozenset[str]

    @property
    def units(self) -> frozenset[str]:
        """Its village, town, district, handling window and reviewing departments."""
        return frozenset(self.case.values()) | self.review_units

    def includes(self, account: Account) -> bool:
        """Whether the account sees the case (authz.sees_case, as for GET /api/cases/{id})."""
        return sees_case(account, self.case, self.review_units)


def case_audience(case: Mapping[str, Any], review_units: Iterable[str] = ()) -> Audience:
    """The audience of a case and its reviewing departments."""
    return Audience({key: case[key] for key in CASE_UNITS}, frozenset(review_units))


class Subscription:
    """One listener's queue, and what it follows; a slow reader loses events, never blocks publishers."""

    def __init__(self, case_ids: Iterable[int], units: Iterable[str], maxsize: int,
                 viewer: Account | None = None) -> None:
        self.case_ids = set(case_ids)
        self.units = set(units)
        self.viewer = viewer
        self.dropped = 0
        self._queue: asyncio.Queue[Event] = asyncio.Queue(maxsize)

    def follow_case(self, case_id: int) -> None:
        """Also receive this case's events (a participant joined its call)."""
        self.case_ids.add(case_id)

    def wants(self, case_id: int, audience: Audience | None) -> bool:
        """A viewer's subscription hears only cases the viewer sees; any other hears what it follows."""
        if self.viewer is not None and (audience is None or not audience.includes(self.viewer)):
            return False
        return case_id in self.case_ids or (audience is not None and not self.units.isdisjoint(audience.units))

    def deliver(self, event: Event) -> bool:
        try:
            self._queue.put_nowait(event)
        except asyncio.QueueFull:
            self.dropped += 1
            logger.warning("case %s: a subscriber's queue is full, %s dropped", event["case_id"], event["type"])
            return False
        return True

    async def get(self) -> Event:
        """The next event, waiting for it."""
        return await self._queue.get()

    def pending(self) -> int:
        """Events waiting to be read."""
        return self._queue.qsize()

    def __aiter__(self) -> AsyncIterator[Event]:
        return self._events()

    async def _events(self) -> AsyncIterator[Event]:
        while True:
            yield await self._queue.get()


class CaseEvents:
    """The bus: publishers never wait; each subscriber has its own bounded queue."""

    def __init__(self, queue_size: int = 256) -> None:
        self._subscriptions: set[Subscription] = set()
        self._queue_size = queue_size

    def publish(self, case_id: int, event: CaseEventBody, audience: Audience | None = None) -> int:
        """Hand the event to every subscriber following the case or one of its units; how many got it.

        Without an audience only the case's followers that are not an account's hear it.
        """
        if "type" not in event:
            raise ValueError("an event needs a 'type'")
        delivered = 0
        for subscription in list(self._subscriptions):
            if subscription.wants(case_id, audience):
                delivered += subscription.deliver({**event, "case_id": case_id})
        logger.info("case %s: %s published to %d subscribers", case_id, event["type"], delivered)
        return delivered

    @asynccontextmanager
    async def subscribe(
        self, case_ids: Iterable[int] = (), units: Iterable[str] = (), viewer: Account | None = None
    ) -> AsyncIterator[Subscription]:
        """Follow cases and units for the duration of the block (as viewer: only the cases it sees)."""
        subscription = Subscription(case_ids, units, self._queue_size, viewer)
        self._subscriptions.add(subscription)
        try:
            yield subscription
        finally:
            self._subscriptions.discard(subscription)

    def subscriber_count(self) -> int:
        return len(self._subscriptions)
