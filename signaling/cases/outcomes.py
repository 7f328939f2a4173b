"""Per-item outcomes in one case (一件事): a refusal of one item does not block the others.

The handling window may refuse single items when it approves; a department that refuses in a
joint review refuses the items it handles, and the others can still be approved. Approval
waits only for departments still reviewing or waiting for materials, and is refused when it
would leave no item approved (that is a refusal of the case).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ..exceptions import Conflict, InvalidInput
from ..storage.database import rows
from .joint_review import REVIEW_STATE_NAMES

if TYPE_CHECKING:
    import sqlite_utils

OUTCOME_NAMES = {"approved": "准予办理", "refused": "不予办理"}


def approval_outcomes(
    db: sqlite_utils.Database, case: dict[str, Any], refused_items: list[dict[str, str]]
) -> dict[str, dict[str, Any]]:
    """Each item's outcome if the case were approved now, or Conflict/InvalidInput saying why not."""
    items = _case_items(db, case)
    refused = _window_refusals(items, refused_items)
    reviews = _department_reviews(db, case["id"])
    waiting = [r for r in reviews if r["state"] in ("reviewing", "supplement_requested")]
    if waiting:
        names = "、".join(f"{r['unit_name']}（{REVIEW_STATE_NAMES[r['state']]}）" for r in waiting)
        raise Conflict(f"联审部门尚未全部答复：{names}。", "Not every department has answered yet.")
    for review in reviews:
        if review["state"] == "refused":
            refused.update(_department_refusal(items, review))
    if len(refused) == len(items):
        raise Conflict("所有事项都不予办理，请选择「不予批准」并写明理由。",
                       "Every item is refused: refuse the case instead.")
    return {code: refused.get(code, {"outcome": "approved"}) for code in items}


def refusal_outcomes(case: dict[str, Any], reason: str) -> dict[str, dict[str, Any]]:
    """The case refused as a whole: every item refused for the same reason."""
    return {code: {"outcome": "refused", "reason": reason} for code in json.loads(case["item_codes"])}


def _case_items(db: sqlite_utils.Database, case: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = rows(db, "select items.code, items.name, items.departments from json_each(?)"
                     " join items on items.code = json_each.value order by json_each.key", [case["item_codes"]])
    return {r["code"]: {**r, "departments": json.loads(r["departments"])} for r in found}


def _window_refusals(items: dict[str, dict[str, Any]], refused_items: list[dict[str, str]]) -> dict[str, Any]:
    unknown = [r["code"] for r in refused_items if r["code"] not in items]
    if unknown:
        raise InvalidInput(f"这些不是本办件的事项：{'、'.join(unknown)}。", f"Not items of this case: {unknown}.")
    return {r["code"]: {"outcome": "refused", "reason": r["reason"].strip()} for r in refused_items}


def _department_reviews(db: sqlite_utils.Database, case_id: int) -> list[dict[str, Any]]:
    return rows(db, "select case_reviews.state, case_reviews.reason, units.id as unit_id, units.name as unit_name,"
                    " units.dept_code from case_reviews join units on units.id = case_reviews.unit_id"
                    " where case_reviews.case_id = ?", [case_id])


def _department_refusal(items: dict[str, dict[str, Any]], review: dict[str, Any]) -> dict[str, Any]:
    """The items a refusing department handles, refused with its reason; Conflict if it handles none."""
    own = [code for code, item in items.items() if review["dept_code"] in item["departments"]]
    if not own:
        raise Conflict(f"{review['unit_name']}不同意办理本办件，不能批准。", f"{review['unit_id']} refused the case.")
    reason = f"{review['unit_name']}：{review['reason']}"
    return {code: {"outcome": "refused", "reason": reason, "unit_id": review["unit_id"]} for code in own}


def outcome_list(db: sqlite_utils.Database, case: dict[str, Any]) -> list[dict[str, Any]]:
    """The decided items of a case, each with its outcome (empty until decided)."""
    if not case.get("item_outcomes"):
        return []
    outcomes = json.loads(case["item_outcomes"])
    items = _case_items(db, case)
    return [{"code": code, "name": items[code]["name"], "outcome_name": OUTCOME_NAMES[o["outcome"]], **o}
            for code, o in outcomes.items()]


def decision_wording(db: sqlite_utils.Database, case: dict[str, Any]) -> str:
    """审批结果 as the approval document prints it: 准予办理, or which items are and which are not."""
    decided = outcome_list(db, case)
    refused = [o for o in decided if o["outcome"] == "refused"]
    if not refused:
        return "准予办理"
    approved = "”“".join(o["name"] for o in decided if o["outcome"] == "approved")
    declined = "；".join(f"“{o['name']}”不予办理（{o['reason']}）" for o in refused)
    return f"“{approved}”准予办理；{declined}"
