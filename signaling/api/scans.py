"""A case's scans in the viewer: one scan's details, page thumbnails, Deep Zoom descriptors and tiles."""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web

from ..appkeys import DATABASE, TILES
from ..exceptions import NotFound
from ..scan_documents import StoredPage, scan_json, scan_page, scan_row, view_scan_page
from ..scan_formats import BY_CONTENT_TYPE
from ..tiles import PageSource
from .routing import Api, account_of, act_of, json_response, path_int

api = Api()

TILE_NAME = re.compile(r"(\d{1,5})_(\d{1,5})\.jpg")
# Tiles and thumbnails of a page never change (the content is named by its hash): the browser
# may keep them, but only for this user.
IMMUTABLE = {"Cache-Control": "private, max-age=86400, immutable"}


def page_source(row: dict[str, Any], page: int, stored: StoredPage) -> PageSource:
    """The stored page to tile (pages are numbered from 1 in URLs, from 0 inside)."""
    return PageSource(row["digest"], BY_CONTENT_TYPE[row["content_type"]], page - 1, stored)


@api.route("GET", "/api/documents/{document_id}", "扫描件详情 One scan: name, material, page images", tag="scans")
async def scan(request: web.Request) -> web.StreamResponse:
    db = request.app[DATABASE]
    row = await db.run(scan_row, account_of(request), path_int(request, "document_id"))
    return json_response(await db.run(scan_json, row["id"]))


@api.route("GET", "/api/documents/{document_id}/pages/{page}/thumbnail.jpg", "缩略图 A page's thumbnail (JPEG)",
           tag="scans", produces="image/jpeg")
async def thumbnail(request: web.Request) -> web.StreamResponse:
    _, stored = await request.app[DATABASE].run(
        scan_page, account_of(request), path_int(request, "document_id"), path_int(request, "page")
    )
    body = await request.app[TILES].stored_bytes(stored.thumbnail)
    return web.Response(body=body, content_type="image/jpeg", headers=IMMUTABLE)


@api.route("GET", "/api/documents/{document_id}/pages/{page}/image.dzi",
           "查看页面 A page's Deep Zoom descriptor for the viewer (the view is audit-logged)",
           tag="scans", produces="application/xml")
async def deep_zoom(request: web.Request) -> web.StreamResponse:
    page = path_int(request, "page")
    row, stored = await request.app[DATABASE].run(
        view_scan_page, act_of(request), path_int(request, "document_id"), page
    )
    xml = page_source(row, page, stored).zoom.descriptor()
    return web.Response(text=xml, content_type="application/xml", headers={"Cache-Control": "no-store"})


@api.route("GET", "/api/documents/{document_id}/pages/{page}/image_files/{level}/{tile}",
           "图块 One Deep Zoom tile, {tile} = column_row.jpg", tag="scans", produces="image/jpeg")
async def tile(request: web.Request) -> web.StreamResponse:
    page, level = path_int(request, "page"), path_int(request, "level")
    match = TILE_NAME.fullmatch(request.match_info["tile"])
    if match is None:
        raise NotFound("没有这一图块。", "Tiles are named column_row.jpg.")
    row, stored = await request.app[DATABASE].run(
        scan_page, account_of(request), path_int(request, "document_id"), page
    )
    body = await request.app[TILES].tile(page_source(row, page, stored), level, int(match[1]), int(match[2]))
    return web.Response(body=body, content_type="image/jpeg", headers=IMMUTABLE)
