"""A signed-in account's link to the server: HTTP for the API, a WebSocket for signaling."""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Callable
from typing import Any

import aiohttp

logger = logging.getLogger(__name__)

Match = Callable[[dict[str, Any]], bool]
BACKLOG = 500


class ServerError(Exception):
    """The server refused a request; the message is the server's own (Chinese) message."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(f"{status} {body.get('error')}: {body.get('message')}")
        self.status, self.body = status, body


class ServerConnection:
    """HTTP requests with the session token, and the signaling socket's messages."""

    def __init__(self, base_url: str, session: aiohttp.ClientSession, token: str) -> None:
        self.base_url, self.session, self.token = base_url.rstrip("/"), session, token
        self.socket: aiohttp.ClientWebSocketResponse | None = None
        self.welcome: dict[str, Any] = {}
        self.listeners: list[Callable[[dict[str, Any]], None]] = []
        self._backlog: list[dict[str, Any]] = []
        self._arrived = asyncio.Event()
        self._reader: asyncio.Task[None] | None = None

    @classmethod
    async def login(cls, base_url: str, username: str, password: str,
                    trust: ssl.SSLContext | None = None) -> ServerConnection:
        """Sign in over HTTP(S); raises ServerError with the server's reason.

        `trust`: what an https:// server's certificate must chain to, when not the system's roots
        (the county's root, say)."""
        connector = aiohttp.TCPConnector(ssl=trust) if trust is not None else None
        session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60), connector=connector)
        try:
            async with session.post(f"{base_url.rstrip('/')}/api/login",
                                    json={"username": username, "password": password}) as reply:
                body = await reply.json()
                if reply.status != 200:
                    raise ServerError(reply.status, body)
        except BaseException:
            await session.close()
            raise
        return cls(base_url, session, body["token"])

    async def api(self, method: str, path: str, json: Any = None) -> Any:
        """One API request; the parsed JSON, or ServerError."""
        headers = {"Authorization": f"Bearer {self.token}"}
        async with self.session.request(method, self.base_url + path, json=json, headers=headers) as reply:
            body = await reply.json()
            if reply.status >= 400:
                raise ServerError(reply.status, body)
            return body

    async def download(self, path: str) -> bytes:
        """A file from the API (a recording, a document); ServerError when refused."""
        headers = {"Authorization": f"Bearer {self.token}"}
        async with self.session.get(self.base_url + path, headers=headers) as reply:
            if reply.status >= 400:
                raise ServerError(reply.status, await reply.json())
            return await reply.read()

    async def open_signaling(self) -> dict[str, Any]:
        """Open the WebSocket, say hello, and return the welcome (ICE servers, queue)."""
        url = self.base_url.replace("http", "ws", 1) + "/ws"
        self.socket = await self.session.ws_connect(url, heartbeat=20)
        await self.socket.send_json({"type": "hello", "token": self.token})
        self._reader = asyncio.ensure_future(self._read())
        self.welcome = await self.expect("welcome")
        return self.welcome

    async def send(self, message: dict[str, Any]) -> None:
        assert self.socket is not None, "open_signaling first"
        await self.socket.send_json(message)

    async def expect(self, kind: str, timeout: float = 15, **fields: Any) -> dict[str, Any]:
        """The next message of this type (and fields) not yet taken; earlier ones wait their turn."""
        return await self.wait_for(lambda m: m.get("type") == kind and all(m.get(k) == v for k, v in fields.items()),
                                   timeout, kind)

    async def wait_for(self, match: Match, timeout: float = 15, what: str = "message") -> dict[str, Any]:
        async with asyncio.timeout(timeout):
            while True:
                for message in self._backlog:
                    if match(message):
                        self._backlog.remove(message)
                        return message
                if self.socket is None or (self.socket.closed and self._reader and self._reader.done()):
                    raise ConnectionError(f"signaling closed while waiting for {what}: "
                                          f"{self.socket.close_code if self.socket else None}")
                self._arrived.clear()
                await self._arrived.wait()

    async def _read(self) -> None:
        assert self.socket is not None
        async for frame in self.socket:
            if frame.type != aiohttp.WSMsgType.TEXT:
                continue
            message = frame.json()
            for listener in self.listeners:
                listener(message)
            self._backlog.append(message)
            del self._backlog[:-BACKLOG]  # nobody waits for old presence or state updates
            self._arrived.set()
        self._arrived.set()

    @property
    def closed(self) -> bool:
        """The signaling socket is gone (the server closed it, or died)."""
        return self.socket is None or self.socket.closed

    @property
    def close_reason(self) -> tuple[int | None, str]:
        """How the server closed the socket, if it did."""
        if self.socket is None:
            return None, ""
        return self.socket.close_code, str(self.socket.exception() or "")

    async def close(self) -> None:
        if self.socket is not None:
            await self.socket.close()
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)
        await self.session.close()
