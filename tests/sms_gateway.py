"""A real HTTP server standing in for a county's SMS gateway: it checks each notice's signature and
records what it took; it can be stopped, or made to fail its next answers."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

SECRET = "county-sms-secret"


@dataclass
class StandInGateway:
    port: int
    failures: int = 0  # answer 503 this many times before taking notices
    received: list[dict[str, Any]] = field(default_factory=list)
    refused: int = 0
    runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sms"

    async def take(self, request: web.Request) -> web.Response:
        body = await request.read()
        expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(request.headers.get("X-Cunneng-Signature", ""), expected):
            return web.Response(status=401, text="bad signature")
        if self.failures > 0:
            self.failures -= 1
            self.refused += 1
            return web.Response(status=503, text="gateway busy")
        notice = json.loads(body)
        self.received.append({**notice, "key": request.headers["Idempotency-Key"]})
        return web.json_response({"accepted": True})

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/sms", self.take)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()
            self.runner = None

    async def wait_for(self, count: int, timeout: float = 10) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        while len(self.received) < count:
            assert asyncio.get_running_loop().time() < deadline, f"only {len(self.received)} notices arrived"
            await asyncio.sleep(0.05)
