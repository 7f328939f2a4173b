"""Chunks of one upload that arrive together are confirmed in order.

A client keeps a few chunks in flight (uploads.CHUNKS_IN_FLIGHT), so that one chunk's
sealing, fsync and commit overlap the next one's bytes on the wire. Each chunk is stored as
it arrives (stored chunks are named by their SHA-256: order does not matter on disk), but
the upload's confirmed offset only moves forward chunk by chunk: a chunk waits for those
before it. While one of them is still arriving it waits as long as that takes; once none
is, it waits `grace` seconds for the client to send the missing one again (after a cut),
then gives up with offset_mismatch, and the client asks where to go on from. At most
MAX_ARRIVING chunks of one upload arrive at once (a chunk sent again while its first copy
still arrives counts twice), so no client holds more than that on disk unconfirmed.
"""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from ..exceptions import UploadOffsetMismatch
from .uploads import CHUNKS_IN_FLIGHT, offset_mismatch

MAX_ARRIVING = 2 * CHUNKS_IN_FLIGHT  # room for a few resends while cut connections are noticed


class ChunkOrder:
    """The chunks arriving now, per upload, and a signal each time one is done."""

    def __init__(self, grace: float = 15.0) -> None:
        self.grace = grace
        self._arriving: dict[str, Counter[int]] = defaultdict(Counter)
        self._changed: dict[str, asyncio.Event] = defaultdict(asyncio.Event)

    @asynccontextmanager
    async def arriving(self, upload_id: str, offset: int) -> AsyncIterator[None]:
        """The chunk at `offset` is on its way, from its first byte until it is confirmed or fails."""
        arriving = self._arriving[upload_id]
        if arriving.total() >= MAX_ARRIVING:
            raise UploadOffsetMismatch("同时发送的数据段太多,请从服务器已收到的位置继续。",
                                       "Too many chunks of this upload at once: ask where to go on from.")
        arriving[offset] += 1
        try:
            yield
        finally:
            arriving[offset] -= 1
            if arriving[offset] <= 0:
                del arriving[offset]
            self.changed(upload_id)
            if not self._arriving[upload_id]:
                del self._arriving[upload_id], self._changed[upload_id]

    def changed(self, upload_id: str) -> None:
        """Wake the chunks of this upload waiting for their turn."""
        self._changed[upload_id].set()
        self._changed[upload_id] = asyncio.Event()

    async def wait_turn(self, upload_id: str, offset: int, confirmed: Callable[[], Awaitable[int]]) -> None:
        """Return once every byte before `offset` is confirmed; UploadOffsetMismatch if they stop coming."""
        loop = asyncio.get_running_loop()
        deadline: float | None = None
        while True:
            changed = self._changed[upload_id]  # taken before reading, so no change is missed
            received = await confirmed()
            if received >= offset:
                return
            if any(received <= other < offset for other in self._arriving[upload_id]):
                deadline, timeout = None, None
            else:
                deadline = deadline if deadline is not None else loop.time() + self.grace
                timeout = deadline - loop.time()
                if timeout <= 0:
                    raise offset_mismatch(received)
            try:
                await asyncio.wait_for(changed.wait(), timeout)
            except TimeoutError:
                pass
