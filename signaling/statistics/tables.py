"""The figures as tables of text: what the pages show under each chart, the CSV files and the printed report.

Formatted once, here, so the page, the CSV and the PDF cannot say different things.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from ..cases.ledger import as_text
from .figures import OUTCOMES, WEEKDAYS

Table = dict[str, Any]  # {"title", "columns": [...], "rows": [[text, ...], ...]}

GROUP_COLUMNS = (
    "受理", "作出决定", "办结", "批准", "不予批准", "群众撤回", "待补充材料", "办理中", "办理用时中位数（工作日）",
    "办理用时90%分位（工作日）", "超期", "超期率", "补充材料率", "视频连线（接通）", "通话总时长（分钟）",
    "通话时长中位数（分钟）", "扫描件", "评价", "平均评分", "差评率",
)
OUTCOME_COLUMNS = ("受理", "批准", "不予批准", "群众撤回", "待补充材料", "办理中")
TABLE_NAMES = ("groups", "outcomes", "handling", "call_hours", "bad_comments")
HANDLING_COLUMNS = ("作出决定", "办理用时中位数（工作日）", "办理用时90%分位（工作日）", "超期", "超期率")


def number(value: float | None) -> str:
    """A figure as printed: — when there is none, whole numbers without a decimal point."""
    if value is None:
        return "—"
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def group_cells(figures: dict[str, Any]) -> list[str]:
    o = figures["outcomes"]
    return [
        number(figures["opened"]), number(figures["decided"]), number(figures["closed"]),
        *(number(o[name]) for name in OUTCOMES),
        number(figures["handling_days_median"]), number(figures["handling_days_p90"]),
        number(figures["overdue"]), percent(figures["overdue_rate"]), percent(figures["supplement_rate"]),
        f"{figures['calls_held']}/{figures['calls']}", number(figures["call_minutes_total"]),
        number(figures["call_minutes_median"]), number(figures["scans"]), number(figures["ratings"]),
        number(figures["rating_mean"]), percent(figures["bad_share"]),
    ]


def tables(found: dict[str, Any]) -> dict[str, Table]:
    """The figures' tables: per group, outcomes and handling time per period, and calls by weekday and hour."""
    by = found["by_name"]
    groups = [[g["name"], *group_cells(g)] for g in found["groups"]]
    periods = found["periods"]
    return {
        "groups": {"title": f"按{by}统计", "columns": [by, *GROUP_COLUMNS],
                   "rows": [*groups, ["合计", *group_cells(found["total"])]]},
        "outcomes": {"title": "各期受理办件及结果", "columns": ["期间", *OUTCOME_COLUMNS],
                     "rows": [[p["label"], number(p["opened"]), *(number(v) for v in p["outcomes"].values())]
                              for p in periods]},
        "handling": {"title": "各期办理用时", "columns": ["期间", *HANDLING_COLUMNS],
                     "rows": [[p["label"], number(p["decided"]), number(p["handling_days_median"]),
                               number(p["handling_days_p90"]), number(p["overdue"]), percent(p["overdue_rate"])]
                              for p in periods]},
        "call_hours": {"title": "视频连线时段（星期 × 小时）", "columns": ["星期", *(f"{h}时" for h in range(24))],
                       "rows": [[day, *(str(n) for n in counts)]
                                for day, counts in zip(WEEKDAYS, found["call_hours"])]},
        "bad_comments": {"title": "差评及意见", "columns": ["评价日期", "村", "办件编号", "评分", "意见"],
                         "rows": [[c["day"], c["village_name"], str(c["case_id"]), str(c["rating"]), c["comment"]]
                                  for c in found["bad_comments"]]},
    }


def csv_text(table: Table) -> str:
    """A table as CSV with a BOM (spreadsheets then read the Chinese), no cell a formula (as the ledger)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([as_text(cell) for cell in table["columns"]])
    writer.writerows([as_text(cell) for cell in row] for row in table["rows"])
    return out.getvalue()
