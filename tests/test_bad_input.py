"""Bad input gets a 4xx with a message a clerk can read, and nothing is written."""

from __future__ import annotations

import io
import logging
import sqlite3
from typing import Any

import aiohttp
import pytest

from protocol.idnumber import InvalidIdNumber, parse_citizen_id
from signaling.cases.villagers import PHONE

from .support import VALID_ID, RunningServer, open_demo_case

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


# What an outside probe sent (#17): each once answered 500 or a WebSocket "internal".
CASE_BODY = '{"villager": {"id_number": "%s", "name": "%s", "phone": "13800001111"}, "item_code": "T-RS-001"}'


@pytest.mark.parametrize("path,raw,code", [
    ("/api/login", b'{"username": "\\ud800", "password": "cunneng-demo"}', "control_character"),
    ("/api/cases", (CASE_BODY % (VALID_ID, "\\ud800")).encode(), "control_character"),
    ("/api/cases", (CASE_BODY % (VALID_ID, "王\\u0000大山")).encode(), "control_character"),
    ("/api/cases", (CASE_BODY % (VALID_ID, "王\\u001b[31m大山")).encode(), "control_character"),
    ("/api/cases", (CASE_BODY % (VALID_ID, "王\\u202e山大")).encode(), "control_character"),
    ("/api/cases", (CASE_BODY % (VALID_ID, "王大山\\n李四")).encode(), "invalid_field"),
    ("/api/cases", b'{"\\udfff": 1}', "control_character"),
    ("/api/login", b"[" * 100_000, "malformed_json"),
    ("/api/cases", b'{"villager": ' * 40 + b"1" + b"}" * 40, "malformed_json"),
    ("/api/recordings/1/snapshot", b'{"at": NaN}', "malformed_json"),
    ("/api/recordings/1/snapshot", b'{"at": 1e999}', "malformed_json"),
    ("/api/cases/1/rating", b'{"score": ' + b"9" * 5000 + b"}", "malformed_json"),
])
async def test_what_no_handler_should_see_is_refused_while_parsing(
    server: RunningServer, path: str, raw: bytes, code: str
) -> None:
    clerk = await server.login("clerk-yb1")
    before = counts(server)
    reply = await clerk.post(path, data=raw)
    assert reply.status == 400, reply.body
    assert reply.body["error"] == code and reply.body["message"] and reply.body["message_en"]
    assert counts(server) == before


@pytest.mark.parametrize("case_id", ["%C2%B2", "%D9%A1", "%EF%BC%91", "1%00"])
async def test_path_ids_are_ascii_digits(server: RunningServer, case_id: str) -> None:
    """² broke int(); ١ (Arabic-Indic one) answered case 1; １ is a full-width one."""
    clerk = await server.login("clerk-yb1")
    await open_demo_case(clerk)
    reply = await clerk.get(f"/api/cases/{case_id}")
    assert reply.status == 400 and reply.body["error"] == "invalid_input", reply.body


def test_id_numbers_and_phones_take_ascii_digits_only() -> None:
    arabic = VALID_ID[0] + VALID_ID[1:17].translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")) + VALID_ID[17]
    with pytest.raises(InvalidIdNumber):
        parse_citizen_id(arabic)
    assert PHONE.match("13800001111") and not PHONE.match("1٣800001111")


async def test_a_long_url_is_refused_without_a_traceback(
    server: RunningServer, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="aiohttp.server"):
        async with server.session.get(server.base + "/api/cases?x=" + "a" * 100_000) as reply:
            assert reply.status == 400
        assert (await server.anonymous().get("/healthz")).status == 200  # still serving
    logged = [r for r in caplog.records if r.name == "aiohttp.server"]
    assert logged and all(r.exc_info is None and r.levelno < logging.WARNING for r in logged)


async def test_bad_websocket_messages_get_an_error_and_change_nothing(server: RunningServer) -> None:
    clerk = await server.login("clerk-yb1")
    before = counts(server)
    async with server.session.ws_connect(server.base + "/ws") as socket:
        await socket.send_str("[" * 50_000)
        closed = await socket.receive(timeout=10)
        assert closed.type == aiohttp.WSMsgType.CLOSE and closed.data == 4401
    async with server.session.ws_connect(server.base + "/ws") as socket:
        await socket.send_json({"type": "hello", "token": clerk.token})
        await next_of(socket, "welcome")
        for raw, code in [
            ("[" * 50_000, "malformed_json"),
            ('{"type": "call.request", "case_id": %d}' % 2**70, "malformed_json"),
            ('{"type": "chat.send", "call_id": "abc", "text": "\\ud800"}', "control_character"),
            ('{"type": "chat.send", "call_id": "abc", "text": "\\u0000"}', "control_character"),
        ]:
            await socket.send_str(raw)
            answer = await next_of(socket, "error")
            assert answer["error"] == code and answer["message"], raw[:60]
    assert counts(server) == before


async def next_of(socket: aiohttp.ClientWebSocketResponse, kind: str) -> dict[str, Any]:
    """The next message of this type (presence and other pushes may come between)."""
    while (message := await socket.receive_json(timeout=10))["type"] != kind:
        pass
    return dict(message)


@pytest.mark.parametrize("query", [
    "/api/ledger.csv?unit=zh-yb-01&from=9999-12-31&to=9999-12-31",  # the day after overflowed
    "/api/ledger.csv?unit=zh-yb-01&from=0001-01-01&to=2026-12-31",
    "/api/ledger.csv?unit=zh-yb-01&to=2026-12-31",
    "/api/search/cases?to=9999-12-31",
    "/api/search/cases?from=0001-01-01",
])
async def test_dates_beyond_any_case_are_refused(server: RunningServer, query: str) -> None:
    clerk = await server.login("clerk-yb1")
    reply = await clerk.get(query)
    assert reply.status == 400 and reply.body["error"] == "invalid_input", reply.body
