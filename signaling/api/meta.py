"""Readiness and the API's own description."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..appkeys import DATABASE
from .routing import Api, json_response

api = Api()
OPENAPI = web.AppKey("openapi", dict)
VERSION = "0.1.0"


def _ping(db: Any) -> None:
    db.execute("select 1").fetchone()


@api.route("GET", "/healthz", "就绪检查 Ready: the database answers", tag="meta", public=True)
async def healthz(request: web.Request) -> web.StreamResponse:
    await request.app[DATABASE].read(_ping)
    return json_response({"ok": True, "version": VERSION})


@api.route("GET", "/api/openapi.json", "接口说明 This API's OpenAPI description", tag="meta", public=True)
async def openapi(request: web.Request) -> web.StreamResponse:
    return json_response(request.app[OPENAPI])
