"""Logging in and out, and who am I."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from aiohttp import web

from ..access.accounts import LockoutPolicy, account_from_row, end_session, load_login, record_login, verify_password
from ..access.jurisdictions import get_unit
from ..appkeys import AUDIT_LOG, CLOCK, DATABASE, SETTINGS
from ..audit.acts import Act
from ..config import Settings
from ..exceptions import AccountLocked, NotAuthenticated
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
    body, app = body_of(request), request.app
    now, settings = app[CLOCK](), app[SETTINGS]
    candidate = await app[DATABASE].read(load_login, body["username"], now)
    password_ok = await asyncio.get_running_loop().run_in_executor(
        None, verify_password, body["password"], candidate.row["password_hash"]
    )
    act = Act(account_from_row(candidate.row), now, app[AUDIT_LOG])
    token, locked = await app[DATABASE].run(record_login, act, candidate, password_ok, lockout_policy(settings))
    if locked:
        raise AccountLocked(
            "密码错误次数过多,账号已暂时锁定,请稍后再试或联系管理员。",
            "Too many failed logins: the account is locked for a while.",
        )
    if not token:
        raise NotAuthenticated("用户名或密码不正确。", "Wrong username or password.")
    response = json_response({"token": token, "account": act.actor.public()})
    response.set_cookie(
        SESSION_COOKIE, token, httponly=True, samesite="Strict",
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
