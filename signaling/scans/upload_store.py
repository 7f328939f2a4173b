"""Scans being received: each upload's confirmed chunks, sealed with the archive key, in a private directory.

Partial uploads are encrypted too: a villager's ID card must not sit on disk in clear for the
day an abandoned upload is kept, nor across a restart the CLI resumes after. Each chunk is
one sealed file (AES-GCM, authenticated), named by its SHA-256, which is also the per-chunk
check the client sends. On disk, below ``data/uploads/`` (mode 0700):

    <upload id>/objects/<2 hex>/<chunk SHA-256>    confirmed chunks
    <upload id>/tmp/<random>.part                  the chunk being received

A chunk is renamed into place only once complete and fsynced; the directory is removed
when the upload completes, is refused, or expires. Chunks in flight together are
confirmed in order (chunk_order.py). A chunk refused after it was stored (its SHA-256 is not
the announced one, or it was never confirmed) is deleted at once — unless another chunk of
the upload has the same content: stored chunks are named by content, so the store counts
the chunks holding each stored content until they are confirmed or refused, and decides
under one lock per upload, so a chunk being confirmed is never deleted under it.
"""

from __future__ import annotations

import asyncio
import logging
import re
import shutil
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import BinaryIO

from aiohttp import StreamReader

from protocol.words import ErrorCode
from recordings import Archive, StoredObject
from recordings.archive import ArchiveWriter

from ..exceptions import CunnengError, DigestMismatch, InvalidInput
from .chunk_order import ChunkOrder
from .sealed_stream import open_sealed
from .uploads import CHUNKS_IN_FLIGHT

logger = logging.getLogger(__name__)

UPLOAD_ID = re.compile(r"[A-Za-z0-9_-]{22}")
READ_BLOCK = 1 << 20  # bytes received before each hand-off to a sealing thread


class ChunkCut(Exception):
    """The connection ended before the chunk's last byte: nothing of it is kept."""


async def _kept(digest: str, confirmed: Callable[[], Awaitable[set[str]]]) -> bool:
    """Whether a confirmed chunk has this content; when that cannot be told (the upload is gone), keep it:
    completion or expiry removes the upload's directory anyway."""
    try:
        return digest in await confirmed()
    except CunnengError:
        return True


async def _blocks(body: StreamReader, length: int, upload_id: str) -> AsyncIterator[list[bytes]]:
    """The chunk's `length` bytes (its Content-Length) in blocks of READ_BLOCK or more, the last one
    shorter: the pieces as they came off the socket, never joined into a copy. ChunkCut if the body ends early."""
    block: list[bytes] = []
    at_start = left = length  # the bytes still to come when this block began
    while left:
        try:
            piece, _ = await body.readchunk()
        except ConnectionError:
            piece = b""
        if not piece:
            raise ChunkCut(f"{upload_id}: the chunk ended {left} bytes early")
        block.append(piece)
        left -= len(piece)
        if not left or at_start - left >= READ_BLOCK:
            yield block
            block, at_start = [], left


def _write_all(writer: ArchiveWriter, pieces: list[bytes]) -> None:
    for piece in pieces:
        writer.write(piece)


def require_digest(stored: StoredObject, sha256: str) -> None:
    """DigestMismatch unless the stored chunk has the SHA-256 its Content-Digest announced."""
    if stored.digest != sha256:
        raise DigestMismatch(
            "这一段数据在传输中出错（校验值不符），请重新发送这一段。",
            f"The chunk's SHA-256 is {stored.digest}, not {sha256}: send it again.",
            code=ErrorCode.CHUNK_DIGEST_MISMATCH,
        )


