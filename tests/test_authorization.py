"""The role × endpoint authorization matrix: two villages, two towns, nothing leaks across."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, AsyncIterator

import aiohttp
import pytest
import pytest_asyncio
import sqlite_utils

from protocol.idnumber import check_character
from signaling.access.accounts import account_from_row
from signaling.access.authz import authorize, figures_root
from signaling.appkeys import DATABASE
from signaling.cases.handling import load_case
from signaling.exceptions import Forbidden, NotFound
from signaling.storage.database import first

from .support import ApiClient, RunningServer, open_demo_case, start_server

pytestmark = pytest.mark.asyncio(loop_scope="module")

USERS = ["clerk-yb1", "clerk-yb2", "clerk-wj1", "town-yb", "town-wj", "district",
         "dept-hrss", "dept-civil", "auditor", "admin"]


def id_number(serial: int) -> str:
    first17 = f"51080219800101{serial:03d}"
    return first17 + check_character(first17)


@dataclass
class World:
    server: RunningServer
    users: dict[str, ApiClient]
    town_case: int  # 泉坝村 (元坝镇), a town-level item, sent to the 人社 department
    other_town_case: int  # 白果村 (王家镇), a town-level item
    district_case: int  # 泉坝村, a district-level item


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    server = await start_server(Path(tmp_path_factory.mktemp("authz")) / "data")
    users = {name: await server.login(name) for name in USERS}
    town_case = await open_demo_case(users["clerk-yb1"], "T-RS-001", id_number(1))
    other = await open_demo_case(users["clerk-wj1"], "T-RS-001", id_number(2))
    district_case = await open_demo_case(users["clerk-yb1"], "D-RS-001", id_number(3))
    await users["town-yb"].post(f"/api/cases/{town_case['id']}/actions/start_review", {})
    sent = await users["town-yb"].post(f"/api/cases/{town_case['id']}/reviews", {"departments": ["zh-hrss"]})
    assert sent.status == 200, sent.body
    yield World(server, users, town_case["id"], other["id"], district_case["id"])
    await server.close()


# Who sees which case (200) — everybody else gets 404, so a case's existence does not leak.
SEES = {
    "town_case": {"clerk-yb1", "town-yb", "district", "dept-hrss", "auditor"},
    "other_town_case": {"clerk-wj1", "town-wj", "district", "auditor"},
    "district_case": {"clerk-yb1", "town-yb", "district", "auditor"},
}


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize("case", list(SEES))
@pytest.mark.parametrize("path", ["", "/timeline"])
async def test_who_sees_a_case(world: World, user: str, case: str, path: str) -> None:
    reply = await world.users[user].get(f"/api/cases/{getattr(world, case)}{path}")
    assert reply.status == (200 if user in SEES[case] else 404), reply.body
    if reply.status == 404:  # the same words whether the case exists or not
        assert (reply.body["message"], reply.body["message_en"]) == (
            "找不到该办件，或您无权查看。", "No such case, or it is not visible to you.")


@pytest.mark.parametrize("user", USERS)
async def test_case_lists_hold_only_visible_cases(world: World, user: str) -> None:
    reply = await world.users[user].get("/api/cases")
    if user == "admin":
        assert reply.status == 403
        return
    listed = {case["id"] for case in reply.body}
    expected = {getattr(world, name) for name, users in SEES.items() if user in users}
    assert listed == expected


# Deciding on the town case: only its handling window; others who see it get 403.
@pytest.mark.parametrize("user", USERS)
async def test_only_the_handling_window_decides(world: World, user: str) -> None:
    reply = await world.users[user].post(
        f"/api/cases/{world.town_case}/actions/set_pending", {"until": "2026-12-31"}
    )
    if user == "town-yb":
        # The joint review does not block a pending promise; put it back for the other tests.
        assert reply.status == 200, reply.body
        return
    assert reply.status == (403 if user in SEES["town_case"] else 404), reply.body
    if reply.status == 403:
        assert (reply.body["message"], reply.body["message_en"]) == (
            "您的账号无权执行此操作。", "Your role may not do this (case.decide).")


@pytest.mark.parametrize("user", USERS)
async def test_only_the_villages_clerk_closes_or_supplements(world: World, user: str) -> None:
    reply = await world.users[user].post(f"/api/cases/{world.district_case}/actions/close", {"handover": "printed"})
    if user == "clerk-yb1":
        assert reply.status == 409  # allowed for the clerk, but the case is not decided yet
    else:
        assert reply.status == (403 if user in SEES["district_case"] else 404), reply.body


@pytest.mark.parametrize("user", USERS)
async def test_only_a_department_the_case_was_sent_to_gives_an_opinion(world: World, user: str) -> None:
    reply = await world.users[user].post(
        f"/api/cases/{world.town_case}/review", {"decision": "refuse", "reason": "测试"}
    )
    expected = 403 if user in SEES["town_case"] else 404
    if user == "dept-hrss":
        expected = 200 if reply.status == 200 else 409  # 409 once the case is no longer under review
    assert reply.status == expected, reply.body


@pytest.mark.parametrize("user", USERS)
async def test_only_clerks_open_cases(world: World, user: str) -> None:
    reply = await world.users[user].post("/api/cases", {
        "villager": {"id_number": id_number(100 + USERS.index(user)), "name": "测试", "phone": "13900000000"},
        "item_code": "V-RS-001",
    })
    assert reply.status == (201 if user.startswith("clerk") else 403), reply.body


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize("method,path,body", [
    ("GET", "/api/accounts", None),
    ("POST", "/api/units", {"id": "zh-yb-09", "name": "新村", "kind": "village", "parent_id": "zh-yb"}),
    ("POST", "/api/accounts", {"username": "x-new", "display_name": "新人", "password": "long-enough-1",
                               "role": "village_clerk", "unit_id": "zh-yb-01"}),
    ("POST", "/api/accounts/13/password", {"password": "long-enough-2"}),  # clerk-wj3, unused here
])
async def test_only_admin_manages_units_and_accounts(
    world: World, user: str, method: str, path: str, body: object
) -> None:
    client = world.users[user]
    reply = await (client.get(path) if method == "GET" else client.post(path, body))
    if user == "admin":
        assert reply.status in (200, 201, 409), reply.body  # 409: created by an earlier run of this test
    else:
        assert reply.status == 403, reply.body


@pytest.mark.parametrize("user", USERS)
async def test_only_admin_edits_the_catalog(world: World, user: str) -> None:
    item = (await world.users[user].get("/api/items/V-RS-001")).body
    item = {k: item[k] for k in ("code", "name", "name_en", "title", "level", "departments", "materials",
                                 "time_limit_days", "guide")}
    reply = await world.users[user].put("/api/items/V-RS-001", {**item, "guide": item["guide"] + "。"})
    assert reply.status == (200 if user == "admin" else 403), reply.body


@pytest.mark.parametrize("user", USERS)
async def test_only_clerks_look_villagers_up(world: World, user: str) -> None:
    reply = await world.users[user].get(f"/api/villagers/{id_number(1)}")
    assert reply.status == (200 if user.startswith("clerk") else 403), reply.body


LEDGER_UNITS = {  # unit → who may export its ledger
    "zh-yb-01": {"clerk-yb1", "town-yb", "district", "auditor"},
    "zh-wj": {"town-wj", "district", "auditor"},
    "zh": {"district", "auditor"},
}


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize("unit", list(LEDGER_UNITS))
async def test_ledger_only_for_own_units(world: World, user: str, unit: str) -> None:
    reply = await world.users[user].get(f"/api/ledger.csv?unit={unit}&from=2026-11-01&to=2026-11-30")
    assert reply.status == (200 if user in LEDGER_UNITS[unit] else 403), reply.body


@pytest.mark.parametrize("path", [
    "/api/me", "/api/cases", "/api/units", "/api/items", "/api/accounts", "/api/cases/1",
    "/api/cases/1/timeline", "/api/ledger.csv?unit=zh&from=2026-11-01&to=2026-11-30",
])
async def test_anonymous_requests_are_refused(world: World, path: str) -> None:
    reply = await world.server.anonymous().get(path)
    assert reply.status == 401
    assert reply.body["message"] == "请先登录。"


async def test_auditor_changes_nothing(world: World) -> None:
    auditor = world.users["auditor"]
    for action in ["start_review", "approve", "refuse", "close", "submit_supplement"]:
        reply = await auditor.post(f"/api/cases/{world.other_town_case}/actions/{action}", {"reason": "x"}
                                   if action == "refuse" else {})
        assert reply.status in (400, 403), (action, reply.body)
    assert (await auditor.post(f"/api/cases/{world.other_town_case}/rating", {"score": 5})).status == 403


# 保全: only auditors and admins hold and release (an admin, who sees no case, included).
@pytest.mark.parametrize("user", USERS)
async def test_only_auditors_and_admins_hold_and_release(world: World, user: str) -> None:
    client, case = world.users[user], world.other_town_case
    held = await client.post(f"/api/cases/{case}/hold", {"reason": "权限测试"})
    released = await client.post(f"/api/cases/{case}/release", {"reason": "权限测试结束"})
    if user in ("auditor", "admin"):
        assert (held.status, released.status) == (200, 200), (held.body, released.body)
    else:
        expected = 403 if user in SEES["other_town_case"] else 404
        assert (held.status, released.status) == (expected, expected), (held.body, released.body)


@pytest.mark.parametrize("user", USERS)
async def test_search_finds_only_visible_cases(world: World, user: str) -> None:
    found = await world.users[user].get("/api/search/cases?from=2026-01-01")
    listed = await world.users[user].get("/api/cases")
    if user == "admin":
        assert found.status == 403
        return
    assert {case["id"] for case in found.body} == {case["id"] for case in listed.body}


# The rows of the permission table that calls, scans, replays, snapshots and printing use, on the town case
# (its handling window is 元坝镇, it was sent to 人社): who holds each; others who see the case get
# Forbidden, the rest NotFound. Checked on authorize itself, with the server's own accounts and case.
CASE_PERMISSIONS = {
    "call.request": {"clerk-yb1"},
    "call.answer": {"town-yb", "dept-hrss"},  # the units rung: the handling window and the reviewers
    "call.join": {"clerk-yb1", "town-yb", "district", "dept-hrss"},
    "case.replay": {"town-yb", "district", "auditor"},
    "case.snapshot": {"town-yb", "district", "dept-hrss"},
    "case.print": SEES["town_case"],
    "document.upload": {"clerk-yb1"},
    "document.view": SEES["town_case"],
    "case.agency": {"clerk-yb1", "town-yb", "district"},  # 代办 and 去向: the windows, not the reviewers
    "case.export": {"auditor"},
    "recording.snapshot": {"town-yb", "district", "auditor"},
    "notice.call": {"clerk-yb1"},
}
# Rows that involve no case: who holds each, everybody else is Forbidden.
ACCOUNT_PERMISSIONS = {
    "audit.read": {"auditor"},
    "mark.trace": {"auditor", "admin"},
    "notice.list": {"clerk-yb1", "clerk-yb2", "clerk-wj1"},
    "statistics.read": set(USERS),
    "calendar.manage": {"admin"},
}


async def authorization_of(world: World, user: str, permission: str, case_id: int | None) -> str:
    """What authorize says to the user's account for the permission (on the case): allowed, Forbidden or NotFound."""
    def outcome(db: sqlite_utils.Database) -> str:
        row = first(db, "select * from accounts where username = ?", [user])
        assert row is not None
        case, units = load_case(db, case_id) if case_id is not None else (None, [])
        try:
            authorize(account_from_row(row), permission, case, units)
        except (Forbidden, NotFound) as refused:
            return type(refused).__name__
        return "allowed"

    return await world.server.app[DATABASE].run(outcome)


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize("permission", list(CASE_PERMISSIONS))
async def test_who_may_call_scan_replay_snapshot_and_print_a_case(world: World, user: str, permission: str) -> None:
    expected = "allowed" if user in CASE_PERMISSIONS[permission] else (
        "Forbidden" if user in SEES["town_case"] else "NotFound")
    assert await authorization_of(world, user, permission, world.town_case) == expected


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize("permission", list(ACCOUNT_PERMISSIONS))
async def test_only_auditors_read_the_audit_log_and_trace_marks(world: World, user: str, permission: str) -> None:
    expected = "allowed" if user in ACCOUNT_PERMISSIONS[permission] else "Forbidden"
    assert await authorization_of(world, user, permission, None) == expected


