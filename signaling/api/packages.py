"""办件证据包: a case's package for auditors, one ZIP (the export is audit-logged and marked for the exporter)."""

from __future__ import annotations

import asyncio
import secrets

from aiohttp import web

from ..appkeys import ARCHIVE, AUTHORITY, DATABASE, SCAN_WORKERS, SETTINGS, TILES
from ..evidence.building import build_package
from ..evidence.contents import gather_case
from .routing import Api, act_of, content_disposition, path_int

api = Api()
PIECE = 1 << 20


@api.route("GET", "/api/cases/{case_id}/package",
           "证据包 The case in one signed ZIP: recordings, chat, snapshots, scans, documents, audit events with"
           " their chain hashes, a manifest signed by the server, an offline index.html (auditors; logged)",
           tag="cases", produces="application/zip")
async def case_package(request: web.Request) -> web.StreamResponse:
    app, act = request.app, act_of(request)
    contents = await app[DATABASE].run(gather_case, act, path_int(request, "case_id"))
    folder = app[SETTINGS].exports_dir
    folder.mkdir(mode=0o700, exist_ok=True)
    path = folder / f"{contents.case['id']}-{secrets.token_hex(8)}.zip"
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(app[SCAN_WORKERS], build_package, contents, path, app[ARCHIVE], app[TILES],
                               app[AUTHORITY], app[SETTINGS].checkpoints_dir)
    package = await loop.run_in_executor(None, open, path, "rb")
    path.unlink()  # the open file stays readable; nothing is left behind if the download breaks off
    try:
        response = web.StreamResponse(headers={
            "Content-Type": "application/zip", "Cache-Control": "private, no-store",
            "Content-Disposition": content_disposition(f"{contents.case['number']}-证据包.zip")})
        await response.prepare(request)
        while piece := await loop.run_in_executor(None, package.read, PIECE):
            await response.write(piece)
        await response.write_eof()
        return response
    finally:
        package.close()
