"""村级直接办: a village-level item is accepted, decided and printed at the village window, signed with
the village's own key and 村（社区）电子印章, with no call; the town sees and audits it."""

from __future__ import annotations

import asyncio
from pathlib import Path

from .support import RunningServer, open_demo_case
from .test_certificates import pdf_text, pyhanko_statuses


async def test_the_village_decides_its_own_items_with_its_own_seal(server: RunningServer, tmp_path: Path) -> None:
    clerk = await server.login("clerk-yb1")
    case = await open_demo_case(clerk, "V-MZ-001")  # 我要办老年优待证: village-level
    assert case["level"] == "village" and case["handler_unit_id"] == "zh-yb-01"
    assert case["actions"] == ["start_review", "withdraw"]  # decided here (the villager may still withdraw)
    path = f"/api/cases/{case['id']}"
    assert (await clerk.post(f"{path}/actions/start_review", {})).status == 200
    approved = await clerk.post(f"{path}/actions/approve", {"note": "当场办结"})
    assert approved.status == 200, approved.body
    document = approved.body["issued_document"]
    assert document["kind"] == "approval" and document["signed_by"] == ["zh-yb-01"]
    status, pdf = await clerk.get_bytes(f"/api/documents/{document['id']}/file")  # printed at the window
    assert status == 200
    statuses = await asyncio.to_thread(pyhanko_statuses, server, pdf)
    assert len(statuses) == 1 and statuses[0].intact and statuses[0].valid and statuses[0].trusted
    signer = statuses[0].signing_cert.subject.native  # the village's own certificate from the local CA
    assert (signer["common_name"], signer["organization_identifier"]) == ("元坝镇泉坝村民委员会", "zh-yb-01")
    text = pdf_text(pdf, tmp_path)
    assert "元坝镇泉坝村民委员会" in text and "电子印章" in text and "王大山" in text
    closed = await clerk.post(f"{path}/actions/close", {"handover": "printed"})
    assert closed.status == 200 and closed.body["state"] == "closed"
    calls = [e for e in (await clerk.get(f"{path}/timeline")).body if e["action"].startswith("call")]
    assert calls == []  # no video consult was needed


async def test_the_town_sees_and_audits_village_decisions_but_does_not_take_them(server: RunningServer) -> None:
    clerk, town = await server.login("clerk-yb1"), await server.login("town-yb")
    case = await open_demo_case(clerk, "V-MZ-001")
    path = f"/api/cases/{case['id']}"
    assert [c["id"] for c in (await town.get("/api/cases")).body] == [case["id"]]
    seen = (await town.get(path)).body
    assert seen["handler_unit_name"] == "泉坝村" and seen["actions"] == []
    assert (await town.post(f"{path}/actions/start_review", {})).status == 403
    await clerk.post(f"{path}/actions/start_review", {})
    await clerk.post(f"{path}/actions/refuse", {"reason": "年龄未满60周岁"})
    timeline = [e["action"] for e in (await town.get(f"{path}/timeline")).body]
    assert [a for a in timeline if a.startswith(("case_refuse", "document_"))] == ["case_refuse", "document_issued"]
    other_village = await server.login("clerk-yb2")
    assert (await other_village.get(path)).status == 404


async def test_a_town_item_is_still_decided_by_the_town(server: RunningServer) -> None:
    clerk = await server.login("clerk-yb1")
    case = await open_demo_case(clerk, "T-RS-001")
    assert case["handler_unit_id"] == "zh-yb" and case["actions"] == ["withdraw"]  # the town decides
    assert (await clerk.post(f"/api/cases/{case['id']}/actions/start_review", {})).status == 403
