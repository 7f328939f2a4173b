"""Replay over HTTP: Range requests on a real aiohttp server, served from the archive."""

from __future__ import annotations

import asyncio
import io
import os
import random
import secrets
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp
import av
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from recordings.archive import Archive
from recordings.recorder import CallRecorder
from recordings.replay import serve_stored_file
from recordings.sealed_file import CHUNK_OVERHEAD, CHUNK_SIZE, HEADER_SIZE

from .recording_media import FakeClock, as_hub_frames, encode_tone, encode_video, feed, interleave

ClientFactory = Callable[[web.Application], Awaitable[TestClient[web.Request, web.Application]]]
MIB = 1 << 20


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    return Archive.open(tmp_path / "archive", secrets.token_bytes(32))


@pytest.fixture
async def client(aiohttp_client: ClientFactory, archive: Archive
                 ) -> TestClient[web.Request, web.Application]:
    async def replay(request: web.Request) -> web.StreamResponse:
        return await serve_stored_file(request, archive, request.match_info["digest"])

    app = web.Application()
    app.router.add_get("/recordings/{digest}", replay)
    return await aiohttp_client(app)


async def test_whole_file_is_served_with_its_type_and_range_support(
        client: TestClient[web.Request, web.Application], archive: Archive) -> None:
    data = os.urandom(2 * MIB + 17)
    stored = archive.put([data])
    response = await client.get(f"/recordings/{stored.digest}")
    assert response.status == 200
    assert response.headers["Content-Type"] == "video/webm"
    assert response.headers["Accept-Ranges"] == "bytes"
    assert response.headers["Content-Length"] == str(len(data))
    assert await response.read() == data


async def test_range_requests_get_206_with_the_plaintext_slice(
        client: TestClient[web.Request, web.Application], archive: Archive) -> None:
    data = os.urandom(3 * MIB + 501)
    stored = archive.put([data])
    rng = random.Random(11)
    size = len(data)
    ranges = [(start, start + rng.choice([0, 1, 999, MIB, 2 * MIB])) for start in
              (rng.randrange(size) for _ in range(12))]
    for first, last in [*ranges, (0, 0), (size - 1, size - 1), (MIB - 1, MIB)]:
        response = await client.get(f"/recordings/{stored.digest}",
                                    headers={"Range": f"bytes={first}-{last}"})
        stop = min(last + 1, size)
        assert response.status == 206
        assert response.headers["Content-Range"] == f"bytes {first}-{stop - 1}/{size}"
        assert await response.read() == data[first:stop]


@pytest.mark.parametrize("header, expected", [
    ("bytes=-500", slice(-500, None)),
    ("bytes=3000000-", slice(3000000, None)),
    ("bytes=-99999999", slice(0, None)),
])
async def test_open_and_suffix_ranges_are_served(
        client: TestClient[web.Request, web.Application], archive: Archive, header: str,
        expected: slice) -> None:
    data = os.urandom(3 * MIB)
    stored = archive.put([data])
    response = await client.get(f"/recordings/{stored.digest}", headers={"Range": header})
    assert response.status == 206
    assert await response.read() == data[expected]


@pytest.mark.parametrize("header", ["bytes=5000-", "bytes=6000-7000", "bytes=-0", "bytes=9-3",
                                    "bytes=0-1,5-9", "items=0-10", "bytes=-"])
async def test_unsatisfiable_or_malformed_ranges_get_416(
        client: TestClient[web.Request, web.Application], archive: Archive, header: str) -> None:
    stored = archive.put([os.urandom(5000)])
    response = await client.get(f"/recordings/{stored.digest}", headers={"Range": header})
    assert response.status == 416
    assert response.headers["Content-Range"] == "bytes */5000"
    assert (await response.json())["error"] == "range_not_satisfiable"


