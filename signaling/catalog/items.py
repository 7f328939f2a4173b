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
    """Load departments, items and bundles into an empty catalog; the number of items loaded."""
    if first(db, "select code from items limit 1"):
        return 0
    db.table("departments").insert_all(
        {"code": d["code"], "name": d["name"], "name_en": d.get("name_en", "")}
        for d in catalog["departments"]
    )
    for item in catalog["items"]:
        _check_departments(db, item)
        db.table("items").insert(item_row(item, act.when))
    for bundle in catalog["bundles"]:
        db.table("bundles").insert({**bundle, "items": json.dumps(bundle["items"])})
        for code in bundle["items"]:
            get_item(db, code)
    act.log(db, "catalog_loaded", detail={"items": len(catalog["items"]), "bundles": len(catalog["bundles"])})
    return len(catalog["items"])


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


def list_items(db: sqlite_utils.Database, level: str | None = None) -> list[dict[str, Any]]:
    """The catalog, optionally one level only."""
    where, params = ("where level = ?", [level]) if level else ("", [])
    return [item_from_row(r) for r in rows(db, f"select * from items {where} order by code", params)]


def get_bundle(db: sqlite_utils.Database, code: str) -> dict[str, Any]:
    """One 一件事 bundle with its items, or NotFound."""
    row = first(db, "select * from bundles where code = ?", [code])
    if row is None:
        raise NotFound(f"没有编码为「{code}」的一件事套餐。", f"No bundle {code}.")
    return {**row, "items": [get_item(db, c) for c in json.loads(row["items"])]}


def list_bundles(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Every bundle with the codes of its items."""
    return [{**r, "items": json.loads(r["items"])} for r in rows(db, "select * from bundles order by code")]


def list_departments(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    return rows(db, "select * from departments order by code")


def save_item(db: sqlite_utils.Database, act: Act, item: dict[str, Any]) -> dict[str, Any]:
    """Create or replace an item (admin)."""
    _check_departments(db, item)
    existed = first(db, "select code from items where code = ?", [item["code"]]) is not None
    db.table("items").upsert(item_row(item, act.when), pk="code")
    act.log(db, "item_updated" if existed else "item_created", detail={"code": item["code"]})
    return get_item(db, item["code"])


def _check_departments(db: sqlite_utils.Database, item: dict[str, Any]) -> None:
    known = {d["code"] for d in list_departments(db)}
    unknown = [code for code in item["departments"] if code not in known]
    if unknown:
        raise InvalidInput(
            f"未知的办理部门:{'、'.join(unknown)}。", f"Unknown departments: {', '.join(unknown)}."
        )


def combined_materials(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """一件事: one set of materials for several items (same name listed once, largest count)."""
    merged: dict[str, dict[str, Any]] = {}
    for item in items:
        for material in item["materials"]:
            known = merged.get(material["name"])
            if known is None:
                merged[material["name"]] = dict(material)
            else:
                known["count"] = max(known["count"], material["count"])
                if material["form"] == "original":
                    known["form"] = "original"
    return list(merged.values())
