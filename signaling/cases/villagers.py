"""Villagers' basic data (基础信息), stored once and reused for their next case."""

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


def find_villager(db: sqlite_utils.Database, id_number: str) -> dict[str, Any]:
    """A villager by ID number, or NotFound."""
    citizen = citizen_id(id_number)
    row = first(db, "select * from villagers where id_number = ?", [citizen.number])
    if row is None:
        raise NotFound("系统中还没有此人的信息,请录入姓名和电话。", "No villager with this ID number yet.")
    return row


def look_up_villager(db: sqlite_utils.Database, act: Act, id_number: str) -> dict[str, Any]:
    """A clerk looks a villager up to reuse their data; the look-up is logged."""
    found = find_villager(db, id_number)
    act.log(db, "villager_looked_up", detail={"villager_id": found["id"]})
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
        db.table("villagers").update(row["id"], {"phone": phone, "updated_at": act.when})
        act.log(db, "villager_updated", detail={"villager_id": row["id"], "field": "phone"})
        row = {**row, "phone": phone}
    return row

