"""A scan's chunks on their way: read and hashed off the event loop, sent in counted, paced pieces."""

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
    """A chunk's request body, PIECE bytes at a time, each counted on the tally as it goes."""

    def __init__(self, data: bytes, tally: Tally) -> None:
        self.data, self.tally, self.sent = data, tally, 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for start in range(0, len(self.data), PIECE):
            piece = self.data[start:start + PIECE]
            yield piece
            self.sent += len(piece)
            await self.tally.add(len(piece))
