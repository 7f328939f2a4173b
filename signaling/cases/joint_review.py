"""联审: a case sent to several departments at once, approved only when all of them approve."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ..access.jurisdictions import district_of
from ..audit.acts import Act
from ..exceptions import Conflict, InvalidInput
from ..storage.database import rows

if TYPE_CHECKING:
    import sqlite_utils

REVIEW_STATES = ("reviewing", "approved", "refused", "supplement_requested")
REVIEW_STATE_NAMES = {
    "reviewing": "审核中", "approved": "同意", "refused": "不同意", "supplement_requested": "需补充材料",
}
DECISIONS = {"approve": "approved", "refuse": "refused", "request_supplement": "supplement_requested"}
# Departments decide while the handling window is still deciding.
OPEN_CASE_STATES = ("under_review", "pending")


def review_rows(db: sqlite_utils.Database, case_id: int) -> list[dict[str, Any]]:
    """Every department's review of the case, visible to everyone who sees the case."""
    found = rows(
        db, "select case_reviews.*, units.name as unit_name from case_reviews"
        " join units on units.id = case_reviews.unit_id where case_id = ? order by case_reviews.id",
        [case_id],
    )
    return [
        {
            "unit_id": r["unit_id"], "unit_name": r["unit_name"], "state": r["state"],
            "state_name": REVIEW_STATE_NAMES[r["state"]], "reason": r["reason"],
            "materials": json.loads(r["materials"]) if r["materials"] else None,
            "sent_at": r["sent_at"], "decided_at": r["decided_at"],
        }
        for r in found
    ]


def send_to_departments(
    db: sqlite_utils.Database, act: Act, case: dict[str, Any], unit_ids: list[str]
) -> None:
    """The handling window sends the case to departments of its district for joint review."""
    if case["state"] not in OPEN_CASE_STATES:
        raise Conflict("只有审查中的办件可以发起联审。", "Only a case under review can be sent to departments.")
    departments = rows(
        db, f"select id, parent_id, kind from units where id in ({','.join('?' * len(unit_ids))})", unit_ids
    )
    found = {d["id"] for d in departments if d["kind"] == "department"}
    unknown = [u for u in unit_ids if u not in found]
    if unknown:
        raise InvalidInput(f"这些不是部门单位：{'、'.join(unknown)}。", f"Not department units: {', '.join(unknown)}.")
    already = {r["unit_id"] for r in review_rows(db, case["id"])}
    repeated = [u for u in unit_ids if u in already]
    if repeated:
        raise Conflict(f"已经发送给：{'、'.join(repeated)}。", f"Already sent to: {', '.join(repeated)}.")
    _check_same_district(db, case, departments)
    db.table("case_reviews").insert_all(
        {"case_id": case["id"], "unit_id": u, "state": "reviewing", "sent_by": act.actor.id, "sent_at": act.when}
        for u in unit_ids
    )
    act.log(db, "review_requested", case["id"], {"departments": unit_ids})


def _check_same_district(db: sqlite_utils.Database, case: dict[str, Any], departments: list[dict[str, Any]]) -> None:
    outside = [d["id"] for d in departments if district_of(db, d["id"]) != case["district_id"]]
    if outside:
        raise InvalidInput(
            f"只能发给本区的部门，这些不属于本区：{'、'.join(outside)}。",
            f"Departments outside the case's district: {', '.join(outside)}.",
        )


def decide_review(
    db: sqlite_utils.Database, act: Act, case: dict[str, Any], body: dict[str, Any]
) -> None:
    """A department records its opinion; refusals and supplement lists show to all parties."""
    if case["state"] not in OPEN_CASE_STATES:
        raise Conflict("办件已不在审查中，不能再提交审核意见。", "The case is no longer under review.")
    decision = DECISIONS[body["decision"]]
    if decision == "refused" and not (body.get("reason") or "").strip():
        raise InvalidInput("不同意时请写明理由。", "A refusal needs a reason.")
    if decision == "supplement_requested" and not body.get("materials"):
        raise InvalidInput("请列出需要补充的材料。", "List the missing materials.")
    materials = json.dumps(body["materials"], ensure_ascii=False) if body.get("materials") else None
    db.execute(
        "update case_reviews set state = ?, reason = ?, materials = ?, decided_by = ?, decided_at = ?"
        " where case_id = ? and unit_id = ?",
        [decision, body.get("reason"), materials, act.actor.id, act.when, case["id"], act.actor.unit_id],
    )
    act.log(db, "review_decided", case["id"], {
        "unit_id": act.actor.unit_id, "decision": decision, "reason": body.get("reason"),
        "materials": body.get("materials"),
    })


def reviews_block_approval(db: sqlite_utils.Database, case_id: int) -> None:
    """Refuse approval while any department has not approved."""
    waiting = [r for r in review_rows(db, case_id) if r["state"] != "approved"]
    if waiting:
        names = "、".join(f"{r['unit_name']}（{r['state_name']}）" for r in waiting)
        raise Conflict(f"联审部门尚未全部同意：{names}。", "Not every department has approved yet.")


def reviews_after_supplement(db: sqlite_utils.Database, case_id: int) -> None:
    """Departments that asked for materials review again once they are supplied."""
    db.execute(
        "update case_reviews set state = 'reviewing', decided_at = null where case_id = ?"
        " and state = 'supplement_requested'",
        [case_id],
    )
