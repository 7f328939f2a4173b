"""通知发件箱: the villager's notices, written in the same transaction as what they announce.

A notice is a row of `notices` from the moment the case changes, so none is lost when the SMS
gateway is down or the server restarts: the courier (courier.py) sends what is pending, with
retries; without a gateway, or after too many failed tries, the notices are the village
window's call list (电话通知), marked done by the clerk who phoned.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..access.authz import authorize, case_filter
from ..access.roles import Account
from ..audit.acts import Act
from ..config import CHINA_TZ
from ..exceptions import Conflict, NotFound
from ..storage.database import first, insert, rows

if TYPE_CHECKING:
    import sqlite_utils

KIND_NAMES = {"accepted": "受理通知", "supplement": "补充材料通知", "decision": "审批结果通知",
              "ready": "领取通知"}
PENDING, SENT, CALLED, GAVE_UP = "pending", "sent", "called", "gave_up"
MAX_ATTEMPTS = 12  # then the clerk phones instead (about a day of backing off)


def queue_notice(db: sqlite_utils.Database, act: Act, case: dict[str, Any], kind: str, news: str) -> int | None:
    """Write the villager's notice about the case (None when no phone is on file)."""
    villager = first(db, "select phone from villagers where id = ?", [case["villager_id"]]) or {}
    if not villager.get("phone"):
        return None
    village = first(db, "select name from units where id = ?", [case["village_id"]]) or {}
    text = (f"【村能办】您在{village.get('name', '')}便民服务站办理的事项（办件编号{case['number']}）{news}"
            "扫描受理回执上的二维码可查进度。")
    notice_id = insert(db, "notices", {
        "case_id": case["id"], "kind": kind, "phone": villager["phone"], "text": text, "state": PENDING,
        "attempts": 0, "next_attempt_at": act.when, "created_at": act.when,
    })
    act.log(db, "notice_queued", case["id"], {"notice_id": notice_id, "kind": kind})
    return notice_id


def due_notices(db: sqlite_utils.Database, now: datetime, limit: int = 20) -> list[dict[str, Any]]:
    """Pending notices whose next try has come, oldest first."""
    return rows(db, "select * from notices where state = ? and next_attempt_at <= ? order by id limit ?",
                [PENDING, now.isoformat(), limit])


def record_delivery(db: sqlite_utils.Database, act: Act, notice_id: int) -> None:
    """The gateway took the notice: it is sent, once."""
    db.execute("update notices set state = ?, sent_at = ?, attempts = attempts + 1, last_error = null"
               " where id = ? and state = ?", [SENT, act.when, notice_id, PENDING])
    row = first(db, "select case_id from notices where id = ?", [notice_id]) or {}
    act.log(db, "notice_sent", row.get("case_id"), {"notice_id": notice_id})


def record_failure(db: sqlite_utils.Database, act: Act, notice_id: int, error: str, retry_at: datetime) -> None:
    """A failed try: another later, or — after MAX_ATTEMPTS — the notice goes to the call list."""
    row = first(db, "select attempts, case_id from notices where id = ?", [notice_id])
    if row is None:
        return
    attempts = row["attempts"] + 1
    state = GAVE_UP if attempts >= MAX_ATTEMPTS else PENDING
    db.table("notices").update(notice_id, {"attempts": attempts, "last_error": error[:300], "state": state,
                                           "next_attempt_at": retry_at.isoformat()})
    if state == GAVE_UP:
        act.log(db, "notice_undelivered", row["case_id"], {"notice_id": notice_id, "attempts": attempts})


def call_list(db: sqlite_utils.Database, account: Account, phoned_by_sms: bool) -> list[dict[str, Any]]:
    """电话通知: the notices the village window should phone — every waiting one when no SMS gateway is set,
    else those the gateway never took."""
    authorize(account, "notice.list")
    where, params = case_filter(account)
    states = [GAVE_UP] if phoned_by_sms else [PENDING, GAVE_UP]
    found = rows(
        db, "select notices.*, cases.number, villagers.name as villager_name from notices"
        " join cases on cases.id = notices.case_id join villagers on villagers.id = cases.villager_id"
        f" where {where} and notices.state in ({','.join('?' * len(states))}) order by notices.id",
        [*params, *states],
    )
    return [{"id": r["id"], "case_id": r["case_id"], "case_number": r["number"], "kind": r["kind"],
             "kind_name": KIND_NAMES[r["kind"]], "villager_name": r["villager_name"], "phone": r["phone"],
             "text": r["text"], "created_at": r["created_at"], "attempts": r["attempts"]} for r in found]


def mark_called(db: sqlite_utils.Database, act: Act, notice_id: int) -> dict[str, Any]:
    """The clerk phoned the villager with this notice."""
    row = first(db, "select notices.*, cases.village_id, cases.town_id, cases.district_id, cases.handler_unit_id"
                    " from notices join cases on cases.id = notices.case_id where notices.id = ?", [notice_id])
    if row is None:
        raise NotFound("找不到该通知。", "No such notice.")
    authorize(act.actor, "notice.call", {**row, "id": row["case_id"]})
    if row["state"] not in (PENDING, GAVE_UP):
        raise Conflict("该通知已经送达或已电话通知过。", f"The notice is {row['state']}.")
    db.table("notices").update(notice_id, {"state": CALLED, "called_by": act.actor.id, "sent_at": act.when})
    act.log(db, "notice_called", row["case_id"], {"notice_id": notice_id})
    return {"id": notice_id, "state": CALLED}


def case_notices(db: sqlite_utils.Database, case_id: int) -> list[dict[str, Any]]:
    """What the villager was told about a case and how far each notice got."""
    return [{"id": r["id"], "kind": r["kind"], "kind_name": KIND_NAMES[r["kind"]], "state": r["state"],
             "created_at": r["created_at"], "sent_at": r["sent_at"], "attempts": r["attempts"]}
            for r in rows(db, "select * from notices where case_id = ? order by id", [case_id])]


def local_date(iso: str) -> str:
    """A stored time as the villager reads a date: 12月7日."""
    day = datetime.fromisoformat(iso).astimezone(CHINA_TZ)
    return f"{day.month}月{day.day}日"
