"""Request bodies checked against JSON Schema, with errors a clerk can read."""

from __future__ import annotations

from typing import Any

import jsonschema

from ..exceptions import InvalidInput

TYPE_NAMES = {
    "string": "文字", "integer": "整数", "number": "数字", "boolean": "是/否",
    "array": "列表", "object": "对象",
}


def validate_body(body: Any, schema: dict[str, Any]) -> None:
    """Raise InvalidInput describing the first problem of body against schema."""
    validator = jsonschema.Draft202012Validator(schema)
    error = jsonschema.exceptions.best_match(validator.iter_errors(body))
    if error is not None:
        raise InvalidInput(*describe(error), code="invalid_field")


def field_label(error: jsonschema.ValidationError) -> str:
    """The field's Chinese title when the schema gives one, else its path."""
    title = error.schema.get("title") if isinstance(error.schema, dict) else None
    path = ".".join(str(part) for part in error.absolute_path) or "请求内容"
    return f"「{title}」({path})" if title else f"「{path}」"


def describe(error: jsonschema.ValidationError) -> tuple[str, str]:
    """(Chinese, English) messages for one schema violation."""
    label, value, where = field_label(error), error.validator_value, error.json_path
    kind = error.validator
    if kind == "required":
        missing = error.message.split("'")[1]
        properties = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
        title = properties.get(missing, {}).get("title")
        named = f"「{title}」({missing})" if title else f"「{missing}」"
        return f"缺少必填项{named}。", f"{where}: '{missing}' is required."
    if kind == "type":
        expected = TYPE_NAMES.get(str(value), str(value))
        return f"{label}应为{expected}。", f"{where} should be of type {value}."
    if kind == "maxLength":
        return f"{label}太长,最多 {value} 个字。", f"{where} is longer than {value} characters."
    if kind == "minLength":
        return f"{label}不能为空。", f"{where} is too short."
    if kind in ("maximum", "minimum"):
        return f"{label}超出允许范围。", f"{where} is out of range ({kind} {value})."
    if kind in ("maxItems", "minItems"):
        return f"{label}的数量不符合要求。", f"{where}: {kind} {value}."
    if kind == "enum":
        return f"{label}只能是:{'、'.join(map(str, value))}。", f"{where} must be one of {value}."
    if kind == "additionalProperties":
        return f"请求中有不认识的字段:{error.message}。", f"{where}: {error.message}."
    if kind == "pattern":
        return f"{label}格式不对。", f"{where} does not match the expected format."
    return f"{label}不符合要求。", f"{where}: {error.message}"
