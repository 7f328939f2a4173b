"""Villagers' basic data as the 衡阳 一门式 form shares it (#19): 性别, 民族, 户籍地, 现居地, 户口类别
beside name, ID number and phone; corrected by a clerk, never overwritten unseen (villager_history)."""

from __future__ import annotations

from .support import VALID_ID, RunningServer

PROFILE = {"ethnicity": "汉族", "hukou_place": "四川省广元市昭化区元坝镇泉坝村3组",
           "residence": "泉坝村3组12号", "hukou_type": "农业家庭户口"}


async def test_basic_data_is_stored_once_and_every_change_is_kept(server: RunningServer) -> None:
    clerk = await server.login("clerk-yb1")
    opened = await clerk.post("/api/cases", {"item_code": "T-RS-001", "villager": {
        "id_number": VALID_ID, "name": "王大山", "phone": "13800001111", **PROFILE}})
    assert opened.status == 201, opened.body
    assert opened.body["villager"]["gender"] == "男" and opened.body["villager"]["ethnicity"] == "汉族"
    known = (await clerk.get(f"/api/villagers/{VALID_ID}")).body
    assert known == {"name": "王大山", "id_number": VALID_ID, "gender": "男", "phone": "13800001111", **PROFILE}
    server.clock.advance(hours=1)
    moved = await clerk.put(f"/api/villagers/{VALID_ID}", {"residence": "元坝镇场镇新街8号", "phone": "13900002222"})
    assert moved.status == 200 and moved.body["residence"] == "元坝镇场镇新街8号"
    server.clock.advance(hours=1)
    again = await clerk.post("/api/cases", {"item_code": "V-RS-001", "villager": {
        "id_number": VALID_ID, "hukou_type": "居民家庭户口"}})  # told at the window when opening
    assert again.status == 201 and again.body["villager"]["phone"] == "13900002222"
    history = (await clerk.get(f"/api/villagers/{VALID_ID}/history")).body
    assert [(h["field_name"], h["old_value"], h["new_value"]) for h in history] == [  # newest first
        ("户口类别", "农业家庭户口", "居民家庭户口"),
        ("现居地", "泉坝村3组12号", "元坝镇场镇新街8号"),
        ("联系电话", "13800001111", "13900002222"),
    ]
    assert {h["changed_by"] for h in history} == {"泉坝村窗口 赵兰"}
    assert history[0]["changed_at"] > history[-1]["changed_at"]


async def test_bad_basic_data_is_refused_and_nothing_changes(server: RunningServer) -> None:
    clerk = await server.login("clerk-yb1")
    await clerk.post("/api/cases", {"item_code": "T-RS-001", "villager": {
        "id_number": VALID_ID, "name": "王大山", "phone": "13800001111", **PROFILE}})
    for wrong in ({"hukou_type": "城市户口"}, {"ethnicity": "汉"}, {"phone": "12345"}, {"name": "李四"}):
        reply = await clerk.put(f"/api/villagers/{VALID_ID}", wrong)
        assert reply.status == 400, (wrong, reply.body)
    assert (await clerk.get(f"/api/villagers/{VALID_ID}/history")).body == []
    town = await server.login("town-yb")
    assert (await town.put(f"/api/villagers/{VALID_ID}", {"residence": "x"})).status == 403
    assert (await clerk.put("/api/villagers/11010519491231002X", {"residence": "x"})).status == 404
