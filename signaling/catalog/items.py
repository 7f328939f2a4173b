"""事项清单: the item catalog (and 一件事 bundles), loaded from a data file, edited by admin."""

from __future__ import annotations

import json
from importlib.resources import files
from typing import TYPE_CHECKING, Any

import jsonschema

from ..audit.acts import Act
from ..exceptions import InvalidInput, NotFound
from ..storage.database import first, rows

if TYPE_CHECKING:
    import sqlite_utils

LEVELS = ("village", "town", "district")
LEVEL_NAMES = {"village": "村级", "town": "镇级", "district": "区级"}
LEVEL_RANK = {level: rank for rank, level in enumerate(LEVELS)}

MATERIAL_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "材料",
    "required": ["name", "form", "count"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "title": "材料名称", "minLength": 1, "maxLength": 100},
        "form": {"type": "string", "title": "原件或复印件", "enum": ["original", "copy"]},
        "count": {"type": "integer", "title": "份数", "minimum": 1, "maximum": 20},
        # 一件事: the one document this material is, under the name a bundle asks for it once
        "shared": {"type": "string", "title": "同一份材料", "minLength": 1, "maxLength": 100},
    },
}

ITEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "事项",
    "required": ["code", "name", "title", "level", "departments", "materials", "time_limit_days", "guide"],
    "additionalProperties": False,
    "properties": {
        "code": {"type": "string", "title": "事项编码", "pattern": "^[A-Z][A-Z0-9-]{1,31}$"},
        "name": {"type": "string", "title": "事项名称", "minLength": 1, "maxLength": 100},
        "name_en": {"type": "string", "title": "英文名称", "maxLength": 200},
        "title": {"type": "string", "title": "通俗名称", "minLength": 1, "maxLength": 50},
        "level": {"type": "string", "title": "办理层级", "enum": list(LEVELS)},
        "departments": {
            "type": "array", "title": "办理部门", "maxItems": 10,
            "items": {"type": "string", "maxLength": 32},
        },
        "materials": {"type": "array", "title": "申请材料", "maxItems": 40, "items": MATERIAL_SCHEMA},
        "time_limit_days": {"type": "integer", "title": "办理时限", "minimum": 0, "maximum": 365},
        "guide": {"type": "string", "title": "办事指南", "maxLength": 4000},
    },
}

BUNDLE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["code", "name", "title", "items"],
    "properties": {
        "code": {"type": "string"}, "name": {"type": "string"}, "title": {"type": "string"},
        "items": {"type": "array", "minItems": 2, "items": {"type": "string"}},
        "optional": {"type": "array", "items": {"type": "string"}},  # items done only when they apply
        "guide": {"type": "string"}, "name_en": {"type": "string"},
    },
}

CATALOG_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["departments", "items", "bundles"],
    "properties": {
        "departments": {"type": "array", "items": {
            "type": "object", "required": ["code", "name"],
            "properties": {"code": {"type": "string"}, "name": {"type": "string"}},
        }},
        "items": {"type": "array", "items": ITEM_SCHEMA},
        "bundles": {"type": "array", "items": BUNDLE_SCHEMA},
    },
}


def packaged_catalog() -> dict[str, Any]:
    """The catalog file shipped with the server (signaling/catalog/data/catalog.json)."""
    catalog: dict[str, Any] = json.loads((files("signaling.catalog") / "data" / "catalog.json").read_text("utf-8"))
    jsonschema.validate(catalog, CATALOG_SCHEMA)
    return catalog


