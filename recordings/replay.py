"""Replay (回放): serve an archived file over HTTP with Range, decrypting only what is asked for.

Chromium's <video> seeks by asking for byte ranges; a finalized recording is read through
its cues, so a seek costs a few chunks rather than the whole call. Authorization and the
audit record are the server's job: this helper takes an already-authorized digest, and
calls `starting` once the file proved readable, just before the headers go out (where
the server logs the download or replay), or `damaged` when it is not.

A damaged file is refused before the headers go out: the chunks the range starts with
(all of them, up to `verify_ahead` bytes) are decrypted and authenticated first. Should a
chunk further on fail, the connection is cut at once, so the client sees a short body
instead of waiting for bytes that never come.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass

from aiohttp import hdrs, web

from recordings.archive import Archive
from recordings.exceptions import DamagedStoredFile, RangeNotSatisfiable, StoredFileNotFound
from recordings.sealed_file import SealedReader

logger = logging.getLogger(__name__)

_SINGLE_RANGE = re.compile(r"bytes=(\d*)-(\d*)")
VERIFY_AHEAD = 2 << 20  # a replay's range is checked this far before the headers go out (a seek reads it twice)
Starting = Callable[[], Awaitable[None]]
Damaged = Callable[[Exception], Awaitable[None]]


async def _nothing() -> None:
    return None


async def _log_damage(error: Exception) -> None:
    logger.error("stored file failed its integrity check: %s", error)


def requested_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The byte range [start, stop) a Range header asks for; None for the whole file."""
    if header is None:
        return None
    match = _SINGLE_RANGE.fullmatch(header.strip())
    if match is None or match.group(1) == match.group(2) == "":
        raise RangeNotSatisfiable(f"unsupported Range {header[:80]!r}")
    first, last = match.group(1), match.group(2)
    if first == "":  # suffix: the last N bytes
        start, stop = max(0, size - int(last)), size
    else:
        start = int(first)
        stop = size if last == "" else min(size, int(last) + 1)
        if last != "" and int(last) < start:
            raise RangeNotSatisfiable(f"Range {header!r} ends before it starts")
    if start >= stop:
        raise RangeNotSatisfiable(f"Range {header!r} outside a file of {size} bytes")
    return start, stop


def _error(status: int, code: str, message: str, message_en: str,
           headers: dict[str, str] | None = None) -> web.Response:
    body = {"error": code, "message": message, "message_en": message_en}
    return web.json_response(body, status=status, headers=headers)


async def serve_stored_file(request: web.Request, archive: Archive, digest: str,
                            content_type: str = "video/webm", disposition: str | None = None, *,
                            starting: Starting = _nothing, damaged: Damaged = _log_damage,
                            verify_ahead: int | None = VERIFY_AHEAD) -> web.StreamResponse:
    """Answer a GET/HEAD for an archived file: 200, or 206 for a Range, 416 for a bad one.

    `disposition` is its Content-Disposition, e.g. `attachment; …` for a download that must
    never open as a page of the server's origin. `verify_ahead=None` checks the whole range
    before answering (documents: small, and printed from what is sent).
    """
    loop = asyncio.get_running_loop()
    try:
        reader = await loop.run_in_executor(None, archive.reader, digest)
    except StoredFileNotFound:
        return _error(404, "file_not_found", "文件不存在或已过保存期限",
                      "The file does not exist or its retention period has ended.")
    except DamagedStoredFile as error:
        return await _refused(damaged, error)
    try:
        return await _stream(request, reader, Delivery(content_type, disposition, starting, damaged, verify_ahead))
    finally:
        reader.close()


@dataclass(frozen=True)
class Delivery:
    """How one answer goes out: its type and disposition, what happens just before, or on damage."""

    content_type: str
    disposition: str | None
    starting: Starting
    damaged: Damaged
    verify_ahead: int | None


async def _refused(damaged: Damaged, error: Exception) -> web.Response:
    await damaged(error)
    return _error(500, "file_damaged", "文件已损坏，无法读取",
                  "The stored file is damaged and cannot be read.")


async def _stream(request: web.Request, reader: SealedReader, delivery: Delivery) -> web.StreamResponse:
    etag = f'"{reader.digest}"'
    headers: dict[str, str] = {hdrs.ACCEPT_RANGES: "bytes", hdrs.ETAG: etag,
                               hdrs.CONTENT_TYPE: delivery.content_type,
                               hdrs.CACHE_CONTROL: "private, no-store"}
    if delivery.disposition:
        headers[hdrs.CONTENT_DISPOSITION] = delivery.disposition
    range_header = request.headers.get(hdrs.RANGE)
    if request.headers.get(hdrs.IF_RANGE, etag) != etag:
        range_header = None  # the client's copy is another file: send this one whole
    try:
        byte_range = requested_range(range_header, reader.size)
    except RangeNotSatisfiable as exc:
        logger.info("%s: %s", reader.digest, exc)
        return _error(416, "range_not_satisfiable", "请求的字节范围无效",
                      "The requested byte range is not satisfiable.",
                      {hdrs.CONTENT_RANGE: f"bytes */{reader.size}", hdrs.ACCEPT_RANGES: "bytes"})
    start, stop = byte_range or (0, reader.size)
    checked = stop if delivery.verify_ahead is None else min(stop, start + delivery.verify_ahead)
    try:
        await asyncio.get_running_loop().run_in_executor(None, reader.check_range, start, checked)
    except DamagedStoredFile as error:
        return await _refused(delivery.damaged, error)
    await delivery.starting()
    response = web.StreamResponse(status=200 if byte_range is None else 206, headers=headers)
    if byte_range is not None:
        response.headers[hdrs.CONTENT_RANGE] = f"bytes {start}-{stop - 1}/{reader.size}"
    response.content_length = stop - start
    await response.prepare(request)
    if request.method != hdrs.METH_HEAD:
        try:
            await _send_plaintext(response, reader.iter_range(start, stop))
        except DamagedStoredFile as error:
            _cut(request)
            await delivery.damaged(error)
            return response
    await response.write_eof()
    return response


def _cut(request: web.Request) -> None:
    """Close the connection now: the client sees a short body at once, never a stall."""
    if request.transport is not None:
        request.transport.close()


async def _send_plaintext(response: web.StreamResponse, pieces: Iterator[bytes]) -> None:
    """Decrypt chunk by chunk off the event loop, sending each as soon as it is ready."""
    loop = asyncio.get_running_loop()
    while (piece := await loop.run_in_executor(None, next, pieces, None)) is not None:
        await response.write(piece)
