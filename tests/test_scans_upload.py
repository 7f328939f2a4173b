"""Issue 4: a scan sent in chunks becomes a document on the case, checked, stored once, and logged."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest
from PIL import Image

from signaling.appkeys import EVENTS

from .scan_samples import png_bomb, save, scan_page, sha256_of, small_scan, truncated, windows_program
from .scan_support import (
    archived,
    audit_actions,
    fetch,
    put_chunk,
    refused_upload,
    start_body,
    unfinished_uploads,
    uploader,
)
from .support import RunningServer, open_demo_case


async def test_a_scan_becomes_a_document_with_pages_thumbnail_and_tiles(server: RunningServer, tmp_path: Path) -> None:
    clerk, town = await server.login("clerk-yb1"), await server.login("town-yb")
    case = await open_demo_case(clerk)
    scan = small_scan(tmp_path / "身份证.jpg")

    result = await uploader(server, clerk).upload(case["id"], scan, "居民身份证")

    listed = (await town.get(f"/api/cases/{case['id']}/documents")).body
    assert [d["id"] for d in listed] == [result.document["id"]]
    document = listed[0]
    assert (document["material"], document["content_type"], document["sha256"]) == (
        "居民身份证", "image/jpeg", sha256_of(scan))
    assert [(p["page"], p["width"], p["height"]) for p in document["page_images"]] == [(1, 1240, 1754)]
    status, thumbnail, _ = await fetch(server, town, document["page_images"][0]["thumbnail_url"])
    assert status == 200 and max(Image.open(io.BytesIO(thumbnail)).size) == 320
    dzi = await town.get(document["page_images"][0]["dzi_url"])
    assert 'Width="1240" Height="1754"' in dzi.body
    status, tile, headers = await fetch(server, town, document["page_images"][0]["dzi_url"].replace(
        "image.dzi", "image_files/11/4_6.jpg"))
    assert status == 200 and headers["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(tile)).size == (1240 - 4 * 254 + 1, 1754 - 6 * 254 + 1)
    assert unfinished_uploads(server.data_dir) == []


async def test_the_approver_is_told_the_moment_a_scan_is_complete(server: RunningServer, tmp_path: Path) -> None:
    clerk = await server.login("clerk-yb1")
    case = await open_demo_case(clerk)
    scan = small_scan(tmp_path / "户口簿.png", "PNG")
    async with server.app[EVENTS].subscribe(units=[case["handler_unit_id"]]) as approver, \
            server.app[EVENTS].subscribe(units=["zh-wj"]) as other_town:
        await uploader(server, clerk).upload(case["id"], scan, "户口簿")
        event = await asyncio.wait_for(approver.get(), 5)
    assert event["type"] == "scan_added" and event["case_id"] == case["id"]
    assert event["document"]["sha256"] == sha256_of(scan)
    assert event["document"]["material"] == "户口簿"
    assert other_town.pending() == 0


async def test_the_same_file_twice_is_stored_once(server: RunningServer, tmp_path: Path) -> None:
    clerk = await server.login("clerk-yb1")
    case = await open_demo_case(clerk)
    scan = small_scan(tmp_path / "scan.jpg")
    first = await uploader(server, clerk).upload(case["id"], scan)
    stored = archived(server.data_dir)

    again = await uploader(server, clerk).upload(case["id"], scan)

    assert again.duplicate and again.document["id"] == first.document["id"]
    assert archived(server.data_dir) == stored
    assert len((await clerk.get(f"/api/cases/{case['id']}/documents")).body) == 1
    assert (await audit_actions(clerk, case["id"])).count("document_upload_repeated") == 1


async def test_an_upload_to_a_case_of_another_village_is_refused(server: RunningServer, tmp_path: Path) -> None:
    other_village = await open_demo_case(await server.login("clerk-wj1"))
    body = start_body(small_scan(tmp_path / "scan.jpg"))
    clerk, approver = await server.login("clerk-yb1"), await server.login("town-wj")

    refused = await clerk.post(f"/api/cases/{other_village['id']}/uploads", body)
    forbidden = await approver.post(f"/api/cases/{other_village['id']}/uploads", body)

    assert (refused.status, refused.body["error"]) == (404, "not_found")
    assert (forbidden.status, forbidden.body["error"]) == (403, "forbidden")


async def test_chunks_must_come_in_order_whole_and_with_their_digest(server: RunningServer, tmp_path: Path) -> None:
    clerk = await server.login("clerk-yb1")
    case = await open_demo_case(clerk)
    scan = small_scan(tmp_path / "scan.jpg")
    data = scan.read_bytes()
    upload = (await clerk.post(f"/api/cases/{case['id']}/uploads", start_body(scan))).body
    size = upload["chunk_size"]

    too_early = await clerk.post(f"/api/uploads/{upload['id']}/complete")
    skipped = await put_chunk(server, clerk, upload["id"], size, data[size:2 * size])
    damaged = await put_chunk(server, clerk, upload["id"], 0, data[:size], digest_of=b"other bytes")
    short = await put_chunk(server, clerk, upload["id"], 0, data[:100])
    good = await put_chunk(server, clerk, upload["id"], 0, data[:size])

    assert (too_early.status, too_early.body["error"]) == (409, "upload_incomplete")
    assert (skipped.status, skipped.body["error"]) == (409, "offset_mismatch")
    assert (damaged.status, damaged.body["error"]) == (422, "chunk_digest_mismatch")
    assert (short.status, short.body["error"]) == (400, "wrong_chunk_length")
    assert (good.status, good.body["received"]) == (200, min(size, len(data)))
    assert (await clerk.get(f"/api/uploads/{upload['id']}")).body["received"] == good.body["received"]


async def test_a_file_whose_extension_lies_is_judged_by_its_content(server: RunningServer, tmp_path: Path) -> None:
    clerk = await server.login("clerk-yb1")
    case = await open_demo_case(clerk)
    png_named_pdf = small_scan(tmp_path / "户口簿.pdf", "PNG")

    document = (await uploader(server, clerk).upload(case["id"], png_named_pdf)).document

    assert (document["content_type"], document["filename"], document["download_name"]) == (
        "image/png", "户口簿.pdf", "户口簿.png")
    status, body, headers = await fetch(server, clerk, document["file_url"])
    assert status == 200 and headers["Content-Type"] == "image/png" and body == png_named_pdf.read_bytes()


async def test_a_program_named_jpg_is_refused_and_nothing_is_kept(server: RunningServer, tmp_path: Path) -> None:
    status, error = await refused_upload(server, windows_program(tmp_path / "身份证.jpg"))

    assert (status, error["error"]) == (415, "unsupported_type")
    assert "JPEG" in error["message"] and error["message_en"]
    assert archived(server.data_dir) == set() and unfinished_uploads(server.data_dir) == []


async def test_a_truncated_jpeg_is_refused_with_a_clear_message(server: RunningServer, tmp_path: Path) -> None:
    cut = truncated(small_scan(tmp_path / "whole.jpg"), tmp_path / "cut.jpg")

    status, error = await refused_upload(server, cut)

    assert (status, error["error"]) == (422, "corrupt_scan")
    assert "不完整" in error["message"] and "truncated" in error["message_en"]
    assert archived(server.data_dir) == set() and unfinished_uploads(server.data_dir) == []


@pytest.mark.parametrize("side", [12_000, 40_000], ids=["over-the-limit", "beyond-pillow-error"])
async def test_a_decompression_bomb_is_refused_before_decoding(server: RunningServer, tmp_path: Path,
                                                               side: int) -> None:
    bomb = png_bomb(tmp_path / "bomb.png", side)
    assert bomb.stat().st_size < 1_000_000

    status, error = await refused_upload(server, bomb)

    assert (status, error["error"]) == (413, "scan_too_large")
    assert archived(server.data_dir) == set() and unfinished_uploads(server.data_dir) == []


async def test_a_whole_file_with_another_digest_is_refused(server: RunningServer, tmp_path: Path) -> None:
    clerk = await server.login("clerk-yb1")
    case = await open_demo_case(clerk)
    scan = small_scan(tmp_path / "scan.jpg")
    announced = {**start_body(scan), "sha256": "0" * 64}
    upload = (await clerk.post(f"/api/cases/{case['id']}/uploads", announced)).body
    data = scan.read_bytes()
    for offset in range(0, len(data), upload["chunk_size"]):
        await put_chunk(server, clerk, upload["id"], offset, data[offset:offset + upload["chunk_size"]])

    reply = await clerk.post(f"/api/uploads/{upload['id']}/complete")

    assert (reply.status, reply.body["error"]) == (422, "digest_mismatch")
    assert archived(server.data_dir) == set() and unfinished_uploads(server.data_dir) == []


async def test_while_the_server_checks_a_completed_upload_it_says_how_far_it_got(
        server: RunningServer, tmp_path: Path) -> None:
    """#23: the page sat at 100 % on 服务器正在核对 for 13 s; the check now reports its steps."""
    clerk = await server.login("clerk-yb1")
    case = await open_demo_case(clerk)
    path = save(scan_page((2480, 3508), grain=8), tmp_path / "户口簿.jpg", "JPEG", quality=50)
    data = path.read_bytes()
    assert len(data) < 1024 * 1024  # one chunk, sent as it is
    upload = (await clerk.post(f"/api/cases/{case['id']}/uploads", start_body(path))).body
    for offset in range(0, len(data), upload["chunk_size"]):
        await put_chunk(server, clerk, upload["id"], offset, data[offset:offset + upload["chunk_size"]])
    assert (await clerk.get(f"/api/uploads/{upload['id']}")).body["check"] is None  # not checking yet
    completing = asyncio.ensure_future(clerk.post(f"/api/uploads/{upload['id']}/complete", {}))
    seen = []
    while not completing.done():
        check = (await clerk.get(f"/api/uploads/{upload['id']}")).body["check"]
        if check:
            assert check["steps"] == 3 and 0 <= check["done"] <= check["total"]
            seen.append((check["step_number"], check["step"]))
    assert (await completing).status == 200
    assert seen and seen == sorted(seen), seen  # steps reported in order, while they ran
    assert {step for _, step in seen} <= {"verifying", "inspecting", "storing"}
    assert (await clerk.get(f"/api/uploads/{upload['id']}")).body["check"] is None  # done: nothing to report
