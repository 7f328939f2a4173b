"""JSON Schemas of request bodies; titles are the Chinese field names errors use."""

from __future__ import annotations

from typing import Any

from ..access.jurisdictions import UNIT_KINDS
from ..access.roles import Role
from ..cases.agency import ERRANDS, HANDOVERS, PAPERS, PLACES, RELATIONS
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

ACCOUNT_CHANGE = obj(
    [],
    display_name=name("姓名", 32),
    role={"type": "string", "title": "角色", "enum": [str(r) for r in Role]},
    unit_id=text("所属单位", 32),
    disabled={"type": "boolean", "title": "停用"},
)

UNIT_CHANGE = obj([], name=name("单位名称", 64), name_en=name("英文名称", 128, 0),
                  retired={"type": "boolean", "title": "撤销"})

ITEM_RETIREMENT = obj(["retired"], retired={"type": "boolean", "title": "停办"})

VILLAGER = obj(
    ["id_number"],
    id_number=text("身份证号码", 18, 15),
    name=name("姓名", 30),
    phone=text("联系电话", 20, 0),
)
VILLAGER_PROFILE: dict[str, Any] = {
    "phone": text("联系电话", 20, 0),
    "ethnicity": text("民族", 10, 0, pattern="^$|族$"),
    "hukou_place": text("户籍地", 100, 0),
    "residence": text("现居地", 100, 0),
    "hukou_type": {"type": "string", "title": "户口类别", "enum": ["", "农业家庭户口", "非农业家庭户口", "居民家庭户口",
                                                               "集体户口"]},
}
VILLAGER = obj(["id_number"], id_number=text("身份证号码", 18, 15), name=name("姓名", 30), **VILLAGER_PROFILE)
VILLAGER_EDIT = obj([], **VILLAGER_PROFILE)

OPEN_CASE = obj(
    ["villager"],
    villager=VILLAGER,
    item_code=text("事项编码", 32),
    bundle_code=text("一件事编码", 32),
    items={"type": "array", "title": "选办的事项（一件事中有情况才办的事项）", "maxItems": 20, "uniqueItems": True,
           "items": text("事项编码", 32)},
    collected={"type": "array", "title": "已收齐的材料", "maxItems": 60, "uniqueItems": True,
               "items": text("材料名称", 100)},
    agent=obj(["name", "relation"], name=name("代办人姓名", 30),
              relation={"type": "string", "title": "代办人身份", "enum": list(RELATIONS)},
              phone=text("代办人电话", 20, 0)),
    villager_present={"type": "boolean", "title": "群众本人在场"},
)

ERRAND = obj(["kind"], kind={"type": "string", "title": "代办事项", "enum": list(ERRANDS)}, note=text("说明", 300, 0))
CUSTODY_MOVE = obj(
    ["what", "place"], what={"type": "string", "title": "哪些材料", "enum": list(PAPERS)},
    place={"type": "string", "title": "去向", "enum": list(PLACES)}, note=text("说明", 300, 0),
)

SUPPLEMENT_MATERIAL = {
    **MATERIAL_SCHEMA,
    "required": ["name"],
    "properties": {**MATERIAL_SCHEMA["properties"], "note": text("说明", 200, 0)},
}
MATERIAL_LIST = {"type": "array", "title": "需补充的材料", "minItems": 1, "maxItems": 40, "items": SUPPLEMENT_MATERIAL}

ACTION_BODIES: dict[Action, dict[str, Any]] = {
    Action.START_REVIEW: obj([]),
    Action.APPROVE: obj([], note=text("备注", 500, 0), refused_items={
        "type": "array", "title": "不予办理的事项", "maxItems": 20,
        "items": obj(["code", "reason"], code=text("事项编码", 32), reason=text("不予办理的理由", 500, pattern=r"\S")),
    }),
    Action.REQUEST_SUPPLEMENT: obj(["materials"], materials=MATERIAL_LIST, note=text("备注", 500, 0)),
    Action.REFUSE: obj(["reason"], reason=text("不予批准的理由", 1000, pattern=r"\S")),
    Action.SET_PENDING: obj(["until"], until=text("承诺办结日期", 10, 10), note=text("备注", 500, 0)),
    Action.SUBMIT_SUPPLEMENT: obj([], note=text("备注", 500, 0)),
    Action.WITHDRAW: obj(["reason"], reason=text("撤回原因", 500, pattern=r"\S")),
    Action.CLOSE: obj(
        ["handover"], handover={"type": "string", "title": "办结方式", "enum": list(HANDOVERS)},
        received_by=obj(["name", "relation"], name=name("领取人", 30),
                        relation={"type": "string", "title": "领取人身份", "enum": ["self", *RELATIONS]}),
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

REUSE_SCAN = obj(["document_id"], document_id={"type": "integer", "title": "以前的扫描件", "minimum": 1},
                 material=text("材料名称", 100, 0))

START_UPLOAD = obj(
    ["filename", "size", "sha256"],
    filename=text("文件名", 255),
    size={"type": "integer", "title": "文件大小（字节）", "minimum": 1},
    sha256=text("SHA-256 校验值", 64, 64, pattern="^[0-9a-f]{64}$"),
    material=text("材料名称", 100, 0),
)
