"""The OpenAPI 3.1 description, built from the same declarations that register the routes."""

from __future__ import annotations

import re
from typing import Any

from .routing import Endpoint

ERROR = {
    "type": "object",
    "required": ["error", "message"],
    "properties": {
        "error": {"type": "string", "description": "machine-readable code"},
        "message": {"type": "string", "description": "说明(中文),给窗口工作人员看"},
        "message_en": {"type": "string"},
    },
}
PATH_PARAM = re.compile(r"{(\w+)}")


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
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    op: dict[str, Any] = {
        "summary": endpoint.summary,
        "tags": [endpoint.tag],
        "parameters": [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in PATH_PARAM.findall(endpoint.documented_path)
        ] + [
            {"name": q.name, "in": "query", "required": False, "description": q.description,
             "schema": {"type": q.type}}
            for q in endpoint.query
        ],
        "responses": {
            "200": {"description": "OK", "content": {endpoint.produces: {}}},
            "400": {"description": "输入有误 bad input", **error},
            "404": {"description": "不存在或无权查看 not found", **error},
        },
    }
    if endpoint.body is not None:
        schema = endpoint.body_doc or endpoint.body
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": schema}}}
    if not endpoint.public:
        op["security"] = [{"session": []}]
        op["responses"]["401"] = {"description": "未登录 not logged in", **error}
        op["responses"]["403"] = {"description": "无权操作 forbidden", **error}
    return op
