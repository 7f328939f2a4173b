"""Oversight (审计监督): searching cases, and putting a problem case on legal hold or releasing it."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Mapping

from aiohttp import web

from protocol.words import ErrorCode

from ..access.authz import authorize
from ..appkeys import CLOCK, DATABASE, SCAN_WORKERS
from ..cases.search import CaseQuery, search_cases
from ..cases.workflow import State
from ..exceptions import ImageTooLarge, InvalidInput, PayloadTooLarge
from ..marks.register import trace_leak
from ..retention.holds import hold_case, release_case
from ..scans.images import DECODE_ERRORS, NotAPicture, TooManyPixels, picture_header
from . import schemas
from .routing import (
    Api,
    QueryParam,
    account_of,
    act_of,
    body_of,
    json_response,
    optional_query_date,
    path_int,
    read_body,
)

api = Api()

SEARCH_PARAMS = (
    QueryParam("unit", "unit id: the case's village, town or district, its handling window or a reviewing department"),
    QueryParam("item", "item code or 一件事 bundle code"),
    QueryParam("from", "opened on or after this China date, YYYY-MM-DD"),
    QueryParam("to", "opened on or before this China date, YYYY-MM-DD"),
    QueryParam("state", "only cases in this state"),
    QueryParam("problem", "1: only problem cases (问题件); 0: only the others"),
    QueryParam("held", "1: only cases on legal hold; 0: only the others"),
    QueryParam("number", "part of the case number"),
)


@api.route("GET", "/api/search/cases", "查找办件 Search the visible cases (auditors: every case), newest first",
           tag="oversight", query=SEARCH_PARAMS)
async def search(request: web.Request) -> web.StreamResponse:
    found = await request.app[DATABASE].run(
        search_cases, account_of(request), request.app[CLOCK](), case_query(request.query)
    )
    return json_response(found)


def case_query(params: Mapping[str, str]) -> CaseQuery:
    """The search criteria of the query string, each checked."""
    state = params.get("state") or None
    if state is not None and state not in {str(s) for s in State}:
        raise InvalidInput(f"未知的办件状态「{state}」。", f"Unknown state {state}.")
    query = CaseQuery(
        unit=params.get("unit") or None, item=params.get("item") or None,
        opened_from=optional_query_date(params, "from"), opened_to=optional_query_date(params, "to"),
        state=state, problem=optional_flag(params.get("problem"), "problem"),
        held=optional_flag(params.get("held"), "held"), number=params.get("number") or None,
    )
    if query.opened_from and query.opened_to and query.opened_to < query.opened_from:
        raise InvalidInput("结束日期不能早于开始日期。", "'to' is before 'from'.")
    return query


def optional_flag(raw: str | None, name: str) -> bool | None:
    if not raw:
        return None
    if raw not in ("0", "1"):
        raise InvalidInput(f"参数 {name} 只能是 1 或 0。", f"{name} must be 1 or 0.")
    return raw == "1"


@api.route("POST", "/api/cases/{case_id}/hold",
           "保全 Put a case on legal hold with a reason: it becomes a problem case and retention skips it"
           " (auditor, admin)", tag="oversight", body=schemas.HOLD)
async def hold(request: web.Request) -> web.StreamResponse:
    state = await request.app[DATABASE].run(
        hold_case, act_of(request), path_int(request, "case_id"), body_of(request)["reason"]
    )
    return json_response(state)


@api.route("POST", "/api/cases/{case_id}/release",
           "解除保全 Release a legal hold with a reason; retention applies again (auditor, admin)",
           tag="oversight", body=schemas.RELEASE)
async def release(request: web.Request) -> web.StreamResponse:
    state = await request.app[DATABASE].run(
        release_case, act_of(request), path_int(request, "case_id"), body_of(request)["reason"]
    )
    return json_response(state)


MAX_TRACE_BYTES = 40 * 1024 * 1024
# An A4 page at 600 dpi is 35 megapixels; the hidden id survives halving a larger picture first.
MAX_TRACE_PIXELS = 40_000_000


@api.route("POST", "/api/trace", "泄露溯源 Read the hidden id of a leaked picture (body = the image) and say whom "
           "it was shown to, what and when (auditors, admins; logged)", tag="oversight",
           raw_body=True)
async def trace(request: web.Request) -> web.StreamResponse:
    authorize(account_of(request), "mark.trace")  # before reading or decoding anything
    data = await read_body(request, MAX_TRACE_BYTES,
                           PayloadTooLarge("图片太大（上限 40 MB）。", "The picture is larger than 40 MB."))
    loop = asyncio.get_running_loop()
    mark_id = await loop.run_in_executor(request.app[SCAN_WORKERS], hidden_id, data)
    found = await request.app[DATABASE].run(trace_leak, act_of(request), mark_id)
    return json_response(found)


def hidden_id(data: bytes) -> int | None:
    """The id a picture carries, or None; InvalidInput when it is no picture at all."""
    from watermark import find_mark  # numpy, loaded by the first trace (idle memory, #9)

    try:
        with picture_header(io.BytesIO(data), MAX_TRACE_PIXELS) as image:
            image.load()
            found = find_mark(image.convert("RGB"))
    except TooManyPixels as large:
        zh, en = large.words()
        raise ImageTooLarge(f"{zh}。请把图片缩小到一半后再上传（缩小后仍能读出水印）。",
                            f"Too large to trace: {en}. Halve it first (the mark survives).") from None
    except (NotAPicture, *DECODE_ERRORS):
        raise InvalidInput("这不是可读的图片（请上传 JPEG 或 PNG）。", "This is not a readable picture (JPEG or PNG).",
                           code=ErrorCode.UNREADABLE_IMAGE) from None
    return found.mark_id if found else None
