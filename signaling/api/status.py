"""The public status page (办件进度查询) and the village window's call list (电话通知)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from urllib.parse import quote

from aiohttp import web

from protocol.words import ErrorCode

from ..access.roles import SYSTEM
from ..appkeys import AUDIT_LOG, CLOCK, DATABASE, NOTICE_COURIER, SETTINGS, STATUS_THROTTLE
from ..audit.acts import Act
from ..cases.handling import authorized_case
from ..catalog.guide import qr_svg
from ..exceptions import CunnengError, InvalidInput
from ..notices.outbox import call_list, mark_called
from ..notices.status import public_status, rate_as_villager
from ..notices.status_page import status_form, status_result
from .routing import Api, QueryParam, account_of, act_of, json_response, path_int, public_base
from .validation import check_values

api = Api()
HTML = "text/html"


@api.route("GET", "/status", "办件进度查询 The public status page the receipt's QR code opens", tag="notices",
           public=True, produces=HTML, query=(QueryParam("case", "the case number, filled in from the QR code"),))
async def status_page(request: web.Request) -> web.StreamResponse:
    return web.Response(text=status_form(request.query.get("case", "")[:40]), content_type=HTML)


@api.route("POST", "/status", "查询进度 Form: case number and the ID number's last 4 characters → state and"
           " next step (rate-limited)", tag="notices", public=True, produces=HTML)
async def look_up(request: web.Request) -> web.StreamResponse:
    async def answer(form: dict[str, str], number: str, id4: str) -> str:
        return status_result(await _checked(request, number, id4, public_status), id4)

    return await _form_page(request, answer)


@api.route("POST", "/status/rating", "群众评价 Form: the villager rates a closed case 1–5 on the status page, once",
           tag="notices", public=True, produces=HTML)
async def rate(request: web.Request) -> web.StreamResponse:
    async def answer(form: dict[str, str], number: str, id4: str) -> str:
        score, comment = form.get("score", ""), form.get("comment", "").strip()
        if score not in {"1", "2", "3", "4", "5"} or len(comment) > 500:
            raise InvalidInput("请选 1 到 5 分，意见不超过 500 字。", "Score 1–5, comment up to 500 characters.")
        act = Act(SYSTEM, request.app[CLOCK](), request.app[AUDIT_LOG])
        rated = await _checked(request, number, id4, lambda db, n, d: rate_as_villager(db, act, n, d, int(score),
                                                                                      comment), write=True)
        return status_result(rated, id4, "谢谢您的评价！")

    return await _form_page(request, answer)


FormAnswer = Callable[[dict[str, str], str, str], Awaitable[str]]


async def _form_page(request: web.Request, answer: FormAnswer) -> web.StreamResponse:
    """The page answering a form (case number, ID's last 4, …); a refusal is the form again, saying why."""
    number = ""
    try:
        form = await form_of(request)
        number = form.get("case", "")[:40]
        return web.Response(text=await answer(form, number, form.get("id4", "")[:4]), content_type=HTML)
    except CunnengError as error:
        return web.Response(text=status_form(number, error.message), content_type=HTML, status=error.status)


async def form_of(request: web.Request) -> dict[str, str]:
    """The page's form fields as text; anything else a villager's browser would not send is refused in words."""
    if request.content_type not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        raise InvalidInput("请在查询页上填写后提交。", "Send the page's form.", code=ErrorCode.NOT_A_FORM)
    try:
        form = await request.post()
    except (ValueError, UnicodeDecodeError, web.HTTPException):
        raise InvalidInput("提交的表单无法读取，请重新填写。", "The form cannot be read.",
                           code=ErrorCode.NOT_A_FORM) from None
    fields = {name: value for name, value in form.items() if isinstance(value, str)}
    check_values(fields)
    return fields


async def _checked(request: web.Request, number: str, id4: str, look: object, write: bool = False) -> dict:
    """Run the look-up behind the throttle; a miss counts against the case number."""
    throttle, now = request.app[STATUS_THROTTLE], request.app[CLOCK]()
    throttle.check(request.remote or "", number, now)
    database = request.app[DATABASE]
    try:
        return await (database.run(look, number, id4) if write else database.read(look, number, id4))  # type: ignore[arg-type]
    except CunnengError as error:
        if error.status == 404:
            throttle.failed(number, now)
        raise


@api.route("GET", "/api/cases/{case_id}/status-qr.svg", "回执二维码 The QR code of the case's public status page,"
           " for the 受理回执", tag="notices", produces="image/svg+xml")
async def status_qr(request: web.Request) -> web.StreamResponse:
    case = await request.app[DATABASE].read(authorized_case, account_of(request), path_int(request, "case_id"),
                                            "case.view")
    url = f"{public_base(request)}/status?case={quote(case['number'])}"
    loop = asyncio.get_running_loop()
    svg = await loop.run_in_executor(None, qr_svg, url)
    return web.Response(text=svg, content_type="image/svg+xml", headers={"X-Status-Url": url})


@api.route("GET", "/api/notices", "电话通知 The notices the village window should phone (no SMS gateway, or the"
           " gateway never took them)", tag="notices")
async def calls_to_make(request: web.Request) -> web.StreamResponse:
    by_sms = bool(request.app[SETTINGS].sms_gateway_url)
    return json_response(await request.app[DATABASE].read(call_list, account_of(request), by_sms))


@api.route("POST", "/api/notices/{notice_id}/called", "已电话通知 The clerk phoned the villager with this notice",
           tag="notices")
async def called(request: web.Request) -> web.StreamResponse:
    done = await request.app[DATABASE].run(mark_called, act_of(request), path_int(request, "notice_id"))
    return json_response(done)


def wake_courier(app: web.Application) -> None:
    """A notice was queued: the courier sends it now (when a gateway is configured)."""
    courier = app.get(NOTICE_COURIER)
    if courier is not None:
        courier.wake()
