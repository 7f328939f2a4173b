"""材料一次提交，区镇村三级共享 (#19): a villager's earlier scan attached to a new case in one click, the
approver seeing when and for which case it was first taken; retention still rules."""

from __future__ import annotations

from pathlib import Path

from signaling.access.roles import SYSTEM
from signaling.appkeys import ARCHIVE, AUDIT_LOG, DATABASE, SETTINGS
from signaling.audit.acts import Act
from signaling.retention.purge import policy_of, purge_expired

from .scan_samples import small_scan
from .scan_support import archived, audit_actions, uploader
from .support import RunningServer, open_demo_case, start_server


async def test_a_second_case_reuses_an_earlier_scan(server: RunningServer, tmp_path: Path) -> None:
    clerk, town = await server.login("clerk-yb1"), await server.login("town-yb")
    first = await open_demo_case(clerk, "T-RS-001")
    scan = small_scan(tmp_path / "hukou.jpg")
    sent = await uploader(server, clerk).upload(first["id"], scan, material="户口簿")
    stored_before = archived(server.data_dir)
    server.clock.advance(days=3)
    clerk, town = await server.login("clerk-yb1"), await server.login("town-yb")
    second = await open_demo_case(clerk, "T-MZ-002")
    earlier = (await clerk.get(f"/api/cases/{second['id']}/earlier-scans")).body
    assert [(e["document_id"], e["material"], e["on_this_case"]) for e in earlier] == [  # one click away
        (sent.document["id"], "户口簿", False)]
    assert earlier[0]["first_taken"]["case_number"] == first["number"]
    attached = await clerk.post(f"/api/cases/{second['id']}/earlier-scans", {"document_id": sent.document["id"]})
    assert attached.status == 201, attached.body
    assert archived(server.data_dir) == stored_before  # nothing scanned or stored again
    assert (await clerk.post(f"/api/cases/{second['id']}/earlier-scans",
                             {"document_id": sent.document["id"]})).status == 409
    seen = [d for d in (await town.get(f"/api/cases/{second['id']}/documents")).body if d["kind"] == "scan"]
    assert len(seen) == 1 and seen[0]["material"] == "户口簿"
    assert seen[0]["first_taken"] == {"document_id": sent.document["id"], "case_id": first["id"],
                                      "case_number": first["number"], "at": sent.document["created_at"]}
    assert seen[0]["sha256"] == sent.document["sha256"]
    page = seen[0]["page_images"][0]
    assert (await town.get(page["dzi_url"])).status == 200  # the approver opens it like any scan
    assert "scan_reused" in await audit_actions(await server.login("auditor"), second["id"])


async def test_only_the_same_villagers_live_scans_can_be_attached(server: RunningServer, tmp_path: Path) -> None:
    clerk = await server.login("clerk-yb1")
    theirs = await open_demo_case(clerk, "T-RS-001")
    sent = await uploader(server, clerk).upload(theirs["id"], small_scan(tmp_path / "id.jpg"), material="居民身份证")
    someone_else = await open_demo_case(clerk, "T-RS-001", id_number="11010519491231002X")
    assert (await clerk.get(f"/api/cases/{someone_else['id']}/earlier-scans")).body == []
    refused = await clerk.post(f"/api/cases/{someone_else['id']}/earlier-scans", {"document_id": sent.document["id"]})
    assert refused.status == 404
    other_village = await server.login("clerk-yb2")
    assert (await other_village.get(f"/api/cases/{theirs['id']}/earlier-scans")).status == 404
    town = await server.login("town-yb")
    assert (await town.post(f"/api/cases/{theirs['id']}/earlier-scans", {"document_id": 1})).status == 403


async def test_a_scan_past_its_retention_is_not_offered_again(tmp_path: Path) -> None:
    server = await start_server(tmp_path / "data", document_retention_days=30, retention_first_run_seconds=3600)
    try:
        clerk = await server.login("clerk-yb1")
        first = await open_demo_case(clerk, "T-RS-001")
        sent = await uploader(server, clerk).upload(first["id"], small_scan(tmp_path / "id.jpg"), material="居民身份证")
        server.clock.advance(days=31)
        app = server.app
        await app[DATABASE].run(purge_expired, Act(SYSTEM, server.clock(), app[AUDIT_LOG]), app[ARCHIVE],
                                policy_of(app[SETTINGS]), False)
        clerk = await server.login("clerk-yb1")
        second = await open_demo_case(clerk, "T-MZ-002")
        assert (await clerk.get(f"/api/cases/{second['id']}/earlier-scans")).body == []
        gone = await clerk.post(f"/api/cases/{second['id']}/earlier-scans", {"document_id": sent.document["id"]})
        assert gone.status == 404 and "重新扫描" in gone.body["message"]
    finally:
        await server.close()
