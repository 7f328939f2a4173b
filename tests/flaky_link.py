"""A weak village link for tests: a loopback TCP proxy that cuts connections at random byte offsets.

With `rate` it is also a slow link: the upload bytes of all its connections together cross
it at that many bytes a second, and `cut()` drops every connection at once, as a village
link going down does.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field

PIPE_BLOCK = 64 * 1024
PACED_BLOCK = 4 * 1024


@dataclass
class FlakyLink:
    """Forwards to the server; the first `cuts` connections are cut after a random number of upload bytes."""

    target_port: int
    cuts: int
    rng: random.Random
    most_bytes: int = 3 * 1024 * 1024
    rate: float | None = None  # upload bytes per second over the whole link
    cut_at: list[int] = field(default_factory=list)  # upload bytes each cut connection carried
    forwarded: int = 0  # client → server bytes, over every connection
    _server: asyncio.Server | None = None
    _open: set[asyncio.StreamWriter] = field(default_factory=set)
    _done: set[asyncio.Event] = field(default_factory=set)
    _paced_since: float = field(default_factory=time.monotonic)

    def cut(self) -> None:
        """The link goes down for a moment: every open connection is reset."""
        for writer in list(self._open):
            writer.transport.abort()

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        return int(self._server.sockets[0].getsockname()[1])

    async def close(self) -> None:
        """Cut whatever is still open and wait for the pipes to end."""
        assert self._server is not None
        self._server.close()
        for writer in self._open:
            writer.transport.abort()
        await asyncio.gather(*(done.wait() for done in self._done))
        await self._server.wait_closed()

    async def _accept(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        done = asyncio.Event()
        self._done.add(done)
        server_reader, server_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        self._open |= {client_writer, server_writer}
        budget = self.rng.randint(1, self.most_bytes) if len(self.cut_at) < self.cuts else None
        if budget is not None:
            self.cut_at.append(budget)
        up = asyncio.ensure_future(self._upstream(client_reader, server_writer, budget))
        down = asyncio.ensure_future(self._pipe(server_reader, client_writer))
        try:
            await asyncio.wait({up, down}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for pipe in (up, down):
                pipe.cancel()
            await asyncio.gather(up, down, return_exceptions=True)
            for writer in (client_writer, server_writer):
                writer.transport.abort()  # a cut, not a polite close
            self._open -= {client_writer, server_writer}
            done.set()

    async def _pace(self, count: int) -> None:
        """Hold the link's upload bytes to `rate` (all connections share it)."""
        if self.rate:
            self._paced_since = max(self._paced_since, time.monotonic() - 0.05)  # an idle link saves no time
            self._paced_since += count / self.rate
            await asyncio.sleep(max(0.0, self._paced_since - time.monotonic()))

    async def _upstream(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, budget: int | None) -> None:
        while data := await reader.read(PACED_BLOCK if self.rate else PIPE_BLOCK):
            await self._pace(len(data))
            if budget is not None and len(data) >= budget:
                writer.write(data[:budget])
                self.forwarded += budget
                raise ConnectionResetError("cut")
            if budget is not None:
                budget -= len(data)
            writer.write(data)
            self.forwarded += len(data)
            await writer.drain()
        raise ConnectionResetError("client closed")

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while data := await reader.read(PIPE_BLOCK):
            writer.write(data)
            await writer.drain()
        raise ConnectionResetError("server closed")
