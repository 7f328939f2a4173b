"""节假日安排: the loaded yearly calendars, and the admin loading a year's."""

from __future__ import annotations

from aiohttp import web

from ..access.authz import authorize
from ..appkeys import DATABASE
from ..cases.holidays import CALENDAR_SCHEMA, calendar_years
from ..exceptions import InvalidInput
from ..statistics.rollup import load_calendar_and_recount
from .routing import Api, account_of, act_of, body_of, json_response, path_int

api = Api()


@api.route("GET", "/api/calendar", "节假日安排 The loaded years' holidays and 调休 working days", tag="catalog")
async def calendar(request: web.Request) -> web.StreamResponse:
    return json_response(await request.app[DATABASE].read(calendar_years))


@api.route("PUT", "/api/calendar/{year}", "载入节假日安排 Load (replace) one year's calendar (admin)",
           tag="catalog", body=CALENDAR_SCHEMA)
async def load(request: web.Request) -> web.StreamResponse:
    authorize(account_of(request), "calendar.manage")
    body = body_of(request)
    if body["year"] != path_int(request, "year"):
        raise InvalidInput("地址中的年份与文件中的不一致。", "The year in the path and in the file differ.")
    return json_response(await request.app[DATABASE].run(load_calendar_and_recount, act_of(request), body))
