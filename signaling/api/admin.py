"""Administration: units and accounts (admin only)."""

from __future__ import annotations

import asyncio

from aiohttp import web

from eseal import InvalidSealImage
from protocol.words import ErrorCode

from ..access.accounts import change_account, create_account, hash_password, list_accounts, set_password
from ..access.authz import authorize
from ..access.jurisdictions import change_unit, create_unit, list_units, set_unit_seal
from ..access.roles import Role
from ..appkeys import ARCHIVE, DATABASE
from ..catalog.items import list_departments
from ..exceptions import InvalidInput
from . import replies, schemas
from .routing import Api, account_of, act_of, body_of, json_response, path_int, read_body

api = Api()


async def hashed(password: str) -> str:
    """scrypt off the event loop (it takes tens of milliseconds on purpose)."""
    return await asyncio.get_running_loop().run_in_executor(None, hash_password, password)


@api.route("GET", "/api/units", "单位列表 Every unit: district, towns, villages, departments", tag="jurisdictions",
           reply=replies.many(replies.UNIT))
async def units(request: web.Request) -> web.StreamResponse:
    return json_response(await request.app[DATABASE].read(list_units))


@api.route("POST", "/api/units", "新建单位 Create a unit (admin)", tag="jurisdictions", body=schemas.UNIT,
           status=201, reply=replies.UNIT)
async def add_unit(request: web.Request) -> web.StreamResponse:
    authorize(account_of(request), "unit.manage")
    unit = await request.app[DATABASE].run(create_unit, act_of(request), body_of(request))
    return json_response(unit, status=201)


@api.route("PATCH", "/api/units/{unit_id}", "修改或撤销单位 Rename a unit, or retire it (admin)",
           tag="jurisdictions", body=schemas.UNIT_CHANGE)
async def edit_unit(request: web.Request) -> web.StreamResponse:
    authorize(account_of(request), "unit.manage")
    unit = await request.app[DATABASE].run(change_unit, act_of(request), request.match_info["unit_id"],
                                           body_of(request))
    return json_response(unit)


@api.route("GET", "/api/departments", "部门类别 Department kinds of the catalog", tag="jurisdictions",
           reply=replies.many(replies.DEPARTMENT))
async def departments(request: web.Request) -> web.StreamResponse:
    return json_response(await request.app[DATABASE].read(list_departments))


@api.route("GET", "/api/accounts", "账号列表 Every account (admin)", tag="accounts",
           reply=replies.many(replies.ACCOUNT_ROW))
async def accounts(request: web.Request) -> web.StreamResponse:
    authorize(account_of(request), "account.manage")
    return json_response(await request.app[DATABASE].read(list_accounts))


@api.route("POST", "/api/accounts", "新建账号 Create an account (admin)", tag="accounts", body=schemas.ACCOUNT,
           status=201, reply=replies.ACCOUNT)
async def add_account(request: web.Request) -> web.StreamResponse:
    authorize(account_of(request), "account.manage")
    body = body_of(request)
    password_hash = await hashed(body["password"])
    account = await request.app[DATABASE].run(
        create_account, act_of(request), body["username"], body["display_name"],
        Role(body["role"]), body["unit_id"], password_hash,
    )
    return json_response(account.public(), status=201)


@api.route("PATCH", "/api/accounts/{account_id}", "修改账号 Rename, change role or unit, disable or enable "
           "an account (admin)", tag="accounts", body=schemas.ACCOUNT_CHANGE)
async def edit_account(request: web.Request) -> web.StreamResponse:
    authorize(account_of(request), "account.manage")
    account = await request.app[DATABASE].run(change_account, act_of(request), path_int(request, "account_id"),
                                              body_of(request))
    return json_response(account)


@api.route("POST", "/api/accounts/{account_id}/password", "重置密码 Reset a password (admin)",
           tag="accounts", body=schemas.PASSWORD, reply=replies.OK)
async def reset_password(request: web.Request) -> web.StreamResponse:
    authorize(account_of(request), "account.manage")
    password_hash = await hashed(body_of(request)["password"])
    await request.app[DATABASE].run(set_password, act_of(request), path_int(request, "account_id"), password_hash)
    return json_response({"ok": True})


def invalid_seal(why: str) -> InvalidInput:
    return InvalidInput("公章图片应为不超过 2 MB、边长不超过 4096 像素、背景透明的 PNG 图片。", why,
                        code=ErrorCode.INVALID_SEAL)


@api.route("PUT", "/api/units/{unit_id}/seal", "上传公章 Upload a unit's seal image, a PNG with transparency (admin)",
           tag="jurisdictions", raw_body=True)
async def upload_seal(request: web.Request) -> web.StreamResponse:
    # reportlab, loaded by the first seal upload (idle memory, #9)
    from eseal.seal import MAX_UPLOAD_BYTES, uploaded_seal

    authorize(account_of(request), "unit.manage")
    data = await read_body(request, MAX_UPLOAD_BYTES, invalid_seal(f"larger than {MAX_UPLOAD_BYTES} bytes"))
    try:
        uploaded_seal(data)
    except InvalidSealImage as error:
        raise invalid_seal(str(error)) from None
    loop = asyncio.get_running_loop()
    stored = await loop.run_in_executor(None, request.app[ARCHIVE].put, [data])
    await request.app[DATABASE].run(set_unit_seal, act_of(request), request.match_info["unit_id"], stored.digest)
    return json_response({"ok": True, "sha256": stored.digest})
