"""办件: opening cases, moving them through the workflow, and reading them back."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from protocol.words import ErrorCode
from recordings import StoredObject

from ..access.authz import authorize, case_filter
from ..access.jurisdictions import get_unit, village_chain
from ..access.roles import Account, Role
from ..audit.acts import Act
from ..catalog.items import LEVEL_RANK, chosen_items, combined_materials, get_bundle, get_item, item_titles
from ..config import CHINA_TZ
from ..documents.issuing import PlannedDocument, plan_document, public_document, record_document, supplement_wording
from ..exceptions import Conflict, InvalidInput, NotFound
from ..notices.outbox import local_date, queue_notice
from ..storage.database import first, insert, rows
from .agency import agency_detail, agent_of, authorization_missing, carried_for, received_by, record_errand, record_move
from .deadlines import WorkCalendar, add_working_days, due_after_wait, due_soon
from .holidays import work_calendar
from .joint_review import (
    OPEN_CASE_STATES,
    decide_review,
    review_rows,
    reviews_after_supplement,
    send_to_departments,
)
from .outcomes import approval_outcomes, outcome_list, refusal_outcomes
from .villagers import BASIC_DATA, citizen_id, villager_for_case
from .workflow import APPROVER_ACTIONS, RUNNING_STATES, STATE_NAMES, Action, State, allowed_actions, next_state

if TYPE_CHECKING:
    import sqlite_utils

VIEW_LOGGED_EVERY = timedelta(minutes=10)


def load_case(db: sqlite_utils.Database, case_id: int) -> tuple[dict[str, Any], list[str]]:
    """The case row and the units it was sent to, or NotFound."""
    case = first(db, "select * from cases where id = ?", [case_id])
    if case is None:
        raise NotFound("找不到该办件，或您无权查看。", "No such case, or it is not visible to you.")
    units = [r["unit_id"] for r in rows(db, "select unit_id from case_reviews where case_id = ?", [case_id])]
    return case, units


def authorized_case(
    db: sqlite_utils.Database, account: Account, case_id: int, permission: str
) -> dict[str, Any]:
    """The case, once the account is known to hold permission on it."""
    case, units = load_case(db, case_id)
    authorize(account, permission, case, units)
    return case


def open_case(db: sqlite_utils.Database, act: Act, body: dict[str, Any]) -> dict[str, Any]:
    """A village clerk opens a case (受理) for a villager and an item or a 一件事 bundle."""
    authorize(act.actor, "case.open")
    items, bundle_code = _requested_items(db, body)
    village, town, district = village_chain(db, act.actor.unit_id)
    villager = villager_for_case(db, act, body["villager"], village["id"])
    level = max((item["level"] for item in items), key=LEVEL_RANK.__getitem__)
    handler = {"village": village, "town": town, "district": district}[level]  # 村级直接办: the village decides
    days = max(item["time_limit_days"] for item in items)
    collected = _collected_materials(items, body.get("collected", []))
    present = body.get("villager_present", True)
    if not present and not body.get("agent"):
        raise InvalidInput("群众本人不在场时，请填写代办人。", "An absent villager's case needs its 代办人.")
    row = {
        "number": _next_number(db, district["id"], act.at),
        "village_id": village["id"], "town_id": town["id"], "district_id": district["id"],
        "villager_id": villager["id"], "item_codes": json.dumps([i["code"] for i in items]),
        "bundle_code": bundle_code, "collected": json.dumps(collected, ensure_ascii=False),
        "agent": agent_of(body), "villager_present": int(present),
        "level": level, "handler_unit_id": handler["id"], "state": str(State.RECEIVED),
        "opened_by": act.actor.id, "opened_at": act.when,
        "due_at": add_working_days(act.at, days, work_calendar(db)).isoformat(), "updated_at": act.when,
    }
    case_id = insert(db, "cases", row)
    act.log(db, "case_opened", case_id, {
        "number": row["number"], "items": [i["code"] for i in items], "bundle": bundle_code,
        "handler_unit_id": handler["id"], "due_at": row["due_at"], "collected": collected,
    })
    if collected:  # 去向: the originals the window took are at the village
        record_move(db, act, {"id": case_id}, "originals", "village", "受理时收取")
    queue_notice(db, act, {**row, "id": case_id}, "accepted", f"已受理，预计{local_date(row['due_at'])}前办结。")
    return case_detail(db, act.actor, case_id, act.at)


def _collected_materials(items: list[dict[str, Any]], ticked: list[str]) -> list[str]:
    """The materials the clerk ticked as collected, each one of the case's own."""
    listed = {material["name"] for material in combined_materials(items)}
    unknown = [name for name in ticked if name not in listed]
    if unknown:
        raise InvalidInput(f"这些不是所办事项的材料：{'、'.join(unknown)}。",
                           f"Not materials of the chosen items: {', '.join(unknown)}.")
    return ticked


