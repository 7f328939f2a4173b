"""Villagers' basic data (基础信息), stored once and reused for their next case.

The rule: any village clerk of the county (one server serves one county) may look a villager
up by ID number — a villager may come to any window — and every look-up is logged, found or
not. A clerk may bring the phone up to date when the villager gives a new one at the window;
the old number is never lost: it stays in `villager_history` (who changed it, when), and the
change is logged.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any

from protocol.idnumber import CitizenId, InvalidIdNumber, parse_citizen_id

from ..audit.acts import Act
from ..exceptions import Conflict, InvalidInput, NotFound
from ..storage.database import first, insert

if TYPE_CHECKING:
    import sqlite_utils

PHONE = re.compile(r"^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})$")  # ASCII digits only


def citizen_id(raw: str, today: date | None = None) -> CitizenId:
    """A checked ID number, or InvalidInput saying what is wrong with it."""
    try:
        return parse_citizen_id(raw, today)
    except InvalidIdNumber as wrong:
        raise InvalidInput(wrong.message, wrong.message_en, code="invalid_id_number") from None


def not_yet_known() -> NotFound:
    return NotFound("系统中还没有此人的信息,请录入姓名和电话。", "No villager with this ID number yet.")


def look_up_villager(db: sqlite_utils.Database, act: Act, id_number: str) -> dict[str, Any] | None:
    """A clerk looks a villager up to reuse their data (None: not known yet); every look-up is logged."""
    citizen = citizen_id(id_number)
    found = first(db, "select * from villagers where id_number = ?", [citizen.number])
    act.log(db, "villager_looked_up", detail={
        "villager_id": found["id"] if found else None, "id_number": citizen.masked, "found": found is not None})
    if found is None:
        return None
    return {"name": found["name"], "phone": found["phone"], "id_number": found["id_number"]}


def villager_for_case(
    db: sqlite_utils.Database, act: Act, given: dict[str, Any], village_id: str
) -> dict[str, Any]:
    """The stored villager for a new case: reused when known, created otherwise."""
    citizen = citizen_id(given["id_number"], today=act.at.date())
    row = first(db, "select * from villagers where id_number = ?", [citizen.number])
    name, phone = (given.get("name") or "").strip(), (given.get("phone") or "").strip()
    if phone and not PHONE.match(phone):
        raise InvalidInput("联系电话格式不对:请填写11位手机号或带区号的固定电话。", "Phone number is not valid.")
    if row is not None:
        return _reuse(db, act, row, name, phone)
    if not name or not phone:
        raise InvalidInput("第一次办事的群众,请填写姓名和联系电话。", "A new villager needs a name and a phone.")
    row = {
        "id_number": citizen.number, "name": name, "phone": phone, "village_id": village_id,
        "created_at": act.when, "updated_at": act.when,
    }
    row["id"] = insert(db, "villagers", row)
    act.log(db, "villager_registered", detail={"villager_id": row["id"]})
    return row


def _reuse(db: sqlite_utils.Database, act: Act, row: dict[str, Any], name: str, phone: str) -> dict[str, Any]:
    if name and name != row["name"]:
        raise Conflict(
            f"该身份证号已登记为「{row['name']}」,与填写的姓名不一致,请核对证件。",
            "This ID number is registered under another name.",
        )
    if phone and phone != row["phone"]:
        history_id = insert(db, "villager_history", {
            "villager_id": row["id"], "field": "phone", "old_value": row["phone"], "new_value": phone,
            "changed_by": act.actor.id, "changed_at": act.when,
        })
        db.table("villagers").update(row["id"], {"phone": phone, "updated_at": act.when})
        act.log(db, "villager_updated", detail={"villager_id": row["id"], "field": "phone", "history_id": history_id})
        row = {**row, "phone": phone}
    return row