class UploadStore:
    """The directory of unfinished uploads."""

    def __init__(self, root: Path, key: bytes) -> None:
        self.root = root
        self._key = key
        self._receiving: set[asyncio.Task[object]] = set()
        self._closing = False
        self.order = ChunkOrder()
        self._held: dict[str, Counter[str]] = defaultdict(Counter)  # stored, not yet confirmed or refused
        self._guards: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        # Its own threads, one per chunk in flight: one chunk's fsync does not hold up the next one's
        # encryption, nor does a page being rendered on the scan workers.
        self._sealing = ThreadPoolExecutor(max_workers=CHUNKS_IN_FLIGHT, thread_name_prefix="chunk")
        root.mkdir(mode=0o700, parents=True, exist_ok=True)

    def _chunks(self, upload_id: str) -> Archive:
        if not UPLOAD_ID.fullmatch(upload_id):
            raise ValueError(f"not an upload id: {upload_id[:40]!r}")
        return Archive.open(self.root / upload_id, self._key)

    async def receive(self, upload_id: str, body: StreamReader, length: int) -> StoredObject:
        """Stream one chunk from the request to disk, encrypting as it comes; it is held until
        `settle` (confirmed) or `refuse` (deleted unless another chunk holds the same content)."""
        async with self._interruptible(upload_id):
            return await self._receive(upload_id, body, length)

    async def settle(self, upload_id: str, digest: str) -> None:
        """The chunk is confirmed (or its request ended otherwise): it no longer holds its content."""
        async with self._guards[upload_id]:
            self._release(upload_id, digest)

    async def refuse(self, upload_id: str, digest: str, confirmed: Callable[[], Awaitable[set[str]]]) -> None:
        """The chunk is refused: delete its content unless a confirmed or pending chunk has it too."""
        async with self._guards[upload_id]:
            if self._release(upload_id, digest) or await _kept(digest, confirmed):
                return
            loop = asyncio.get_running_loop()
            chunks = await loop.run_in_executor(self._sealing, self._chunks, upload_id)
            await loop.run_in_executor(self._sealing, chunks.delete, digest)

    def _release(self, upload_id: str, digest: str) -> int:
        """Forget one holder of the content; how many chunks still hold it."""
        held = self._held[upload_id]
        held[digest] -= 1
        if held[digest] <= 0:
            del held[digest]
        if not held:
            del self._held[upload_id]  # its lock stays until discard(): a waiter may hold it already
        return held[digest]

    async def wait_turn(self, upload_id: str, offset: int, confirmed: Callable[[], Awaitable[int]]) -> None:
        """Until the chunks before this one are confirmed (chunk_order.py)."""
        async with self._interruptible(upload_id):
            await self.order.wait_turn(upload_id, offset, confirmed)

    @asynccontextmanager
    async def _interruptible(self, upload_id: str) -> AsyncIterator[None]:
        """Work on a chunk that a shutdown cancels at once (interrupt)."""
        task = asyncio.current_task()
        assert task is not None
        self._receiving.add(task)  # before any await, so interrupt() cannot miss it
        try:
            if self._closing:
                raise ChunkCut(f"{upload_id}: the server is shutting down")
            yield
        finally:
            self._receiving.discard(task)

    async def _receive(self, upload_id: str, body: StreamReader, length: int) -> StoredObject:
        loop = asyncio.get_running_loop()
        writer = await loop.run_in_executor(self._sealing, self._writer, upload_id)
        writing: asyncio.Future[None] | None = None  # one block sealing while the next arrives
        try:
            async for block in _blocks(body, length, upload_id):
                if writing is not None:
                    await writing
                writing = loop.run_in_executor(self._sealing, _write_all, writer, block)
            if writing is not None:
                await writing
            async with self._guards[upload_id]:  # installed and counted before any refusal can look
                stored = await loop.run_in_executor(self._sealing, writer.commit)
                self._held[upload_id][stored.digest] += 1
            return stored
        except BaseException:
            if writing is not None:
                await asyncio.gather(writing, return_exceptions=True)  # the writer is not shared by threads
            await loop.run_in_executor(self._sealing, writer.abort)
            raise

    def _writer(self, upload_id: str) -> ArchiveWriter:
        return self._chunks(upload_id).writer()

    def close(self) -> None:
        """Stop the sealing threads (after the server stopped receiving)."""
        self._sealing.shutdown(wait=True, cancel_futures=True)

    def interrupt(self) -> int:
        """Stop receiving chunks (the server is shutting down): their senders resume after the restart."""
        self._closing = True
        for task in self._receiving:
            task.cancel()
        return len(self._receiving)

    def open(self, upload_id: str, digests: list[str]) -> BinaryIO:
        """The received bytes, in order, as one stream."""
        chunks = self._chunks(upload_id)
        readers = []
        try:
            for digest in digests:
                readers.append(chunks.reader(digest))
        except BaseException:
            for reader in readers:
                reader.close()
            raise
        return open_sealed(readers)

    def discard(self, upload_id: str) -> None:
        """Remove everything received for the upload."""
        if not UPLOAD_ID.fullmatch(upload_id):
            raise InvalidInput("上传编号无效。", "Invalid upload id.")
        shutil.rmtree(self.root / upload_id, ignore_errors=True)
        self._guards.pop(upload_id, None)

    def upload_ids(self) -> list[str]:
        """Every upload that has a directory here."""
        return [p.name for p in self.root.iterdir() if p.is_dir() and UPLOAD_ID.fullmatch(p.name)]
