"""Cases through the API: bundles, villager reuse, time limits, joint review, rating, ledger."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from typing import Any

from .support import VALID_ID, RunningServer, open_demo_case


async def test_a_bundle_is_one_case_with_one_set_of_materials(server: RunningServer) -> None:
    clerk = await server.login("clerk-yb1")
    reply = await clerk.post("/api/cases", {
        "villager": {"id_number": VALID_ID, "name": "王大山", "phone": "13800001111"},
        "bundle_code": "B-CSYJS",
    })
    assert reply.status == 201, reply.body
    case = reply.body
    assert len(case["items"]) == 5 and case["bundle_code"] == "B-CSYJS"
    names = [m["name"] for m in case["materials"]]
    assert len(names) == len(set(names))  # each material asked for once
    asked = []  # what the bundle's items ask for: each is covered by exactly one merged material
    for item in case["items"]:
        for material in (await clerk.get(f"/api/items/{item['code']}")).body["materials"]:
            asked.append({"code": item["code"], "name": material["name"]})
    assert sorted(str(f) for m in case["materials"] for f in m["for"]) == sorted(str(a) for a in asked)
    assert case["level"] == "district" and case["handler_unit_id"] == "zh"


async def test_a_known_villager_is_not_typed_again(server: RunningServer) -> None:
    clerk = await server.login("clerk-yb1")
    await open_demo_case(clerk)
    found = await clerk.get(f"/api/villagers/{VALID_ID}")
    assert found.body == {"name": "王大山", "phone": "13800001111", "id_number": VALID_ID, "gender": "男",
                          "ethnicity": None, "hukou_place": None, "residence": None, "hukou_type": None}
    again = await clerk.post("/api/cases", {"villager": {"id_number": VALID_ID}, "item_code": "V-RS-001"})
    assert again.status == 201, again.body
    assert again.body["villager"]["name"] == "王大山"
    clash = await clerk.post("/api/cases", {"villager": {"id_number": VALID_ID, "name": "李四"},
                                             "item_code": "V-RS-001"})
    assert clash.status == 409 and "王大山" in clash.body["message"]


def logged(server: RunningServer, action: str) -> list[tuple[str, dict[str, Any]]]:
    """(username, detail) of each audit event of this action, oldest first."""
    with sqlite3.connect(server.data_dir / "cunneng.db") as db:
        found = db.execute("select accounts.username, detail from audit_events join accounts on accounts.id = actor_id"
                           " where action = ? order by seq", [action])
        return [(who, json.loads(detail)) for who, detail in found]


async def test_any_clerk_of_the_county_looks_a_villager_up_and_every_look_up_is_logged(
    server: RunningServer
) -> None:
    """The rule (#17): county-wide look-up, found or not, each in the audit log."""
    await open_demo_case(await server.login("clerk-yb1"))
    other_town = await server.login("clerk-wj1")
    assert (await other_town.get(f"/api/villagers/{VALID_ID}")).body["name"] == "王大山"
    unknown = "11010519491231002X"
    assert (await other_town.get(f"/api/villagers/{unknown}")).status == 404
    assert [(who, d["found"], d["id_number"]) for who, d in logged(server, "villager_looked_up")] == [
        ("clerk-wj1", True, "510802********0013"), ("clerk-wj1", False, "110105********002X")]


async def test_a_new_phone_keeps_the_old_one_in_the_history(server: RunningServer) -> None:
    """A clerk of another town could overwrite a villager's phone without a trace of the old one (#17)."""
    await open_demo_case(await server.login("clerk-yb1"))
    other_town = await server.login("clerk-wj1")
    reply = await other_town.post("/api/cases", {
        "villager": {"id_number": VALID_ID, "phone": "13900002222"}, "item_code": "V-RS-001"})
    assert reply.status == 201, reply.body
    assert (await other_town.get(f"/api/villagers/{VALID_ID}")).body["phone"] == "13900002222"
    with sqlite3.connect(server.data_dir / "cunneng.db") as db:
        history = db.execute("select field, old_value, new_value, accounts.username from villager_history"
                             " join accounts on accounts.id = changed_by").fetchall()
    assert history == [("phone", "13800001111", "13900002222", "clerk-wj1")]
    [(who, detail)] = logged(server, "villager_updated")
    assert who == "clerk-wj1" and detail["field"] == "phone" and detail["history_id"]


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
    assert "approve" not in (await approver.get(path)).body["actions"]  # not offered while 民政 is reviewing
    blocked = await approver.post(f"{path}/actions/approve", {})
    assert blocked.status == 409 and "昭化区民政局" in blocked.body["message"]
    await civil.post(f"{path}/review", {"decision": "request_supplement",
                                         "materials": [{"name": "低保证", "form": "copy", "count": 1}]})
    for viewer in (clerk, approver, hrss, civil):  # every party sees the department's request
        seen = (await viewer.get(path)).body["reviews"]
        assert seen[1]["state"] == "supplement_requested" and seen[1]["materials"][0]["name"] == "低保证"
    await approver.post(f"{path}/actions/request_supplement", {"materials": [{"name": "低保证"}]})
    assert (await hrss.get(path)).body["actions"] == []  # nothing to review while the villager supplements
    waiting = (await clerk.get(path)).body["reviews"]  # 民政 waits for the materials until they come
    assert [r["state"] for r in waiting] == ["approved", "supplement_requested"]
    await clerk.post(f"{path}/actions/submit_supplement", {})
    after = (await approver.get(path)).body
    assert after["state"] == "under_review"
    assert [r["state"] for r in after["reviews"]] == ["approved", "reviewing"]
    await civil.post(f"{path}/review", {"decision": "approve"})
    assert "approve" in (await approver.get(path)).body["actions"]
    approved = await approver.post(f"{path}/actions/approve", {})
    assert approved.status == 200 and approved.body["state"] == "approved"
    assert (await hrss.get(path)).body["actions"] == []  # nor once the case is decided


async def test_a_refusing_department_is_seen_by_all_and_needs_a_reason(server: RunningServer) -> None:
    clerk, approver, civil = [await server.login(n) for n in ("clerk-yb1", "town-yb", "dept-civil")]
    case = await open_demo_case(clerk)
    path = f"/api/cases/{case['id']}"
    await approver.post(f"{path}/actions/start_review", {})
    await approver.post(f"{path}/reviews", {"departments": ["zh-civil"]})
    assert (await civil.get(path)).body["actions"] == ["review"]  # the one department it was sent to
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
    rated = await clerk.post(f"{path}/rating", {"score": 5, "comment": "不用跑镇上，好！"})
    assert rated.body["rating"] == 5 and rated.body["rating_comment"] == "不用跑镇上，好！"
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


async def test_the_materials_ticked_as_collected_are_kept_and_only_the_cases_own(server: RunningServer) -> None:
    clerk = await server.login("clerk-yb1")
    villager = {"id_number": VALID_ID, "name": "王大山", "phone": "13800001111"}
    refused = await clerk.post("/api/cases", {"villager": villager, "item_code": "T-RS-001", "collected": ["结婚证"]})
    assert refused.status == 400 and refused.body["message"] == "这些不是所办事项的材料：结婚证。"
    assert (await clerk.get("/api/cases")).body == []  # nothing half-opened
    reply = await clerk.post("/api/cases", {"villager": villager, "item_code": "T-RS-001", "collected": ["户口簿"]})
    assert reply.status == 201, reply.body
    kept = (await (await server.login("town-yb")).get(f"/api/cases/{reply.body['id']}")).body
    assert {m["name"]: m["collected"] for m in kept["materials"]} == {"居民身份证": False, "户口簿": True}


async def test_a_ledger_cell_never_becomes_a_formula(server: RunningServer) -> None:
    """A name typed as =HYPERLINK(…) ran when the ledger was opened in a spreadsheet (#17)."""
    clerk, approver = await server.login("clerk-yb1"), await server.login("town-yb")
    formula = '=HYPERLINK("http://e.vil")'
    reply = await clerk.post("/api/cases", {
        "villager": {"id_number": VALID_ID, "name": formula, "phone": "13800001111"}, "item_code": "T-RS-001"})
    assert reply.status == 201, reply.body
    path = f"/api/cases/{reply.body['id']}"
    for action in ("start_review", "approve"):
        await approver.post(f"{path}/actions/{action}", {})
    await clerk.post(f"{path}/actions/close", {"handover": "printed"})
    await clerk.post(f"{path}/rating", {"score": 5, "comment": "@SUM(1+1)*cmd|' /C calc'!A0"})
    ledger = await approver.get("/api/ledger.csv?unit=zh-yb&from=2026-11-23&to=2026-11-23")
    row = list(csv.reader(io.StringIO(ledger.body.lstrip("\ufeff"))))[1]
    assert row[3] == "'" + formula and row[-1].startswith("'@")
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)
