"""Who may see a case's scans, what their views and downloads leave in the audit log, and upload expiry."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from signaling.access.roles import SYSTEM
from signaling.appkeys import AUDIT_LOG, SCAN_INTAKE
from signaling.audit.acts import Act

from .scan_samples import small_scan
from .scan_support import audit_actions, fetch, put_chunk, start_body, unfinished_uploads, uploader
from .support import RunningServer, open_demo_case


async def test_views_and_downloads_are_audit_logged(server: RunningServer, tmp_path: Path) -> None:
    clerk, town, auditor = [await server.login(name) for name in ("clerk-yb1", "town-yb", "auditor")]
    case = await open_demo_case(clerk)
    document = (await uploader(server, clerk).upload(case["id"], small_scan(tmp_path / "scan.jpg"))).document
    page = document["page_images"][0]

    await fetch(server, town, page["thumbnail_url"])
    await fetch(server, town, page["dzi_url"].replace("image.dzi", "image_files/8/0_0.jpg"))
    before = await audit_actions(auditor, case["id"])
    assert (await town.get(page["dzi_url"])).status == 200
    assert (await fetch(server, auditor, document["file_url"]))[0] == 200

    events = (await auditor.get(f"/api/cases/{case['id']}/timeline")).body[len(before):]
    assert [(e["action"], e["actor"], e["detail"]["document_id"]) for e in events if e["action"] != "case_viewed"] == [
        ("document_viewed", "元坝镇窗口 刘芳", document["id"]),
        ("document_watermarked", "审计 李正", document["id"]),  # the copy carries the auditor's mark
        ("document_downloaded", "审计 李正", document["id"]),  # logged once the copy is made (#18)
    ]
    assert before.count("document_uploaded") == 1 and "document_viewed" not in before


async def test_scans_of_a_case_are_hidden_from_those_who_do_not_see_it(server: RunningServer, tmp_path: Path) -> None:
    clerk = await server.login("clerk-yb1")
    case = await open_demo_case(clerk)
    document = (await uploader(server, clerk).upload(case["id"], small_scan(tmp_path / "scan.jpg"))).document
    page = document["page_images"][0]
    paths = [f"/api/cases/{case['id']}/documents", f"/api/documents/{document['id']}", document["file_url"],
             page["thumbnail_url"], page["dzi_url"], page["dzi_url"].replace("image.dzi", "image_files/0/0_0.jpg")]

    for name in ("clerk-yb2", "town-wj", "dept-civil", "admin"):
        outsider = await server.login(name)
        assert [(await fetch(server, outsider, path))[0] for path in paths] == [404] * len(paths), name
    district = await server.login("district")
    assert [(await fetch(server, district, path))[0] for path in paths] == [200] * len(paths)


async def test_unfinished_uploads_expire_with_their_bytes(server: RunningServer, tmp_path: Path) -> None:
    clerk = await server.login("clerk-yb1")
    case = await open_demo_case(clerk)
    scan = small_scan(tmp_path / "scan.jpg")
    upload = (await clerk.post(f"/api/cases/{case['id']}/uploads", start_body(scan))).body
    await put_chunk(server, clerk, upload["id"], 0, scan.read_bytes()[:upload["chunk_size"]])
    assert unfinished_uploads(server.data_dir) != []

    server.clock.advance(hours=25)
    act = Act(SYSTEM, server.clock(), server.app[AUDIT_LOG])
    expired = await server.app[SCAN_INTAKE].expire(act, timedelta(hours=24))

    assert expired == [upload["id"]]
    assert unfinished_uploads(server.data_dir) == []
    clerk = await server.login("clerk-yb1")  # the morning's session has ended too
    assert (await clerk.get(f"/api/uploads/{upload['id']}")).body["state"] == "expired"
    fresh = (await clerk.post(f"/api/cases/{case['id']}/uploads", start_body(scan))).body
    assert fresh["id"] != upload["id"] and fresh["received"] == 0
