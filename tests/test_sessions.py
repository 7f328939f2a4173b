"""Logging in: passwords, session expiry, logout, and lock-out after repeated failures."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import aiohttp

from .support import Reply, RunningServer, start_server


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


WRONG = {"password": "wrong-password"}


async def login_from(server: RunningServer, address: str, username: str, password: str) -> Reply:
    """A login sent from another loopback address (another window of the county network)."""
    connector = aiohttp.TCPConnector(local_addr=(address, 0))
    async with aiohttp.ClientSession(connector=connector) as session:
        async with session.post(server.base + "/api/login", json={"username": username, "password": password}) as r:
            return Reply(r.status, await r.json(), dict(r.headers))


async def test_unknown_names_answer_like_real_ones(server: RunningServer) -> None:
    """No answer tells whether a name exists: both get 401 four times, then 423 (#17)."""
    anonymous = server.anonymous()
    answers: dict[str, list[tuple[int, object]]] = {}
    for name in ("clerk-yb1", "no-such-clerk"):
        replies = [await anonymous.post("/api/login", {"username": name, **WRONG}) for _ in range(6)]
        answers[name] = [(reply.status, reply.body) for reply in replies]
    assert answers["clerk-yb1"] == answers["no-such-clerk"]
    assert [status for status, _ in answers["clerk-yb1"]] == [401, 401, 401, 401, 423, 423]


async def test_unknown_names_take_as_long_as_real_ones(tmp_path: Path) -> None:
    """Only real names reached scrypt: ~38 ms against ~1 ms told them apart (#17)."""
    server = await start_server(tmp_path / "data", max_failed_logins=1000)
    try:
        anonymous = server.anonymous()

        async def seconds(name: str) -> float:
            started = time.perf_counter()
            reply = await anonymous.post("/api/login", {"username": name, **WRONG})
            assert reply.status == 401
            return time.perf_counter() - started

        timings: dict[str, list[float]] = {"clerk-yb1": [], "no-such-clerk": []}
        for _ in range(9):  # taken in turns, so a busy machine slows both alike
            for name, taken in timings.items():
                taken.append(await seconds(name))
        known, unknown = (statistics.median(taken) for taken in timings.values())
        assert unknown > known / 2 and known > unknown / 2, (known, unknown)
    finally:
        await server.close()


async def test_a_lock_holds_only_for_the_guessers_address_and_backs_off(server: RunningServer) -> None:
    """Anyone could lock any account (admin included) by its name; now the owner's own window still logs in."""
    for _ in range(5):
        guessed = await login_from(server, "127.0.0.2", "admin", "wrong-password")
    assert guessed.status == 423
    assert (await login_from(server, "127.0.0.2", "admin", "cunneng-demo")).status == 423
    assert (await server.login("admin")).token  # from 127.0.0.1, the owner's window
    server.clock.advance(minutes=16)
    for _ in range(5):
        guessed = await login_from(server, "127.0.0.2", "admin", "wrong-password")
    assert guessed.status == 423
    server.clock.advance(minutes=16)  # the second lock lasts twice as long
    assert (await login_from(server, "127.0.0.2", "admin", "cunneng-demo")).status == 423
    server.clock.advance(minutes=15)
    assert (await login_from(server, "127.0.0.2", "admin", "cunneng-demo")).status == 200


async def test_an_admin_password_reset_lifts_every_lock(server: RunningServer) -> None:
    for _ in range(5):
        await login_from(server, "127.0.0.2", "clerk-yb1", "wrong-password")
    admin = await server.login("admin")
    assert (await admin.post("/api/accounts/7/password", {"password": "a-new-password"})).status == 200
    assert (await login_from(server, "127.0.0.2", "clerk-yb1", "a-new-password")).status == 200


async def proxied_login(server: RunningServer, headers: dict[str, str], password: str = "cunneng-demo") -> Reply:
    async with server.session.post(server.base + "/api/login", headers=headers,
                                   json={"username": "clerk-yb1", "password": password}) as r:
        return Reply(r.status, await r.json(), dict(r.headers))


async def test_the_cookie_is_secure_behind_a_trusted_https_proxy(tmp_path: Path) -> None:
    """X-Forwarded-Proto/-For count only from an address given as --trusted-proxy (#17)."""
    https = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "10.0.0.9"}
    direct = await start_server(tmp_path / "direct")
    proxied = await start_server(tmp_path / "proxied", trusted_proxies=("127.0.0.1",))
    try:
        assert "secure" not in (await proxied_login(direct, https)).headers["Set-Cookie"].lower()
        assert "secure" not in (await proxied_login(proxied, {})).headers["Set-Cookie"].lower()
        cookie = (await proxied_login(proxied, https)).headers["Set-Cookie"]
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
        for _ in range(5):  # the lock falls on the client the proxy names, not on the proxy
            guessed = await proxied_login(proxied, https, "wrong-password")
        assert guessed.status == 423
        assert (await proxied_login(proxied, {**https, "X-Forwarded-For": "10.0.0.10"})).status == 200
    finally:
        await direct.close()
        await proxied.close()
