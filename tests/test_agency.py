"""代办 records (#19): who carried the case (代办人, with the absent villager's signed 委托书 scanned
before review), home visits and errands, where the originals and the result are (去向, each move
logged), and who received the result and how."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .scan_samples import small_scan
from .scan_support import uploader
from .support import VALID_ID, RunningServer

AGENT = {"name": "王小军", "relation": "relative", "phone": "13700003333"}


async def open_carried(server: RunningServer, **extra: Any) -> dict[str, Any]:
    clerk = await server.login("clerk-yb1")
    reply = await clerk.post("/api/cases", {
        "villager": {"id_number": VALID_ID, "name": "王大山", "phone": "13800001111"}, "item_code": "T-RS-001",
        "collected": ["户口簿"], **extra})
    assert reply.status == 201, reply.body
    return dict(reply.body)


async def test_an_absent_villagers_case_waits_for_the_signed_authorization(
    server: RunningServer, tmp_path: Path
) -> None:
    clerk, town = await server.login("clerk-yb1"), await server.login("town-yb")
    no_agent = await clerk.post("/api/cases", {"villager": {"id_number": VALID_ID, "name": "王大山",
                                "phone": "13800001111"}, "item_code": "T-RS-001", "villager_present": False})
    assert no_agent.status == 400 and "代办人" in no_agent.body["message"]
    case = await open_carried(server, agent=AGENT, villager_present=False)
    assert case["agent"] == AGENT and case["villager_present"] is False
    assert "委托书" in [m["name"] for m in case["materials"]]
    path = f"/api/cases/{case['id']}"
    waiting = await town.post(f"{path}/actions/start_review", {})
    assert waiting.status == 409 and "委托书" in waiting.body["message"]
    await uploader(server, clerk).upload(case["id"], small_scan(tmp_path / "weituo.jpg"), material="委托书")
    assert (await town.post(f"{path}/actions/start_review", {})).status == 200


async def test_errands_and_every_move_of_the_papers_are_kept(server: RunningServer) -> None:
    clerk, town = await server.login("clerk-yb1"), await server.login("town-yb")
    case = await open_carried(server, agent={"name": "李秀", "relation": "agent_worker"})  # the villager came too
    path = f"/api/cases/{case['id']}"
    assert case["papers_now"] == {"originals": {"place": "village", "place_name": "在村便民服务站"}}
    visit = await clerk.post(f"{path}/errands", {"kind": "home_visit", "note": "老人行动不便，上门采集照片"})
    assert visit.status == 200 and visit.body["errands"][0]["kind_name"] == "上门服务"
    await clerk.post(f"{path}/custody", {"what": "originals", "place": "town", "note": "代办员送镇中心"})
    await town.post(f"{path}/custody", {"what": "originals", "place": "returned"})
    await town.post(f"{path}/actions/start_review", {})
    await town.post(f"{path}/actions/approve", {})
    closed = await clerk.post(f"{path}/actions/close", {"handover": "delivered_home",
                                                        "received_by": {"name": "王小军", "relation": "relative"}})
    assert closed.status == 200, closed.body
    detail = closed.body
    assert [(m["what"], m["place"]) for m in detail["custody"]] == [
        ("originals", "village"), ("originals", "town"), ("originals", "returned"),
        ("result", "village"), ("result", "villager")]
    assert detail["custody"][2]["by_name"] == "元坝镇窗口 刘芳"
    assert detail["papers_now"]["result"]["place_name"] == "已交给群众"
    assert detail["received_by"] == {"name": "王小军", "relation": "relative"}
    assert detail["closed_how"] == "delivered_home"
    timeline = [e["action"] for e in (await clerk.get(f"{path}/timeline")).body]
    assert timeline.count("custody_moved") == 5 and "errand_recorded" in timeline


async def test_closing_without_naming_anyone_records_the_villager(server: RunningServer) -> None:
    clerk, town = await server.login("clerk-yb1"), await server.login("town-yb")
    case = await open_carried(server)
    path = f"/api/cases/{case['id']}"
    await town.post(f"{path}/actions/start_review", {})
    await town.post(f"{path}/actions/refuse", {"reason": "不符合条件"})
    closed = (await clerk.post(f"{path}/actions/close", {"handover": "handed_over"})).body
    assert closed["received_by"] == {"name": "王大山", "relation": "self"}
    bad = await clerk.post(f"{path}/custody", {"what": "originals", "place": "moon"})
    assert bad.status == 400
    other = await server.login("clerk-yb2")
    assert (await other.post(f"{path}/errands", {"kind": "errand"})).status == 404
    assert (await (await server.login("auditor")).post(f"{path}/errands", {"kind": "errand"})).status == 403
