"""Logging in: passwords, session expiry, logout, and lock-out after repeated failures."""

from __future__ import annotations

from .support import RunningServer


async def test_a_wrong_password_is_refused(server: RunningServer) -> None:
    reply = await server.anonymous().post("/api/login", {"username": "clerk-yb1", "password": "wrong-one"})
    assert reply.status == 401 and reply.body["message"] == "用户名或密码不正确。"


async def test_five_failures_lock_the_account_for_a_while(server: RunningServer) -> None:
    anonymous = server.anonymous()
    for _ in range(4):
        reply = await anonymous.post("/api/login", {"username": "clerk-yb1", "password": "wrong-one"})
        assert reply.status == 401
    fifth = await anonymous.post("/api/login", {"username": "clerk-yb1", "password": "wrong-one"})
    assert fifth.status == 423 and "锁定" in fifth.body["message"]
    right = await anonymous.post("/api/login", {"username": "clerk-yb1", "password": "cunneng-demo"})
    assert right.status == 423  # even the right password waits out the lock
    server.clock.advance(minutes=16)
    assert (await server.login("clerk-yb1")).token


async def test_a_session_expires(server: RunningServer) -> None:
    clerk = await server.login("clerk-yb1")
    assert (await clerk.get("/api/me")).status == 200
    server.clock.advance(hours=12, seconds=1)
    expired = await clerk.get("/api/me")
    assert expired.status == 401 and "过期" in expired.body["message"]


async def test_logout_ends_the_session(server: RunningServer) -> None:
    clerk = await server.login("clerk-yb1")
    me = (await clerk.get("/api/me")).body
    assert me["unit"]["name"] == "泉坝村" and me["role_name"] == "村窗口"
    assert (await clerk.post("/api/logout")).status == 200
    assert (await clerk.get("/api/me")).status == 401


async def test_the_session_cookie_works_for_reading_only(server: RunningServer) -> None:
    reply = await server.anonymous().post("/api/login", {"username": "clerk-yb1", "password": "cunneng-demo"})
    cookie = {"Cookie": f"cunneng_session={reply.body['token']}"}
    async with server.session.get(server.base + "/api/me", headers=cookie) as r:
        assert r.status == 200
    async with server.session.post(server.base + "/api/logout", headers=cookie) as r:
        assert r.status == 401  # a cookie alone cannot change anything (no CSRF)


async def test_admin_adds_an_account_that_can_log_in(server: RunningServer) -> None:
    admin = await server.login("admin")
    reply = await admin.post("/api/accounts", {"username": "clerk-new", "display_name": "新村窗口 黄丽",
                                               "password": "a-good-password", "role": "village_clerk",
                                               "unit_id": "zh-wj-02"})
    assert reply.status == 201, reply.body
    clerk = await server.login("clerk-new", "a-good-password")
    assert (await clerk.get("/api/me")).body["unit_id"] == "zh-wj-02"
