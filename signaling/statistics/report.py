"""统计报表: a month's or a quarter's figures as a printed report, for 月月查、季度评."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from eseal.layout import BODY_SIZE, MARGIN, build_pdf, chinese_date, fields, grid, para, style, title_block

from ..config import CHINA_TZ
from .tables import GROUP_COLUMNS, group_cells, tables

# The columns of the per-group table that fit an A4 page, by their place in GROUP_COLUMNS.
REPORT_COLUMNS = (0, 1, 3, 4, 7, 10, 11, 18)
NAME_WIDTH = 30 * mm


def report_pdf(found: dict[str, Any], who: str, now: datetime) -> bytes:
    """The report: what was counted, the totals, the table per group, the handling per period, the 差评."""
    first, last = (chinese_date(date.fromisoformat(found[key])) for key in ("counted_from", "counted_to"))
    span = f"{first}至{last}"
    scope = "、".join(found["unit_names"]) or "全部单位"
    story: list[Flowable] = [
        *title_block("工作量统计报表", f"{scope} · {found['periods'][0]['label'] if found['periods'] else span}"),
        fields([("统计范围", scope), ("统计期间", span), ("事项", found["item_name"] or "全部事项"),
                ("制表", f"{who}　{now.astimezone(CHINA_TZ):%Y-%m-%d %H:%M}")]),
        _heading("一、总体情况"),
        fields(list(zip(GROUP_COLUMNS, group_cells(found["total"])))),
        _heading(f"二、按{found['by_name']}统计"),
        _group_grid(found),
        _heading("三、差评及意见"),
        *_comments(found),
    ]
    title = f"工作量统计报表 {found['counted_from']}—{found['counted_to']}"
    footer = f"{title}　统计口径见系统手册「工作量统计」"
    return build_pdf(story, title=title, author=who, footer=footer, keywords="cunneng statistics")


def _heading(text: str) -> Flowable:
    return para(text, style("heading", BODY_SIZE + 2, spaceBefore=6 * mm, spaceAfter=2 * mm))


def _group_grid(found: dict[str, Any]) -> Flowable:
    table = tables(found)["groups"]
    header = [table["columns"][0], *(GROUP_COLUMNS[i] for i in REPORT_COLUMNS)]
    body = [[row[0], *(row[i + 1] for i in REPORT_COLUMNS)] for row in table["rows"]]
    rest = (A4[0] - 2 * MARGIN - NAME_WIDTH) / len(REPORT_COLUMNS)
    return grid([header, *body], [NAME_WIDTH, *([rest] * len(REPORT_COLUMNS))], header=True)


def _comments(found: dict[str, Any]) -> list[Flowable]:
    if not found["bad_comments"]:
        return [para("本期没有差评。")]
    table = tables(found)["bad_comments"]
    width = A4[0] - 2 * MARGIN
    return [grid([table["columns"], *table["rows"]], [28 * mm, 26 * mm, 20 * mm, 14 * mm, width - 88 * mm],
                 header=True), Spacer(1, 4 * mm)]
