"""Cases through the API: bundles, villager reuse, time limits, joint review, rating, ledger."""

from __future__ import annotations

import csv
import io

from .support import VALID_ID, RunningServer, open_demo_case


async def test_a_bundle_is_one_case_with_one_set_of_materials(server: RunningServer) -> None:
    clerk = await server.login("clerk-yb1")
    reply = await clerk.post("/api/cases", {
        "villager": {"id_number": VALID_ID, "name": "王大山", "phone": "13800001111"},
        "bundle_code": "B-SHYJS",
    })
    assert reply.status == 201, reply.body
    case = reply.body
    assert len(case["items"]) >= 5 and case["bundle_code"] == "B-SHYJS"
    names = [m["name"] for m in case["materials"]]
    assert len(names) == len(set(names))  # each material asked for once
    asked: dict[str, int] = {}  # what the bundle's items ask for, each name at its largest count
    for item in case["items"]:
        for material in (await clerk.get(f"/api/items/{item['code']}")).body["materials"]:
            asked[material["name"]] = max(asked.get(material["name"], 0), material["count"])
    assert {m["name"]: m["count"] for m in case["materials"]} == asked
    assert case["level"] == "district" and case["handler_unit_id"] == "zh"


async def test_a_known_villager_is_not_typed_again(server: RunningServer) -> None:
    clerk = await server.login("clerk-yb1")
    await open_demo_case(clerk)
    found = await clerk.get(f"/api/villagers/{VALID_ID}")
    assert found.body == {"name": "王大山", "phone": "13800001111", "id_number": VALID_ID}
    again = await clerk.post("/api/cases", {"villager": {"id_number": VALID_ID}, "item_code": "V-RS-001"})
    assert again.status == 201, again.body
    assert again.body["villager"]["name"] == "王大山"
    clash = await clerk.post("/api/cases", {"villager": {"id_number": VALID_ID, "name": "李四"},
                                             "item_code": "V-RS-001"})
    assert clash.status == 409 and "王大山" in clash.body["message"]


async def test_due_time_counts_working_days_and_overdue_cases_are_flagged(server: RunningServer) -> None:
    clerk, approver = await server.login("clerk-yb1"), await server.login("town-yb")
    case = await open_demo_case(clerk, "D-RS-001")  # 10 working days, opened Monday 2026-11-23
    assert case["due_at"] == "2026-12-07T15:59:59+00:00"  # Monday two weeks on, 23:59:59 China time
    assert case["overdue"] is False
    server.clock.advance(days=14)  # 2026-12-07 10:00 China time: due tonight, not late yet
    district = await server.login("district")
    assert (await district.get("/api/cases")).body[0]["overdue"] is False
    server.clock.advance(hours=14)
    district = await server.login("district")
    assert (await district.get("/api/cases")).body[0]["overdue"] is True
    assert [c["id"] for c in (await district.get("/api/cases?overdue=1")).body] == [case["id"]]
    assert (await approver.get("/api/cases?overdue=1")).status == 401  # expired meanwhile
    await district.post(f"/api/cases/{case['id']}/actions/start_review", {})
    await district.post(f"/api/cases/{case['id']}/actions/approve", {})
    assert (await district.get("/api/cases")).body[0]["overdue"] is False


