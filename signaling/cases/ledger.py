"""台账: the cases of a unit over a date range, exported as CSV for the window's records."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from ..access.authz import case_filter
from ..access.jurisdictions import get_unit, units_within
from ..access.roles import Account, Role
from ..audit.acts import Act
from ..config import CHINA_TZ
from ..exceptions import Forbidden
from ..storage.database import rows
from .handling import is_overdue
from .search import all_of, opened_between, unit_condition
from .villagers import citizen_id
from .workflow import STATE_NAMES, State

if TYPE_CHECKING:
    import sqlite_utils

# A cell a spreadsheet would read as a formula (=HYPERLINK(…) runs when the ledger is opened).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

COLUMNS = (
    "办件编号", "受理时间", "村", "申请人", "身份证号", "事项", "办理单位", "状态",
    "承诺办结时间", "是否超期", "办结时间", "满意度", "评价",
)


def ledger_rows(
    db: sqlite_utils.Database, account: Account, unit_id: str, start: date, end: date
) -> list[dict[str, Any]]:
    """The cases of unit_id opened between start and end that the account may see."""
    get_unit(db, unit_id)
    if account.role is not Role.AUDITOR and unit_id not in units_within(db, account.unit_id):
        raise Forbidden("只能导出本单位及下级单位的台账。", "You may export only your own units' ledger.")
    where, params = all_of([case_filter(account), unit_condition(unit_id), opened_between(start, end)])
    return rows(
        db,
        "select cases.*, villagers.name as villager_name, villagers.id_number, units.name as village_name,"
        " handler.name as handler_name from cases join villagers on villagers.id = cases.villager_id"
        " join units on units.id = cases.village_id join units handler on handler.id = cases.handler_unit_id"
        f" where {where} order by cases.opened_at",
        params,
    )


def ledger_csv(db: sqlite_utils.Database, cases: list[dict[str, Any]], now: datetime) -> str:
    """The rows as CSV with a BOM, so spreadsheet programs read the Chinese correctly; no cell is a formula."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for case in cases:
        names = [r["name"] for r in rows(
            db, "select name from items where code in (select value from json_each(?))", [case["item_codes"]]
        )]
        writer.writerow([as_text(cell) for cell in (
            case["number"], _local(case["opened_at"]), case["village_name"], case["villager_name"],
            citizen_id(case["id_number"]).masked, "、".join(names), case["handler_name"],
            STATE_NAMES[State(case["state"])], _local(case["due_at"]),
            "是" if is_overdue(case, now) else "否", _local(case["closed_at"]),
            case["rating"] or "", case["rating_comment"] or "",
        )])
    return out.getvalue()


def as_text(value: object) -> str:
    """The cell as text a spreadsheet shows, never runs: a leading ' keeps = + - @ tab CR from starting a formula."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _local(iso: str | None) -> str:
    return datetime.fromisoformat(iso).astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M") if iso else ""


def export_ledger(db: sqlite_utils.Database, act: Act, unit_id: str, start: date, end: date) -> str:
    """The ledger CSV of a unit and date range; the export is logged."""
    cases = ledger_rows(db, act.actor, unit_id, start, end)
    act.log(db, "ledger_exported", detail={"unit": unit_id, "from": str(start), "to": str(end), "cases": len(cases)})
    return ledger_csv(db, cases, act.at)
