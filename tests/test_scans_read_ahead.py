"""The uploader reads and hashes the chunk it will take next while the one before goes (#25).

On a fast link a lane took its next chunk the moment one was confirmed and only then read
and hashed it, leaving the server idle meanwhile.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import secrets
from pathlib import Path

from village_client.chunks import ChunkPlan, ReadAhead

PIECE = 64 * 1024


async def taken(plan: ChunkPlan) -> tuple[int, int]:
    chunk = await plan.take()
    assert chunk is not None
    return chunk


async def test_the_chunk_taken_next_was_read_and_hashed_before_it_was_taken(tmp_path: Path) -> None:
    scan = tmp_path / "scan.jpg"
    data = secrets.token_bytes(3 * PIECE)
    scan.write_bytes(data)
    plan = ChunkPlan(0, len(data), PIECE, PIECE // 4, most_in_flight=4)
    reading = ReadAhead(scan, plan)
    first = await reading.chunk(*await taken(plan))
    await plan.done(first.offset)
    await asyncio.sleep(2)  # the read ahead, in a thread, is long done
    scan.unlink()  # from here on nothing can be read from the file
    second = await reading.chunk(*await taken(plan))
    assert (second.offset, second.data) == (PIECE, data[PIECE:2 * PIECE])
    assert second.sha256 == base64.b64encode(hashlib.sha256(second.data).digest()).decode()
