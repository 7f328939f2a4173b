"""Request bodies: parsed once (JSON any sender may write), then checked against JSON Schema.

Every body and WebSocket message goes through `parse_json`, so what no handler should ever
see is refused in one place, with a message a clerk can read: JSON nested deeper than any
of our messages, NaN and Infinity, numbers beyond what JavaScript holds exactly (a SQLite
id overflows well before 2⁷⁰), lone surrogates (they cannot be stored or sent back as
UTF-8), and control characters — NUL, ESC, DEL, C1, and the bidirectional overrides
(RLO…) that make a name display as something else. Tabs and line breaks stay: notes and
chat may have several lines.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import jsonschema

from protocol.words import ErrorCode

from ..exceptions import InvalidInput

TYPE_NAMES = {
    "string": "文字", "integer": "整数", "number": "数字", "boolean": "是/否",
    "array": "列表", "object": "对象",
}


MAX_DEPTH = 32  # our deepest message is 4 levels; the C parser itself gives up near 1,000
MAX_SAFE_INTEGER = 2**53 - 1  # JavaScript's Number.MAX_SAFE_INTEGER
FORBIDDEN_CHARACTERS = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
# A name is one line: no tab or line break (a schema pattern; the look-ahead stops Python's `$`
# from accepting a final line break, which ECMA-262 regular expressions never do).
ONE_LINE = r"^[^\t\n\r]*$(?!\n)"


def malformed(zh: str, en: str) -> InvalidInput:
    return InvalidInput(zh, en, code=ErrorCode.MALFORMED_JSON)


def parse_json(raw: str | bytes) -> Any:
    """The JSON value of a request body or message, or InvalidInput saying what is wrong with it."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        value = json.loads(text, parse_constant=_refuse_constant, parse_int=_safe_int, parse_float=_finite_float)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise malformed("请求内容不是有效的 JSON。", "The request body is not valid JSON.") from None
    except RecursionError:
        raise _too_deep() from None
    check_values(value)
    return value


def _refuse_constant(name: str) -> Any:
    raise malformed(f"数字不能是 {name}。", f"{name} is not a number JSON allows.")


def _safe_int(digits: str) -> int:
    if len(digits.lstrip("-")) > 16 or abs(int(digits)) > MAX_SAFE_INTEGER:
        raise malformed("数字太大。", f"Integers must lie within ±{MAX_SAFE_INTEGER}.")
    return int(digits)


def _finite_float(digits: str) -> float:
    number = float(digits)
    if not math.isfinite(number):
        raise malformed("数字太大。", "Numbers must be finite.")
    return number


def _too_deep() -> InvalidInput:
    return malformed(f"请求内容嵌套太深（最多 {MAX_DEPTH} 层）。", f"JSON nested deeper than {MAX_DEPTH} levels.")


def check_values(value: Any) -> None:
    """Refuse nesting beyond MAX_DEPTH and any string (key or value) with a forbidden character."""
    pending: list[tuple[Any, int]] = [(value, 1)]  # a loop, not recursion: the depth is what is checked
    while pending:
        current, depth = pending.pop()
        if depth > MAX_DEPTH:
            raise _too_deep()
        if isinstance(current, str):
            _check_text(current)
        elif isinstance(current, dict):
            for key, item in current.items():
                _check_text(key)
                pending.append((item, depth + 1))
        elif isinstance(current, list):
            pending.extend((item, depth + 1) for item in current)


def _check_text(text: str) -> None:
    found = FORBIDDEN_CHARACTERS.search(text)
    if found:
        point = f"U+{ord(found.group()):04X}"
        raise InvalidInput(f"文字中含有不允许的控制字符({point}),请删除后重试。",
                           f"The text holds a control character ({point}) that is not allowed.",
                           code=ErrorCode.CONTROL_CHARACTER)


def validate_body(body: Any, schema: dict[str, Any]) -> None:
    """Raise InvalidInput describing the first problem of body against schema."""
    validator = jsonschema.Draft202012Validator(schema)
    error = jsonschema.exceptions.best_match(validator.iter_errors(body))
    if error is not None:
        raise InvalidInput(*describe(error), code=ErrorCode.INVALID_FIELD)


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
        return f"{label}太长，最多 {value} 个字。", f"{where} is longer than {value} characters."
    if kind == "minLength":
        return f"{label}不能为空。", f"{where} is too short."
    if kind in ("maximum", "minimum"):
        return f"{label}超出允许范围。", f"{where} is out of range ({kind} {value})."
    if kind in ("maxItems", "minItems"):
        return f"{label}的数量不符合要求。", f"{where}: {kind} {value}."
    if kind == "enum":
        return f"{label}只能是：{'、'.join(map(str, value))}。", f"{where} must be one of {value}."
    if kind == "additionalProperties":
        return f"请求中有不认识的字段：{error.message}。", f"{where}: {error.message}."
    if kind == "pattern" and value == ONE_LINE:
        return f"{label}只能写一行，不能有换行或制表符。", f"{where} must be one line (no line break or tab)."
    if kind == "pattern":
        return f"{label}格式不对。", f"{where} does not match the expected format."
    return f"{label}不符合要求。", f"{where}: {error.message}"
