"""代办: who carried the case, the errands and home visits made for it, and where its papers are.

The seeds' trace 接件—代办—去向—办结反馈: a case opened for a villager who is not at the window
names its 代办人 (a relative or the village's 代办员) and needs the villager's signed 委托书，
uploaded as a scan before review starts; each 上门服务 or errand is recorded; each move of the
originals and of the result (去向: at the village, sent to the town, at the district, returned,
handed to the villager) is logged in order; closing records who received the result and how.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ..audit.acts import Act
from ..exceptions import Conflict
from ..storage.database import first, insert, rows

if TYPE_CHECKING:
    import sqlite_utils

AUTHORIZATION = "委托书"  # the villager's signed authorization, scanned: a material of every case carried for them
RELATIONS = {"relative": "亲属", "agent_worker": "代办员", "other": "其他"}
ERRANDS = {"home_visit": "上门服务", "errand": "代办跑腿"}
PAPERS = {"originals": "材料原件", "result": "证照/结果"}
PLACES = {"village": "在村便民服务站", "town": "已送镇便民服务中心", "district": "在区政务服务大厅",
          "returned": "已退还群众", "villager": "已交给群众"}
HANDOVERS = {"printed": "村窗口打印交付", "handed_over": "当面交付", "mailed": "邮寄", "delivered_home": "送证上门"}


def agent_of(body: dict[str, Any]) -> str | None:
    """The 代办人 given when opening (as stored), or None when the villager came in person."""
    agent = body.get("agent")
    if not agent:
        return None
    return json.dumps({"name": agent["name"].strip(), "relation": agent["relation"],
                       "phone": agent.get("phone", "").strip()}, ensure_ascii=False)


def carried_for(case: dict[str, Any]) -> list[dict[str, Any]]:
    """The 委托书 as one more material of a case carried for an absent villager."""
    if not case["agent"] or case["villager_present"]:
        return []
    return [{"name": AUTHORIZATION, "form": "original", "count": 1, "for": []}]


def authorization_missing(db: sqlite_utils.Database, case: dict[str, Any]) -> None:
    """Conflict while a case carried for an absent villager has no scan of the signed 委托书."""
    if not carried_for(case):
        return
    if first(db, "select id from documents where case_id = ? and material = ? and deleted_at is null",
             [case["id"], AUTHORIZATION]) is None:
        raise Conflict("群众本人不在场，请先上传群众签字的委托书扫描件，再开始审查。",
                       "The villager is absent: upload the signed authorization (委托书) first.")


def record_errand(db: sqlite_utils.Database, act: Act, case: dict[str, Any], body: dict[str, Any]) -> None:
    """上门服务 or an errand made for the villager."""
    errand_id = insert(db, "case_errands", {"case_id": case["id"], "kind": body["kind"],
                                            "note": body.get("note", "").strip(), "by": act.actor.id, "at": act.when})
    act.log(db, "errand_recorded", case["id"], {"errand_id": errand_id, "kind": body["kind"], "note": body.get("note")})


def record_move(
    db: sqlite_utils.Database, act: Act, case: dict[str, Any], what: str, place: str, note: str = ""
) -> None:
    """去向: the originals or the result are now at place."""
    insert(db, "custody_moves", {"case_id": case["id"], "what": what, "place": place, "note": note.strip(),
                                 "by": act.actor.id, "at": act.when})
    act.log(db, "custody_moved", case["id"], {"what": what, "place": place, "note": note or None})


def received_by(case: dict[str, Any], villager_name: str, body: dict[str, Any]) -> str:
    """Who received the result on closing (the villager unless someone else is named)."""
    given = body.get("received_by") or {"name": villager_name, "relation": "self"}
    return json.dumps({"name": given["name"].strip(), "relation": given["relation"]}, ensure_ascii=False)


def agency_detail(db: sqlite_utils.Database, case: dict[str, Any]) -> dict[str, Any]:
    """The 代办 record of a case: its 代办人, errands, every move of its papers and where each is now."""
    errands = rows(db, "select case_errands.kind, case_errands.note, case_errands.at, accounts.display_name as by_name"
                       " from case_errands left join accounts on accounts.id = case_errands.by where case_id = ?"
                       " order by case_errands.id", [case["id"]])
    moves = rows(db, "select custody_moves.what, custody_moves.place, custody_moves.note, custody_moves.at,"
                     " accounts.display_name as by_name from custody_moves left join accounts"
                     " on accounts.id = custody_moves.by where case_id = ? order by custody_moves.id", [case["id"]])
    where_now = {move["what"]: move["place"] for move in moves}
    return {
        "agent": json.loads(case["agent"]) if case["agent"] else None,
        "villager_present": bool(case["villager_present"]),
        "errands": [{**e, "kind_name": ERRANDS[e["kind"]]} for e in errands],
        "custody": [{**m, "what_name": PAPERS[m["what"]], "place_name": PLACES[m["place"]]} for m in moves],
        "papers_now": {what: {"place": place, "place_name": PLACES[place]} for what, place in where_now.items()},
        "received_by": json.loads(case["received_by"]) if case["received_by"] else None,
    }
