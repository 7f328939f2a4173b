"""JSON Schemas of request bodies; titles are the Chinese field names errors use."""

from __future__ import annotations

from typing import Any

from ..access.jurisdictions import UNIT_KINDS
from ..access.roles import Role
from ..cases.workflow import Action
from ..catalog.items import ITEM_SCHEMA, MATERIAL_SCHEMA
from .validation import ONE_LINE


def obj(required: list[str], **properties: dict[str, Any]) -> dict[str, Any]:
    """An object schema that refuses unknown fields."""
    return {"type": "object", "required": required, "additionalProperties": False, "properties": properties}


def text(title: str, max_length: int, min_length: int = 1, **extra: Any) -> dict[str, Any]:
    return {"type": "string", "title": title, "minLength": min_length, "maxLength": max_length, **extra}


def name(title: str, max_length: int, min_length: int = 1) -> dict[str, Any]:
    """A name: one line (control characters are refused for every text, in parse_json)."""
    return text(title, max_length, min_length, pattern=ONE_LINE)


LOGIN = obj(["username", "password"], username=text("用户名", 64), password=text("密码", 128))

UNIT = obj(
    ["id", "name", "kind"],
    id=text("单位编号", 32, pattern="^[a-z0-9][a-z0-9-]*$"),
    name=name("单位名称", 64),
    name_en=name("英文名称", 128, 0),
    kind={"type": "string", "title": "单位类别", "enum": list(UNIT_KINDS)},
    parent_id=text("上级单位", 32),
    dept_code=text("部门类别", 32),
)

ACCOUNT = obj(
    ["username", "display_name", "password", "role", "unit_id"],
    username=text("用户名", 64, 2, pattern="^[A-Za-z0-9_.-]+$"),
    display_name=name("姓名", 32),
    password=text("密码", 128),
    role={"type": "string", "title": "角色", "enum": [str(r) for r in Role]},
    unit_id=text("所属单位", 32),
)

PASSWORD = obj(["password"], password=text("密码", 128))

VILLAGER = obj(
    ["id_number"],
    id_number=text("身份证号码", 18, 15),
    name=name("姓名", 30),
    phone=text("联系电话", 20, 0),
)

OPEN_CASE = obj(
    ["villager"],
    villager=VILLAGER,
    item_code=text("事项编码", 32),
    bundle_code=text("一件事编码", 32),
    collected={"type": "array", "title": "已收齐的材料", "maxItems": 60, "uniqueItems": True,
               "items": text("材料名称", 100)},
)

SUPPLEMENT_MATERIAL = {
    **MATERIAL_SCHEMA,
    "required": ["name"],
    "properties": {**MATERIAL_SCHEMA["properties"], "note": text("说明", 200, 0)},
}
MATERIAL_LIST = {"type": "array", "title": "需补充的材料", "minItems": 1, "maxItems": 40, "items": SUPPLEMENT_MATERIAL}

ACTION_BODIES: dict[Action, dict[str, Any]] = {
    Action.START_REVIEW: obj([]),
    Action.APPROVE: obj([], note=text("备注", 500, 0)),
    Action.REQUEST_SUPPLEMENT: obj(["materials"], materials=MATERIAL_LIST, note=text("备注", 500, 0)),
    Action.REFUSE: obj(["reason"], reason=text("不予批准的理由", 1000, pattern=r"\S")),
    Action.SET_PENDING: obj(["until"], until=text("承诺办结日期", 10, 10), note=text("备注", 500, 0)),
    Action.SUBMIT_SUPPLEMENT: obj([], note=text("备注", 500, 0)),
    Action.CLOSE: obj(
        ["handover"], handover={"type": "string", "title": "办结方式", "enum": ["printed", "handed_over"]}
    ),
}
# Checked per action by the handler, so the error names the action's own missing field.
ACTION_BODY = {"type": "object", "title": "操作内容"}
ACTION_BODY_DOC = {"anyOf": list(ACTION_BODIES.values())}

SEND_REVIEW = obj(
    ["departments"],
    departments={"type": "array", "title": "联审部门", "minItems": 1, "maxItems": 10,
                 "uniqueItems": True, "items": text("部门", 32)},
)

REVIEW_DECISION = obj(
    ["decision"],
    decision={"type": "string", "title": "审核意见", "enum": ["approve", "refuse", "request_supplement"]},
    reason=text("理由", 1000, 0),
    materials=MATERIAL_LIST,
)

RATING = obj(
    ["score"],
    score={"type": "integer", "title": "评分", "minimum": 1, "maximum": 5},
    comment=text("评价内容", 500, 0),
)

HOLD = obj(["reason"], reason=text("保全理由", 500, pattern=r"\S"))
SNAPSHOT = obj(["participant_id"], participant_id=text("被截图的参与者", 20, pattern=r"^[0-9]+$"))
RECORDING_SNAPSHOT = obj(["at"], at={"type": "number", "title": "录像中的时刻（秒）", "minimum": 0, "maximum": 86400})
RELEASE = obj(["reason"], reason=text("解除保全的理由", 500, pattern=r"\S"))

ITEM = ITEM_SCHEMA

START_UPLOAD = obj(
    ["filename", "size", "sha256"],
    filename=text("文件名", 255),
    size={"type": "integer", "title": "文件大小(字节)", "minimum": 1},
    sha256=text("SHA-256 校验值", 64, 64, pattern="^[0-9a-f]{64}$"),
    material=text("材料名称", 100, 0),
)
