"""A scan's chunks on their way: sized to the link, read and hashed off the event loop, sent in counted, paced pieces.

What a cut loses is what was sent and not yet confirmed: every chunk in flight. So chunks
are cut to the rate the server confirms them at: each about CHUNK_SECONDS of sending, and no
more in flight than CUT_SECONDS of it together (half the promised four seconds, since the
rate is only known after the fact), within the server's largest chunk and chunk count.
On a fast link that is the server's 2 MiB, four at once; at 500 KB/s four of 250 KB; at
20 KB/s one of 16 KiB.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path

Progress = Callable[[int, int], None]
PIECE = 64 * 1024  # progress and rate limiting step inside a chunk
CHUNK_SECONDS = 0.5
CUT_SECONDS = 2.0
FIRST_CHUNK = 64 * 1024  # before the rate is known
RATE_WINDOW = 3.0  # seconds of confirmations the rate is measured over


@dataclass(frozen=True)
class Chunk:
    """One chunk of the file and its SHA-256 (base64, as the Content-Digest header carries it)."""

    offset: int
    data: bytes
    sha256: str


def read_chunk(path: Path, offset: int, length: int) -> Chunk:
    """Read and hash one chunk (in a thread: hashing 2 MiB would hold up the event loop)."""
    with path.open("rb") as source:
        source.seek(offset)
        data = source.read(length)
    return Chunk(offset, data, base64.b64encode(hashlib.sha256(data).digest()).decode())


@dataclass
class Tally:
    """Bytes sent so far for the progress bar, and one pace for all chunks in flight (max_rate)."""

    progress: Progress | None
    size: int
    sent: int
    max_rate: float | None = None  # bytes per second, to leave room for the call's video on a weak link
    started: float = field(default_factory=time.monotonic)
    paced: int = 0  # bytes put on the wire since `started`, resent ones included

    def report(self, done: int) -> None:
        if self.progress is not None:
            self.progress(min(done, self.size), self.size)

    async def add(self, count: int) -> None:
        """A piece went out: count it, and wait if the pieces so far went out faster than max_rate."""
        self.sent += count
        self.paced += count
        self.report(self.sent)
        if self.max_rate:
            await asyncio.sleep(max(0.0, self.paced / self.max_rate - (time.monotonic() - self.started)))

    def take_back(self, count: int) -> None:
        """A chunk failed: what it had sent no longer counts as sent."""
        self.sent -= count
        self.report(self.sent)


class Pieces:
    """A chunk's request body, PIECE bytes at a time (views, not copies), each counted on the tally as it goes."""

    def __init__(self, data: bytes, tally: Tally) -> None:
        self.data, self.tally, self.sent = data, tally, 0

    async def __aiter__(self) -> AsyncIterator[memoryview]:
        view = memoryview(self.data)
        for start in range(0, len(view), PIECE):
            piece = view[start:start + PIECE]
            yield piece
            self.sent += len(piece)
            await self.tally.add(len(piece))


class ChunkPlan:
    """Which bytes go next, how many, and whether another chunk may be in flight now.

    The rate is the bytes the server confirmed over the last RATE_WINDOW seconds (longer
    when confirmations are rare): chunks sent together are confirmed in a burst, so one
    confirmation says little. Time lost to a cut counts, so chunks after a cut are smaller.
    After a failure the plan goes back to where the server is (`rewind`) and sizes what it
    sends again afresh.
    """

    def __init__(self, start: int, size: int, largest: int, smallest: int, most_in_flight: int) -> None:
        self.next_offset, self.size, self.most_in_flight = start, size, most_in_flight
        self._largest, self._smallest = largest, min(smallest, largest)
        self._in_flight: dict[int, int] = {}  # offset -> length
        self._confirmed = 0
        self._history: list[tuple[float, int]] = []  # (when, bytes confirmed by then)
        self._turn = asyncio.Condition()

    @property
    def rate(self) -> float | None:
        """Bytes per second the server confirms, or None before the first confirmation."""
        if len(self._history) < 2:
            return None
        now, confirmed = self._history[-1]
        older = [point for point in self._history if point[0] <= now - RATE_WINDOW]
        since, base = older[-1] if older else self._history[0]
        return (confirmed - base) / max(now - since, 1e-3)

    def chunk_length(self) -> int:
        """About CHUNK_SECONDS of sending at the measured rate."""
        rate = self.rate
        wanted = FIRST_CHUNK if rate is None else int(rate * CHUNK_SECONDS)
        return max(self._smallest, min(self._largest, wanted))

    def _room(self, length: int) -> bool:
        rate = self.rate
        if not self._in_flight:
            return True
        if rate is None or len(self._in_flight) >= self.most_in_flight:
            return False
        return sum(self._in_flight.values()) + length <= rate * CUT_SECONDS

    async def take(self) -> tuple[int, int] | None:
        """The next chunk (offset, length) once the window has room for it; None when all are taken."""
        async with self._turn:
            while True:
                if self.next_offset >= self.size:
                    return None
                length = min(self.chunk_length(), self.size - self.next_offset)
                if self._room(length):
                    break
                await self._turn.wait()
            offset, self.next_offset = self.next_offset, self.next_offset + length
            if not self._history:
                self._history.append((time.monotonic(), 0))
            self._in_flight[offset] = length
            return offset, length

    async def done(self, offset: int) -> None:
        """The chunk at offset is confirmed: a rate sample, and room for the next."""
        async with self._turn:
            self._confirmed += self._in_flight.pop(offset, 0)
            now = time.monotonic()
            self._history = [p for p in self._history if p[0] > now - 4 * RATE_WINDOW] or self._history[-1:]
            self._history.append((now, self._confirmed))
            self._turn.notify_all()

    async def rewind(self, received: int) -> None:
        """After a failure: nothing is in flight any more; go on from the server's `received`."""
        async with self._turn:
            self._in_flight.clear()
            self.next_offset = received
            self._turn.notify_all()


class ReadAhead:
    """Each chunk read and hashed off the event loop, the one likely taken next begun beforehand.

    A lane takes its next chunk the moment one in flight is confirmed; reading and hashing it
    only then (a few milliseconds for 2 MiB) left the server idle between chunks on a fast
    link. So when a chunk is taken, the one the plan would give next is read and hashed while
    this one goes; if the plan then sizes it otherwise (the rate changed), it is read again.
    """

    def __init__(self, path: Path, plan: ChunkPlan) -> None:
        self._path, self._plan = path, plan
        self._ahead: dict[tuple[int, int], asyncio.Future[Chunk]] = {}

    async def chunk(self, offset: int, length: int) -> Chunk:
        """The chunk just taken from the plan."""
        ready = self._ahead.pop((offset, length), None) or self._read(offset, length)
        for passed in [key for key in self._ahead if key[0] <= offset]:  # sized otherwise
            del self._ahead[passed]
        start = self._plan.next_offset
        if start < self._plan.size:
            foreseen = (start, min(self._plan.chunk_length(), self._plan.size - start))
            self._ahead.setdefault(foreseen, self._read(*foreseen))
        return await ready

    def _read(self, offset: int, length: int) -> asyncio.Future[Chunk]:
        reading = asyncio.ensure_future(asyncio.to_thread(read_chunk, self._path, offset, length))
        reading.add_done_callback(_retrieved)  # one read ahead in vain may fail unawaited
        return reading


def _retrieved(reading: asyncio.Future[Chunk]) -> None:
    if not reading.cancelled():
        reading.exception()