@pytest.mark.parametrize("user,root", [("auditor", None), ("admin", "zh"), ("district", "zh"), ("town-yb", "zh-yb"),
                                       ("clerk-yb1", "zh-yb-01"), ("dept-hrss", "zh-hrss")])
async def test_statistics_cover_the_accounts_own_units_and_the_auditor_all(world: World, user: str,
                                                                           root: str | None) -> None:
    def root_of(db: sqlite_utils.Database) -> str | None:
        row = first(db, "select * from accounts where username = ?", [user])
        assert row is not None
        return figures_root(account_from_row(row))

    assert await world.server.app[DATABASE].run(root_of) == root


# The signaling WebSocket's pushes follow the same rule (#17): the waiting-call queue holds
# only calls the account may answer, and case events reach only accounts that see the case.
ANSWERS = {"town_case": {"town-yb", "dept-hrss"}, "district_case": {"district"}}


async def signed_in_socket(world: World, user: str) -> tuple[aiohttp.ClientWebSocketResponse, dict[str, Any]]:
    socket = await world.server.session.ws_connect(world.server.base + "/ws")
    await socket.send_json({"type": "hello", "token": world.users[user].token})
    while (message := await socket.receive_json(timeout=10))["type"] != "welcome":
        pass
    return socket, message


async def until_pong(socket: aiohttp.ClientWebSocketResponse) -> list[dict[str, Any]]:
    """Everything pushed to the socket before the answer to a ping."""
    await socket.send_json({"type": "ping"})
    received = []
    while (message := await socket.receive_json(timeout=10))["type"] != "pong":
        received.append(message)
    return received


