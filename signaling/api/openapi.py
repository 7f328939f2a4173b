"""The OpenAPI 3.1 description, built from the same declarations that register the routes.

It says what every route takes (path and query parameters typed, JSON bodies by their schema,
raw bodies as bytes) and answers (its success status and media type, the answer's schema from
replies.py where declared; any 4xx in the one error shape), so Schemathesis can fuzz the API
against it (tests/test_api_fuzz.py).
"""

from __future__ import annotations

import re
from typing import Any

from ..cases.workflow import Action, State
from ..catalog.items import LEVELS
from .routing import Endpoint

ERROR = {
    "type": "object",
    "required": ["error", "message", "message_en"],
    "properties": {
        "error": {"type": "string", "description": "machine-readable code"},
        "message": {"type": "string", "description": "说明（中文），给窗口工作人员看"},
        "message_en": {"type": "string"},
    },
}
PATH_PARAM = re.compile(r"{(\w+)}")
# Path ids are 1 to 12 ASCII digits (routing.path_int).
NUMBER = {"type": "integer", "minimum": 0, "maximum": 999_999_999_999}
PATH_SCHEMAS: dict[str, dict[str, Any]] = {
    **dict.fromkeys(("case_id", "document_id", "account_id", "recording_id", "page", "level", "offset"), NUMBER),
    "action": {"type": "string", "enum": [action.value for action in Action]},
    "tile": {"type": "string", "pattern": "^[0-9]{1,6}_[0-9]{1,6}\\.jpg$"},
}
TEXT = {"type": "string"}
# Query parameters mean the same on every route that takes them.
YES_NO = {"type": "string", "enum": ["0", "1"]}
QUERY_SCHEMAS: dict[str, dict[str, Any]] = {
    "state": {"type": "string", "enum": [state.value for state in State]},
    "level": {"type": "string", "enum": list(LEVELS)},
    **dict.fromkeys(("overdue", "problem", "held"), YES_NO),
    **dict.fromkeys(("from", "to"), {"type": "string", "format": "date"}),
}
# Under /api/ every error is JSON (errors.py); the pages and files outside it answer aiohttp's plain text.
JSON_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
PLAIN_ERROR = {"text/plain": {"schema": TEXT}, **JSON_ERROR}


def openapi_document(endpoints: list[Endpoint], title: str, version: str) -> dict[str, Any]:
    """The whole description; every declared endpoint appears exactly once."""
    paths: dict[str, dict[str, Any]] = {}
    for endpoint in endpoints:
        paths.setdefault(endpoint.documented_path, {})[endpoint.method.lower()] = operation(endpoint)
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "paths": paths,
        "components": {
            "schemas": {"Error": ERROR},
            "securitySchemes": {"session": {"type": "http", "scheme": "bearer"}},
        },
    }


def operation(endpoint: Endpoint) -> dict[str, Any]:
    op: dict[str, Any] = {
        "summary": endpoint.summary,
        "tags": [endpoint.tag],
        "parameters": [
            {"name": name, "in": "path", "required": True, "schema": PATH_SCHEMAS.get(name, TEXT)}
            for name in PATH_PARAM.findall(endpoint.documented_path)
        ] + [
            {"name": q.name, "in": "query", "required": False, "description": q.description,
             "schema": QUERY_SCHEMAS.get(q.name, {"type": q.type})}
            for q in endpoint.query
        ],
        "responses": responses(endpoint),
    }
    if endpoint.body is not None:
        schema = endpoint.body_doc or endpoint.body
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": schema}}}
    elif endpoint.raw_body:
        binary = {"type": "string", "format": "binary"}
        op["requestBody"] = {"required": True, "content": {"application/octet-stream": {"schema": binary}}}
    if not endpoint.public:
        op["security"] = [{"session": []}]
    return op


def responses(endpoint: Endpoint) -> dict[str, Any]:
    """Success with its media type; every 4xx (bad input, not logged in, forbidden, not found,
    conflict, too large, locked…) in the error shape."""
    success = {"schema": endpoint.reply} if endpoint.reply is not None else {}
    errors = JSON_ERROR if endpoint.documented_path.startswith("/api/") else PLAIN_ERROR
    if endpoint.produces.startswith("text/html") and endpoint.method == "POST":
        errors = {**errors, endpoint.produces: {"schema": TEXT}}  # a form's page answers with itself, saying why
    return {
        str(endpoint.status): {"description": "OK", "content": {endpoint.produces: success}},
        "4XX": {"description": "输入有误、未登录、无权或不存在 bad input, not logged in, forbidden, not found…",
                "content": errors},
    }
