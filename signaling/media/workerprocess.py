"""The server's handle on one media worker process: requests out, replies and events in."""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import signal
import socket
import sys
from collections.abc import Callable
from typing import Any, cast

from protocol.messages import HubRequest, WorkerEvent
from protocol.words import WorkerControl

from .exceptions import MediaWorkerLost, MediaWorkerTimeout, error_from_json
from .protocol import LINE_LIMIT, decode, encode

logger = logging.getLogger(__name__)

STOP_GRACE = 5.0  # seconds a worker gets to close its calls before it is killed


class WorkerProcess:
    """One worker: its process, its pipe, the calls it runs and its pending requests."""

    def __init__(
        self,
        on_event: Callable[[WorkerEvent], None],
        on_lost: Callable[[WorkerProcess], None],
        request_timeout: float,
    ) -> None:
        self.calls: dict[str, set[str]] = {}  # call id -> participant ids
        self._on_event = on_event
        self._on_lost = on_lost
        self._timeout = request_timeout
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[Any]] = {}
        self._process: asyncio.subprocess.Process | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._reader_task: asyncio.Task[None] | None = None
        self._stopping = False

    @property
    def pid(self) -> int | None:
        """The worker's process id (for logs, monitoring and tests)."""
        return self._process.pid if self._process else None

    @property
    def load(self) -> tuple[int, int]:
        """(calls, participants): the pool puts a new call on the lowest."""
        return len(self.calls), sum(len(p) for p in self.calls.values())

    async def start(self, configure: dict[str, Any]) -> None:
        """Spawn the process and configure its hub."""
        ours, theirs = socket.socketpair()
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        self._process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "signaling.media.worker",
            str(theirs.fileno()),
            pass_fds=[theirs.fileno()],
            env=env,
        )
        theirs.close()
        reader, self._writer = await asyncio.open_unix_connection(sock=ours, limit=LINE_LIMIT)
        self._reader_task = asyncio.create_task(self._read(reader))
        await self.request(WorkerControl.CONFIGURE, **configure)
        logger.info("media worker %s started", self.pid)

    async def request(self, op: str, **args: Any) -> Any:
        """Send one request and wait for its reply; worker errors re-raise here."""
        if self._writer is None or self._writer.is_closing():
            raise MediaWorkerLost(f"media worker {self.pid} is gone")
        request_id = next(self._ids)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = future
        sent: HubRequest = {"id": request_id, "op": op, "args": args}
        self._writer.write(encode(sent))
        try:
            async with asyncio.timeout(self._timeout):
                return await future
        except TimeoutError:
            raise MediaWorkerTimeout(f"media worker {self.pid}: {op} took over {self._timeout} s")
        finally:
            self._pending.pop(request_id, None)

    async def stop(self) -> None:
        """Ask the worker to close its calls and exit; kill it if it does not."""
        self._stopping = True
        if self._writer is not None and not self._writer.is_closing():
            self._writer.write(encode({"op": WorkerControl.SHUTDOWN}))
            self._writer.close()
        if self._process is not None:
            try:
                async with asyncio.timeout(STOP_GRACE):
                    await self._process.wait()
            except TimeoutError:
                logger.warning("media worker %s did not stop; killing it", self.pid)
                self._process.send_signal(signal.SIGKILL)
                await self._process.wait()
        if self._reader_task is not None:
            await self._reader_task

    async def _read(self, reader: asyncio.StreamReader) -> None:
        while line := await reader.readline():
            message = decode(line)
            if "event" in message:
                self._on_event(cast(WorkerEvent, message))
            else:
                self._resolve(message)
        await self._ended()

    def _resolve(self, reply: dict[str, Any]) -> None:
        future = self._pending.get(reply.get("id", -1))
        if future is None or future.done():
            return  # the request already timed out
        if reply.get("ok"):
            future.set_result(reply.get("result"))
        else:
            future.set_exception(error_from_json(reply))

    async def _ended(self) -> None:
        """The pipe closed: fail what is pending and, unless we stopped it, report the loss."""
        for future in self._pending.values():
            if not future.done():
                future.set_exception(MediaWorkerLost(f"media worker {self.pid} exited"))
        if self._writer is not None:
            self._writer.close()
        if self._process is not None:
            code = await self._process.wait()
            if not self._stopping:
                logger.error("media worker %s exited with %s", self.pid, code)
                self._on_lost(self)
