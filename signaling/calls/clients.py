"""Connected clients: one per open WebSocket of a signed-in account, and who is online."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Mapping
from typing import Any

from aiohttp import web

from protocol.words import CloseCode

from ..access.roles import Account

logger = logging.getLogger(__name__)

# A client that lets this many messages pile up is not reading: close it, so it reconnects.
OUTBOX_LIMIT = 500


class Client:
    """A connection: messages to it leave in order from its own queue, so a slow one holds up nobody."""

    def __init__(self, account: Account, socket: web.WebSocketResponse) -> None:
        self.account = account
        self.socket = socket
        self._outbox: asyncio.Queue[Mapping[str, Any] | None] = asyncio.Queue(OUTBOX_LIMIT)
        self._writer = asyncio.ensure_future(self._write())

    def send(self, message: Mapping[str, Any]) -> None:
        """Queue a message (one of protocol.messages'); never waits."""
        try:
            self._outbox.put_nowait(message)
        except asyncio.QueueFull:
            logger.warning("account %s: client not reading, closing it", self.account.id)
            asyncio.ensure_future(self.socket.close(code=CloseCode.TOO_SLOW, message=b"too slow"))

    async def close(self) -> None:
        """Stop writing (after what is queued) and wait for the writer."""
        try:
            self._outbox.put_nowait(None)
        except asyncio.QueueFull:
            self._writer.cancel()
        await asyncio.gather(self._writer, return_exceptions=True)

    async def _write(self) -> None:
        while (message := await self._outbox.get()) is not None:
            if self.socket.closed:
                return
            try:
                await self.socket.send_json(message)
            except (ConnectionError, RuntimeError):
                return


class Presence:
    """Who is online, per unit: every open connection counts until it closes."""

    def __init__(self) -> None:
        self.clients: dict[int, set[Client]] = {}

    def add(self, client: Client) -> bool:
        """Register a connection; True when its account just came online."""
        connections = self.clients.setdefault(client.account.id, set())
        connections.add(client)
        return len(connections) == 1

    def remove(self, client: Client) -> bool:
        """Forget a connection; True when its account just went offline."""
        connections = self.clients.get(client.account.id, set())
        connections.discard(client)
        if connections:
            return False
        self.clients.pop(client.account.id, None)
        return True

    def of(self, account_id: int) -> set[Client]:
        return self.clients.get(account_id, set())

    def all(self) -> Iterable[Client]:
        for connections in list(self.clients.values()):
            yield from connections

    def in_units(self, units: Iterable[str]) -> list[Client]:
        """Connections of accounts bound to any of the units."""
        wanted = set(units)
        return [client for client in self.all() if client.account.unit_id in wanted]

    def snapshot(self) -> dict[str, list[dict[str, Any]]]:
        """Online accounts by unit, as the presence message shows them."""
        units: dict[str, list[dict[str, Any]]] = {}
        for connections in self.clients.values():
            account = next(iter(connections)).account
            units.setdefault(account.unit_id, []).append(
                {"account_id": account.id, "name": account.display_name, "role": str(account.role)}
            )
        return units