def seed_catalog(db: sqlite_utils.Database, act: Act, catalog: dict[str, Any]) -> int:
    """Load the departments, items and bundles the database does not hold yet; the number of items added.

    A catalog shipped with an upgrade (43 items grew to 昭化's 141) reaches a county already running,
    while every item the admin edited or added stays as it is.
    """
    known = {table: {r["code"] for r in rows(db, f"select code from {table}")}
             for table in ("departments", "items", "bundles")}
    db.table("departments").insert_all(
        {"code": d["code"], "name": d["name"], "name_en": d.get("name_en", "")}
        for d in catalog["departments"] if d["code"] not in known["departments"]
    )
    items = [item for item in catalog["items"] if item["code"] not in known["items"]]
    for item in items:
        _check_departments(db, item)
        db.table("items").insert(item_row(item, act.when))
    bundles = [bundle for bundle in catalog["bundles"] if bundle["code"] not in known["bundles"]]
    for bundle in bundles:
        db.table("bundles").insert({**bundle, "items": json.dumps(bundle["items"]),
                                    "optional": json.dumps(bundle.get("optional", []))})
        for code in bundle["items"]:
            get_item(db, code)
    if items or bundles:
        act.log(db, "catalog_loaded", detail={"items": [i["code"] for i in items],
                                               "bundles": [b["code"] for b in bundles]})
    return len(items)


def item_row(item: dict[str, Any], when: str) -> dict[str, Any]:
    return {
        **item,
        "name_en": item.get("name_en", ""),
        "departments": json.dumps(item["departments"], ensure_ascii=False),
        "materials": json.dumps(item["materials"], ensure_ascii=False),
        "updated_at": when,
    }


def item_from_row(row: dict[str, Any]) -> dict[str, Any]:
    return {
        **row,
        "departments": json.loads(row["departments"]),
        "materials": json.loads(row["materials"]),
        "level_name": LEVEL_NAMES[row["level"]],
    }


def get_item(db: sqlite_utils.Database, code: str) -> dict[str, Any]:
    """One item, or NotFound."""
    row = first(db, "select * from items where code = ?", [code])
    if row is None:
        raise NotFound(f"事项清单中没有编码为「{code}」的事项。", f"No item {code} in the catalog.")
    return item_from_row(row)


def item_titles(db: sqlite_utils.Database, codes: set[str]) -> dict[str, dict[str, Any]]:
    """Code, name and plain title of many items in one query (a list of cases names its items)."""
    marks = ",".join("?" * len(codes))
    found = rows(db, f"select code, name, title from items where code in ({marks})", sorted(codes)) if codes else []
    return {item["code"]: item for item in found}


def list_items(db: sqlite_utils.Database, level: str | None = None, retired: bool = False) -> list[dict[str, Any]]:
    """The catalog, optionally one level only; the retired items only when asked for (the admin)."""
    conditions = [c for c, wanted in (("level = ?", level), ("retired_at is null", not retired)) if wanted]
    params = [level] if level else []
    where = f"where {' and '.join(conditions)}" if conditions else ""
    return [item_from_row(r) for r in rows(db, f"select * from items {where} order by code", params)]


def get_bundle(db: sqlite_utils.Database, code: str) -> dict[str, Any]:
    """One 一件事 bundle with its items (each saying whether it is optional), or NotFound."""
    row = first(db, "select * from bundles where code = ?", [code])
    if row is None:
        raise NotFound(f"没有编码为「{code}」的一件事套餐。", f"No bundle {code}.")
    optional = set(json.loads(row["optional"] or "[]"))
    return {**row, "optional": sorted(optional),
            "items": [{**get_item(db, c), "optional": c in optional} for c in json.loads(row["items"])]}


