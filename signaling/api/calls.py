"""A case's video consults as the pages read them: its calls (to join a live one) and their chat."""

from __future__ import annotations

import asyncio

from aiohttp import web

from ..appkeys import DATABASE, SCAN_WORKERS
from ..calls.call_records import case_calls, case_messages
from ..calls.transcript import chat_for_viewer, transcript_png
from ..marks.pictures import chat_background
from .routing import Api, account_of, act_of, content_disposition, json_response, path_int

api = Api()


@api.route("GET", "/api/cases/{case_id}/calls",
           "视频连线记录 The case's calls, newest first (a live one can be joined)", tag="calls")
async def calls(request: web.Request) -> web.StreamResponse:
    found = await request.app[DATABASE].read(case_calls, account_of(request), path_int(request, "case_id"))
    return json_response(found)


@api.route("GET", "/api/cases/{case_id}/messages",
           "通话留言 The chat of all the case's calls, oldest first", tag="calls")
async def messages(request: web.Request) -> web.StreamResponse:
    found = await request.app[DATABASE].read(case_messages, account_of(request), path_int(request, "case_id"))
    return json_response(found)


@api.route("GET", "/api/cases/{case_id}/chat-background.png",
           "聊天背景 The chat panel's background, watermarked for the viewer (PNG)", tag="calls", produces="image/png")
async def chat_background_image(request: web.Request) -> web.StreamResponse:
    mark, _, _ = await request.app[DATABASE].run(chat_for_viewer, act_of(request), path_int(request, "case_id"),
                                                 "chat_background")
    body = await asyncio.get_running_loop().run_in_executor(request.app[SCAN_WORKERS], chat_background, mark)
    return web.Response(body=body, content_type="image/png", headers={"Cache-Control": "private, no-store"})


@api.route("GET", "/api/cases/{case_id}/messages.png",
           "导出聊天记录 The case's chat as a picture, watermarked for the viewer (logged)", tag="calls",
           produces="image/png")
async def chat_transcript(request: web.Request) -> web.StreamResponse:
    mark, messages, case = await request.app[DATABASE].run(
        chat_for_viewer, act_of(request), path_int(request, "case_id"), "chat_transcript")
    body = await asyncio.get_running_loop().run_in_executor(
        request.app[SCAN_WORKERS], transcript_png, case["number"], messages, mark)
    name = content_disposition(f"{case['number']}-聊天记录.png")
    return web.Response(body=body, content_type="image/png",
                        headers={"Cache-Control": "private, no-store", "Content-Disposition": name})
