"""短信网关: the courier that takes pending notices from the outbox to the county's SMS gateway.

The gateway is any HTTP endpoint the county configures (`--sms-gateway-url`, with a shared
secret): each notice is POSTed as JSON `{"id", "phone", "text"}` with an `Idempotency-Key`
naming the notice and an HMAC-SHA256 of the body under the secret
(`X-Cunneng-Signature: sha256=<hex>`), so the gateway can refuse forgeries and drop a repeat.
A 2xx answer marks the notice sent; anything else is tried again later, backing off from
`retry_seconds` up to an hour. The outbox is in SQLite, so what a restart interrupts is sent
by the next start.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import aiohttp

from ..access.roles import SYSTEM
from ..audit.acts import Act
from ..audit.chain import AuditLog
from ..config import Clock
from ..storage.database import Database
from .outbox import due_notices, record_delivery, record_failure

logger = logging.getLogger(__name__)
LONGEST_WAIT = timedelta(hours=1)


@dataclass(frozen=True)
class SmsGateway:
    """Where the county's SMS gateway listens and the secret both sides share."""

    url: str
    secret: str

    def request(self, notice: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
        """The body and headers of one notice's POST."""
        body = json.dumps({"id": notice["id"], "phone": notice["phone"], "text": notice["text"]},
                          ensure_ascii=False).encode()
        signature = hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()
        return body, {"Content-Type": "application/json; charset=utf-8", "X-Cunneng-Signature": f"sha256={signature}",
                      "Idempotency-Key": f"cunneng-notice-{notice['id']}"}


class NoticeCourier:
    """Sends what the outbox holds whenever woken (a notice was queued) and every poll interval."""

    def __init__(self, database: Database, audit: AuditLog, clock: Clock, gateway: SmsGateway,
                 poll_seconds: float, retry_seconds: float) -> None:
        self._database, self._audit, self._clock, self._gateway = database, audit, clock, gateway
        self._poll, self._retry = poll_seconds, retry_seconds
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Something was queued: send it now rather than at the next poll."""
        self._wake.set()

    async def run(self) -> None:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
            while True:
                self._wake.clear()
                try:
                    await self.send_due(session)
                except Exception:
                    logger.exception("notices: a round of sending failed; trying again at the next")
                try:
                    await asyncio.wait_for(self._wake.wait(), self._poll)
                except TimeoutError:
                    pass

    async def send_due(self, session: aiohttp.ClientSession) -> int:
        """Send every notice whose time has come; how many the gateway took."""
        sent = 0
        for notice in await self._database.read(due_notices, self._clock()):
            error = await self._post(session, notice)
            act = Act(SYSTEM, self._clock(), self._audit)
            if error is None:
                await self._database.run(record_delivery, act, notice["id"])
                sent += 1
                continue
            wait = min(timedelta(seconds=self._retry * 2 ** notice["attempts"]), LONGEST_WAIT)
            logger.warning("case %s: notice %s not sent (%s); again in %s", notice["case_id"], notice["id"],
                           error, wait)
            await self._database.run(record_failure, act, notice["id"], error, act.at + wait)
        return sent

    async def _post(self, session: aiohttp.ClientSession, notice: dict[str, Any]) -> str | None:
        """None when the gateway took the notice, else what went wrong."""
        body, headers = self._gateway.request(notice)
        try:
            async with session.post(self._gateway.url, data=body, headers=headers) as reply:
                if 200 <= reply.status < 300:
                    return None
                return f"HTTP {reply.status}: {(await reply.text())[:200]}"
        except (aiohttp.ClientError, TimeoutError) as error:
            return f"{type(error).__name__}: {error}"
