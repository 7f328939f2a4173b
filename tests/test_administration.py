"""系统管理 through the API (#20): units renamed and retired, accounts changed and disabled, items retired with
their history, every change in the audit log."""

from __future__ import annotations

from .support import RunningServer, open_demo_case
from .test_cases_api import logged


async def account_id(server: RunningServer, username: str) -> int:
    admin = await server.login("admin")
    return next(a["id"] for a in (await admin.get("/api/accounts")).body if a["username"] == username)


async def test_a_unit_is_renamed_and_retired_once_nothing_hangs_on_it(server: RunningServer) -> None:
    admin = await server.login("admin")
    renamed = await admin.request("PATCH", "/api/units/zh-yb-03", {"name": "青龙社区"})
    assert renamed.status == 200 and renamed.body["name"] == "青龙社区"
    refused = await admin.request("PATCH", "/api/units/zh-yb-03", {"retired": True})
    assert refused.status == 409 and "在用账号" in refused.body["message"]
    clerk = await server.login("clerk-yb3")
    disabled = await admin.request("PATCH", f"/api/accounts/{await account_id(server, 'clerk-yb3')}",
                                   {"disabled": True})
    assert disabled.status == 200 and disabled.body["disabled"] == 1
    assert (await clerk.get("/api/me")).status == 401  # its session ended with it
    retired = await admin.request("PATCH", "/api/units/zh-yb-03", {"retired": True})
    assert retired.status == 200 and retired.body["retired_at"]
    bound = await admin.post("/api/accounts", {"username": "new-clerk", "display_name": "新村干", "password": "x" * 10,
                                               "role": "village_clerk", "unit_id": "zh-yb-03"})
    assert bound.status == 400 and "已撤销" in bound.body["message"]
    assert (await admin.request("PATCH", "/api/units/zh-yb", {"retired": True})).status == 409  # villages below
    assert [detail["after"] for _, detail in logged(server, "unit_changed")] == [
        {"name": "青龙社区"}, {"retired_at": retired.body["retired_at"]}]


async def test_an_account_changes_role_and_unit_and_shows_its_last_login(server: RunningServer) -> None:
    admin = await server.login("admin")
    await server.login("clerk-wj2")
    wj2 = await account_id(server, "clerk-wj2")
    listed = next(a for a in (await admin.get("/api/accounts")).body if a["id"] == wj2)
    assert listed["last_login_at"] == server.clock().isoformat()
    wrong = await admin.request("PATCH", f"/api/accounts/{wj2}", {"role": "town_approver"})
    assert wrong.status == 400 and "只能绑定" in wrong.body["message"]
    moved = await admin.request("PATCH", f"/api/accounts/{wj2}", {"role": "town_approver", "unit_id": "zh-wj",
                                                                   "display_name": "王家镇窗口 周芳"})
    assert moved.status == 200 and (moved.body["role"], moved.body["unit_id"]) == ("town_approver", "zh-wj")
    me = await account_id(server, "admin")
    assert (await admin.request("PATCH", f"/api/accounts/{me}", {"disabled": True})).status == 409
    assert (await (await server.login("town-yb")).request("PATCH", f"/api/accounts/{wj2}", {"disabled": True})
            ).status == 403
    (who, detail), = logged(server, "account_changed")
    assert who == "admin" and detail["before"]["role"] == "village_clerk" and detail["after"]["unit_id"] == "zh-wj"


async def test_an_item_edited_then_retired_keeps_its_history_and_takes_no_new_case(server: RunningServer) -> None:
    admin = await server.login("admin")
    item = (await admin.get("/api/items/T-RS-001")).body
    body = {k: item[k] for k in ("code", "name", "name_en", "title", "level", "departments", "materials", "guide")}
    edited = await admin.put("/api/items/T-RS-001", {**body, "time_limit_days": 3})
    assert edited.status == 200 and edited.body["time_limit_days"] == 3
    retired = await admin.request("PATCH", "/api/items/T-RS-001", {"retired": True})
    assert retired.status == 200 and retired.body["retired_at"]
    history = (await admin.get("/api/items/T-RS-001/history")).body
    assert [(h["change"], h["before"]["time_limit_days"]) for h in history] == [("retired", 3), ("updated", 1)]
    assert history[0]["changed_by_name"] == "管理员 王敏"
    clerk = await server.login("clerk-yb1")
    assert "T-RS-001" not in {i["code"] for i in (await clerk.get("/api/items")).body}
    assert "T-RS-001" in {i["code"] for i in (await admin.get("/api/items?retired=1")).body}
    refused = await clerk.post("/api/cases", {"villager": {"id_number": "510802198005120013", "name": "王大山"},
                                              "item_code": "T-RS-001"})
    assert refused.status == 400 and refused.body["error"] == "item_retired"
    assert (await admin.request("PATCH", "/api/items/T-RS-001", {"retired": False})).status == 200
    await open_demo_case(clerk)
    assert [d["code"] for _, d in logged(server, "item_retired")] == ["T-RS-001"]
    assert (await clerk.get("/api/items/T-RS-001/history")).status == 403
