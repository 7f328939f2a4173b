"""Jurisdictions: district → town → village, and departments at town or district level."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..audit.acts import Act
from ..exceptions import Conflict, InvalidInput, NotFound
from ..storage.database import first, rows

if TYPE_CHECKING:
    import sqlite_utils

UNIT_KINDS = ("district", "town", "village", "department")
KIND_NAMES = {"district": "区", "town": "镇", "village": "村", "department": "部门"}
PARENT_KIND = {"town": ("district",), "village": ("town",), "department": ("town", "district")}


def get_unit(db: sqlite_utils.Database, unit_id: str) -> dict[str, Any]:
    """One unit, or NotFound."""
    unit = first(db, "select * from units where id = ?", [unit_id])
    if unit is None:
        raise NotFound(f"找不到单位「{unit_id}」。", f"No unit {unit_id}.")
    return unit


def list_units(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Every unit, parents before children."""
    order = "case kind when 'district' then 0 when 'town' then 1 when 'village' then 2 else 3 end"
    return rows(db, f"select * from units order by {order}, id")


def create_unit(db: sqlite_utils.Database, act: Act, unit: dict[str, Any]) -> dict[str, Any]:
    """Add a unit under an existing parent of the right kind."""
    kind = unit["kind"]
    if first(db, "select id from units where id = ?", [unit["id"]]):
        raise Conflict(f"单位编号「{unit['id']}」已存在。", f"Unit {unit['id']} exists already.")
    parent_id = unit.get("parent_id") or None
    if parent_id and get_unit(db, parent_id)["retired_at"]:
        raise InvalidInput("上级单位已撤销，不能在其下新建单位。", "The parent unit is retired.")
    if kind == "district":
        if parent_id:
            raise InvalidInput("区是最高一级，不能有上级单位。", "A district has no parent unit.")
    else:
        _check_parent(db, kind, parent_id)
    dept_code = unit.get("dept_code") or None
    if kind == "department":
        if not dept_code or not first(db, "select code from departments where code = ?", [dept_code]):
            raise InvalidInput("部门单位必须指定已有的部门类别。", "A department unit needs a known dept_code.")
    row = {
        "id": unit["id"], "name": unit["name"], "name_en": unit.get("name_en", ""),
        "kind": kind, "parent_id": parent_id, "dept_code": dept_code, "created_at": act.when,
    }
    db.table("units").insert(row)
    act.log(db, "unit_created", detail={"unit_id": row["id"], "name": row["name"], "kind": kind})
    return row


def _check_parent(db: sqlite_utils.Database, kind: str, parent_id: str | None) -> None:
    parent = first(db, "select kind from units where id = ?", [parent_id]) if parent_id else None
    allowed = PARENT_KIND[kind]
    if parent is None or parent["kind"] not in allowed:
        names = "或".join(KIND_NAMES[k] for k in allowed)
        raise InvalidInput(
            f"{KIND_NAMES[kind]}级单位的上级必须是已有的{names}。",
            f"A {kind} needs an existing parent of kind {' or '.join(allowed)}.",
        )


def village_chain(db: sqlite_utils.Database, village_id: str) -> tuple[dict, dict, dict]:
    """The village, its town and its district."""
    village = get_unit(db, village_id)
    town = get_unit(db, village["parent_id"])
    district = get_unit(db, town["parent_id"])
    return village, town, district


def district_of(db: sqlite_utils.Database, unit_id: str) -> str:
    """The district a unit belongs to (a district is its own)."""
    unit = get_unit(db, unit_id)
    while unit["kind"] != "district":
        unit = get_unit(db, unit["parent_id"])
    return str(unit["id"])


def units_within(db: sqlite_utils.Database, unit_id: str) -> set[str]:
    """The unit and every unit below it."""
    found, frontier = {unit_id}, [unit_id]
    while frontier:
        children = rows(
            db, f"select id from units where parent_id in ({','.join('?' * len(frontier))})",
            frontier,
        )
        frontier = [child["id"] for child in children if child["id"] not in found]
        found.update(frontier)
    return found


def set_unit_seal(db: sqlite_utils.Database, act: Act, unit_id: str, digest: str) -> None:
    """The seal image a unit uploaded (stored in the archive) replaces its generated seal."""
    get_unit(db, unit_id)
    db.table("units").update(unit_id, {"seal_digest": digest})
    act.log(db, "unit_seal_uploaded", detail={"unit_id": unit_id, "sha256": digest})


def change_unit(db: sqlite_utils.Database, act: Act, unit_id: str, changes: dict[str, Any]) -> dict[str, Any]:
    """Rename a unit, or retire (撤销) it: its cases and history stay, no new account or unit is bound to it.

    A unit is retired only once nothing active hangs on it (units below it, enabled accounts).
    """
    before = get_unit(db, unit_id)
    update: dict[str, Any] = {k: changes[k] for k in ("name", "name_en") if k in changes and changes[k] != before[k]}
    if "retired" in changes and bool(changes["retired"]) != bool(before["retired_at"]):
        if changes["retired"]:
            _check_retirable(db, before)
        update["retired_at"] = act.when if changes["retired"] else None
    if update:
        db.table("units").update(unit_id, update)
        act.log(db, "unit_changed", detail={"unit_id": unit_id, "before": {k: before[k] for k in update},
                                            "after": update})
    return get_unit(db, unit_id)


def _check_retirable(db: sqlite_utils.Database, unit: dict[str, Any]) -> None:
    below = first(db, "select name from units where parent_id = ? and retired_at is null", [unit["id"]])
    if below:
        raise Conflict(f"「{unit['name']}」下还有单位「{below['name']}」，请先撤销下级单位。",
                       "Retire the units below it first.")
    account = first(db, "select display_name from accounts where unit_id = ? and disabled = 0", [unit["id"]])
    if account:
        raise Conflict(f"「{unit['name']}」还有在用账号「{account['display_name']}」，请先停用或调到其他单位。",
                       "Disable or move its accounts first.")