async def test_a_range_for_another_version_gets_the_whole_file(
        client: TestClient[web.Request, web.Application], archive: Archive) -> None:
    data = os.urandom(10000)
    stored = archive.put([data])
    response = await client.get(f"/recordings/{stored.digest}",
                                headers={"Range": "bytes=10-20", "If-Range": '"0000"'})
    assert response.status == 200
    assert await response.read() == data
    response = await client.get(f"/recordings/{stored.digest}",
                                headers={"Range": "bytes=10-20", "If-Range": f'"{stored.digest}"'})
    assert response.status == 206


async def test_a_missing_recording_gets_404_json(
        client: TestClient[web.Request, web.Application], archive: Archive) -> None:
    response = await client.get(f"/recordings/{'ab' * 32}")
    assert response.status == 404
    body = await response.json()
    assert body["error"] == "file_not_found" and body["message"] and body["message_en"]


async def test_a_finalized_recording_replays_over_http_with_its_duration(
        client: TestClient[web.Request, web.Application], archive: Archive,
        tmp_path: Path) -> None:
    clock = FakeClock(1000.0)
    recorder = CallRecorder(archive, "call-1", tmp_path / "live", clock=clock)
    feed(clock, recorder.party("village", "村窗口"),
         interleave(as_hub_frames("video", "vp8", encode_video("vp8", 3.0), 1000.0, 1),
                    as_hub_frames("audio", "opus", encode_tone(3.0), 1000.0, 2)))
    [recorded] = await recorder.close()

    tail = await client.get(f"/recordings/{recorded.digest}", headers={"Range": "bytes=-4096"})
    assert tail.status == 206 and len(await tail.read()) == 4096
    whole = await client.get(f"/recordings/{recorded.digest}")
    with av.open(io.BytesIO(await whole.read()), "r") as container:
        assert container.duration == pytest.approx(3_000_000, abs=200_000)
        assert [s.codec_context.name for s in container.streams] == ["vp8", "opus"]


def _damage(archive: Archive, digest: str, chunk: int) -> None:
    path = archive.root / "objects" / digest[:2] / digest
    blob = bytearray(path.read_bytes())
    blob[HEADER_SIZE + chunk * (CHUNK_SIZE + CHUNK_OVERHEAD) + 100] ^= 1
    path.write_bytes(bytes(blob))


async def test_a_damaged_chunk_is_refused_before_the_headers(
        client: TestClient[web.Request, web.Application], archive: Archive) -> None:
    """#18: it got 200 with the full length, the bytes before the damage, then a 75 s stall."""
    stored = archive.put([os.urandom(3 * MIB)])
    _damage(archive, stored.digest, 1)
    for headers in ({}, {"Range": f"bytes={MIB}-"}, {"Range": f"bytes={MIB + 5}-{MIB + 10}"}):
        response = await asyncio.wait_for(client.get(f"/recordings/{stored.digest}", headers=headers), 5)
        assert response.status == 500
        assert (await response.json())["error"] == "file_damaged"
    response = await client.get(f"/recordings/{stored.digest}", headers={"Range": "bytes=0-99"})
    assert response.status == 206


async def test_damage_past_the_checked_part_cuts_the_connection_at_once(
        aiohttp_client: ClientFactory, archive: Archive) -> None:
    damaged: list[Exception] = []

    async def replay(request: web.Request) -> web.StreamResponse:
        async def note(error: Exception) -> None:
            damaged.append(error)
        return await serve_stored_file(request, archive, request.match_info["digest"], verify_ahead=MIB,
                                       damaged=note)

    app = web.Application()
    app.router.add_get("/recordings/{digest}", replay)
    client = await aiohttp_client(app)
    stored = archive.put([os.urandom(4 * MIB)])
    _damage(archive, stored.digest, 3)
    started = time.monotonic()
    response = await client.get(f"/recordings/{stored.digest}")
    assert response.status == 200
    with pytest.raises(aiohttp.ClientPayloadError):
        await asyncio.wait_for(response.read(), 10)
    assert time.monotonic() - started < 5
    assert [type(e).__name__ for e in damaged] == ["TamperedStoredFile"]
