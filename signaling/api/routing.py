"""Declaring API endpoints once: the route, who may call it, its body schema and its docs.

The same declarations register the aiohttp routes and build the OpenAPI description,
so the two cannot drift apart.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Awaitable, Callable
from urllib.parse import quote

from aiohttp import web

from ..access.accounts import session_account
from ..access.roles import Account
from ..appkeys import AUDIT_LOG, CLOCK, DATABASE, SETTINGS
from ..audit.acts import Act
from ..exceptions import InvalidInput, NotAuthenticated, PayloadTooLarge
from .validation import parse_json, validate_body

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
ACCOUNT = web.RequestKey("account", Account)
BODY = web.RequestKey("body", object)
TOKEN = web.RequestKey("token", str)
SESSION_COOKIE = "cunneng_session"
# aiohttp's `{name:regex}` path parameter; OpenAPI and docs/api.md write it `{name}`.
PATTERNED_PARAM = re.compile(r"{(\w+):[^{}]+}")


@dataclass(frozen=True)
class QueryParam:
    name: str
    description: str
    type: str = "string"


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    handler: Handler
    summary: str
    tag: str
    body: dict[str, Any] | None = None
    public: bool = False
    query: tuple[QueryParam, ...] = ()
    produces: str = "application/json"
    body_doc: dict[str, Any] | None = None  # what OpenAPI shows, when it says more than body

    @property
    def documented_path(self) -> str:
        """The path as OpenAPI and docs/api.md write it (and aiohttp's canonical form)."""
        return PATTERNED_PARAM.sub(r"{\1}", self.path)


@dataclass
class Api:
    """A collection of endpoints, registered on an app and described in OpenAPI."""

    endpoints: list[Endpoint] = field(default_factory=list)

    def route(
        self, method: str, path: str, summary: str, *, tag: str, body: dict[str, Any] | None = None,
        public: bool = False, query: tuple[QueryParam, ...] = (), produces: str = "application/json",
        body_doc: dict[str, Any] | None = None,
    ) -> Callable[[Handler], Handler]:
        """Decorator declaring one endpoint."""
        def declare(handler: Handler) -> Handler:
            self.endpoints.append(
                Endpoint(method, path, handler, summary, tag, body, public, query, produces, body_doc)
            )
            return handler
        return declare

    def add_to(self, app: web.Application) -> None:
        for endpoint in self.endpoints:
            app.router.add_route(endpoint.method, endpoint.path, _prepared(endpoint))


def _prepared(endpoint: Endpoint) -> Handler:
    """The handler behind authentication and body parsing."""
    async def handle(request: web.Request) -> web.StreamResponse:
        if not endpoint.public:
            await authenticate(request)
        if endpoint.body is not None:
            request[BODY] = await read_json(request, endpoint.body)
        return await endpoint.handler(request)
    return handle


def request_token(request: web.Request) -> str:
    """The session token: the Authorization header, or the cookie for plain GETs.

    The cookie lets <img>, <video> and download links carry the session; it is refused
    for anything that changes state, so another site cannot act with it (CSRF).
    """
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return header[len("Bearer "):].strip()
    if request.method in ("GET", "HEAD"):
        return request.cookies.get(SESSION_COOKIE, "")
    return ""


async def authenticate(request: web.Request) -> Account:
    """The signed-in account, stored on the request; NotAuthenticated without a live session."""
    token = request_token(request)
    if not token:
        raise NotAuthenticated("请先登录。", "Please log in first.")
    account = await request.app[DATABASE].read(session_account, token, request.app[CLOCK]())
    request[ACCOUNT] = account
    request[TOKEN] = token
    return account


async def read_body(request: web.Request, limit: int, too_large: Exception) -> bytes:
    """The whole request body, or `too_large` as soon as it has more than `limit` bytes.

    (`request.content.read(n)` returns what has arrived so far, not the whole body.)
    """
    if request.content_length is not None and request.content_length > limit:
        raise too_large
    received, size = [], 0
    async for block in request.content.iter_chunked(1 << 16):
        size += len(block)
        if size > limit:
            raise too_large
        received.append(block)
    return b"".join(received)


async def read_json(request: web.Request, schema: dict[str, Any]) -> Any:
    """The request body parsed as JSON and checked against schema."""
    limit = request.app[SETTINGS].max_body_bytes
    too_large = PayloadTooLarge(f"请求内容太大(上限 {limit // 1024} KB)。", f"Body larger than {limit} bytes.")
    body = parse_json(await read_body(request, limit, too_large))
    validate_body(body, schema)
    return body


def account_of(request: web.Request) -> Account:
    return request[ACCOUNT]


def body_of(request: web.Request) -> Any:
    return request[BODY]


def act_of(request: web.Request) -> Act:
    """The signed-in account acting now."""
    return Act(account_of(request), request.app[CLOCK](), request.app[AUDIT_LOG])


def content_disposition(name: str) -> str:
    """A download's file name, Chinese included (RFC 6266 / 5987)."""
    return f"attachment; filename*=UTF-8''{quote(name)}"


def json_response(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status, dumps=lambda v: json.dumps(v, ensure_ascii=False))


ASCII_ID = re.compile(r"[0-9]{1,12}")


def path_int(request: web.Request, name: str) -> int:
    """An integer path parameter: 1 to 12 ASCII digits (never ², ١ or other Unicode digits), or InvalidInput."""
    raw = request.match_info[name]
    if not ASCII_ID.fullmatch(raw):
        raise InvalidInput(f"编号「{raw[:20]}」不是有效的数字。", f"{name} must be a number (digits 0-9).")
    return int(raw)


# Cases are opened in this era; a date beyond it is a typo or a probe (9999-12-31 + 1 day overflows).
EARLIEST_DATE, LATEST_DATE = date(2000, 1, 1), date(2999, 12, 31)


def optional_query_date(query: Mapping[str, str], name: str) -> date | None:
    """A YYYY-MM-DD query parameter between 2000 and 2999, None when absent; else InvalidInput."""
    raw = query.get(name, "")
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        day = None
    if day is None or not EARLIEST_DATE <= day <= LATEST_DATE:
        raise InvalidInput(f"参数 {name} 应为日期(2000 至 2999 年间),例如 2026-11-01。",
                           f"{name} must be a date like 2026-11-01, in the years 2000 to 2999.")
    return day


def query_date(query: Mapping[str, str], name: str) -> date:
    """A required YYYY-MM-DD query parameter (as optional_query_date)."""
    day = optional_query_date(query, name)
    if day is None:
        raise InvalidInput(f"缺少参数 {name}(日期,例如 2026-11-01)。", f"{name} is required: a date like 2026-11-01.")
    return day


def public_base(request: web.Request) -> str:
    """The base URL printed in QR codes: configured, or the address the request came to."""
    return (request.app[SETTINGS].public_url or f"{request.scheme}://{request.host}").rstrip("/")
