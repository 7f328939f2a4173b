"""A case's video consults as the pages read them: its calls (to join a live one) and their chat."""

from __future__ import annotations

from aiohttp import web

from ..appkeys import DATABASE
from ..calls import case_calls, case_messages
from .routing import Api, account_of, json_response, path_int

api = Api()


@api.route("GET", "/api/cases/{case_id}/calls",
           "视频连线记录 The case's calls, newest first (a live one can be joined)", tag="calls")
async def calls(request: web.Request) -> web.StreamResponse:
    found = await request.app[DATABASE].run(case_calls, account_of(request), path_int(request, "case_id"))
    return json_response(found)


@api.route("GET", "/api/cases/{case_id}/messages",
           "通话留言 The chat of all the case's calls, oldest first", tag="calls")
async def messages(request: web.Request) -> web.StreamResponse:
    found = await request.app[DATABASE].run(case_messages, account_of(request), path_int(request, "case_id"))
    return json_response(found)
