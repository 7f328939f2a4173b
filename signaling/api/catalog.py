"""The item catalog (事项清单), 一件事 bundles and the printable guide pages."""

from __future__ import annotations

import asyncio

from aiohttp import web

from ..access.authz import authorize
from ..appkeys import DATABASE
from ..catalog.guide import booklet_html, guide_html
from ..catalog.items import (
    booklet_entries,
    bundle_for_case,
    get_bundle,
    get_item,
    item_history,
    list_bundles,
    list_departments,
    list_items,
    retire_item,
    save_item,
)
from ..exceptions import InvalidInput, NotFound
from . import replies, schemas
from .routing import Api, QueryParam, account_of, act_of, body_of, json_response, public_base

api = Api()


@api.route("GET", "/api/items", "事项清单 The item catalog (without the retired items unless asked)", tag="catalog",
           query=(QueryParam("level", "village | town | district"),
                  QueryParam("retired", "1: the retired (停办) items too")), reply=replies.many(replies.ITEM))
async def items(request: web.Request) -> web.StreamResponse:
    level = request.query.get("level") or None
    if level not in (None, "village", "town", "district"):
        raise InvalidInput("层级只能是 village、town 或 district。", "level must be village, town or district.")
    retired = request.query.get("retired", "") == "1"
    return json_response(await request.app[DATABASE].read(list_items, level, retired))


@api.route("GET", "/api/items/{code}", "事项详情 One item", tag="catalog", reply=replies.ITEM)
async def item(request: web.Request) -> web.StreamResponse:
    return json_response(await request.app[DATABASE].read(get_item, request.match_info["code"]))


@api.route("PUT", "/api/items/{code}", "新增或修改事项 Create or replace an item (admin)",
           tag="catalog", body=schemas.ITEM, reply=replies.ITEM)
async def put_item(request: web.Request) -> web.StreamResponse:
    authorize(account_of(request), "catalog.manage")
    body = body_of(request)
    if body["code"] != request.match_info["code"]:
        raise InvalidInput("地址中的事项编码与内容中的不一致。", "The code in the path and the body differ.")
    return json_response(await request.app[DATABASE].run(save_item, act_of(request), body))


@api.route("PATCH", "/api/items/{code}", "停办或恢复事项 Retire an item, or offer it again (admin)",
           tag="catalog", body=schemas.ITEM_RETIREMENT)
async def retire(request: web.Request) -> web.StreamResponse:
    authorize(account_of(request), "catalog.manage")
    return json_response(await request.app[DATABASE].run(
        retire_item, act_of(request), request.match_info["code"], body_of(request)["retired"]))


@api.route("GET", "/api/items/{code}/history", "事项变更记录 Earlier versions of an item, newest first (admin)",
           tag="catalog")
async def history(request: web.Request) -> web.StreamResponse:
    authorize(account_of(request), "catalog.manage")
    return json_response(await request.app[DATABASE].read(item_history, request.match_info["code"]))


@api.route("GET", "/api/bundles", "一件事套餐 Bundles of items handled as one", tag="catalog",
           reply=replies.many(replies.BUNDLE))
async def bundles(request: web.Request) -> web.StreamResponse:
    return json_response(await request.app[DATABASE].read(list_bundles))


@api.route("GET", "/api/bundles/{code}", "一件事详情 A bundle, its items (optional ones marked) and the one set of"
           " materials for the items chosen", tag="catalog",
           query=(QueryParam("items", "comma-separated item codes chosen (default: the items that always apply)"),))
async def bundle(request: web.Request) -> web.StreamResponse:
    raw = request.query.get("items")
    chosen = [code for code in raw.split(",") if code] if raw is not None else None
    return json_response(await request.app[DATABASE].read(bundle_for_case, request.match_info["code"], chosen))


@api.route("GET", "/guide/booklet", "办事指南汇编 Every item's and bundle's guide in one printable booklet (转码成册),"
           " a QR code per guide (public)", tag="catalog", public=True, produces="text/html")
async def booklet(request: web.Request) -> web.StreamResponse:
    db = request.app[DATABASE]
    entries = await db.read(booklet_entries)
    names = {d["code"]: d["name"] for d in await db.read(list_departments)}
    html = await asyncio.get_running_loop().run_in_executor(None, booklet_html, entries, public_base(request), names)
    return web.Response(text=html, content_type="text/html")


@api.route("GET", "/guide/{code}", "办事指南 Printable guide page with a QR code (public)",
           tag="catalog", public=True, produces="text/html")
async def guide(request: web.Request) -> web.StreamResponse:
    code = request.match_info["code"]
    db = request.app[DATABASE]
    try:
        entry = await db.read(get_item, code)
    except NotFound:
        entry = await db.run(get_bundle, code)
    names = {d["code"]: d["name"] for d in await db.run(list_departments)}
    html = guide_html(entry, f"{public_base(request)}/guide/{code}", names)
    return web.Response(text=html, content_type="text/html")
