"""Call recordings: a case's list, and replay with HTTP Range (every replay is logged)."""

from __future__ import annotations

from aiohttp import web

from recordings import serve_stored_file

from ..appkeys import ARCHIVE, DATABASE
from ..calls.stored_recordings import case_recordings, log_replay, recording_for_replay
from .damage import report_damage
from .routing import Api, account_of, act_of, json_response, path_int

api = Api()


@api.route("GET", "/api/cases/{case_id}/recordings", "通话录像 The case's call recordings, one file per party",
           tag="recordings")
async def recordings_of_case(request: web.Request) -> web.StreamResponse:
    found = await request.app[DATABASE].read(case_recordings, account_of(request), path_int(request, "case_id"))
    return json_response(found)


@api.route("GET", "/api/recordings/{recording_id}/media",
           "回放 A recording's WebM, with Range for seeking (the replay is audit-logged)",
           tag="recordings", produces="video/webm")
async def recording_media(request: web.Request) -> web.StreamResponse:
    database = request.app[DATABASE]
    row = await database.read(recording_for_replay, account_of(request), path_int(request, "recording_id"))

    async def starting() -> None:
        if starts_replay(request):
            await database.run(log_replay, act_of(request), row)

    return await serve_stored_file(request, request.app[ARCHIVE], row["digest"], row["media_type"],
                                   starting=starting, damaged=lambda error: report_damage(request, error))


def starts_replay(request: web.Request) -> bool:
    """A request from the file's start begins a replay; later ranges are seeks within it."""
    try:
        return request.http_range.start in (None, 0)
    except ValueError:  # a malformed Range: the replay helper answers 416
        return True
