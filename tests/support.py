"""Test helpers: a real server on a loopback port, a clock tests move, and an API client."""

from __future__ import annotations

import asyncio
import socket
import ssl
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from signaling.app import create_app
from signaling.config import Settings
from signaling.demo import DEMO_PASSWORD
from signaling.serving.https import HTTPS

# A Monday, 10:00 in China.
START = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)

# A valid GB 11643 ID number (check character computed by the standard's algorithm).
VALID_ID = "510802198005120013"


@dataclass
class FakeClock:
    """The server's clock in tests: it stands still until a test moves it."""

    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class WallClock(FakeClock):
    """The real time, moved on by what a test advances: server events line up with media the recorder stamps."""

    def __call__(self) -> datetime:
        return datetime.now(timezone.utc) + (self.now - START)


@dataclass
class Reply:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


async def in_pieces(data: bytes, pieces: int = 4) -> AsyncIterator[bytes]:
    """A request body that arrives in parts with pauses between (chunked), as a slow link or a browser sends it."""
    size = -(-len(data) // pieces)
    for start in range(0, len(data), size):
        yield data[start:start + size]
        await asyncio.sleep(0.05)


class ApiClient:
    """One signed-in (or anonymous) user of the API."""

    def __init__(self, session: aiohttp.ClientSession, base: str, token: str = "") -> None:
        self.session, self.base, self.token = session, base, token

    async def request(self, method: str, path: str, json: Any = None, data: Any = None) -> Reply:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        async with self.session.request(method, self.base + path, json=json, data=data, headers=headers) as r:
            text = await r.text()
            body: Any = text
            if r.content_type == "application/json":
                body = await r.json()
            return Reply(r.status, body, dict(r.headers))

    async def get(self, path: str) -> Reply:
        return await self.request("GET", path)

    async def get_bytes(self, path: str) -> tuple[int, bytes]:
        """A download: status and raw body."""
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        async with self.session.get(self.base + path, headers=headers) as reply:
            return reply.status, await reply.read()

    async def post(self, path: str, json: Any = None, data: Any = None) -> Reply:
        return await self.request("POST", path, json=json, data=data)

    async def put(self, path: str, json: Any = None) -> Reply:
        return await self.request("PUT", path, json=json)


class Lifecycle:
    """How many servers of this process are starting or stopping right now.

    A server may read and write its files on the loop then, as `cunneng serve` does before it
    serves; the blocking guard (conftest.py) checks serving.
    """

    changing = 0


@contextmanager
def starting_or_stopping() -> Iterator[None]:
    Lifecycle.changing += 1
    try:
        yield
    finally:
        Lifecycle.changing -= 1


@dataclass
class RunningServer:
    """A real cunneng server on 127.0.0.1, with its data directory and clock."""

    base: str
    data_dir: Path
    clock: FakeClock
    runner: web.AppRunner
    session: aiohttp.ClientSession
    app: web.Application

    def anonymous(self) -> ApiClient:
        return ApiClient(self.session, self.base)

    async def login(self, username: str, password: str = DEMO_PASSWORD) -> ApiClient:
        reply = await self.anonymous().post("/api/login", {"username": username, "password": password})
        assert reply.status == 200, reply.body
        return ApiClient(self.session, self.base, reply.body["token"])

    async def close(self) -> None:
        await self.session.close()
        with starting_or_stopping():
            await self.runner.cleanup()


async def start_server(data_dir: Path, clock: FakeClock | None = None, port: int = 0,
                       **settings: Any) -> RunningServer:
    """Start the whole server on a loopback port (a free one unless given, e.g. to restart in place).

    With `host` it listens there instead (an address of the test's own namespace); with `tls` it
    serves HTTPS, and the test's client session trusts the server's root.
    """
    clock = clock or FakeClock()
    host = settings.setdefault("host", "127.0.0.1")
    if settings.get("http_redirect_port"):
        port = settings["port"] = port or free_port()  # the redirect names it
    with starting_or_stopping():
        app = create_app(Settings(data_dir=data_dir, **settings), clock=clock)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        https = app[HTTPS].context if settings.get("tls") else None
        site = web.TCPSite(runner, host, port, ssl_context=https)
        await site.start()
    port = runner.addresses[0][1]
    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=trusting_root(data_dir)) if https else None)
    return RunningServer(f"{'https' if https else 'http'}://{host}:{port}", data_dir, clock, runner, session, app)


def trusting_root(data_dir: Path) -> ssl.SSLContext:
    """A client's TLS context that trusts exactly the server's root (data_dir/pki/root-ca.pem)."""
    return ssl.create_default_context(cafile=str(data_dir / "pki" / "root-ca.pem"))


async def open_demo_case(clerk: ApiClient, item_code: str = "T-RS-001", id_number: str = VALID_ID) -> dict[str, Any]:
    """A clerk opens a case for a (new or known) villager."""
    reply = await clerk.post("/api/cases", {
        "villager": {"id_number": id_number, "name": "王大山", "phone": "13800001111"},
        "item_code": item_code,
    })
    assert reply.status == 201, reply.body
    return dict(reply.body)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def wait_healthy(url: str, timeout: float = 30) -> dict[str, object]:
    deadline = asyncio.get_running_loop().time() + timeout
    async with aiohttp.ClientSession() as session:
        while True:
            try:
                async with session.get(url) as reply:
                    return dict(await reply.json())
            except aiohttp.ClientConnectionError:
                if asyncio.get_running_loop().time() > deadline:
                    raise
                await asyncio.sleep(0.1)


@dataclass
class ServeProcess:
    """`cunneng serve` running as its own process, as an operator starts it."""

    process: asyncio.subprocess.Process
    base: str

    async def stop(self) -> str:
        """Stop it and return what it printed."""
        if self.process.returncode is None:
            self.process.terminate()
        output = await self.process.communicate()
        return output[0].decode()


async def serve_process(data_dir: Path, *args: str) -> ServeProcess:
    """Start `cunneng serve` on a free port and wait until /healthz answers."""
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "signaling.cli", "serve", "--data-dir", str(data_dir), "--port", str(port), *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    served = ServeProcess(process, f"http://127.0.0.1:{port}")
    try:
        await wait_healthy(served.base + "/healthz")
    except BaseException:
        print(await served.stop())
        raise
    return served
