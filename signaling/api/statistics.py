"""工作量统计: the figures as JSON for the pages, as CSV, and as a printed monthly or quarterly report."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any, Mapping

from aiohttp import web

from ..appkeys import DATABASE
from ..config import CHINA_TZ
from ..exceptions import InvalidInput
from ..statistics.figures import GROUPS, StatsQuery, figures
from ..statistics.periods import Period
from ..statistics.tables import TABLE_NAMES, csv_text, tables
from .routing import Api, QueryParam, act_of, content_disposition, json_response, optional_query_date

api = Api()

FILTERS = (
    QueryParam("period", "week, month (default), quarter or year"),
    QueryParam("from", "first day, YYYY-MM-DD (default: 1 January of this year)"),
    QueryParam("to", "last day, YYYY-MM-DD (default: today)"),
    QueryParam("unit", "a unit id: its subtree only (default: all the account may see)"),
    QueryParam("item", "an item code (default: every item)"),
    QueryParam("by", "group by village, town, district, department, item or approver (default: the next level down)"),
)
MAX_DAYS = 3 * 366 + 1  # a range of weeks wider than three years is a mistake, not a question


def stats_query(query: Mapping[str, str], today: date, periods: tuple[Period, ...] = tuple(Period)) -> StatsQuery:
    """The request's filters, checked: a clerk reads why a wrong one is refused."""
    raw_period = query.get("period") or "month"
    if raw_period not in {p.value for p in periods}:
        names = "、".join(p.value for p in periods)
        raise InvalidInput(f"统计周期应为 {names} 之一。", f"period must be one of {names}.")
    period = Period(raw_period)
    start = optional_query_date(query, "from") or date(today.year, 1, 1)
    end = optional_query_date(query, "to") or today
    if end < start:
        raise InvalidInput("结束日期不能早于开始日期。", "'to' is before 'from'.")
    if period is Period.WEEK and (end - start).days > MAX_DAYS:
        raise InvalidInput("按周统计时范围不能超过三年，请改按月、季度或年。",
                           "Weekly figures cover at most three years; choose month, quarter or year.")
    by = query.get("by") or None
    if by is not None and by not in GROUPS:
        raise InvalidInput("分组方式应为 " + "、".join(GROUPS) + " 之一。", "by must be one of " + ", ".join(GROUPS))
    return StatsQuery(period, start, end, by, query.get("unit") or None, query.get("item") or None)


async def _figures(request: web.Request, periods: tuple[Period, ...] = tuple(Period)) -> dict[str, Any]:
    act = act_of(request)
    now = act.at
    query = stats_query(request.query, now.astimezone(CHINA_TZ).date(), periods)
    return await request.app[DATABASE].read(figures, act.actor, query, now)


@api.route("GET", "/api/statistics", "工作量统计 Cases, outcomes, handling time, overdue, supplements, calls, scans "
           "and ratings per unit, item or approver and per period, within the units the account may see",
           tag="statistics", query=FILTERS)
async def statistics(request: web.Request) -> web.StreamResponse:
    found = await _figures(request)
    return json_response({**found, "tables": tables(found)})


@api.route("GET", "/api/statistics.csv", "统计导出 One table of the statistics as CSV (the page's table under a chart)",
           tag="statistics", produces="text/csv",
           query=(*FILTERS, QueryParam("table", "groups (default), outcomes, handling or call_hours")))
async def statistics_csv(request: web.Request) -> web.StreamResponse:
    name = request.query.get("table") or "groups"
    if name not in TABLE_NAMES:
        raise InvalidInput("表格应为 " + "、".join(TABLE_NAMES) + " 之一。",
                           "table must be one of " + ", ".join(TABLE_NAMES))
    found = await _figures(request)
    table = tables(found)[name]
    filename = f"统计-{table['title']}-{found['counted_from']}-{found['counted_to']}.csv"
    return web.Response(text=csv_text(table), content_type="text/csv", charset="utf-8",
                        headers={"Content-Disposition": content_disposition(filename)})


@api.route("GET", "/api/statistics.pdf", "统计报表 The printable report of a month or a quarter (PDF)",
           tag="statistics", produces="application/pdf",
           query=(QueryParam("period", "month (default) or quarter"),
                  QueryParam("from", "a day of the month or quarter (default: today)"),
                  *(p for p in FILTERS if p.name in ("unit", "item", "by"))))
async def statistics_pdf(request: web.Request) -> web.StreamResponse:
    # reportlab, loaded by the first report (idle memory, #9)
    from ..statistics.report import report_pdf

    act = act_of(request)
    day = optional_query_date(request.query, "from") or act.at.astimezone(CHINA_TZ).date()
    one_period = {**request.query, "from": day.isoformat(), "to": day.isoformat()}
    query = stats_query(one_period, day, (Period.MONTH, Period.QUARTER))
    found = await request.app[DATABASE].read(figures, act.actor, query, act.at)
    pdf = await asyncio.get_running_loop().run_in_executor(None, report_pdf, found, act.actor.display_name, act.at)
    filename = f"统计报表-{found['counted_from']}-{found['counted_to']}.pdf"
    return web.Response(body=pdf, content_type="application/pdf",
                        headers={"Content-Disposition": content_disposition(filename)})

