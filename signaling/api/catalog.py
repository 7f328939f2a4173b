"""The item catalog (事项清单), 一件事 bundles and the printable guide pages."""

from __future__ import annotations

from aiohttp import web

from ..access.authz import authorize
from ..appkeys import DATABASE
from ..catalog.guide import guide_html
from ..catalog.items import get_bundle, get_item, list_bundles, list_departments, list_items, save_item
from ..exceptions import InvalidInput, NotFound
from . import schemas
from .routing import Api, QueryParam, account_of, act_of, body_of, json_response, public_base

api = Api()


@api.route("GET", "/api/items", "事项清单 The item catalog", tag="catalog",
           query=(QueryParam("level", "village | town | district"),))
async def items(request: web.Request) -> web.StreamResponse:
    level = request.query.get("level") or None
    if level not in (None, "village", "town", "district"):
        raise InvalidInput("层级只能是 village、town 或 district。", "level must be village, town or district.")
    return json_response(await request.app[DATABASE].read(list_items, level))


@api.route("GET", "/api/items/{code}", "事项详情 One item", tag="catalog")
async def item(request: web.Request) -> web.StreamResponse:
    return json_response(await request.app[DATABASE].read(get_item, request.match_info["code"]))


@api.route("PUT", "/api/items/{code}", "新增或修改事项 Create or replace an item (admin)",
           tag="catalog", body=schemas.ITEM)
async def put_item(request: web.Request) -> web.StreamResponse:
    authorize(account_of(request), "catalog.manage")
    body = body_of(request)
    if body["code"] != request.match_info["code"]:
        raise InvalidInput("地址中的事项编码与内容中的不一致。", "The code in the path and the body differ.")
    return json_response(await request.app[DATABASE].run(save_item, act_of(request), body))


@api.route("GET", "/api/bundles", "一件事套餐 Bundles of items handled as one", tag="catalog")
async def bundles(request: web.Request) -> web.StreamResponse:
    return json_response(await request.app[DATABASE].read(list_bundles))


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