def _requested_items(db: sqlite_utils.Database, body: dict[str, Any]) -> tuple[list[dict[str, Any]], str | None]:
    if bool(body.get("item_code")) == bool(body.get("bundle_code")):
        raise InvalidInput("请选择一个事项或一个“一件事”套餐（二选一）。", "Give item_code or bundle_code, not both.")
    if body.get("bundle_code"):
        bundle = get_bundle(db, body["bundle_code"])
        items, code = chosen_items(bundle, body.get("items")), bundle["code"]
    else:
        items, code = [get_item(db, body["item_code"])], None
    retired = [item["name"] for item in items if item["retired_at"]]
    if retired:
        raise InvalidInput(f"事项「{'、'.join(retired)}」已停办，不能再受理。", "The item is no longer offered.",
                           code=ErrorCode.ITEM_RETIRED)
    return items, code


def _next_number(db: sqlite_utils.Database, district_id: str, at: datetime) -> str:
    """办件编号: district, local date, and a daily serial, e.g. ZH-20261123-0007."""
    prefix = f"{district_id.upper()}-{at.astimezone(CHINA_TZ):%Y%m%d}-"
    last = first(db, "select number from cases where number like ? order by number desc limit 1", [prefix + "%"])
    serial = int(last["number"].rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{serial:04d}"


def is_overdue(case: dict[str, Any], now: datetime) -> bool:
    """限时办结: past its due time while the time limit runs."""
    return case["state"] in RUNNING_STATES and datetime.fromisoformat(case["due_at"]) < now


def _is_due_soon(case: dict[str, Any], now: datetime, calendar: WorkCalendar) -> bool:
    """即将超期: the time limit runs and ends within one working day."""
    return case["state"] in RUNNING_STATES and due_soon(case["due_at"], now, calendar)


def list_cases(
    db: sqlite_utils.Database, account: Account, now: datetime, state: str | None = None,
    overdue_only: bool = False, limit: int = 200, narrowed: tuple[str, list[Any]] = ("1 = 1", []),
) -> list[dict[str, Any]]:
    """The cases the account may see (narrowed by an SQL condition), newest first, each flagged when overdue."""
    authorize(account, "case.list")
    where, params = case_filter(account)
    where = f"{where} and ({narrowed[0]})"
    params = [*params, *narrowed[1]]
    if state:
        where += " and cases.state = ?"
        params = [*params, state]
    found = rows(
        db,
        "select cases.*, villagers.name as villager_name, units.name as village_name from cases"
        " join villagers on villagers.id = cases.villager_id join units on units.id = cases.village_id"
        f" where {where} order by cases.opened_at desc, cases.id desc limit ?",
        [*params, limit],
    )
    titles = item_titles(db, {code for case in found for code in json.loads(case["item_codes"])})
    calendar = work_calendar(db)
    summaries = [_summary(case, [titles[code] for code in json.loads(case["item_codes"])], now, calendar)
                 for case in found]
    return [s for s in summaries if s["overdue"]] if overdue_only else summaries


def _summary(
    case: dict[str, Any], items: list[dict[str, Any]], now: datetime, calendar: WorkCalendar
) -> dict[str, Any]:
    overdue = is_overdue(case, now)
    return {
        "id": case["id"], "number": case["number"], "state": case["state"],
        "state_name": STATE_NAMES[State(case["state"])],
        "villager_name": case["villager_name"], "village_id": case["village_id"],
        "village_name": case["village_name"], "town_id": case["town_id"], "district_id": case["district_id"],
        "handler_unit_id": case["handler_unit_id"],
        "items": [{"code": i["code"], "name": i["name"], "title": i["title"]} for i in items],
        "bundle_code": case["bundle_code"], "opened_at": case["opened_at"], "due_at": case["due_at"],
        "closed_at": case["closed_at"],
        "overdue": overdue, "due_soon": _is_due_soon(case, now, calendar), "waited_days": case["waited_days"] or 0,
        "clock_stopped": case["clock_stopped_at"] is not None, "problem": bool(case["problem"]), "hold": hold_of(case),
    }


def hold_of(case: dict[str, Any]) -> dict[str, Any] | None:
    """保全: why and since when the case is on legal hold, or None."""
    if not case["held_at"]:
        return None
    return {"reason": case["hold_reason"], "at": case["held_at"], "by": case["held_by"]}


def case_detail(db: sqlite_utils.Database, account: Account, case_id: int, now: datetime) -> dict[str, Any]:
    """Everything about one case that its viewer needs, with the actions open to them."""
    case = authorized_case(db, account, case_id, "case.view")
    villager = first(db, "select * from villagers where id = ?", [case["villager_id"]]) or {}
    items = [get_item(db, code) for code in json.loads(case["item_codes"])]
    citizen = citizen_id(villager["id_number"])
    full_id = account.role in (Role.VILLAGE_CLERK, Role.TOWN_APPROVER, Role.DISTRICT_APPROVER)
    reviews = review_rows(db, case_id)
    return {
        **_summary({**case, "villager_name": villager["name"],
                    "village_name": get_unit(db, case["village_id"])["name"]}, items, now, work_calendar(db)),
        "level": case["level"],
        "handler_unit_name": get_unit(db, case["handler_unit_id"])["name"],
        "villager": {
            "name": villager["name"], "phone": villager["phone"],
            "id_number": citizen.number if full_id else citizen.masked,
            **({field: villager[field] for field in BASIC_DATA} if full_id else {}),
        },
        "items": items,
        "materials": _with_collected(combined_materials(items) + carried_for(case), case["collected"]),
        "supplement": json.loads(case["supplement"]) if case["supplement"] else None,
        "supplement_notice": supplement_wording(db, case),
        "refusal_reason": case["refusal_reason"], "pending_until": case["pending_until"],
        "decided_at": case["decided_at"], "decision_note": case["decision_note"],
        "closed_at": case["closed_at"], "closed_how": case["closed_how"],
        "withdrawal_reason": case["withdrawal_reason"],
        "rating": case["rating"], "rating_comment": case["rating_comment"], "rated_via": case["rated_via"],
        **agency_detail(db, case),
        "reviews": reviews,
        "item_outcomes": outcome_list(db, case),
        "actions": _actions_for(account, case, reviews, _approvable(db, case)),
    }


def _with_collected(materials: list[dict[str, Any]], collected: str | None) -> list[dict[str, Any]]:
    """The case's materials, each saying whether the village window had it when the case was opened."""
    have = set(json.loads(collected or "[]"))
    return [{**material, "collected": material["name"] in have} for material in materials]


def view_case(db: sqlite_utils.Database, act: Act, case_id: int) -> dict[str, Any]:
    """The case detail, with the view written to the audit log (once per account, case and VIEW_LOGGED_EVERY:
    the pages redraw a case on each live event, and an auditor wants who looked, not every redraw)."""
    detail = case_detail(db, act.actor, case_id, act.at)
    last = first(db, "select at from audit_events where case_id = ? and action = 'case_viewed' and actor_id = ?"
                 " order by seq desc limit 1", [case_id, act.actor.id])
    if last is None or act.at - datetime.fromisoformat(last["at"]) >= VIEW_LOGGED_EVERY:
        act.log(db, "case_viewed", case_id)
    return detail


def _approvable(db: sqlite_utils.Database, case: dict[str, Any]) -> bool:
    """Whether approval would leave an item approved once every department answered (联审)."""
    try:
        approval_outcomes(db, case, [])
    except Conflict:
        return False
    return True


def _actions_for(
    account: Account, case: dict[str, Any], reviews: list[dict[str, Any]], approvable: bool
) -> list[str]:
    """What this account may do with the case now: workflow actions (approve only once every department
    of a joint review answered and an item is left to approve), and "review" for a department."""
    if account.role is Role.DEPARTMENT_REVIEWER:
        sent_here = any(r["unit_id"] == account.unit_id for r in reviews)
        return ["review"] if sent_here and case["state"] in OPEN_CASE_STATES else []
    is_handler = account.role in (Role.TOWN_APPROVER, Role.DISTRICT_APPROVER, Role.VILLAGE_CLERK) and (
        account.unit_id == case["handler_unit_id"]  # a village-level case's handler is the village itself
    )
    is_village = account.role is Role.VILLAGE_CLERK and account.unit_id == case["village_id"]
    return [
        str(action) for action in allowed_actions(State(case["state"]))
        if ((is_handler and action in APPROVER_ACTIONS) or (is_village and action not in APPROVER_ACTIONS))
        and not (action is Action.APPROVE and not approvable)
    ]


def check_transition(
    db: sqlite_utils.Database, act: Act, case_id: int, action: Action, body: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Check role, state and the action's own rules: the case and the changes it would make."""
    permission = "case.decide" if action in APPROVER_ACTIONS else "case.village_act"
    case = authorized_case(db, act.actor, case_id, permission)
    target = next_state(State(case["state"]), action)
    changes: dict[str, Any] = {"state": str(target), "updated_at": act.when}
    changes.update(_action_fields(db, act, case, action, body))
    return case, changes


def plan_decision(
    db: sqlite_utils.Database, act: Act, case_id: int, action: Action, body: dict[str, Any], base_url: str
) -> PlannedDocument | None:
    """The document a decision will issue, once the decision is known to be allowed."""
    case, changes = check_transition(db, act, case_id, action, body)
    return plan_document(db, act, {**case, **changes}, action, body, base_url)


def transition(
    db: sqlite_utils.Database, act: Act, case_id: int, action: Action, body: dict[str, Any],
    issued: tuple[PlannedDocument, StoredObject] | None = None,
) -> dict[str, Any]:
    """Apply one workflow action (with the document it issued), checked again as it is written."""
    case, changes = check_transition(db, act, case_id, action, body)
    if action is Action.SUBMIT_SUPPLEMENT:
        reviews_after_supplement(db, case_id)
    db.table("cases").update(case_id, changes)
    logged = {k: v for k, v in changes.items() if k not in ("updated_at", "supplement") and v is not None}
    if body.get("note"):
        logged["note"] = body["note"]
    if "supplement" in changes:
        logged["materials"] = json.loads(changes["supplement"])
    act.log(db, f"case_{action}", case_id, {"from": case["state"], **logged})
    _tell_villager(db, act, {**case, **changes}, action)
    _papers_moved(db, act, case, action)
    detail = case_detail(db, act.actor, case_id, act.at)
    if issued is not None:
        detail["issued_document"] = public_document(record_document(db, act, case_id, *issued))
    return detail


def _papers_moved(db: sqlite_utils.Database, act: Act, case: dict[str, Any], action: Action) -> None:
    """去向 the workflow itself settles: an approval's result is at the village; closing hands it over."""
    if action is Action.APPROVE:
        record_move(db, act, case, "result", "village", "审批结果回传到村，打印出证")
    elif action is Action.CLOSE and case["state"] == State.APPROVED:
        record_move(db, act, case, "result", "villager", "办结时交付")


def _tell_villager(db: sqlite_utils.Database, act: Act, case: dict[str, Any], action: Action) -> None:
    """The notice the villager gets for this step (none for steps inside the windows)."""
    if action is Action.REQUEST_SUPPLEMENT:
        queue_notice(db, act, case, "supplement", "还需要补充材料，请按资料补充回执清单到村便民服务站补交。")
    elif action is Action.APPROVE:
        queue_notice(db, act, case, "ready", "已批准，请带上身份证到村便民服务站领取结果。")
    elif action is Action.REFUSE:
        queue_notice(db, act, case, "decision", "不予批准，请到村便民服务站了解理由。")
    elif action is Action.SET_PENDING:
        promised = date.fromisoformat(case["pending_until"])
        queue_notice(db, act, case, "decision", f"已承诺在{promised.month}月{promised.day}日前办结。")


def _action_fields(
    db: sqlite_utils.Database, act: Act, case: dict[str, Any], action: Action, body: dict[str, Any]
) -> dict[str, Any]:
    """The columns an action sets besides the state, after checking its body (writes nothing)."""
    decided = {"decided_by": act.actor.id, "decided_at": act.when, "decision_note": body.get("note") or None}
    if action is Action.START_REVIEW:
        authorization_missing(db, case)
        return {}
    if action is Action.APPROVE:  # items refused by the window or a department do not block the others
        outcomes = approval_outcomes(db, case, body.get("refused_items", []))
        return {**decided, "item_outcomes": json.dumps(outcomes, ensure_ascii=False)}
    if action is Action.REQUEST_SUPPLEMENT:  # the clock stops until the villager brings them
        return {**decided, "supplement": json.dumps(body["materials"], ensure_ascii=False),
                "clock_stopped_at": act.when}
    if action is Action.SUBMIT_SUPPLEMENT:
        return _clock_restarted(db, act, case)
    if action is Action.REFUSE:
        reason = body["reason"].strip()
        return {**decided, "refusal_reason": reason,
                "item_outcomes": json.dumps(refusal_outcomes(case, reason), ensure_ascii=False)}
    if action is Action.SET_PENDING:
        return {**decided, "pending_until": _promised_date(body["until"], act.at).isoformat()}
    if action is Action.WITHDRAW:
        return {"closed_at": act.when, "closed_how": "withdrawn", "withdrawal_reason": body["reason"].strip(),
                "clock_stopped_at": None}
    if action is Action.CLOSE:
        villager = first(db, "select name from villagers where id = ?", [case["villager_id"]]) or {}
        return {"closed_at": act.when, "closed_how": body["handover"],
                "received_by": received_by(case, villager.get("name", ""), body)}
    return {}


def _clock_restarted(db: sqlite_utils.Database, act: Act, case: dict[str, Any]) -> dict[str, Any]:
    """The materials arrived: the due time moves on by the working days waited."""
    due_at, waited = due_after_wait(case["due_at"], case["clock_stopped_at"], act.at, work_calendar(db))
    return {"due_at": due_at, "clock_stopped_at": None, "waited_days": (case["waited_days"] or 0) + waited}


MAX_PROMISE = timedelta(days=366)


def _promised_date(raw: str, now: datetime) -> date:
    """承诺办结: a date from today to a year ahead (9999-12-31 is no promise)."""
    try:
        promised = date.fromisoformat(raw)
    except ValueError:
        promised = None
    today = now.astimezone(CHINA_TZ).date()
    if promised is None or not today <= promised <= today + MAX_PROMISE:
        raise InvalidInput(
            "承诺办结日期应在今天到一年以内（格式 2026-12-01）。",
            f"until must be a date from today to {MAX_PROMISE.days} days ahead.",
        )
    return promised


def send_case_to_departments(
    db: sqlite_utils.Database, act: Act, case_id: int, unit_ids: list[str]
) -> dict[str, Any]:
    """联审: the handling window asks departments for their opinion."""
    case = authorized_case(db, act.actor, case_id, "case.send_review")
    send_to_departments(db, act, case, unit_ids)
    return case_detail(db, act.actor, case_id, act.at)


def decide_case_review(
    db: sqlite_utils.Database, act: Act, case_id: int, body: dict[str, Any]
) -> dict[str, Any]:
    """A department reviewer records its department's opinion on the case."""
    case = authorized_case(db, act.actor, case_id, "case.review_decide")
    decide_review(db, act, case, body)
    return case_detail(db, act.actor, case_id, act.at)


def add_errand(db: sqlite_utils.Database, act: Act, case_id: int, body: dict[str, Any]) -> dict[str, Any]:
    """代办: a home visit or an errand made for the villager."""
    record_errand(db, act, authorized_case(db, act.actor, case_id, "case.agency"), body)
    return case_detail(db, act.actor, case_id, act.at)


def move_papers(db: sqlite_utils.Database, act: Act, case_id: int, body: dict[str, Any]) -> dict[str, Any]:
    """去向: where the originals or the result are now."""
    case = authorized_case(db, act.actor, case_id, "case.agency")
    record_move(db, act, case, body["what"], body["place"], body.get("note", ""))
    return case_detail(db, act.actor, case_id, act.at)


def rate_case(
    db: sqlite_utils.Database, act: Act, case_id: int, score: int, comment: str
) -> dict[str, Any]:
    """好差评: the villager's 1–5 rating of a closed case, recorded once by the village window."""
    case = authorized_case(db, act.actor, case_id, "case.village_act")
    if case["state"] != State.CLOSED:
        raise Conflict("办件办结后才能评价。", "Only a closed case can be rated.")
    if case["rating"] is not None:
        raise Conflict("该办件已经评价过了。", "This case was rated already.")
    db.table("cases").update(case_id, {"rating": score, "rating_comment": comment, "rated_at": act.when,
                                       "rated_via": "window"})
    act.log(db, "case_rated", case_id, {"score": score, "comment": comment})
    return case_detail(db, act.actor, case_id, act.at)
