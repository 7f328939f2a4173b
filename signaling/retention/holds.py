"""保全 (legal hold): an auditor or admin keeps a problem case (问题件) out of retention's reach.

Putting a case on hold marks it a problem case for good; while held, nothing of it
(recordings, scans, issued documents) is purged, however old. Both acts need a reason
and go into the audit chain, so the case timeline shows who held it, why, and when.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from protocol.words import ErrorCode

from ..audit.acts import Act
from ..cases.handling import authorized_case, hold_of
from ..exceptions import Conflict

if TYPE_CHECKING:
    import sqlite_utils


def hold_case(db: sqlite_utils.Database, act: Act, case_id: int, reason: str) -> dict[str, Any]:
    """Put the case on legal hold and mark it a problem case."""
    case = authorized_case(db, act.actor, case_id, "case.hold")
    if case["held_at"]:
        raise Conflict("该办件已在保全中。", "The case is on legal hold already.", code=ErrorCode.ALREADY_HELD)
    changes = {"problem": 1, "held_at": act.when, "held_by": act.actor.id, "hold_reason": reason.strip()}
    db.table("cases").update(case_id, changes)
    act.log(db, "case_held", case_id, {"reason": reason.strip()})
    return hold_state({**case, **changes})


def release_case(db: sqlite_utils.Database, act: Act, case_id: int, reason: str) -> dict[str, Any]:
    """End the legal hold; the case stays a problem case, and retention applies again."""
    case = authorized_case(db, act.actor, case_id, "case.hold")
    if not case["held_at"]:
        raise Conflict("该办件没有被保全。", "The case is not on legal hold.", code=ErrorCode.NOT_HELD)
    changes = {"held_at": None, "held_by": None, "hold_reason": None}
    db.table("cases").update(case_id, changes)
    act.log(db, "case_released", case_id, {
        "reason": reason.strip(), "held_since": case["held_at"], "hold_reason": case["hold_reason"],
    })
    return hold_state({**case, **changes})


def hold_state(case: dict[str, Any]) -> dict[str, Any]:
    """What the hold endpoints answer: the case, its problem flag and its hold."""
    return {"case_id": case["id"], "number": case["number"], "problem": bool(case["problem"]),
            "hold": hold_of(case)}
