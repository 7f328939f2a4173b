"""Bad input gets a 4xx with a message a clerk can read, and nothing is written."""

from __future__ import annotations

import io
import sqlite3
from typing import Any

import pytest

from .support import VALID_ID, RunningServer

TABLES = ["cases", "villagers", "units", "accounts", "items", "case_reviews"]


def counts(server: RunningServer) -> dict[str, int]:
    with sqlite3.connect(server.data_dir / "cunneng.db") as db:
        return {t: db.execute(f"select count(*) from {t}").fetchone()[0] for t in TABLES}


GOOD_VILLAGER = {"id_number": VALID_ID, "name": "王大山", "phone": "13800001111"}


@pytest.mark.parametrize("body,status,code", [
    ({"villager": GOOD_VILLAGER, "item_code": "NO-SUCH-1"}, 404, "not_found"),
    ({"villager": GOOD_VILLAGER}, 400, "invalid_input"),
    ({"villager": GOOD_VILLAGER, "item_code": "T-RS-001", "bundle_code": "B-SHYJS"}, 400, "invalid_input"),
    ({"villager": {**GOOD_VILLAGER, "id_number": "510802198005120019"}, "item_code": "T-RS-001"},
     400, "invalid_id_number"),
    ({"villager": {**GOOD_VILLAGER, "name": "王" * 31}, "item_code": "T-RS-001"}, 400, "invalid_field"),
    ({"villager": {**GOOD_VILLAGER, "phone": "12345"}, "item_code": "T-RS-001"}, 400, "invalid_input"),
    ({"villager": {**GOOD_VILLAGER, "phone": 13800001111}, "item_code": "T-RS-001"}, 400, "invalid_field"),
    ({"villager": "王大山", "item_code": "T-RS-001"}, 400, "invalid_field"),
    ({"villager": GOOD_VILLAGER, "item_code": ["T-RS-001"]}, 400, "invalid_field"),
    ({"villager": GOOD_VILLAGER, "item_code": "T-RS-001", "secret": 1}, 400, "invalid_field"),
    ({"villager": {"id_number": VALID_ID}, "item_code": "T-RS-001"}, 400, "invalid_input"),
    ([1, 2, 3], 400, "invalid_field"),
])
async def test_opening_a_case_with_bad_input_writes_nothing(
    server: RunningServer, body: Any, status: int, code: str
) -> None:
    clerk = await server.login("clerk-yb1")
    before = counts(server)
    reply = await clerk.post("/api/cases", body)
    assert reply.status == status, reply.body
    assert reply.body["error"] == code
    assert reply.body["message"] and not reply.body["message"].isascii()
    assert counts(server) == before


@pytest.mark.parametrize("raw", [b"{", b"not json", b"\xff\xfe", b'{"villager": }', b""])
async def test_malformed_json_is_refused(server: RunningServer, raw: bytes) -> None:
    clerk = await server.login("clerk-yb1")
    before = counts(server)
    reply = await clerk.post("/api/cases", data=raw)
    assert reply.status == 400
    assert reply.body == {"error": "malformed_json", "message": "请求内容不是有效的 JSON。",
                          "message_en": "The request body is not valid JSON."}
    assert counts(server) == before


async def test_an_oversized_body_is_refused(server: RunningServer) -> None:
    clerk = await server.login("clerk-yb1")
    before = counts(server)
    reply = await clerk.post("/api/cases", data=io.BytesIO(b'{"x": "' + b"a" * (2 * 1024 * 1024) + b'"}'))
    assert reply.status == 413
    assert "太大" in reply.body["message"]
    assert counts(server) == before


@pytest.mark.parametrize("path,body", [
    ("/api/units", {"id": "zh-yb-07", "name": "新村", "kind": "village", "parent_id": "zh-wj-01"}),
    ("/api/units", {"id": "zh-yb-07", "name": "新村", "kind": "village"}),
    ("/api/units", {"id": "zh-yb-01", "name": "重复", "kind": "village", "parent_id": "zh-yb"}),
    ("/api/units", {"id": "Bad Id", "name": "新村", "kind": "village", "parent_id": "zh-yb"}),
    ("/api/units", {"id": "zh-x", "name": "x", "kind": "department", "parent_id": "zh"}),
    ("/api/accounts", {"username": "new1", "display_name": "新人", "password": "short",
                       "role": "village_clerk", "unit_id": "zh-yb-01"}),
    ("/api/accounts", {"username": "new1", "display_name": "新人", "password": "long-enough-1",
                       "role": "village_clerk", "unit_id": "zh-yb"}),
    ("/api/accounts", {"username": "admin", "display_name": "重名", "password": "long-enough-1",
                       "role": "auditor", "unit_id": "zh"}),
    ("/api/accounts", {"username": "new1", "display_name": "新人", "password": "long-enough-1",
                       "role": "emperor", "unit_id": "zh"}),
])
async def test_admin_bad_input_writes_nothing(server: RunningServer, path: str, body: dict[str, Any]) -> None:
    admin = await server.login("admin")
    before = counts(server)
    reply = await admin.post(path, body)
    assert 400 <= reply.status < 500, reply.body
    assert reply.body["message"]
    assert counts(server) == before


async def test_an_item_with_an_unknown_department_is_refused(server: RunningServer) -> None:
    admin = await server.login("admin")
    item = {"code": "T-XX-001", "name": "测试事项", "title": "我要测试", "level": "town",
            "departments": ["ministry-of-magic"], "materials": [], "time_limit_days": 3, "guide": "无"}
    before = counts(server)
    reply = await admin.put("/api/items/T-XX-001", item)
    assert reply.status == 400
    assert "未知的办理部门" in reply.body["message"]
    assert counts(server) == before
    item["departments"] = ["civil"]
    assert (await admin.put("/api/items/T-XX-001", item)).status == 200


@pytest.mark.parametrize("path", ["/api/cases/abc", "/api/cases/99999", "/api/cases/1e3/timeline"])
async def test_bad_case_ids_are_refused(server: RunningServer, path: str) -> None:
    clerk = await server.login("clerk-yb1")
    reply = await clerk.get(path)
    assert reply.status in (400, 404)
    assert reply.body["message"]


async def test_an_unknown_api_path_answers_in_the_error_shape(server: RunningServer) -> None:
    reply = await server.anonymous().get("/api/nothing-here")
    assert reply.status == 404
    assert reply.body["error"] == "http_404"
