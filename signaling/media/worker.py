"""A media worker process: one event loop running a hub, driven over a Unix socket.

Started by MediaWorkerPool as `python -m signaling.media.worker FD`, where FD is its end
of a socket pair. The first request configures the hub; every other request runs in its
own task, so a slow call never holds up the requests of another call. When the server's
end closes, the worker closes its calls and exits.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import sys
from typing import Any

from protocol.messages import HubMessageBody, HubReply, WorkerEvent
from protocol.words import WorkerControl

from .config import MediaConfig
from .hub import MediaHub
from .protocol import LINE_LIMIT, decode, encode, reply_to

logger = logging.getLogger(__name__)


class WorkerServer:
    """The worker's side of the pipe."""

    def __init__(self, writer: asyncio.StreamWriter) -> None:
        self._writer = writer
        self._hub: MediaHub | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    def emit(self, call_id: str, participant_id: str, message: HubMessageBody) -> None:
        """Hub messages become event lines, in the order the hub emits them."""
        event: WorkerEvent = {"event": "message", "call_id": call_id, "participant_id": participant_id,
                              "message": message}
        self._writer.write(encode(event))

    async def serve(self, reader: asyncio.StreamReader) -> None:
        """Handle requests until the server closes the pipe or says shutdown."""
        while line := await reader.readline():
            request = decode(line)
            if request.get("op") == WorkerControl.SHUTDOWN:
                break
            if request.get("op") == WorkerControl.CONFIGURE:
                self._configure(request)
                continue
            task = asyncio.create_task(self._handle(request))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        if self._hub is not None:
            await self._hub.close()

    def _configure(self, request: dict[str, Any]) -> None:
        args = request.get("args", {})
        logging.getLogger("signaling").setLevel(int(args.get("log_level", logging.WARNING)))
        self._hub = MediaHub(MediaConfig.from_json(args["config"]), self.emit)
        configured: HubReply = {"id": request.get("id"), "ok": True, "result": None}
        self._writer.write(encode(configured))

    async def _handle(self, request: dict[str, Any]) -> None:
        assert self._hub is not None, "the pool configures a worker before using it"
        self._writer.write(encode(await reply_to(self._hub, request)))
        await self._writer.drain()


async def run(fd: int) -> None:
    """Serve the socket pair end `fd` until it closes."""
    sock = socket.socket(fileno=fd)
    reader, writer = await asyncio.open_unix_connection(sock=sock, limit=LINE_LIMIT)
    await WorkerServer(writer).serve(reader)
    writer.close()


def main() -> None:
    """Entry point of the worker process."""
    logging.basicConfig(
        stream=sys.stderr, format="media-worker %(process)d %(levelname)s %(name)s: %(message)s"
    )
    asyncio.run(run(int(sys.argv[1])))


if __name__ == "__main__":
    main()
