"""截图: the server takes a still — of a live call's participant, or of a recording being replayed —
marked for the taker and kept with the case."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from protocol.words import CaseEvent, ErrorCode
from recordings import NoPictureThere

from ..access.authz import authorize
from ..appkeys import ARCHIVE, CALL_CENTER, DATABASE, EVENTS, SCAN_WORKERS
from ..audit.acts import Act
from ..calls.snapshots import live_still, record_snapshot, recording_still, snapshot_case
from ..calls.stored_recordings import recording_for_replay
from ..cases.events import case_audience
from ..cases.handling import load_case
from ..exceptions import Conflict, ImageTooLarge, InvalidInput
from ..marks.pictures import marked_still
from ..marks.register import Marked, new_mark
from ..media.exceptions import StillTooLarge
from ..scans.sealed_stream import open_sealed
from . import schemas
from .routing import Api, act_of, body_of, json_response, path_int

api = Api()


@api.route("POST", "/api/calls/{call_id}/snapshot",
           "截图 A still of a participant's video, taken by the server, watermarked for the taker and kept "
           "with the case (approvers and reviewers who see the case)", tag="calls", body=schemas.SNAPSHOT, status=201)
async def live_snapshot(request: web.Request) -> web.StreamResponse:
    app, act = request.app, act_of(request)
    call_id, participant_id = request.match_info["call_id"], body_of(request)["participant_id"]
    case, review_units = await app[DATABASE].read(snapshot_case, act.actor, call_id, participant_id)
    media = app[CALL_CENTER].media
    if media is None:
        raise Conflict("本服务器没有开启视频。", "This server runs without the media hub.", code=ErrorCode.NO_MEDIA)
    try:
        still = await media.still(call_id, participant_id)
    except TimeoutError:
        raise Conflict("对方画面还没有到达，请稍后再截图。", "No picture from that participant yet: try again.",
                       code=ErrorCode.NO_PICTURE) from None
    except StillTooLarge as large:  # the sender's frame size: refused before decoding
        raise ImageTooLarge(f"{large.message}。", f"{large.message_en}.") from None
    return await kept_snapshot(request, act, (case, review_units), live_still(call_id, participant_id), still)


@api.route("POST", "/api/recordings/{recording_id}/snapshot",
           "录像截图 A still of a recording at a moment of the replay, watermarked for the taker and kept with "
           "the case (auditors, approvers who see the case)", tag="recordings", body=schemas.RECORDING_SNAPSHOT,
           status=201)
async def recording_snapshot(request: web.Request) -> web.StreamResponse:
    from recordings import still_at  # PyAV, loaded by the first replay still (idle memory, #9)

    app, act = request.app, act_of(request)
    recording = await app[DATABASE].read(recording_for_replay, act.actor, path_int(request, "recording_id"))
    case, review_units = await app[DATABASE].read(load_case, recording["case_id"])
    authorize(act.actor, "recording.snapshot", case, review_units)
    seconds = float(body_of(request)["at"])
    source = open_sealed([app[ARCHIVE].reader(recording["digest"])])
    try:
        still = await asyncio.get_running_loop().run_in_executor(app[SCAN_WORKERS], still_at, source, seconds)
    except NoPictureThere as nothing:
        raise InvalidInput(nothing.message_zh, nothing.message_en, code=ErrorCode.NO_PICTURE) from None
    finally:
        source.close()
    return await kept_snapshot(request, act, (case, review_units), recording_still(recording, seconds), still)


async def kept_snapshot(request: web.Request, act: Act, sent: tuple[dict[str, Any], list[str]], shows: Marked,
                        still: bytes) -> web.StreamResponse:
    """Mark the still for the taker, keep it clean and marked, register the mark, tell the case's audience
    (the case and the units it was sent to): 201 with the document."""
    app, loop = request.app, asyncio.get_running_loop()
    case, review_units = sent
    mark = await app[DATABASE].run(new_mark, act, case)
    shown = await loop.run_in_executor(app[SCAN_WORKERS], marked_still, still, mark)
    archive = app[ARCHIVE]
    clean, stored = await asyncio.gather(loop.run_in_executor(app[SCAN_WORKERS], archive.put, [still]),
                                         loop.run_in_executor(app[SCAN_WORKERS], archive.put, [shown]))
    document = await app[DATABASE].run(record_snapshot, act, case, shows, mark, clean, stored)
    app[EVENTS].publish(case["id"], {"type": CaseEvent.SNAPSHOT_TAKEN, "document": document},
                        case_audience(case, review_units))  # the others' case views show it at once
    return json_response({"document": document, "image_url": f"/api/documents/{document['id']}/file"}, status=201)
