"""Documents: a case's scans and issued documents, downloads, and public verification (核验)."""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiohttp import web

from eseal import CertificateAuthority, UnreadablePdf
from protocol.words import ErrorCode
from recordings import serve_stored_file

from ..access.roles import Role
from ..appkeys import ARCHIVE, AUTHORITY, DATABASE, SCAN_WORKERS, TILES
from ..audit.acts import Act
from ..calls.snapshots import SNAPSHOT_KIND, snapshot_copy_mark
from ..documents.listing import SCAN, case_documents, document_for_download, log_download, registered_document
from ..documents.verification import verify_page
from ..exceptions import InvalidInput, PayloadTooLarge
from ..marks.pictures import marked_rendition, marked_still
from ..marks.register import DOCUMENT, document_copy_mark
from ..scans.case_scans import downloaded_scan
from ..scans.formats import BY_CONTENT_TYPE
from ..scans.tiles import PageSource
from .damage import report_damage

if TYPE_CHECKING:
    from eseal import VerificationReport

from .routing import (
    Api,
    QueryParam,
    account_of,
    act_of,
    content_disposition,
    json_response,
    path_int,
    read_body,
)

api = Api()
MAX_VERIFY_BYTES = 20 * 1024 * 1024


@api.route("GET", "/api/cases/{case_id}/documents", "办件文件 The case's scans and issued documents",
           tag="documents")
async def documents(request: web.Request) -> web.StreamResponse:
    found = await request.app[DATABASE].read(case_documents, account_of(request), path_int(request, "case_id"))
    return json_response(found)


@api.route("GET", "/api/documents/{document_id}/file",
           "下载文件 The stored file itself, e.g. the signed PDF to print (download is logged)",
           tag="documents", produces="application/octet-stream")
async def document_file(request: web.Request) -> web.StreamResponse:
    app, act = request.app, act_of(request)
    database = app[DATABASE]
    row = await database.read(document_for_download, act.actor, path_int(request, "document_id"))
    if served_as_stored(row, act):
        return await serve_stored_file(
            request, app[ARCHIVE], row["digest"], row["content_type"], disposition(row), verify_ahead=None,
            starting=lambda: database.run(log_download, act, row), damaged=lambda error: report_damage(request, error))
    marked_copy = {SNAPSHOT_KIND: snapshot_for_viewer, SCAN: marked_scan}.get(row["kind"], marked_issued)
    response = await marked_copy(request, act, row)
    await database.run(log_download, act, row)
    return response


def disposition(row: dict[str, Any]) -> str | None:
    """What a user sent (a scan: a PDF may carry script) or what was signed downloads, never opens as a
    page of this origin; a snapshot, a PNG the server made, opens in a tab (every non-page response is
    sandboxed anyway, api/headers.py)."""
    return None if row["kind"] == SNAPSHOT_KIND else content_disposition(row["filename"])


def served_as_stored(row: dict[str, Any], act: Act) -> bool:
    """Who gets the stored file itself: a snapshot's taker (it carries their mark), and the village
    window its scans as sent and its issued documents as signed, to print; everyone else a marked copy."""
    if row["kind"] == SNAPSHOT_KIND:
        return bool(row["created_by"] == act.actor.id)
    return act.actor.role is Role.VILLAGE_CLERK


async def marked_issued(request: web.Request, act: Act, row: dict[str, Any]) -> web.StreamResponse:
    """An issued document shown at a console: its pages rendered and marked for the viewer, as a PDF."""
    app, loop = request.app, asyncio.get_running_loop()
    signed = await loop.run_in_executor(app[SCAN_WORKERS], app[ARCHIVE].read, row["digest"])
    mark = await app[DATABASE].run(document_copy_mark, act, row, DOCUMENT, "document_download", "document_watermarked")
    body = await loop.run_in_executor(app[SCAN_WORKERS], marked_rendition, signed, mark)
    return web.Response(body=body, content_type="application/pdf", headers={
        "Cache-Control": "private, no-store", "Content-Disposition": content_disposition(row["filename"])})


