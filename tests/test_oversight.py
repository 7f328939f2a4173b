"""审计监督: finding cases by unit, item, dates, state and flags; legal hold needs a reason and shows."""

from __future__ import annotations

import pytest

from .support import RunningServer, open_demo_case


async def test_a_hold_needs_a_reason_and_marks_a_problem_case(server: RunningServer) -> None:
    case = await open_demo_case(await server.login("clerk-yb1"))
    auditor = await server.login("auditor")
    for body in ({}, {"reason": ""}, {"reason": "   "}):
        reply = await auditor.post(f"/api/cases/{case['id']}/hold", body)
        assert reply.status == 400 and "保全理由" in reply.body["message"], reply.body
    assert (await auditor.get(f"/api/cases/{case['id']}")).body["problem"] is False

    held = await auditor.post(f"/api/cases/{case['id']}/hold", {"reason": "群众投诉办理人员态度"})
    assert held.status == 200
    detail = (await auditor.get(f"/api/cases/{case['id']}")).body
    assert detail["problem"] is True and detail["hold"]["reason"] == "群众投诉办理人员态度"
    again = await auditor.post(f"/api/cases/{case['id']}/hold", {"reason": "再次"})
    assert again.status == 409 and again.body["error"] == "already_held"

    admin = await server.login("admin")
    assert (await admin.get(f"/api/cases/{case['id']}")).status == 404  # an admin still sees no case
    reply = await admin.post(f"/api/cases/{case['id']}/release", {})
    assert reply.status == 400 and "解除保全的理由" in reply.body["message"]
    released = await admin.post(f"/api/cases/{case['id']}/release", {"reason": "调查结束"})
    assert released.body == {"case_id": case["id"], "number": case["number"], "problem": True, "hold": None}
    assert (await admin.post(f"/api/cases/{case['id']}/release", {"reason": "再次"})).status == 409

    timeline = (await auditor.get(f"/api/cases/{case['id']}/timeline")).body
    acts = [(e["action"], e["actor"], e["detail"].get("reason")) for e in timeline if e["action"].startswith("case_")
            and e["action"] in ("case_held", "case_released")]
    assert acts == [("case_held", "审计 李正", "群众投诉办理人员态度"), ("case_released", "管理员 王敏", "调查结束")]


async def test_search_narrows_by_unit_item_dates_state_and_flags(server: RunningServer) -> None:
    yb, wj = await server.login("clerk-yb1"), await server.login("clerk-wj1")
    town_case = await open_demo_case(yb, "T-RS-001")
    server.clock.advance(days=3)
    yb, wj = await server.login("clerk-yb1"), await server.login("clerk-wj1")
    district_case = await open_demo_case(yb, "D-RS-001")
    other_case = await open_demo_case(wj, "T-RS-001")
    auditor = await server.login("auditor")
    await auditor.post(f"/api/cases/{other_case['id']}/hold", {"reason": "问题件"})
    town = await server.login("town-yb")
    await town.post(f"/api/cases/{town_case['id']}/actions/start_review", {})

    async def found(query: str) -> list[int]:
        reply = await auditor.get(f"/api/search/cases?{query}")
        assert reply.status == 200, reply.body
        return [case["id"] for case in reply.body]

    everything = [other_case["id"], district_case["id"], town_case["id"]]  # newest first
    assert await found("") == everything
    assert await found("unit=zh-yb-01") == [district_case["id"], town_case["id"]]
    assert await found("unit=zh-wj") == [other_case["id"]]
    assert await found("unit=zh") == everything
    assert await found("item=T-RS-001") == [other_case["id"], town_case["id"]]
    assert await found("from=2026-11-23&to=2026-11-23") == [town_case["id"]]
    assert await found("from=2026-11-24") == [other_case["id"], district_case["id"]]
    assert await found("state=under_review") == [town_case["id"]]
    assert await found("problem=1") == [other_case["id"]]
    assert await found("held=0&unit=zh-wj") == []
    assert await found(f"number={town_case['number'][-4:]}&item=T-RS-001") == [town_case["id"]]
    listed = (await auditor.get("/api/search/cases?held=1")).body
    assert listed[0]["hold"]["reason"] == "问题件" and listed[0]["problem"] is True


@pytest.mark.parametrize("query,message", [
    ("from=2026-13-01", "参数 from 应为日期"),
    ("from=2026-11-30&to=2026-11-01", "结束日期不能早于开始日期"),
    ("state=lost", "未知的办件状态"),
    ("problem=yes", "参数 problem 只能是 1 或 0"),
])
async def test_search_refuses_bad_criteria_in_plain_words(server: RunningServer, query: str, message: str) -> None:
    reply = await (await server.login("auditor")).get(f"/api/search/cases?{query}")
    assert reply.status == 400 and message in reply.body["message"]
