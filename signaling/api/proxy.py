"""Behind a reverse proxy: the client's address and scheme, believed only from a proxy named in the settings.

A county that serves the pages over HTTPS puts a reverse proxy (nginx, Caddy) in front of
cunneng. Its requests arrive from the proxy's address, over plain HTTP; the proxy says who
the client was (`X-Forwarded-For`, the last address — the one the proxy itself saw) and how
it came (`X-Forwarded-Proto`). Anyone can send these headers, so they count only on a
connection from an address in `--trusted-proxy`; then the request is cloned with them, and
`request.remote` (login lock-out), `request.secure` (the cookie's Secure flag) and
`request.scheme` (QR-code links) tell the truth everywhere.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..appkeys import SETTINGS
from .routing import Handler


@web.middleware
async def trusted_proxy_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Take the client's address and scheme from a trusted proxy's forwarding headers."""
    if request.remote not in request.app[SETTINGS].trusted_proxies:
        return await handler(request)
    changes: dict[str, Any] = {}
    scheme = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
    if scheme in ("http", "https"):
        changes["scheme"] = scheme
    forwarded_for = request.headers.get("X-Forwarded-For", "").split(",")[-1].strip()
    if forwarded_for:
        changes["remote"] = forwarded_for[:64]
    return await handler(request.clone(**changes) if changes else request)