async def marked_scan(request: web.Request, act: Act, row: dict[str, Any]) -> web.StreamResponse:
    """A scan downloaded at a console: a copy marked for this viewer (JPEG, or PDF for several pages)."""
    app = request.app
    await asyncio.get_running_loop().run_in_executor(app[SCAN_WORKERS], app[ARCHIVE].verify, row["digest"])
    pages, mark = await app[DATABASE].run(downloaded_scan, act, row)
    scan_format = BY_CONTENT_TYPE[row["content_type"]]
    sources = [PageSource(row["digest"], scan_format, index, page, mark) for index, page in enumerate(pages)]
    body, content_type = await asyncio.get_running_loop().run_in_executor(
        app[SCAN_WORKERS], app[TILES].marked_copy, sources)
    name = Path(row["filename"]).stem + (".jpg" if content_type == "image/jpeg" else ".pdf")
    return web.Response(body=body, content_type=content_type, headers={
        "Cache-Control": "private, no-store", "Content-Disposition": content_disposition(name)})


async def snapshot_for_viewer(request: web.Request, act: Act, row: dict[str, Any]) -> web.StreamResponse:
    """Someone else's snapshot, marked afresh for this viewer from the clean still (never the clean one)."""
    app, loop = request.app, asyncio.get_running_loop()
    clean = await loop.run_in_executor(app[SCAN_WORKERS], app[ARCHIVE].read, row["source_digest"])
    mark = await app[DATABASE].run(snapshot_copy_mark, act, row)
    shown = await loop.run_in_executor(app[SCAN_WORKERS], marked_still, clean, mark)
    return web.Response(body=shown, content_type="image/png", headers={"Cache-Control": "private, no-store"})


@api.route("GET", "/verify", "文件核验页 Public page to verify a signed document", tag="documents",
           public=True, produces="text/html")
async def verify_home(request: web.Request) -> web.StreamResponse:
    return web.Response(text=verify_page(None, ""), content_type="text/html")


@api.route("GET", "/verify/ca.pem", "根证书 The local CA's root certificate, to verify documents offline (public)",
           tag="documents", public=True, produces="application/x-pem-file")
async def root_certificate(request: web.Request) -> web.StreamResponse:
    return web.Response(body=request.app[AUTHORITY].root_pem, content_type="application/x-pem-file",
                        headers={"Content-Disposition": 'attachment; filename="cunneng-ca.pem"'})


@api.route("GET", "/verify/{code}", "核验码 The page a document's QR code opens", tag="documents",
           public=True, produces="text/html")
async def verify_code(request: web.Request) -> web.StreamResponse:
    code = request.match_info["code"][:64]
    registered = await request.app[DATABASE].read(registered_document, code)
    return web.Response(text=verify_page(registered, code), content_type="text/html")


def verify_with(authority: CertificateAuthority, data: bytes) -> VerificationReport:
    """Verify against the CA's root and CRL as they are on disk now (blocking: run it in a thread)."""
    from eseal import verify_pdf  # pyHanko, loaded by the first verification (idle memory, #9)

    return verify_pdf(data, authority.trust_anchors())


@api.route("POST", "/api/verify", "核验 Verify a PDF's signatures offline against the local CA (public)",
           tag="documents", public=True, query=(QueryParam("code", "the document's verification code"),),
           raw_body=True)
async def verify(request: web.Request) -> web.StreamResponse:
    data = await read_body(request, MAX_VERIFY_BYTES,
                           PayloadTooLarge("文件太大（上限 20 MB）。", "The file is larger than 20 MB."))
    if not data:
        raise InvalidInput("请选择要核验的 PDF 文件。", "Send the PDF to verify as the request body.")
    try:
        report = await asyncio.to_thread(verify_with, request.app[AUTHORITY], data)
    except UnreadablePdf:
        raise InvalidInput("这不是可读的 PDF 文件。", "This is not a readable PDF file.", code=ErrorCode.UNREADABLE_PDF)
    registered = await request.app[DATABASE].read(
        registered_document, request.query.get("code", ""), hashlib.sha256(data).hexdigest()
    )
    return json_response({"report": report.as_json(), "registered": registered})
