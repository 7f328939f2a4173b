"""台账 (#19): each case's outcome (approved, partly, refused, supplements, withdrawn), the promised date
beside the time limit, the approver who decided, and the 代办 columns."""

from __future__ import annotations

import csv
import io

from .support import VALID_ID, ApiClient, RunningServer, open_demo_case

OTHER_ID = "11010519491231002X"


async def ledger(approver: ApiClient) -> dict[str, dict[str, str]]:
    reply = await approver.get("/api/ledger.csv?unit=zh-yb&from=2026-11-23&to=2026-11-23")
    assert reply.status == 200, reply.body
    table = list(csv.DictReader(io.StringIO(reply.body.lstrip("\ufeff"))))
    return {row["办件编号"]: row for row in table}


async def test_the_ledger_says_how_each_case_ended_who_decided_and_who_carried_it(server: RunningServer) -> None:
    clerk, town = await server.login("clerk-yb1"), await server.login("town-yb")
    carried = (await clerk.post("/api/cases", {
        "villager": {"id_number": VALID_ID, "name": "王大山", "phone": "13800001111"}, "item_code": "T-RS-001",
        "collected": ["户口簿"], "agent": {"name": "王小军", "relation": "relative"}})).body
    path = f"/api/cases/{carried['id']}"
    await clerk.post(f"{path}/errands", {"kind": "home_visit"})
    await clerk.post(f"{path}/errands", {"kind": "errand"})
    await clerk.post(f"{path}/errands", {"kind": "errand"})
    await clerk.post(f"{path}/custody", {"what": "originals", "place": "returned"})
    await town.post(f"{path}/actions/start_review", {})
    await town.post(f"{path}/actions/approve", {})
    await clerk.post(f"{path}/actions/close", {"handover": "handed_over",
                                               "received_by": {"name": "王小军", "relation": "relative"}})
    refused = await open_demo_case(clerk, "T-MZ-002", OTHER_ID)
    await town.post(f"/api/cases/{refused['id']}/actions/start_review", {})
    await town.post(f"/api/cases/{refused['id']}/actions/refuse", {"reason": "不符合条件"})
    owed = await open_demo_case(clerk, "T-MZ-002")
    await town.post(f"/api/cases/{owed['id']}/actions/start_review", {})
    await town.post(f"/api/cases/{owed['id']}/actions/request_supplement", {"materials": [{"name": "户口簿"}]})
    promised = await open_demo_case(clerk, "T-MZ-001")
    await town.post(f"/api/cases/{promised['id']}/actions/start_review", {})
    await town.post(f"/api/cases/{promised['id']}/actions/set_pending", {"until": "2026-12-10"})
    withdrawn = await open_demo_case(clerk, "T-RS-003")
    assert (await clerk.post(f"/api/cases/{withdrawn['id']}/actions/withdraw", {})).status == 400  # a reason
    gone = await clerk.post(f"/api/cases/{withdrawn['id']}/actions/withdraw", {"reason": "群众决定暂不办理"})
    assert gone.status == 200 and gone.body["state"] == "closed" and gone.body["closed_how"] == "withdrawn"

    rows = await ledger(town)
    done = rows[carried["number"]]
    assert (done["办理结果"], done["审批人"], done["代办人"], done["上门服务"], done["代办跑腿"]) == (
        "准予办理", "元坝镇窗口 刘芳", "王小军（亲属）", "1", "2")
    assert (done["材料去向"], done["证照去向"], done["领取人"]) == ("已退还群众", "已交给群众", "王小军（亲属）")
    assert rows[refused["number"]]["办理结果"] == "不予批准"
    assert (rows[owed["number"]]["办理结果"], rows[owed["number"]]["补正"]) == ("待补充材料", "是（等待 0 个工作日）")
    pending = rows[promised["number"]]
    assert (pending["承诺办结日期"], pending["办结时限"]) == ("2026-12-10", "2026-12-21 23:59")  # not the statutory one
    assert rows[withdrawn["number"]]["办理结果"] == "已撤回"
    assert rows[withdrawn["number"]]["领取人"] == ""


async def test_a_bundle_with_one_item_refused_is_partly_approved(server: RunningServer) -> None:
    clerk, district = await server.login("clerk-yb1"), await server.login("district")
    case = (await clerk.post("/api/cases", {
        "villager": {"id_number": VALID_ID, "name": "王大山", "phone": "13800001111"}, "bundle_code": "B-SHYJS"})).body
    await district.post(f"/api/cases/{case['id']}/actions/start_review", {})
    await district.post(f"/api/cases/{case['id']}/actions/approve",
                        {"refused_items": [{"code": "D-MZ-002", "reason": "已领取过"}]})
    row = await ledger(district)
    assert row[case["number"]]["办理结果"] == "部分准予办理"
    assert row[case["number"]]["审批人"] == "区窗口 张强"