def list_bundles(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Every bundle with the codes of its items and of those only done when they apply."""
    return [{**r, "items": json.loads(r["items"]), "optional": json.loads(r["optional"] or "[]")}
            for r in rows(db, "select * from bundles order by code")]


def booklet_entries(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """What the guide booklet holds: every item, by level, then every 一件事 bundle with its items."""
    rank = {level: n for n, level in enumerate(LEVELS)}
    items = sorted(list_items(db), key=lambda item: (rank[item["level"]], item["code"]))
    return [*items, *(get_bundle(db, bundle["code"]) for bundle in list_bundles(db))]


def chosen_items(bundle: dict[str, Any], chosen: list[str] | None) -> list[dict[str, Any]]:
    """The bundle's items for one case: every required one, and the optional ones chosen (all if None)."""
    if chosen is None:
        return [item for item in bundle["items"] if not item["optional"]]
    codes = {item["code"] for item in bundle["items"]}
    foreign = [code for code in chosen if code not in codes]
    if foreign:
        raise InvalidInput(f"这些事项不属于「{bundle['name']}」：{'、'.join(foreign)}。",
                           f"Not items of {bundle['code']}: {', '.join(foreign)}.")
    missing = [item["title"] for item in bundle["items"] if not item["optional"] and item["code"] not in chosen]
    if missing:
        raise InvalidInput(f"「{bundle['name']}」必须包含：{'、'.join(missing)}。",
                           f"{bundle['code']} always includes: {', '.join(missing)}.")
    return [item for item in bundle["items"] if item["code"] in chosen]


def list_departments(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    return rows(db, "select * from departments order by code")


def save_item(db: sqlite_utils.Database, act: Act, item: dict[str, Any]) -> dict[str, Any]:
    """Create or replace an item (admin)."""
    _check_departments(db, item)
    before = first(db, "select * from items where code = ?", [item["code"]])
    if before is not None:
        _keep_version(db, act, before, "updated")
    db.table("items").upsert(item_row(item, act.when), pk="code")
    act.log(db, "item_updated" if before else "item_created", detail={"code": item["code"]})
    return get_item(db, item["code"])


def retire_item(db: sqlite_utils.Database, act: Act, code: str, retired: bool) -> dict[str, Any]:
    """停办 an item (no new case may ask for it; the cases that did keep it), or offer it again."""
    before = first(db, "select * from items where code = ?", [code])
    if before is None:
        get_item(db, code)  # NotFound
    elif bool(before["retired_at"]) != retired:
        _keep_version(db, act, before, "retired" if retired else "reinstated")
        db.table("items").update(code, {"retired_at": act.when if retired else None, "updated_at": act.when})
        act.log(db, "item_retired" if retired else "item_reinstated", detail={"code": code})
    return get_item(db, code)


def _keep_version(db: sqlite_utils.Database, act: Act, before: dict[str, Any], change: str) -> None:
    """事项变更记录: the version being replaced, whole, with who changed it and when."""
    db.table("item_history").insert({"code": before["code"], "change": change,
                                     "before": json.dumps(item_from_row(before), ensure_ascii=False),
                                     "changed_by": act.actor.id, "changed_at": act.when})


def item_history(db: sqlite_utils.Database, code: str) -> list[dict[str, Any]]:
    """Each earlier version of an item, newest first, with who replaced it."""
    get_item(db, code)
    found = rows(db, "select item_history.*, accounts.display_name as changed_by_name from item_history"
                     " left join accounts on accounts.id = item_history.changed_by where code = ? order by id desc",
                 [code])
    return [{**entry, "before": json.loads(entry["before"])} for entry in found]


def _check_departments(db: sqlite_utils.Database, item: dict[str, Any]) -> None:
    known = {d["code"] for d in list_departments(db)}
    unknown = [code for code in item["departments"] if code not in known]
    if unknown:
        raise InvalidInput(
            f"未知的办理部门：{'、'.join(unknown)}。", f"Unknown departments: {', '.join(unknown)}."
        )


def bundle_for_case(db: sqlite_utils.Database, code: str, chosen: list[str] | None) -> dict[str, Any]:
    """A bundle as the village window offers it: its items, those chosen, and their one set of materials."""
    bundle = get_bundle(db, code)
    items = chosen_items(bundle, chosen)
    return {**bundle, "chosen": [item["code"] for item in items], "materials": combined_materials(items)}


def combined_materials(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """一件事: one set of materials for several items — the same document asked once (by its shared
    name, or its own when the items name it alike), at its largest count, as an original if any item
    wants the original; each says which items asked for it (`for`)."""
    merged: dict[str, dict[str, Any]] = {}
    for item in items:
        for material in item["materials"]:
            key = material.get("shared", material["name"])
            known = merged.setdefault(key, {**material, "for": []})
            if known["for"]:
                known["name"] = key  # asked by more than one item: named as the one document it is
                known["count"] = max(known["count"], material["count"])
                if material["form"] == "original":
                    known["form"] = "original"
            known["for"].append({"code": item["code"], "name": material["name"]})
    return [{k: v for k, v in m.items() if k != "shared"} for m in merged.values()]
