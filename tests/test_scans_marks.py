"""Scans in the viewer carry their viewer's watermark: each viewer their own id, revalidated by ETag."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

from signaling.scans.deepzoom import TILE_SIZE, DeepZoom
from watermark import find_mark

from .mark_support import hidden_id, registered
from .scan_samples import multipage_tiff, small_scan
from .scan_support import fetch, uploader
from .support import ApiClient, RunningServer, open_demo_case

BY_DOCUMENT = "username, what, document_id"
SHOWN_LEVEL = 10  # the whole 1240×1754 page at 724×1024: big enough for the hidden mark


async def shown_page(server: RunningServer, viewer: ApiClient, page: dict[str, object]) -> Image.Image:
    """One zoom level of the page as the viewer's browser assembles it from its tiles."""
    zoom = DeepZoom(1240, 1754)
    width, height = zoom.level_size(SHOWN_LEVEL)
    picture = Image.new("RGB", (width, height))
    base = str(page["dzi_url"]).replace("image.dzi", f"image_files/{SHOWN_LEVEL}")
    for column in range(-(-width // TILE_SIZE)):
        for row in range(-(-height // TILE_SIZE)):
            status, body, _ = await fetch(server, viewer, f"{base}/{column}_{row}.jpg")
            assert status == 200
            left, top, _, _ = zoom.tile_box(SHOWN_LEVEL, column, row)
            with Image.open(io.BytesIO(body)) as tile:
                picture.paste(tile, (left, top))
    return picture


async def test_each_viewer_sees_a_scan_marked_with_their_own_id(server: RunningServer, tmp_path: Path) -> None:
    clerk, town, district = [await server.login(name) for name in ("clerk-yb1", "town-yb", "district")]
    case = await open_demo_case(clerk)
    document = (await uploader(server, clerk).upload(case["id"], small_scan(tmp_path / "scan.jpg"))).document
    page = document["page_images"][0]
    found = {}
    for name, viewer in (("town-yb", town), ("district", district)):
        mark = find_mark(await shown_page(server, viewer, page))
        assert mark is not None, name
        found[name] = mark.mark_id
        assert registered(server, mark.mark_id, BY_DOCUMENT) == (name, "scan_page", document["id"])
    assert found["town-yb"] != found["district"]
    with sqlite3.connect(server.data_dir / "cunneng.db") as db:  # the audit trail names the page each mark was for
        details = [json.loads(d) for (d,) in db.execute("select detail from audit_events"
                                                        " where action = 'document_watermarked' order by seq")]
    assert details == [{"mark": found[name], "what": "scan_page", "document_id": document["id"], "page": 1}
                       for name in ("town-yb", "district")]


async def test_a_viewers_thumbnail_is_revalidated_not_fetched_again(server: RunningServer, tmp_path: Path) -> None:
    clerk, town, district = [await server.login(name) for name in ("clerk-yb1", "town-yb", "district")]
    case = await open_demo_case(clerk)
    document = (await uploader(server, clerk).upload(case["id"], small_scan(tmp_path / "scan.jpg"))).document
    url = server.base + document["page_images"][0]["thumbnail_url"]
    status, body, headers = await fetch(server, town, document["page_images"][0]["thumbnail_url"])
    etag = {k.lower(): v for k, v in headers.items()}["etag"]
    assert status == 200 and body and headers["Cache-Control"] == "private, no-cache"
    for viewer, expected in ((town, 304), (district, 200)):  # another account never gets the town's picture
        request = {"Authorization": f"Bearer {viewer.token}", "If-None-Match": etag}
        async with server.session.get(url, headers=request) as again:
            assert again.status == expected


async def test_a_console_downloads_a_marked_copy_the_village_its_own_file(
        server: RunningServer, tmp_path: Path) -> None:
    clerk, town = await server.login("clerk-yb1"), await server.login("town-yb")
    case = await open_demo_case(clerk)
    scan = small_scan(tmp_path / "户口簿.jpg")
    document = (await uploader(server, clerk).upload(case["id"], scan)).document
    _, own, _ = await fetch(server, clerk, document["file_url"])
    assert own == scan.read_bytes()
    status, copy, headers = await fetch(server, town, document["file_url"])
    assert status == 200 and headers["Content-Type"] == "image/jpeg" and copy != own
    assert "filename*=UTF-8''%E6%88%B7%E5%8F%A3%E7%B0%BF.jpg" in headers["Content-Disposition"]
    assert registered(server, hidden_id(copy), BY_DOCUMENT) == ("town-yb", "scan_download", document["id"])


async def test_a_multi_page_scan_downloads_as_a_marked_pdf_of_its_pages(server: RunningServer, tmp_path: Path) -> None:
    clerk, town = await server.login("clerk-yb1"), await server.login("town-yb")
    case = await open_demo_case(clerk)
    scan = multipage_tiff(tmp_path / "申请表.tif", [(1240, 1754), (1754, 1240)])
    document = (await uploader(server, clerk).upload(case["id"], scan)).document
    status, copy, headers = await fetch(server, town, document["file_url"])
    assert status == 200 and headers["Content-Type"] == "application/pdf"
    pdf = pdfium.PdfDocument(copy)
    assert len(pdf) == 2
    second = pdf[1].render(scale=1).to_pil()
    assert second.width > second.height  # the landscape page stays landscape
    assert find_mark(second.convert("RGB")) is not None


async def test_an_issued_document_is_signed_for_the_village_and_marked_for_a_console(server: RunningServer) -> None:
    clerk, town = await server.login("clerk-yb1"), await server.login("town-yb")
    case = await open_demo_case(clerk)
    await town.post(f"/api/cases/{case['id']}/actions/start_review", {})
    document = (await town.post(f"/api/cases/{case['id']}/actions/approve", {})).body["issued_document"]
    path = f"/api/documents/{document['id']}/file"
    _, signed = await clerk.get_bytes(path)
    assert (await server.anonymous().post("/api/verify", data=signed)).body["report"]["ok"]
    status, copy = await town.get_bytes(path)
    assert status == 200 and copy.startswith(b"%PDF") and copy != signed
    assert b"/ByteRange" not in copy  # a copy to read, carrying no signature to mistake for the record
    page = pdfium.PdfDocument(copy)[0].render(scale=150 / 72).to_pil()
    assert registered(server, hidden_id(page), BY_DOCUMENT) == ("town-yb", "document_download", document["id"])


async def test_an_auditor_traces_a_downloaded_scan_to_everything_the_register_holds(
        server: RunningServer, tmp_path: Path) -> None:
    clerk, town, auditor = [await server.login(name) for name in ("clerk-yb1", "town-yb", "auditor")]
    case = await open_demo_case(clerk)
    document = (await uploader(server, clerk).upload(case["id"], small_scan(tmp_path / "scan.jpg"))).document
    _, copy, _ = await fetch(server, town, document["file_url"])
    traced = await auditor.post("/api/trace", data=copy)
    assert traced.status == 200, traced.body
    mark_id = traced.body["mark_id"]
    with sqlite3.connect(server.data_dir / "cunneng.db") as db:
        db.row_factory = sqlite3.Row
        viewer = db.execute("select display_name, unit_id from accounts where username = 'town-yb'").fetchone()
        unit = db.execute("select name from units where id = ?", [viewer["unit_id"]]).fetchone()["name"]
        event = dict(db.execute("select seq, at, action, actor, detail from audit_events"
                                " where action = 'document_watermarked' order by seq desc limit 1").fetchone())
    lines = traced.body["trace"].pop("lines")
    assert traced.body["trace"] == {
        "mark_id": mark_id, "what": "scan_download", "what_name": "扫描件下载 a scan downloaded",
        "viewer": viewer["display_name"], "username": "town-yb", "unit_name": unit, "at": event["at"],
        "case_id": case["id"], "case_number": case["number"], "document_id": document["id"], "page": None,
        "call_id": None, "audit_event": event, "shows": None,  # a scan shows no moment of a call (#21)
    }
    assert lines[:2] == [f"{viewer['display_name']} (town-yb)", f"{unit} · 办件 {case['number']}"]
    assert json.loads(event["detail"]) == {"mark": mark_id, "what": "scan_download", "document_id": document["id"]}
    timeline = (await auditor.get(f"/api/cases/{case['id']}/timeline")).body
    assert [e["detail"] for e in timeline if e["action"] == "mark_traced"] == [{"mark": mark_id, "known": True}]
