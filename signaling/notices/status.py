"""办件进度查询: what the public status page tells whoever holds the receipt — the state and the
next step, nothing personal — once the case number and the ID number's last 4 characters match;
and the villager's own rating (好差评) of a closed case there, once per case.
"""

from __future__ import annotations

import hmac
from collections import deque
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from ..audit.acts import Act
from ..cases.workflow import STATE_NAMES, State
from ..exceptions import Conflict, NotFound, TooManyTries
from ..storage.database import first
from .outbox import local_date

if TYPE_CHECKING:
    import sqlite_utils

NEXT_STEPS = {
    State.RECEIVED: "村便民服务站已受理，正在转交审查，预计{due}前办结。",
    State.UNDER_REVIEW: "正在审查，预计{due}前办结。",
    State.SUPPLEMENT_REQUESTED: "还需要补充材料：请按《资料补充回执清单》把材料交到村便民服务站，补齐后继续办理"
                                "（等待补充材料的日子不计入办理时限）。",
    State.PENDING: "已承诺在{promised}前办结，办好后会通知您。",
    State.APPROVED: "已批准。请带上身份证到村便民服务站领取结果。",
    State.REFUSED: "不予批准。请到村便民服务站了解理由和下一步怎么办。",
    State.CLOSED: "已办结。欢迎对这次服务打分评价。",
}
NOT_FOUND = NotFound("办件编号或身份证号后4位不对，请核对受理回执。",
                     "No case with this number and these last 4 ID characters.")


def public_status(db: sqlite_utils.Database, number: str, id_last4: str) -> dict[str, Any]:
    """The case's state and next step, or NotFound (the same answer for a wrong number or wrong digits)."""
    case = _matching_case(db, number, id_last4)
    state = State(case["state"])
    promised = date.fromisoformat(case["pending_until"]) if case["pending_until"] else None
    return {
        "number": case["number"], "state": str(state), "state_name": STATE_NAMES[state],
        "next_step": NEXT_STEPS[state].format(
            due=local_date(case["due_at"]), promised=f"{promised.month}月{promised.day}日" if promised else ""),
        "can_rate": state is State.CLOSED and case["rating"] is None, "rating": case["rating"],
    }


def _matching_case(db: sqlite_utils.Database, number: str, id_last4: str) -> dict[str, Any]:
    case = first(db, "select cases.*, villagers.id_number from cases join villagers on villagers.id ="
                     " cases.villager_id where cases.number = ?", [number.strip().upper()])
    if case is None or not hmac.compare_digest(case["id_number"][-4:].upper(), id_last4.strip().upper()):
        raise NOT_FOUND
    return case


def rate_as_villager(
    db: sqlite_utils.Database, act: Act, number: str, id_last4: str, score: int, comment: str
) -> dict[str, Any]:
    """好差评 by the villager on the status page: once per case, as at the window."""
    case = _matching_case(db, number, id_last4)
    if case["state"] != State.CLOSED:
        raise Conflict("办件办结后才能评价。", "Only a closed case can be rated.")
    if case["rating"] is not None:
        raise Conflict("这个办件已经评价过了，谢谢！", "This case was rated already.")
    db.table("cases").update(case["id"], {"rating": score, "rating_comment": comment, "rated_at": act.when,
                                          "rated_via": "villager"})
    act.log(db, "case_rated", case["id"], {"score": score, "comment": comment, "via": "status_page"})
    return public_status(db, number, id_last4)


@dataclass
class StatusThrottle:
    """Guessing the 4 characters is slow: a few look-ups per address, and a number locked after wrong tries."""

    per_address: int = 10
    window: timedelta = timedelta(minutes=10)
    wrong_per_case: int = 5
    lock: timedelta = timedelta(hours=1)
    _tries: dict[str, deque[datetime]] = field(default_factory=dict)
    _wrong: dict[str, deque[datetime]] = field(default_factory=dict)

    def check(self, address: str, number: str, now: datetime) -> None:
        """Count one look-up, or TooManyTries."""
        tries = _recent(self._tries.setdefault(address, deque()), now - self.window)
        wrong = _recent(self._wrong.get(number.strip().upper(), deque()), now - self.lock)
        if len(tries) >= self.per_address or len(wrong) >= self.wrong_per_case:
            raise TooManyTries("查询次数太多，请过一段时间再试。", "Too many look-ups: try again later.")
        tries.append(now)

    def failed(self, number: str, now: datetime) -> None:
        """A wrong number or wrong digits: counted against the number."""
        self._wrong.setdefault(number.strip().upper(), deque()).append(now)


def _recent(times: deque[datetime], since: datetime) -> deque[datetime]:
    while times and times[0] < since:
        times.popleft()
    return times
