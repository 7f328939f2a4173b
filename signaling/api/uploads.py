"""Scan uploads: start (or resume), send chunks, ask how far it got, complete."""

from __future__ import annotations

import asyncio
import base64
import binascii
import logging
import re

from aiohttp import web

from protocol.messages import ScanAdded
from protocol.words import CaseEvent, ErrorCode

from ..access.roles import Account
from ..appkeys import CLOCK, DATABASE, EVENTS, SCAN_INTAKE, SETTINGS, UPLOAD_STORE
from ..exceptions import CunnengError, InvalidInput
from ..scans.reuse import attach_earlier_scan, earlier_scans
from ..scans.upload_store import ChunkCut, require_digest
from ..scans.uploads import (
    UploadLimits,
    check_offset,
    confirmed_offset,
    load_upload,
    record_chunk,
    start_upload,
)
from . import schemas
from .routing import Api, account_of, act_of, body_of, json_response, path_int

logger = logging.getLogger(__name__)
api = Api()

# RFC 9530: Content-Digest: sha-256=:<base64 of the 32-byte digest>:
CONTENT_DIGEST = re.compile(r"sha-256=:([A-Za-z0-9+/=]{44}):")


def chunk_sha256(request: web.Request) -> str:
    """The chunk's SHA-256 (hex) from its Content-Digest header."""
    match = CONTENT_DIGEST.search(request.headers.get("Content-Digest", ""))
    try:
        digest = base64.b64decode(match.group(1), validate=True) if match else b""
    except binascii.Error:
        digest = b""
    if len(digest) != 32:
        raise InvalidInput("缺少这一段数据的校验值(Content-Digest: sha-256=:…:)。",
                           "Each chunk needs a Content-Digest: sha-256=:<base64>: header.",
                           code=ErrorCode.DIGEST_REQUIRED)
    return digest.hex()


@api.route("POST", "/api/cases/{case_id}/uploads",
           "开始上传扫描件 Start or resume uploading a scan to the case (village clerk): "
           "the same file already on the case is done at once", tag="scans", body=schemas.START_UPLOAD)
async def start(request: web.Request) -> web.StreamResponse:
    settings = request.app[SETTINGS]
    limits = UploadLimits(settings.upload_chunk_bytes, settings.scan_max_bytes, settings.upload_account_max_bytes)
    reply = await request.app[DATABASE].run(
        start_upload, act_of(request), path_int(request, "case_id"), body_of(request), limits
    )
    return json_response(reply)


@api.route("GET", "/api/cases/{case_id}/earlier-scans",
           "以前交过的材料 The villager's scans from their other cases, each with its first taking (village clerk)",
           tag="scans")
async def earlier(request: web.Request) -> web.StreamResponse:
    found = await request.app[DATABASE].read(earlier_scans, account_of(request), path_int(request, "case_id"))
    return json_response(found)


@api.route("POST", "/api/cases/{case_id}/earlier-scans",
           "用以前交过的材料 Attach one of the villager's earlier scans to this case, no new scan (village clerk)",
           tag="scans", body=schemas.REUSE_SCAN)
async def reuse(request: web.Request) -> web.StreamResponse:
    body, case_id = body_of(request), path_int(request, "case_id")
    document, audience = await request.app[DATABASE].run(
        attach_earlier_scan, act_of(request), case_id, body["document_id"], body.get("material") or None)
    added: ScanAdded = {"type": CaseEvent.SCAN_ADDED, "at": document["created_at"], "document": document}
    request.app[EVENTS].publish(case_id, added, audience)
    return json_response(document, status=201)


@api.route("GET", "/api/uploads/{upload_id}", "上传进度 How many bytes the server has confirmed, and while "
           "it checks a completed upload, how far the check has got", tag="scans")
async def progress(request: web.Request) -> web.StreamResponse:
    upload = await request.app[DATABASE].read(load_upload, account_of(request), request.match_info["upload_id"])
    return json_response({**upload.public(), "check": request.app[SCAN_INTAKE].checking(upload.id)})


@api.route("PUT", "/api/uploads/{upload_id}/chunks/{offset}",
           "上传一段 Send the chunk starting at offset (raw bytes, Content-Length and "
           "Content-Digest: sha-256=:…: required; up to chunks_in_flight chunks at once, confirmed "
           "in order); answers the confirmed offset", tag="scans", raw_body=True)
async def chunk(request: web.Request) -> web.StreamResponse:
    app, account = request.app, account_of(request)
    upload_id, offset = request.match_info["upload_id"], path_int(request, "offset")
    upload = await app[DATABASE].read(load_upload, account, upload_id)
    check_offset(upload, offset)
    expected = upload.chunk_length(offset, request.content_length)
    sha256 = chunk_sha256(request)
    store = app[UPLOAD_STORE]
    async with store.order.arriving(upload_id, offset):
        try:
            stored = await store.receive(upload_id, request.content, expected)
        except ChunkCut as cut:
            logger.info("case %s: %s", upload.case_id, cut)
            raise InvalidInput("这一段数据没有传完，请重发。", "The chunk was cut short: send it again.",
                               code=ErrorCode.CHUNK_CUT) from None
        try:
            require_digest(stored, sha256)
            await store.wait_turn(upload_id, offset, lambda: app[DATABASE].read(confirmed_offset, upload_id))
            confirmed = await app[DATABASE].run(
                record_chunk, account, upload_id, offset, stored.digest, expected, app[CLOCK]()
            )
        except CunnengError:  # refused: what it left on disk goes now, not at expiry
            await store.refuse(upload_id, stored.digest, lambda: confirmed_chunks(app, account, upload_id))
            raise
        except BaseException:
            await asyncio.shield(store.settle(upload_id, stored.digest))
            raise
        await store.settle(upload_id, stored.digest)
    return json_response(confirmed.public())


async def confirmed_chunks(app: web.Application, account: Account, upload_id: str) -> set[str]:
    return set((await app[DATABASE].read(load_upload, account, upload_id)).chunks)


@api.route("POST", "/api/uploads/{upload_id}/complete",
           "完成上传 Verify the whole file (SHA-256, content, limits), store it encrypted and "
           "notify the case's parties; safe to repeat", tag="scans")
async def complete(request: web.Request) -> web.StreamResponse:
    document = await request.app[SCAN_INTAKE].complete(act_of(request), request.match_info["upload_id"])
    return json_response({"state": "complete", "document": document})
