"""办件事件: an in-process bus telling the parties of a case what just happened to it.

A publisher names the case and the units concerned; a subscriber follows case ids, units,
or both, and reads events from a queue. The WebSocket layer forwards each participant's
queue to its connection; tests subscribe directly.

    events.publish(case_id, {"type": "scan_added", ...}, units=case_audience(case, review_units))
    async with events.subscribe(units=[account.unit_id]) as subscription:
        event = await subscription.get()       # or: async for event in subscription

Every event delivered is a new dict holding the publisher's fields plus ``case_id``.
Publish and subscribe on the event loop's thread (asyncio queues are not thread-safe).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from typing import Any

logger = logging.getLogger(__name__)

Event = dict[str, Any]


def case_audience(case: dict[str, Any], review_units: Iterable[str] = ()) -> frozenset[str]:
    """The units that see a case: its village, town, district, handling window and reviewing departments."""
    units = {case["village_id"], case["town_id"], case["district_id"], case["handler_unit_id"]}
    return frozenset(units | set(review_units))


class Subscription:
    """One listener's queue, and what it follows; a slow reader loses events, never blocks publishers."""

    def __init__(self, case_ids: Iterable[int], units: Iterable[str], maxsize: int) -> None:
        self.case_ids = set(case_ids)
        self.units = set(units)
        self.dropped = 0
        self._queue: asyncio.Queue[Event] = asyncio.Queue(maxsize)

    def follow_case(self, case_id: int) -> None:
        """Also receive this case's events (a participant joined its call)."""
        self.case_ids.add(case_id)

    def wants(self, case_id: int, units: frozenset[str]) -> bool:
        return case_id in self.case_ids or not self.units.isdisjoint(units)

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

    def publish(self, case_id: int, event: Event, units: Iterable[str] = ()) -> int:
        """Hand the event to every subscriber following the case or one of the units; how many got it."""
        if "type" not in event:
            raise ValueError("an event needs a 'type'")
        audience = frozenset(units)
        delivered = 0
        for subscription in list(self._subscriptions):
            if subscription.wants(case_id, audience):
                delivered += subscription.deliver({**event, "case_id": case_id})
        logger.info("case %s: %s published to %d subscribers", case_id, event["type"], delivered)
        return delivered

    @asynccontextmanager
    async def subscribe(
        self, case_ids: Iterable[int] = (), units: Iterable[str] = ()
    ) -> AsyncIterator[Subscription]:
        """Follow cases and units for the duration of the block."""
        subscription = Subscription(case_ids, units, self._queue_size)
        self._subscriptions.add(subscription)
        try:
            yield subscription
        finally:
            self._subscriptions.discard(subscription)

    def subscriber_count(self) -> int:
        return len(self._subscriptions)
