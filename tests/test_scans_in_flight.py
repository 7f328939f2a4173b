"""Issue 9: a few chunks of a scan may travel at once; the server confirms them in order."""

from __future__ import annotations

import asyncio
import hashlib
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from signaling.appkeys import SCAN_WORKERS, UPLOAD_STORE
from signaling.scans.uploads import CHUNKS_IN_FLIGHT
from village_client.uploader import ScanUploader

from .scan_samples import sha256_of, small_scan
from .scan_support import put_chunk, start_body, unfinished_uploads
from .support import ApiClient, RunningServer, open_demo_case, start_server

CHUNK = 64 * 1024


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[RunningServer]:
    running = await start_server(tmp_path / "data", upload_chunk_bytes=CHUNK)
    yield running
    await running.close()


async def started(server: RunningServer, scan: Path) -> tuple[ApiClient, dict[str, object]]:
    clerk = await server.login("clerk-yb1")
    case = await open_demo_case(clerk)
    upload = (await clerk.post(f"/api/cases/{case['id']}/uploads", start_body(scan))).body
    assert upload["chunks_in_flight"] == CHUNKS_IN_FLIGHT and upload["size"] > 3 * CHUNK
    return clerk, upload


async def test_a_chunk_that_overtakes_the_one_before_is_confirmed_after_it(
    server: RunningServer, tmp_path: Path
) -> None:
    data = small_scan(tmp_path / "scan.jpg").read_bytes()
    clerk, upload = await started(server, tmp_path / "scan.jpg")
    second = asyncio.ensure_future(put_chunk(server, clerk, str(upload["id"]), CHUNK, data[CHUNK:2 * CHUNK]))
    await asyncio.sleep(0.3)
    assert not second.done()  # stored, waiting for the first
    first = await put_chunk(server, clerk, str(upload["id"]), 0, data[:CHUNK])
    assert (first.status, first.body["received"]) == (200, CHUNK)
    assert ((await second).status, (await second).body["received"]) == (200, 2 * CHUNK)


async def test_a_chunk_is_sealed_and_confirmed_while_both_scan_workers_are_busy(
    server: RunningServer, tmp_path: Path
) -> None:
    """Chunks have their own sealing threads: pages being rendered (or a long check) for other
    clerks do not hold up an upload (#25)."""
    data = small_scan(tmp_path / "scan.jpg").read_bytes()
    clerk, upload = await started(server, tmp_path / "scan.jpg")
    loop, rendering = asyncio.get_running_loop(), threading.Event()
    busy = [loop.run_in_executor(server.app[SCAN_WORKERS], rendering.wait, 30) for _ in range(2)]
    try:
        sent = await asyncio.wait_for(put_chunk(server, clerk, str(upload["id"]), 0, data[:CHUNK]), 10)
        assert (sent.status, sent.body["received"]) == (200, CHUNK)
        assert not any(work.done() for work in busy)
    finally:
        rendering.set()
        await asyncio.gather(*busy)


async def test_a_chunk_whose_predecessor_never_comes_is_refused_and_nothing_moves(
    server: RunningServer, tmp_path: Path
) -> None:
    server.app[UPLOAD_STORE].order.grace = 0.3
    data = small_scan(tmp_path / "scan.jpg").read_bytes()
    clerk, upload = await started(server, tmp_path / "scan.jpg")
    alone = await put_chunk(server, clerk, str(upload["id"]), 2 * CHUNK, data[2 * CHUNK:3 * CHUNK])
    too_far = await put_chunk(server, clerk, str(upload["id"]), CHUNKS_IN_FLIGHT * CHUNK,
                              data[CHUNKS_IN_FLIGHT * CHUNK:(CHUNKS_IN_FLIGHT + 1) * CHUNK])
    assert (alone.status, alone.body["error"]) == (409, "offset_mismatch")
    assert (too_far.status, too_far.body["error"]) == (409, "offset_mismatch")
    assert (await clerk.get(f"/api/uploads/{upload['id']}")).body["received"] == 0


