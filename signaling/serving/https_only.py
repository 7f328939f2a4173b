"""Once the server speaks HTTPS, nothing goes over plain HTTP.

- The plain port (`--http-redirect-port`, e.g. 80) answers every request with a permanent
  redirect to the same path on HTTPS, so a clerk who types the bare address still lands on
  the secure page; it serves nothing else.
- Over HTTPS every response says `Strict-Transport-Security`: the browser then goes
  straight to https:// for that host name (browsers keep it for names, not for bare addresses).
- Over HTTPS every cookie the server sets is `Secure`: the session never travels in the clear.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

from aiohttp import hdrs, web

from ..appkeys import SETTINGS

logger = logging.getLogger(__name__)

HSTS = "max-age=15552000"  # 180 days


def https_location(request: web.BaseRequest, https_port: int, fallback_host: str) -> str:
    """The same path and query on HTTPS, at the host the browser asked for."""
    host = urlsplit(f"//{request.host}").hostname if request.host else None
    host = host or fallback_host
    if ":" in host:
        host = f"[{host}]"  # an IPv6 address
    port = "" if https_port == 443 else f":{https_port}"
    return f"https://{host}{port}{request.path_qs}"


def redirect_app(https_port: int, fallback_host: str) -> web.Application:
    """The plain-HTTP site: every request is sent on to HTTPS (308 keeps a POST a POST)."""
    async def to_https(request: web.Request) -> web.StreamResponse:
        raise web.HTTPPermanentRedirect(https_location(request, https_port, fallback_host))

    app = web.Application()
    app.router.add_route("*", "/{path:.*}", to_https)
    return app


async def redirect_ctx(app: web.Application) -> AsyncIterator[None]:
    """Listen on the plain port beside the HTTPS one for as long as the server runs."""
    settings = app[SETTINGS]
    assert settings.http_redirect_port is not None
    fallback = urlsplit(settings.public_url).hostname or settings.host
    runner = web.AppRunner(redirect_app(settings.port, fallback), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, settings.host, settings.http_redirect_port).start()
    logger.info("plain HTTP on port %d redirects to HTTPS on port %d", settings.http_redirect_port, settings.port)
    yield
    await runner.cleanup()


async def transport_security(request: web.BaseRequest, response: web.StreamResponse) -> None:
    """Over HTTPS: HSTS on every response and Secure on every cookie (on_response_prepare)."""
    if not request.secure:
        return
    headers = response.headers
    headers["Strict-Transport-Security"] = HSTS
    cookies = headers.getall(hdrs.SET_COOKIE, [])  # already written out when this hook runs
    if cookies:
        del headers[hdrs.SET_COOKIE]
        for cookie in cookies:
            secure = any(part.strip().lower() == "secure" for part in cookie.split(";"))
            headers.add(hdrs.SET_COOKIE, cookie if secure else f"{cookie}; Secure")
