"""JSON Schemas of answers, published in the OpenAPI description; Schemathesis checks every
answer against them (tests/test_api_fuzz.py). Fields a client relies on are required; an
answer may carry more."""

from __future__ import annotations

from typing import Any

from ..access.jurisdictions import UNIT_KINDS
from ..access.roles import Role
from ..cases.workflow import Action, State

STRING, NULLABLE = {"type": "string"}, {"type": ["string", "null"]}


def record(required: dict[str, Any], **optional: Any) -> dict[str, Any]:
    """An object with these fields required (and any others allowed)."""
    return {"type": "object", "required": list(required), "properties": {**required, **optional}}


def many(item: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": item}


OK = record({"ok": {"const": True}})
HEALTH = record({"ok": {"const": True}, "version": STRING})
ACCOUNT_ROW = record({
    "id": {"type": "integer"}, "username": STRING, "display_name": STRING,
    "role": {"enum": [str(role) for role in Role]}, "unit_id": STRING,
})
ACCOUNT = {**ACCOUNT_ROW, "required": [*ACCOUNT_ROW["required"], "role_name"],
           "properties": {**ACCOUNT_ROW["properties"], "role_name": STRING}}
UNIT = record({"id": STRING, "name": STRING, "kind": {"enum": list(UNIT_KINDS)}, "parent_id": NULLABLE},
              name_en=NULLABLE, dept_code=NULLABLE, seal_digest=NULLABLE)
SESSION = record({"token": STRING, "account": ACCOUNT})
ME = {**ACCOUNT, "required": [*ACCOUNT["required"], "unit"], "properties": {**ACCOUNT["properties"], "unit": UNIT}}
DEPARTMENT = record({"code": STRING, "name": STRING}, name_en=STRING)
CASE_SUMMARY = record({
    "id": {"type": "integer"}, "number": STRING, "state": {"enum": [str(state) for state in State]},
    "state_name": STRING, "villager_name": STRING, "village_id": STRING, "handler_unit_id": STRING,
    "items": many(record({"code": STRING, "name": STRING})), "opened_at": STRING, "due_at": STRING,
    "overdue": {"type": "boolean"},
})
CASE = {**CASE_SUMMARY, "required": [*CASE_SUMMARY["required"], "materials", "reviews", "actions"],
        "properties": {**CASE_SUMMARY["properties"], "materials": many({"type": "object"}),
                       "reviews": many({"type": "object"}), "actions": many({"enum": [str(a) for a in Action]})}}
ITEM = record({"code": STRING, "name": STRING, "level": STRING, "materials": {"type": "array"},
               "time_limit_days": {"type": "integer"}})
BUNDLE = record({"code": STRING, "name": STRING, "items": {"type": "array"}})
AUDIT_EVENT = record({"seq": {"type": "integer"}, "at": STRING, "actor": STRING, "action": STRING,
                      "detail": {"type": "object"}})
