"""ChunkOrder's own rules (signaling/scans/chunk_order.py), which the HTTP tests reach only when
chunks happen to overlap: the cap on chunks arriving at once, a finished chunk leaving the others
counted, and the grace a missing predecessor gets before the refusal."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack

import pytest

from signaling.exceptions import UploadOffsetMismatch
from signaling.scans.chunk_order import MAX_ARRIVING, ChunkOrder

MIB = 1 << 20


async def nothing_confirmed() -> int:
    return 0


async def test_at_most_max_arriving_chunks_of_an_upload_arrive_at_once() -> None:
    """A chunk sent again while its first copy still arrives counts twice; other uploads are apart."""
    order = ChunkOrder()
    async with AsyncExitStack() as arriving:
        await arriving.enter_async_context(order.arriving("scan", 0))
        for n in range(MAX_ARRIVING - 1):  # the first chunk again, then the others
            await arriving.enter_async_context(order.arriving("scan", n * MIB))
        with pytest.raises(UploadOffsetMismatch, match="Too many chunks"):
            await arriving.enter_async_context(order.arriving("scan", MAX_ARRIVING * MIB))
        async with order.arriving("another scan", 0):
            pass
    async with AsyncExitStack() as again:  # all finished: the upload may send as many again
        for n in range(MAX_ARRIVING):
            await again.enter_async_context(order.arriving("scan", n * MIB))


async def test_a_finished_chunk_leaves_the_ones_still_arriving_counted() -> None:
    """The chunk at 4 MiB waits for the one at 0, still arriving after the one at 2 MiB finished,
    however long past the grace that takes."""
    order = ChunkOrder(grace=0.2)
    confirmed = 0

    async def received() -> int:
        return confirmed

    first = order.arriving("scan", 0)
    await first.__aenter__()
    async with order.arriving("scan", 2 * MIB):
        pass
    waiting = asyncio.create_task(order.wait_turn("scan", 4 * MIB, received))
    await asyncio.sleep(0.6)
    assert not waiting.done()
    confirmed = 4 * MIB
    await first.__aexit__(None, None, None)
    await asyncio.wait_for(waiting, 5)


async def test_a_missing_predecessor_is_waited_for_the_whole_grace() -> None:
    order = ChunkOrder(grace=0.5)
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(UploadOffsetMismatch, match="0 bytes"):
        await order.wait_turn("scan", 2 * MIB, nothing_confirmed)
    assert loop.time() - started >= 0.5


async def test_a_resent_chunk_stays_counted_until_its_last_copy_is_done() -> None:
    order = ChunkOrder()
    first, second = order.arriving("scan", 0), order.arriving("scan", 0)
    await first.__aenter__()
    await second.__aenter__()
    await second.__aexit__(None, None, None)  # one copy is done: the other still counts
    async with AsyncExitStack() as arriving:
        for n in range(1, MAX_ARRIVING):
            await arriving.enter_async_context(order.arriving("scan", n * MIB))
        with pytest.raises(UploadOffsetMismatch, match="Too many chunks"):
            await arriving.enter_async_context(order.arriving("scan", MAX_ARRIVING * MIB))
    await first.__aexit__(None, None, None)