async def test_pushes_reach_only_accounts_that_see_the_case(world: World) -> None:
    cases = {getattr(world, name): name for name in ANSWERS}
    caller, _ = await signed_in_socket(world, "clerk-yb1")
    sockets: dict[str, aiohttp.ClientWebSocketResponse] = {}
    try:
        for case_id in cases:
            await caller.send_json({"type": "call.request", "case_id": case_id})
        ringing = [m for m in await until_pong(caller) if m["type"] == "call.ringing"]
        assert {m["case"]["id"] for m in ringing} == set(cases)
        for user in USERS:
            if user != "clerk-yb1":
                sockets[user], welcome = await signed_in_socket(world, user)
                queued = {cases[entry["case"]["id"]] for entry in welcome["queue"]}
                assert queued == {name for name, answering in ANSWERS.items() if user in answering}, user
        sockets["clerk-yb1"] = caller
        callers_pushes = []
        for call in ringing:
            await caller.send_json({"type": "call.hangup", "call_id": call["call_id"]})
            while (message := await caller.receive_json(timeout=10))["type"] != "call.ended":
                callers_pushes.append(message)  # the call's case event is published with its end
        for user, socket in sockets.items():
            pushed = await until_pong(socket) + (callers_pushes if socket is caller else [])
            heard = {cases[m["case_id"]] for m in pushed if m["type"] == "case.event"}
            assert heard == {name for name in ANSWERS if user in SEES[name]}, user
    finally:
        for socket in [caller, *sockets.values()]:
            await socket.close()