async def test_joint_review_needs_every_department(server: RunningServer) -> None:
    clerk, approver = await server.login("clerk-yb1"), await server.login("town-yb")
    hrss, civil = await server.login("dept-hrss"), await server.login("dept-civil")
    case = await open_demo_case(clerk)
    path = f"/api/cases/{case['id']}"
    await approver.post(f"{path}/actions/start_review", {})
    sent = await approver.post(f"{path}/reviews", {"departments": ["zh-hrss", "zh-civil"]})
    assert [r["state"] for r in sent.body["reviews"]] == ["reviewing", "reviewing"]
    assert (await hrss.get(path)).body["actions"] == ["review"]
    await hrss.post(f"{path}/review", {"decision": "approve"})
    blocked = await approver.post(f"{path}/actions/approve", {})
    assert blocked.status == 409 and "昭化区民政局" in blocked.body["message"]
    await civil.post(f"{path}/review", {"decision": "request_supplement",
                                         "materials": [{"name": "低保证", "form": "copy", "count": 1}]})
    for viewer in (clerk, approver, hrss, civil):  # every party sees the department's request
        seen = (await viewer.get(path)).body["reviews"]
        assert seen[1]["state"] == "supplement_requested" and seen[1]["materials"][0]["name"] == "低保证"
    await approver.post(f"{path}/actions/request_supplement", {"materials": [{"name": "低保证"}]})
    assert (await hrss.get(path)).body["actions"] == []  # nothing to review while the villager supplements
    await clerk.post(f"{path}/actions/submit_supplement", {})
    after = (await approver.get(path)).body
    assert after["state"] == "under_review"
    assert [r["state"] for r in after["reviews"]] == ["approved", "reviewing"]
    await civil.post(f"{path}/review", {"decision": "approve"})
    approved = await approver.post(f"{path}/actions/approve", {})
    assert approved.status == 200 and approved.body["state"] == "approved"
    assert (await hrss.get(path)).body["actions"] == []  # nor once the case is decided


async def test_a_refusing_department_is_seen_by_all_and_needs_a_reason(server: RunningServer) -> None:
    clerk, approver, civil = [await server.login(n) for n in ("clerk-yb1", "town-yb", "dept-civil")]
    case = await open_demo_case(clerk)
    path = f"/api/cases/{case['id']}"
    await approver.post(f"{path}/actions/start_review", {})
    await approver.post(f"{path}/reviews", {"departments": ["zh-civil"]})
    assert (await civil.post(f"{path}/review", {"decision": "refuse"})).status == 400
    await civil.post(f"{path}/review", {"decision": "refuse", "reason": "家庭收入超过低保标准"})
    seen = (await clerk.get(path)).body["reviews"][0]
    assert seen["state"] == "refused" and seen["reason"] == "家庭收入超过低保标准"


async def test_rating_once_after_closing(server: RunningServer) -> None:
    clerk, approver = await server.login("clerk-yb1"), await server.login("town-yb")
    case = await open_demo_case(clerk)
    path = f"/api/cases/{case['id']}"
    assert (await clerk.post(f"{path}/rating", {"score": 5})).status == 409
    for action, body in [("start_review", {}), ("approve", {})]:
        await approver.post(f"{path}/actions/{action}", body)
    await clerk.post(f"{path}/actions/close", {"handover": "printed"})
    assert (await clerk.post(f"{path}/rating", {"score": 6})).status == 400
    rated = await clerk.post(f"{path}/rating", {"score": 5, "comment": "不用跑镇上,好!"})
    assert rated.body["rating"] == 5 and rated.body["rating_comment"] == "不用跑镇上,好!"
    assert (await clerk.post(f"{path}/rating", {"score": 1})).status == 409


async def test_the_ledger_exports_the_units_cases(server: RunningServer) -> None:
    clerk, approver = await server.login("clerk-yb1"), await server.login("town-yb")
    case = await open_demo_case(clerk)
    reply = await approver.get("/api/ledger.csv?unit=zh-yb&from=2026-11-23&to=2026-11-23")
    assert reply.status == 200 and reply.headers["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(reply.body.lstrip("\ufeff"))))
    assert table[0][:3] == ["办件编号", "受理时间", "村"]
    assert [row[0] for row in table[1:]] == [case["number"]]
    assert table[1][4] == "510802********0013"
    empty = await approver.get("/api/ledger.csv?unit=zh-yb&from=2026-11-24&to=2026-11-30")
    assert len(list(csv.reader(io.StringIO(empty.body.lstrip("\ufeff"))))) == 1
    bad = await approver.get("/api/ledger.csv?unit=zh-yb&from=2026-11-30&to=2026-11-01")
    assert bad.status == 400


async def test_case_numbers_run_per_day(server: RunningServer) -> None:
    clerk = await server.login("clerk-yb1")
    first, second = await open_demo_case(clerk), await open_demo_case(clerk)
    assert first["number"] == "ZH-20261123-0001" and second["number"] == "ZH-20261123-0002"
