"""/metrics for the county's monitoring: read by the admin, or by anything on the server's own machine."""

from __future__ import annotations

import ipaddress

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from ..access.roles import Role
from ..exceptions import Forbidden
from ..serving.metrics import scrape
from .routing import Api, authenticate

api = Api()


def from_this_machine(request: web.Request) -> bool:
    """The request came over loopback (a scraper beside the server; a proxy's clients are not)."""
    try:
        return ipaddress.ip_address(request.remote or "").is_loopback
    except ValueError:
        return False


@api.route("GET", "/metrics", "运行指标 Figures for monitoring, Prometheus text format (the admin, or this machine)",
           tag="meta", public=True, produces="text/plain")
async def metrics(request: web.Request) -> web.StreamResponse:
    if not from_this_machine(request):
        account = await authenticate(request)
        if account.role != Role.ADMIN:
            raise Forbidden("只有管理员或服务器本机可以读取运行指标。",
                            "Metrics are for the admin or this machine only.")
    return web.Response(body=await scrape(request.app), headers={"Content-Type": CONTENT_TYPE_LATEST})
