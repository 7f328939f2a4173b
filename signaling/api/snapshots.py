"""截图: the server takes a still of a live call's participant, marked for the taker, kept with the case."""

from __future__ import annotations

import asyncio

from aiohttp import web

from ..appkeys import ARCHIVE, CALL_CENTER, DATABASE, SCAN_WORKERS
from ..exceptions import Conflict
from ..marks import new_mark
from ..snapshots import record_snapshot, snapshot_case
from ..watermarking import marked_still
from . import schemas
from .routing import Api, act_of, body_of, json_response

api = Api()


@api.route("POST", "/api/calls/{call_id}/snapshot",
           "截图 A still of a participant's video, taken by the server, watermarked for the taker and kept "
           "with the case (approvers and reviewers who see the case)", tag="calls", body=schemas.SNAPSHOT)
async def snapshot(request: web.Request) -> web.StreamResponse:
    app, act = request.app, act_of(request)
    call_id, participant_id = request.match_info["call_id"], body_of(request)["participant_id"]
    case = await app[DATABASE].run(snapshot_case, act.actor, call_id, participant_id)
    media = app[CALL_CENTER].media
    if media is None:
        raise Conflict("本服务器没有开启视频。", "This server runs without the media hub.", code="no_media")
    try:
        still = await media.still(call_id, participant_id)
    except TimeoutError:
        raise Conflict("对方画面还没有到达，请稍后再截图。", "No picture from that participant yet: try again.",
                       code="no_picture") from None
    mark = await app[DATABASE].run(new_mark, act, case)
    loop = asyncio.get_running_loop()
    shown = await loop.run_in_executor(app[SCAN_WORKERS], marked_still, still, mark)
    archive = app[ARCHIVE]
    clean, stored = await asyncio.gather(loop.run_in_executor(app[SCAN_WORKERS], archive.put, [still]),
                                         loop.run_in_executor(app[SCAN_WORKERS], archive.put, [shown]))
    document = await app[DATABASE].run(record_snapshot, act, case, call_id, participant_id, mark, clean, stored)
    return json_response({"document": document, "image_url": f"/api/documents/{document['id']}/file"}, status=201)
