"""保存期限: recordings go 30 days after their call, documents 90 days after upload; held cases keep theirs."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from .call_support import recorded_call
from .retention_support import cunneng, file_scan, on_disk, purge, query
from .scan_samples import small_scan
from .scan_support import uploader
from .support import START, ApiClient, RunningServer, open_demo_case, start_server


async def recorded_case(server: RunningServer, clerk: ApiClient, seconds: float
                        ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A case with a real two-party call recorded by the server, and its recordings.

    Calls of the same length can record the same bytes (the test pattern is the same, the
    remux bit-exact), stored once: give each case its own length to keep its files apart.
    """
    case = await open_demo_case(clerk)
    village, approver, _ = await recorded_call(server.base, case["id"], seconds)
    await village.close()
    await approver.close()
    found = await query(server, "select id, digest from recordings where case_id = ?", [case["id"]])
    assert len(found) == 2
    return case, found


async def test_a_recording_goes_31_days_after_its_call_unless_its_case_is_held(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server = await start_server(tmp_path / "data", retention_first_run_seconds=3600)
    try:
        clerk = await server.login("clerk-yb1")
        plain, plain_files = await recorded_case(server, clerk, 2.0)
        held, held_files = await recorded_case(server, clerk, 2.5)
        auditor = await server.login("auditor")
        hold = await auditor.post(f"/api/cases/{held['id']}/hold", {"reason": "群众投诉,录像需保留"})
        assert hold.status == 200 and hold.body["problem"] is True, hold.body

        server.clock.advance(days=30)
        assert (await purge(server)).deleted == []
        assert all(on_disk(server, f["digest"]) for f in plain_files + held_files)

        server.clock.advance(days=1)
        report = await purge(server)
        assert {e.stored.row_id for e in report.deleted} == {f["id"] for f in plain_files}
        assert {e.stored.row_id for e in report.held} == {f["id"] for f in held_files}
        assert not any(on_disk(server, f["digest"]) for f in plain_files)
        assert all(on_disk(server, f["digest"]) for f in held_files)
        assert await query(server, "select id from recordings where case_id = ?", [plain["id"]]) == []

        auditor = await server.login("auditor")  # the old session expired meanwhile
        assert (await auditor.get(f"/api/cases/{plain['id']}/recordings")).body == []
        status, _ = await auditor.get_bytes(f"/api/recordings/{plain_files[0]['id']}/media")
        assert status == 404
        purged = [e for e in (await auditor.get(f"/api/cases/{plain['id']}/timeline")).body
                  if e["action"] == "recording_purged"]
        assert {e["detail"]["sha256"] for e in purged} == {f["digest"] for f in plain_files}
        assert {e["actor"] for e in purged} == {"系统"}
        assert all(e["detail"]["retention_days"] == 30 and e["detail"]["file_removed"] for e in purged)

        released = await auditor.post(f"/api/cases/{held['id']}/release", {"reason": "投诉已处理完毕"})
        assert released.status == 200 and released.body["hold"] is None and released.body["problem"] is True
        report = await purge(server)
        assert {e.stored.row_id for e in report.deleted} == {f["id"] for f in held_files}
        assert not any(on_disk(server, f["digest"]) for f in held_files)
        actions = [e["action"] for e in (await auditor.get(f"/api/cases/{held['id']}/timeline")).body]
        assert actions.index("case_held") < actions.index("case_released") < actions.index("recording_purged")
        code, out = await cunneng(capsys, "audit", "verify", "--data-dir", str(server.data_dir))
        assert code == 0 and "chain intact" in out, out
    finally:
        await server.close()


async def issued_approval(server: RunningServer) -> tuple[dict[str, Any], dict[str, Any], bytes]:
    """A case approved by the town window: its signed approval document and the PDF's bytes."""
    clerk, town = await server.login("clerk-yb1"), await server.login("town-yb")
    case = await open_demo_case(clerk)
    await town.post(f"/api/cases/{case['id']}/actions/start_review", {})
    approved = await town.post(f"/api/cases/{case['id']}/actions/approve", {})
    document = approved.body["issued_document"]
    status, pdf = await clerk.get_bytes(f"/api/documents/{document['id']}/file")  # as signed, to print
    assert status == 200
    return case, document, pdf


async def test_documents_stay_on_day_90_and_go_on_day_91_the_register_stays(tmp_path: Path) -> None:
    server = await start_server(tmp_path / "data", retention_first_run_seconds=3600)
    try:
        case, document, pdf = await issued_approval(server)
        server.clock.advance(days=90)
        assert (await purge(server)).deleted == []
        clerk = await server.login("clerk-yb1")
        assert (await clerk.get_bytes(f"/api/documents/{document['id']}/file")) == (200, pdf)

        server.clock.advance(days=1)
        report = await purge(server)
        assert [(e.stored.kind, e.stored.row_id) for e in report.deleted] == [("document", document["id"])]
        assert not on_disk(server, document["sha256"])
        town = await server.login("town-yb")
        assert (await town.get(f"/api/cases/{case['id']}/documents")).body == []
        assert (await town.get_bytes(f"/api/documents/{document['id']}/file"))[0] == 404
        # The printed certificate still verifies, and the server still knows it issued it.
        checked = (await server.anonymous().post("/api/verify", data=pdf)).body
        assert checked["report"]["ok"] and checked["registered"]["sha256"] == document["sha256"]
        logged = [e for e in (await town.get(f"/api/cases/{case['id']}/timeline")).body
                  if e["action"] == "document_purged"]
        assert [e["detail"]["sha256"] for e in logged] == [document["sha256"]]
    finally:
        await server.close()


async def test_a_stored_file_two_cases_share_goes_only_with_the_last_row_naming_it(server: RunningServer) -> None:
    clerk = await server.login("clerk-yb1")
    early, late = await open_demo_case(clerk), await open_demo_case(clerk)
    content = b"\x89PNG same scanned page on two cases"
    first = await file_scan(server, early["id"], content, START)
    second = await file_scan(server, late["id"], content, START + timedelta(days=50))
    assert first["digest"] == second["digest"]

    server.clock.advance(days=91)
    report = await purge(server)
    assert [e.stored.row_id for e in report.deleted] == [first["id"]] and report.files == []
    assert on_disk(server, first["digest"])
    clerk = await server.login("clerk-yb1")
    assert (await clerk.get_bytes(f"/api/documents/{second['id']}/file")) == (200, content)
    assert (await clerk.get(f"/api/cases/{early['id']}/documents")).body == []

    server.clock.advance(days=50)
    report = await purge(server)
    assert [e.stored.row_id for e in report.deleted] == [second["id"]] and report.files == [second["digest"]]
    assert not on_disk(server, second["digest"])


async def test_the_purge_command_dry_run_changes_nothing_then_purges(
    server: RunningServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """`cunneng retention purge` on the real clock: a scan stored 40 days ago, kept 30 days."""
    case = await open_demo_case(await server.login("clerk-yb1"))
    scan = await file_scan(server, case["id"], b"old scan", datetime.now(timezone.utc) - timedelta(days=40))
    events_before = len(await query(server, "select seq from audit_events"))
    args = ["retention", "purge", "--data-dir", str(server.data_dir), "--document-retention-days", "30"]

    code, out = await cunneng(capsys, *args, "--dry-run")
    assert code == 0
    assert f"would delete document {scan['id']} of case {case['number']}" in out
    assert "dry run: would purge 0 recordings, 1 documents, 1 stored files" in out
    assert on_disk(server, scan["digest"])
    assert len(await query(server, "select seq from audit_events")) == events_before

    code, out = await cunneng(capsys, *args)
    assert code == 0
    assert f"deleted document {scan['id']} of case {case['number']}" in out and "file removed" in out
    assert not on_disk(server, scan["digest"])
    assert len(await query(server, "select seq from audit_events where action = 'document_purged'")) == 1
    code, out = await cunneng(capsys, *args)
    assert (code, out) == (0, "purged 0 recordings, 0 documents, 0 stored files (0 bytes); 0 kept by a legal hold\n")
    code, out = await cunneng(capsys, "audit", "verify", "--data-dir", str(server.data_dir))
    assert code == 0 and "chain intact" in out


async def test_the_server_purges_in_the_background(tmp_path: Path) -> None:
    server = await start_server(tmp_path / "data", retention_first_run_seconds=0.1,
                                retention_interval_seconds=0.1, document_retention_days=10)
    try:
        case = await open_demo_case(await server.login("clerk-yb1"))
        scan = await file_scan(server, case["id"], b"scan kept ten days", START)
        server.clock.advance(days=11)
        for _ in range(100):
            if not on_disk(server, scan["digest"]):
                break
            await asyncio.sleep(0.05)
        assert not on_disk(server, scan["digest"])
        assert await query(server, "select id from documents where deleted_at is null") == []
    finally:
        await server.close()


async def test_a_purged_scan_takes_its_thumbnails_and_previews_along(server: RunningServer, tmp_path: Path) -> None:
    """#18: the page pictures made at upload decrypt to the page (1240×1754): they go with the scan."""
    clerk = await server.login("clerk-yb1")
    case = await open_demo_case(clerk)
    result = await uploader(server, clerk).upload(case["id"], small_scan(tmp_path / "身份证.jpg"), "居民身份证")
    [page] = await query(server, "select * from scan_pages where digest = ?", [result.document["sha256"]])
    derived = [page["thumbnail"], page["preview"]]
    assert all(on_disk(server, digest) for digest in derived)

    server.clock.advance(days=91)
    report = await purge(server)

    assert [e.stored.row_id for e in report.deleted] == [result.document["id"]]
    assert not on_disk(server, result.document["sha256"])
    assert not any(on_disk(server, digest) for digest in derived)
    assert await query(server, "select * from scan_pages") == []