async def slowly(piece: bytes, pause: float = 1.2) -> AsyncIterator[bytes]:
    """A chunk on a slow line: half of it, a pause four times the grace, the rest."""
    yield piece[:len(piece) // 2]
    await asyncio.sleep(pause)
    yield piece[len(piece) // 2:]


async def test_a_chunk_waits_past_the_grace_while_the_one_before_is_still_arriving(
    server: RunningServer, tmp_path: Path
) -> None:
    server.app[UPLOAD_STORE].order.grace = 0.3
    data = small_scan(tmp_path / "scan.jpg").read_bytes()
    clerk, upload = await started(server, tmp_path / "scan.jpg")
    first = asyncio.ensure_future(put_chunk(server, clerk, str(upload["id"]), 0, slowly(data[:CHUNK]),
                                            digest_of=data[:CHUNK]))
    await asyncio.sleep(0.2)  # the first chunk's bytes are on their way
    second = await put_chunk(server, clerk, str(upload["id"]), CHUNK, data[CHUNK:2 * CHUNK])
    assert (second.status, second.body.get("received")) == (200, 2 * CHUNK), second.body
    assert ((await first).status, (await first).body["received"]) == (200, CHUNK)


async def test_a_refused_chunk_does_not_make_the_others_forget_the_one_still_arriving(
    server: RunningServer, tmp_path: Path
) -> None:
    server.app[UPLOAD_STORE].order.grace = 0.3
    data = small_scan(tmp_path / "scan.jpg").read_bytes()
    clerk, upload = await started(server, tmp_path / "scan.jpg")
    upload_id = str(upload["id"])
    first = asyncio.ensure_future(put_chunk(server, clerk, upload_id, 0, slowly(data[:CHUNK]), digest_of=data[:CHUNK]))
    await asyncio.sleep(0.2)
    second = asyncio.ensure_future(put_chunk(server, clerk, upload_id, CHUNK, data[CHUNK:2 * CHUNK]))
    await asyncio.sleep(0.2)  # the second is stored and waits for the first
    damaged = await put_chunk(server, clerk, upload_id, 2 * CHUNK, data[2 * CHUNK:3 * CHUNK], digest_of=b"other")
    assert (damaged.status, damaged.body["error"]) == (422, "chunk_digest_mismatch")
    assert ((await second).status, (await second).body.get("received")) == (200, 2 * CHUNK), (await second).body
    assert (await first).status == 200


async def test_the_uploader_keeps_chunks_in_flight_and_the_file_arrives_whole(
    server: RunningServer, tmp_path: Path
) -> None:
    scan = small_scan(tmp_path / "scan.jpg")
    clerk, upload = await started(server, scan)
    in_flight = 0
    most = 0
    original = server.app[UPLOAD_STORE].receive

    async def counted(*args: object, **kwargs: object) -> object:
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        try:
            return await original(*args, **kwargs)  # type: ignore[arg-type]
        finally:
            in_flight -= 1

    server.app[UPLOAD_STORE].receive = counted  # type: ignore[method-assign]
    sender = ScanUploader(server.session, server.base, clerk.token)
    assert await sender.send(upload, scan) == []
    document = await sender.complete(str(upload["id"]))
    assert document["sha256"] == sha256_of(scan)
    assert most > 1
    assert unfinished_uploads(server.data_dir) == []


def stored_chunks(server: RunningServer) -> set[str]:
    """The chunks on disk, of every upload (named by their SHA-256)."""
    return {path.name for path in unfinished_uploads(server.data_dir) if path.parent.parent.name == "objects"}


async def test_refused_chunks_are_deleted_at_once(server: RunningServer, tmp_path: Path) -> None:
    """A 422 or 409 chunk stayed under data/uploads/ until completion or expiry: any clerk could fill the disk (#17)."""
    server.app[UPLOAD_STORE].order.grace = 0.3
    data = small_scan(tmp_path / "scan.jpg").read_bytes()
    clerk, upload = await started(server, tmp_path / "scan.jpg")
    damaged = await put_chunk(server, clerk, str(upload["id"]), 0, data[:CHUNK], digest_of=b"other bytes")
    assert (damaged.status, damaged.body["error"]) == (422, "chunk_digest_mismatch")
    assert stored_chunks(server) == set()
    waiting = [put_chunk(server, clerk, str(upload["id"]), CHUNK, data[CHUNK:2 * CHUNK]) for _ in range(10)]
    assert {(reply.status, reply.body["error"]) for reply in await asyncio.gather(*waiting)} == {
        (409, "offset_mismatch")}  # the predecessor never came; beyond 8 at once, refused before storing
    assert stored_chunks(server) == set()
    good = await put_chunk(server, clerk, str(upload["id"]), 0, data[:CHUNK])
    assert good.status == 200 and stored_chunks(server) == {sha256_of_bytes(data[:CHUNK])}


async def test_a_refused_chunk_keeps_the_content_a_confirmed_one_shares(
    server: RunningServer, tmp_path: Path
) -> None:
    """Chunks are stored by content: a blank page's chunk may equal an earlier, confirmed one."""
    blank = tmp_path / "blank.bin"
    blank.write_bytes(b"\xff" * (3 * CHUNK))
    clerk = await server.login("clerk-yb1")
    case = await open_demo_case(clerk)
    upload = (await clerk.post(f"/api/cases/{case['id']}/uploads", start_body(blank))).body
    chunk = b"\xff" * CHUNK
    assert (await put_chunk(server, clerk, upload["id"], 0, chunk)).status == 200
    refused = await put_chunk(server, clerk, upload["id"], CHUNK, chunk, digest_of=b"other bytes")
    assert refused.status == 422
    assert stored_chunks(server) == {sha256_of_bytes(chunk)}
    assert (await put_chunk(server, clerk, upload["id"], CHUNK, chunk)).body["received"] == 2 * CHUNK


async def test_an_accounts_unfinished_uploads_are_capped(tmp_path: Path) -> None:
    server = await start_server(tmp_path / "data", upload_chunk_bytes=CHUNK, upload_account_max_bytes=5 * CHUNK)
    try:
        clerk = await server.login("clerk-yb1")
        case = await open_demo_case(clerk)
        files = []
        for number in range(3):
            files.append(tmp_path / f"scan-{number}.bin")
            files[-1].write_bytes(bytes([number]) * 2 * CHUNK)
        first, second, third = [await clerk.post(f"/api/cases/{case['id']}/uploads", start_body(f)) for f in files]
        assert (first.status, second.status) == (200, 200)
        assert (third.status, third.body["error"]) == (409, "too_many_unfinished_uploads")
        again = await clerk.post(f"/api/cases/{case['id']}/uploads", start_body(files[0]))
        assert again.body["id"] == first.body["id"]  # resuming one is never refused
        other = await server.login("clerk-yb2")
        their_case = await open_demo_case(other)
        assert (await other.post(f"/api/cases/{their_case['id']}/uploads", start_body(files[2]))).status == 200
    finally:
        await server.close()


def sha256_of_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
