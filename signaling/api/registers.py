"""Villager look-up and the ledger (台账) export."""

from __future__ import annotations

from aiohttp import web

from ..access.authz import authorize
from ..appkeys import DATABASE
from ..cases.ledger import export_ledger
from ..cases.villagers import look_up_villager, not_yet_known
from ..exceptions import InvalidInput
from .routing import Api, QueryParam, act_of, json_response, query_date

api = Api()


@api.route("GET", "/api/villagers/{id_number}",
           "查找群众 A villager's stored data by ID number, to reuse it (any village clerk of the county; "
           "every look-up is logged)", tag="cases")
async def villager(request: web.Request) -> web.StreamResponse:
    act = act_of(request)
    authorize(act.actor, "villager.lookup")
    found = await request.app[DATABASE].run(look_up_villager, act, request.match_info["id_number"])
    if found is None:
        raise not_yet_known()  # after the look-up was logged (a raised error would roll the log back)
    return json_response(found)


@api.route("GET", "/api/ledger.csv", "台账导出 Cases of a unit and date range as CSV", tag="cases",
           produces="text/csv",
           query=(QueryParam("unit", "unit id"), QueryParam("from", "first day, YYYY-MM-DD"),
                  QueryParam("to", "last day, YYYY-MM-DD")))
async def ledger(request: web.Request) -> web.StreamResponse:
    act = act_of(request)
    authorize(act.actor, "ledger.export")
    start, end = query_date(request.query, "from"), query_date(request.query, "to")
    if end < start:
        raise InvalidInput("结束日期不能早于开始日期。", "'to' is before 'from'.")
    unit = request.query.get("unit") or act.actor.unit_id

    text = await request.app[DATABASE].run(export_ledger, act, unit, start, end)
    filename = f"ledger-{unit}-{start}-{end}.csv"
    return web.Response(
        text=text, content_type="text/csv", charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
