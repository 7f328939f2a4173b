"""Cases (办件): open, list, view, act on, joint review, rate, and the timeline."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from protocol.messages import DocumentIssued
from protocol.words import CaseEvent
from recordings import StoredObject

from ..appkeys import ARCHIVE, AUTHORITY, CLOCK, DATABASE, EVENTS
from ..audit.chain import case_timeline
from ..cases.events import case_audience
from ..cases.handling import (
    add_errand,
    authorized_case,
    decide_case_review,
    list_cases,
    move_papers,
    open_case,
    plan_decision,
    rate_case,
    send_case_to_departments,
    transition,
    view_case,
)
from ..cases.workflow import Action, State
from ..documents.issuing import PlannedDocument, issue_pdf
from ..exceptions import InvalidInput
from . import replies, schemas
from .routing import Api, QueryParam, account_of, act_of, body_of, json_response, path_int, public_base
from .status import wake_courier
from .validation import validate_body

api = Api()


@api.route("POST", "/api/cases", "受理办件 Open a case for a villager (village clerk)",
           tag="cases", body=schemas.OPEN_CASE, status=201,
           reply=replies.CASE)
async def open_(request: web.Request) -> web.StreamResponse:
    case = await request.app[DATABASE].run(open_case, act_of(request), body_of(request))
    wake_courier(request.app)
    return json_response(case, status=201)


@api.route("GET", "/api/cases", "办件列表 The cases visible to the caller; overdue ones flagged",
           tag="cases", query=(QueryParam("state", "only cases in this state"),
                               QueryParam("overdue", "1: only overdue cases")),
           reply=replies.many(replies.CASE_SUMMARY))
async def list_(request: web.Request) -> web.StreamResponse:
    state = request.query.get("state") or None
    if state is not None and state not in {str(s) for s in State}:
        raise InvalidInput(f"未知的办件状态「{state}」。", f"Unknown state {state}.")
    found = await request.app[DATABASE].read(
        list_cases, account_of(request), request.app[CLOCK](), state, request.query.get("overdue") == "1"
    )
    return json_response(found)


@api.route("GET", "/api/cases/{case_id}", "办件详情 One case (the view is audit-logged)", tag="cases",
           reply=replies.CASE)
async def detail(request: web.Request) -> web.StreamResponse:
    case = await request.app[DATABASE].run(view_case, act_of(request), path_int(request, "case_id"))
    return json_response(case)


@api.route("POST", "/api/cases/{case_id}/actions/{action}",
           "办件流转 Apply a workflow action: start_review, approve, request_supplement, refuse, "
           "set_pending, submit_supplement, close, withdraw", tag="cases", body=schemas.ACTION_BODY,
           body_doc=schemas.ACTION_BODY_DOC, reply=replies.CASE)
async def act(request: web.Request) -> web.StreamResponse:
    name = request.match_info["action"]
    if name not in {str(a) for a in Action}:
        raise InvalidInput(f"未知的操作「{name}」。", f"Unknown action {name}.")
    action = Action(name)
    body = body_of(request)
    validate_body(body, schemas.ACTION_BODIES[action])
    act, case_id, db = act_of(request), path_int(request, "case_id"), request.app[DATABASE]
    plan = await db.run(plan_decision, act, case_id, action, body, public_base(request))
    issued = None
    if plan is not None:
        issued = plan, await issue_and_store(request.app, plan)
    case = await db.run(transition, act, case_id, action, body, issued)
    announce(request.app, case, f"case_{action}")
    wake_courier(request.app)
    return json_response(case)


def announce(app: web.Application, case: dict[str, Any], what: str) -> None:
    """Tell the pages of everyone who sees the case (pushed over signaling): its new state, its new document."""
    audience = case_audience(case, [review["unit_id"] for review in case["reviews"]])
    app[EVENTS].publish(case["id"], {"type": CaseEvent.CASE_UPDATED, "what": what, "state": case["state"]}, audience)
    if case.get("issued_document"):
        issued: DocumentIssued = {"type": CaseEvent.DOCUMENT_ISSUED, "document": case["issued_document"]}
        app[EVENTS].publish(case["id"], issued, audience)


async def issue_and_store(app: web.Application, plan: PlannedDocument) -> StoredObject:
    """Make and sign the decision's PDF, then seal it into the archive, off the event loop."""
    loop = asyncio.get_running_loop()
    pdf = await loop.run_in_executor(None, issue_pdf, plan, app[AUTHORITY], app[ARCHIVE])
    return await loop.run_in_executor(None, app[ARCHIVE].put, [pdf])


@api.route("POST", "/api/cases/{case_id}/reviews", "发起联审 Send the case to departments (handling window)",
           tag="cases", body=schemas.SEND_REVIEW, reply=replies.CASE)
async def send_review(request: web.Request) -> web.StreamResponse:
    case = await request.app[DATABASE].run(
        send_case_to_departments, act_of(request), path_int(request, "case_id"), body_of(request)["departments"]
    )
    announce(request.app, case, "review_requested")
    return json_response(case)


@api.route("POST", "/api/cases/{case_id}/review", "部门审核意见 A department's decision in a joint review",
           tag="cases", body=schemas.REVIEW_DECISION, reply=replies.CASE)
async def review(request: web.Request) -> web.StreamResponse:
    case = await request.app[DATABASE].run(
        decide_case_review, act_of(request), path_int(request, "case_id"), body_of(request)
    )
    announce(request.app, case, "review_decided")
    return json_response(case)


@api.route("POST", "/api/cases/{case_id}/rating", "好差评 Rate a closed case 1–5 (village clerk)",
           tag="cases", body=schemas.RATING, reply=replies.CASE)
async def rate(request: web.Request) -> web.StreamResponse:
    body = body_of(request)
    case = await request.app[DATABASE].run(
        rate_case, act_of(request), path_int(request, "case_id"), body["score"], body.get("comment", "")
    )
    return json_response(case)


@api.route("POST", "/api/cases/{case_id}/errands", "上门服务/代办跑腿 Record a home visit or an errand made for"
           " the villager", tag="cases", body=schemas.ERRAND)
async def errand(request: web.Request) -> web.StreamResponse:
    case = await request.app[DATABASE].run(add_errand, act_of(request), path_int(request, "case_id"), body_of(request))
    announce(request.app, case, "errand_recorded")
    return json_response(case)


@api.route("POST", "/api/cases/{case_id}/custody", "材料去向 Record where the originals or the result are now",
           tag="cases", body=schemas.CUSTODY_MOVE)
async def custody(request: web.Request) -> web.StreamResponse:
    case = await request.app[DATABASE].run(move_papers, act_of(request), path_int(request, "case_id"),
                                           body_of(request))
    announce(request.app, case, "custody_moved")
    return json_response(case)


@api.route("GET", "/api/cases/{case_id}/timeline", "办件时间线 The case's audit events in order", tag="cases",
           reply=replies.many(replies.AUDIT_EVENT))
async def timeline(request: web.Request) -> web.StreamResponse:
    case_id = path_int(request, "case_id")
    db = request.app[DATABASE]
    await db.run(authorized_case, account_of(request), case_id, "case.timeline")
    return json_response(await db.run(case_timeline, case_id))
