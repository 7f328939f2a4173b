"""Logging in and out, and who am I."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from aiohttp import web

from ..access.accounts import end_session, load_login, record_login, verify_password
from ..access.jurisdictions import get_unit
from ..access.login_throttle import LockoutPolicy, locked
from ..appkeys import AUDIT_LOG, CLOCK, DATABASE, SETTINGS
from ..config import Settings
from ..exceptions import NotAuthenticated
from . import schemas
from .routing import SESSION_COOKIE, TOKEN, Api, account_of, act_of, body_of, json_response

api = Api()


def lockout_policy(settings: Settings) -> LockoutPolicy:
    return LockoutPolicy(
        max_failures=settings.max_failed_logins,
        lock_for=timedelta(minutes=settings.lockout_minutes),
        session_for=timedelta(hours=settings.session_hours),
    )


@api.route("POST", "/api/login", "登录 Log in: returns a session token", tag="session",
           body=schemas.LOGIN, public=True)
async def login(request: web.Request) -> web.StreamResponse:
    """Known and unknown names answer alike, in the same time (scrypt either way); see login_throttle.py."""
    body, app = body_of(request), request.app
    now, settings = app[CLOCK](), app[SETTINGS]
    address = request.remote or ""
    candidate = await app[DATABASE].read(load_login, body["username"], address, now)
    password_ok = await asyncio.get_running_loop().run_in_executor(
        None, verify_password, body["password"], candidate.password_hash
    )
    account, token, locked_now = await app[DATABASE].run(
        record_login, app[AUDIT_LOG], now, candidate, password_ok, lockout_policy(settings)
    )
    if locked_now:
        raise locked()
    if account is None:
        raise NotAuthenticated("用户名或密码不正确。", "Wrong username or password.")
    response = json_response({"token": token, "account": account.public()})
    response.set_cookie(
        SESSION_COOKIE, token, httponly=True, samesite="Strict", secure=request.secure,
        max_age=int(settings.session_hours * 3600), path="/",
    )
    return response


@api.route("POST", "/api/logout", "退出登录 Log out: the token stops working", tag="session")
async def logout(request: web.Request) -> web.StreamResponse:
    await request.app[DATABASE].run(end_session, act_of(request), request[TOKEN])
    response = json_response({"ok": True})
    response.del_cookie(SESSION_COOKIE, path="/")
    return response


@api.route("GET", "/api/me", "当前账号 The signed-in account and its unit", tag="session")
async def me(request: web.Request) -> web.StreamResponse:
    account = account_of(request)
    unit = await request.app[DATABASE].read(get_unit, account.unit_id)
    return json_response({**account.public(), "unit": unit})
