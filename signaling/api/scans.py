"""A case's scans in the viewer: one scan's details, page thumbnails, Deep Zoom descriptors and tiles.

Thumbnails and tiles carry the viewer's watermark (tiles.py). A page's pictures change only
with the viewer's mark, so they are revalidated by an ETag naming the mark: the browser keeps
what it has, and a second account on the same browser never sees the first one's tiles.
"""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web

from ..appkeys import DATABASE, TILES
from ..exceptions import NotFound
from ..marks.register import ViewerMark
from ..scans.case_scans import StoredPage, scan_json, scan_row, viewer_page
from ..scans.formats import BY_CONTENT_TYPE
from ..scans.tiles import PageSource
from .routing import Api, account_of, act_of, json_response, path_int

api = Api()

TILE_NAME = re.compile(r"([0-9]{1,5})_([0-9]{1,5})\.jpg")
REVALIDATE = "private, no-cache"


def page_source(row: dict[str, Any], page: int, stored: StoredPage, mark: ViewerMark) -> PageSource:
    """The stored page to tile for its viewer (pages are numbered from 1 in URLs, from 0 inside)."""
    return PageSource(row["digest"], BY_CONTENT_TYPE[row["content_type"]], page - 1, stored, mark)


async def marked_picture(request: web.Request, mark: ViewerMark, make: Any) -> web.StreamResponse:
    """A picture marked for the viewer: 304 when the browser has this mark's version, else make() it."""
    etag = f'"mark-{mark.mark_id}"'
    headers = {"Cache-Control": REVALIDATE, "ETag": etag}
    if request.headers.get("If-None-Match") == etag:
        return web.Response(status=304, headers=headers)
    return web.Response(body=await make(), content_type="image/jpeg", headers=headers)


async def viewed_page(request: web.Request, viewing: bool = False) -> PageSource:
    """The page of the URL as this viewer sees it (the view logged when opening it in the viewer)."""
    page = path_int(request, "page")
    row, stored, mark = await request.app[DATABASE].run(
        viewer_page, act_of(request), path_int(request, "document_id"), page, viewing
    )
    return page_source(row, page, stored, mark)


@api.route("GET", "/api/documents/{document_id}", "扫描件详情 One scan: name, material, page images", tag="scans")
async def scan(request: web.Request) -> web.StreamResponse:
    db = request.app[DATABASE]
    row = await db.run(scan_row, account_of(request), path_int(request, "document_id"))
    return json_response(await db.run(scan_json, row["id"]))


@api.route("GET", "/api/documents/{document_id}/pages/{page}/thumbnail.jpg", "缩略图 A page's thumbnail (JPEG)",
           tag="scans", produces="image/jpeg")
async def thumbnail(request: web.Request) -> web.StreamResponse:
    source = await viewed_page(request)
    return await marked_picture(request, source.mark, lambda: request.app[TILES].thumbnail(source))


@api.route("GET", "/api/documents/{document_id}/pages/{page}/image.dzi",
           "查看页面 A page's Deep Zoom descriptor for the viewer (the view is audit-logged)",
           tag="scans", produces="application/xml")
async def deep_zoom(request: web.Request) -> web.StreamResponse:
    source = await viewed_page(request, viewing=True)
    xml = source.zoom.descriptor()
    return web.Response(text=xml, content_type="application/xml", headers={"Cache-Control": "no-store"})


@api.route("GET", "/api/documents/{document_id}/pages/{page}/image_files/{level}/{tile}",
           "图块 One Deep Zoom tile, {tile} = column_row.jpg", tag="scans", produces="image/jpeg")
async def tile(request: web.Request) -> web.StreamResponse:
    level = path_int(request, "level")
    match = TILE_NAME.fullmatch(request.match_info["tile"])
    if match is None:
        raise NotFound("没有这一图块。", "Tiles are named column_row.jpg.")
    source = await viewed_page(request)
    return await marked_picture(
        request, source.mark, lambda: request.app[TILES].tile(source, level, int(match[1]), int(match[2]))
    )
