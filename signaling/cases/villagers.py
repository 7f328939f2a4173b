"""Villagers' basic data (基础信息), stored once and reused for their next case.

The rule: any village clerk of the county (one server serves one county) may look a villager
up by ID number — a villager may come to any window — and every look-up is logged, found or
not. What is stored is what the 衡阳 一门式 form shares between departments: name, ID number,
性别 (read from the ID number), 民族, 户籍地, 现居地, 户口类别 and the phone. A clerk may fill in
or correct any of them but the name and ID number; nothing is overwritten unseen — each
change keeps the old value in `villager_history` (field, old, new, who, when) and is logged.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any

from protocol.idnumber import CitizenId, InvalidIdNumber, parse_citizen_id
from protocol.words import ErrorCode

from ..audit.acts import Act
from ..exceptions import Conflict, InvalidInput, NotFound
from ..storage.database import first, insert, rows

if TYPE_CHECKING:
    import sqlite_utils

PROFILE_FIELDS = ("phone", "ethnicity", "hukou_place", "residence", "hukou_type")
BASIC_DATA = ("gender", "ethnicity", "hukou_place", "residence", "hukou_type")  # beside name, ID and phone
FIELD_NAMES = {"phone": "联系电话", "ethnicity": "民族", "hukou_place": "户籍地", "residence": "现居地",
               "hukou_type": "户口类别"}
PHONE = re.compile(r"^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})$")  # ASCII digits only


def citizen_id(raw: str, today: date | None = None) -> CitizenId:
    """A checked ID number, or InvalidInput saying what is wrong with it."""
    try:
        return parse_citizen_id(raw, today)
    except InvalidIdNumber as wrong:
        raise InvalidInput(wrong.message, wrong.message_en, code=ErrorCode.INVALID_ID_NUMBER) from None


def not_yet_known() -> NotFound:
    return NotFound("系统中还没有此人的信息，请录入姓名和电话。", "No villager with this ID number yet.")


def find_villager(db: sqlite_utils.Database, id_number: str) -> dict[str, Any]:
    """A villager by ID number, or NotFound."""
    row = first(db, "select * from villagers where id_number = ?", [citizen_id(id_number).number])
    if row is None:
        raise not_yet_known()
    return row


def look_up_villager(db: sqlite_utils.Database, act: Act, id_number: str) -> dict[str, Any] | None:
    """A clerk looks a villager up to reuse their data (None: not known yet); every look-up is logged."""
    citizen = citizen_id(id_number)
    found = first(db, "select * from villagers where id_number = ?", [citizen.number])
    act.log(db, "villager_looked_up", detail={
        "villager_id": found["id"] if found else None, "id_number": citizen.masked, "found": found is not None})
    return villager_json(found) if found else None


def villager_json(row: dict[str, Any]) -> dict[str, Any]:
    """The basic data as the village window shows and edits it."""
    return {"name": row["name"], "id_number": row["id_number"], "gender": row["gender"],
            **{field: row[field] for field in PROFILE_FIELDS}}


def villager_for_case(
    db: sqlite_utils.Database, act: Act, given: dict[str, Any], village_id: str
) -> dict[str, Any]:
    """The stored villager for a new case: reused when known, created otherwise."""
    citizen = citizen_id(given["id_number"], today=act.at.date())
    row = first(db, "select * from villagers where id_number = ?", [citizen.number])
    name = (given.get("name") or "").strip()
    profile = given_profile(given)
    if row is not None:
        return _reuse(db, act, row, name, profile)
    if not name or not profile.get("phone"):
        raise InvalidInput("第一次办事的群众，请填写姓名和联系电话。", "A new villager needs a name and a phone.")
    row = {
        "id_number": citizen.number, "name": name, "gender": "男" if citizen.male else "女",
        **{field: None for field in PROFILE_FIELDS}, **profile, "village_id": village_id,
        "created_at": act.when, "updated_at": act.when,
    }
    row["id"] = insert(db, "villagers", row)
    act.log(db, "villager_registered", detail={"villager_id": row["id"]})
    return row


def given_profile(given: dict[str, Any]) -> dict[str, str]:
    """The basic data fields the clerk filled in (blank ones left out), the phone checked."""
    profile = {field: given[field].strip() for field in PROFILE_FIELDS if (given.get(field) or "").strip()}
    if "phone" in profile and not PHONE.match(profile["phone"]):
        raise InvalidInput("联系电话格式不对：请填写11位手机号或带区号的固定电话。", "Phone number is not valid.")
    return profile


def _reuse(
    db: sqlite_utils.Database, act: Act, row: dict[str, Any], name: str, profile: dict[str, str]
) -> dict[str, Any]:
    if name and name != row["name"]:
        raise Conflict(
            f"该身份证号已登记为「{row['name']}」，与填写的姓名不一致，请核对证件。",
            "This ID number is registered under another name.",
        )
    return record_changes(db, act, row, profile)


def record_changes(db: sqlite_utils.Database, act: Act, row: dict[str, Any], profile: dict[str, str]) -> dict[str, Any]:
    """Apply the changed fields, each old value kept in villager_history; the row as it is now."""
    changed = {field: value for field, value in profile.items() if value != row[field]}
    if not changed:
        return row
    for field, value in changed.items():
        history_id = insert(db, "villager_history", {
            "villager_id": row["id"], "field": field, "old_value": row[field], "new_value": value,
            "changed_by": act.actor.id, "changed_at": act.when,
        })
        act.log(db, "villager_updated", detail={"villager_id": row["id"], "field": field, "history_id": history_id})
    db.table("villagers").update(row["id"], {**changed, "updated_at": act.when})
    return {**row, **changed}


def edit_villager(db: sqlite_utils.Database, act: Act, id_number: str, given: dict[str, Any]) -> dict[str, Any]:
    """A clerk corrects a villager's basic data (name and ID number stay as registered)."""
    row = record_changes(db, act, find_villager(db, id_number), given_profile(given))
    return villager_json(row)


def villager_changes(db: sqlite_utils.Database, act: Act, id_number: str) -> list[dict[str, Any]]:
    """Every change of the villager's basic data, newest first, with who made it; the reading is logged."""
    row = find_villager(db, id_number)
    act.log(db, "villager_history_read", detail={"villager_id": row["id"]})
    return [{**r, "field_name": FIELD_NAMES.get(r["field"], r["field"])} for r in rows(
        db, "select villager_history.field, villager_history.old_value, villager_history.new_value,"
        " villager_history.changed_at, accounts.display_name as changed_by from villager_history"
        " left join accounts on accounts.id = villager_history.changed_by where villager_id = ?"
        " order by villager_history.id desc", [row["id"]])]
