"""A stored file with a damaged chunk (#18): refused cleanly wherever it is read, and the damage logged.

It used to be half-served and then hang for 75 s (200 with the full Content-Length, the
error raised after the headers), its failed downloads logged as downloads, and marked
copies, thumbnails and stills failing as a bare "500 internal".
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import aiohttp

from recordings.sealed_file import CHUNK_OVERHEAD, CHUNK_SIZE, HEADER_SIZE, NONCE_SIZE
from signaling.appkeys import DATABASE
from signaling.storage.database import rows

from .scan_samples import small_scan
from .scan_support import uploader
from .support import ApiClient, RunningServer, open_demo_case, start_server
from .test_retention import recorded_case

MIB = 1 << 20


def damage(server: RunningServer, digest: str, chunk: int) -> None:
    """Flip one bit inside one chunk of a stored file, as a failing disk might."""
    path = server.data_dir / "archive" / "objects" / digest[:2] / digest
    blob = bytearray(path.read_bytes())
    blob[HEADER_SIZE + chunk * (CHUNK_SIZE + CHUNK_OVERHEAD) + NONCE_SIZE + 7] ^= 0x10
    path.write_bytes(bytes(blob))


async def fetch(server: RunningServer, client: ApiClient, path: str, **headers: str) -> tuple[int, Any, float]:
    """Status, JSON body, and seconds taken; a body cut short counts as status 0."""
    started = time.monotonic()
    try:
        async with asyncio.timeout(20):
            async with server.session.get(server.base + path, headers={
                    "Authorization": f"Bearer {client.token}", **headers}) as reply:
                body = await reply.json() if reply.content_type == "application/json" else await reply.read()
                return reply.status, body, time.monotonic() - started
    except aiohttp.ClientPayloadError:
        return 0, None, time.monotonic() - started


async def actions(server: RunningServer, case_id: int) -> list[dict[str, Any]]:
    return await server.app[DATABASE].run(
        rows, "select action, detail from audit_events where case_id = ? order by seq", [case_id])


def refused(status: int, body: Any, seconds: float) -> bool:
    return status == 500 and body["error"] == "file_damaged" and "损坏" in body["message"] and seconds < 5


async def test_a_damaged_scan_is_refused_before_anything_is_sent(tmp_path: Path) -> None:
    server = await start_server(tmp_path / "data")
    try:
        clerk = await server.login("clerk-yb1")
        case = await open_demo_case(clerk)
        scan = small_scan(tmp_path / "户口簿.png", "PNG")
        assert scan.stat().st_size > 2 * MIB
        document = (await uploader(server, clerk).upload(case["id"], scan, "户口簿")).document
    finally:
        await server.close()
    damage(server, document["sha256"], 1)
    server = await start_server(tmp_path / "data")  # nothing of the page left in memory
    try:
        await damaged_scan_refused(server, case, document)
    finally:
        await server.close()


async def damaged_scan_refused(server: RunningServer, case: dict[str, Any], document: dict[str, Any]) -> None:
    clerk, town = await server.login("clerk-yb1"), await server.login("town-yb")
    before = len(await actions(server, case["id"]))

    file_url = f"/api/documents/{document['id']}/file"
    assert refused(*await fetch(server, clerk, file_url))
    assert refused(*await fetch(server, clerk, file_url, Range=f"bytes={MIB + 10}-"))
    status, _, _ = await fetch(server, clerk, file_url, Range="bytes=0-999")
    assert status == 206  # the intact part is still there for whoever rescues it
    assert refused(*await fetch(server, town, file_url))  # the watermarked copy

    logged = (await actions(server, case["id"]))[before:]
    damaged = [e for e in logged if e["action"] == "stored_file_damaged"]
    assert len(damaged) == 3 and all(f'"document_id":{document["id"]}' in e["detail"] for e in damaged)
    assert all("chunk 1 of" in e["detail"] for e in damaged)
    assert [e["action"] for e in logged].count("document_downloaded") == 1  # the intact range only


async def test_a_damaged_thumbnail_or_preview_says_file_damaged(tmp_path: Path) -> None:
    server = await start_server(tmp_path / "data")
    try:
        clerk = await server.login("clerk-yb1")
        case = await open_demo_case(clerk)
        document = (await uploader(server, clerk).upload(case["id"], small_scan(tmp_path / "a.jpg"), "户口簿")).document
        [page] = await server.app[DATABASE].run(rows, "select thumbnail, preview from scan_pages where digest = ?",
                                                [document["sha256"]])
    finally:
        await server.close()
    damage(server, page["thumbnail"], 0)
    damage(server, page["preview"], 0)
    server = await start_server(tmp_path / "data")  # nothing of the page left in memory
    try:
        town = await server.login("town-yb")
        pictures = f"/api/documents/{document['id']}/pages/1"
        assert refused(*await fetch(server, town, f"{pictures}/thumbnail.jpg"))
        assert refused(*await fetch(server, town, f"{pictures}/image_files/11/0_0.jpg"))  # cut from the preview
        logged = [e["action"] for e in await actions(server, case["id"])]
        assert logged.count("stored_file_damaged") == 2
    finally:
        await server.close()


async def test_a_damaged_recording_is_refused_and_not_logged_as_replayed(server: RunningServer) -> None:
    case, [recording, _] = await recorded_case(server, await server.login("clerk-yb1"), 3.0)
    auditor = await server.login("auditor")
    damage(server, recording["digest"], 0)
    before = len(await actions(server, case["id"]))

    media = f"/api/recordings/{recording['id']}/media"
    assert refused(*await fetch(server, auditor, media))
    assert refused(*await fetch(server, auditor, media, Range="bytes=100-"))
    still = await auditor.post(f"/api/recordings/{recording['id']}/snapshot", {"at": 1.0})
    assert still.status == 500 and still.body["error"] == "file_damaged"

    logged = [e["action"] for e in (await actions(server, case["id"]))[before:]]
    assert logged.count("stored_file_damaged") == 3 and "recording_replayed" not in logged
    assert "snapshot_taken" not in logged
